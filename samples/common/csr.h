/* CSR access and the supervisor CSR bits the samples use (privileged spec names). */
#ifndef SAMPLES_CSR_H
#define SAMPLES_CSR_H

#include <stdint.h>

/* Two levels, so a CSR given as a macro (CSR_STIMECMP) expands to its number first. */
#define csr_read(name) csr_read_(name)
#define csr_write(name, v) csr_write_(name, v)
#define csr_set(name, v) csr_set_(name, v)
#define csr_clear(name, v) csr_clear_(name, v)
#define csr_read_(name) ({ uint64_t v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define csr_write_(name, v) __asm__ volatile("csrw " #name ", %0" : : "r"((uint64_t)(v)) : "memory")
#define csr_set_(name, v) __asm__ volatile("csrs " #name ", %0" : : "r"((uint64_t)(v)) : "memory")
#define csr_clear_(name, v) __asm__ volatile("csrc " #name ", %0" : : "r"((uint64_t)(v)) : "memory")

/* Sstc's stimecmp by number: older assemblers do not know its name. */
#define CSR_STIMECMP 0x14d

#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_SUM (1UL << 18)

#define SIE_SSIE (1UL << 1)
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)
#define SIP_SSIP SIE_SSIE

#define SCAUSE_INTERRUPT (1UL << 63)
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define EXC_ILLEGAL_INSTRUCTION 2
#define EXC_BREAKPOINT 3
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INSTRUCTION_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

#define SATP_MODE_SV39 (8UL << 60)

static inline uint64_t read_time(void) { return csr_read(time); }
static inline void sfence_vma_all(void) { __asm__ volatile("sfence.vma zero, zero" : : : "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" : : : "memory"); }

#endif
