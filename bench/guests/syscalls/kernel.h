/* Declarations shared by the syscalls kernel's C files. */
#ifndef SYSCALLS_KERNEL_H
#define SYSCALLS_KERNEL_H

#include <stdint.h>
#include <stddef.h>
#include "layout.h"

/* --- sbi.c: console and shutdown through SBI --- */
void sbi_puts(const char *s);
void sbi_put_hex(uint64_t value, int digits);
void sbi_put_decimal(uint64_t value);
void sbi_shutdown(int failure) __attribute__((noreturn));

/* --- vm.c: Sv39 page tables --- */
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define SATP_SV39 (8UL << 60)

typedef uint64_t pte_t;
extern pte_t *root_table;
void *page_alloc(void);
void vm_init(void);
void vm_map_page(uint64_t va, uint64_t pa, uint64_t flags);
pte_t *vm_leaf(uint64_t va, int create);

/* --- trap.c --- */
struct trapframe {
	uint64_t regs[32]; /* regs[0] holds the pc */
	uint64_t kernel_sp;
};
void user_trap(struct trapframe *tf);
void panic(const char *what, uint64_t scause, uint64_t sepc, uint64_t stval) __attribute__((noreturn));
extern uint64_t syscall_count, page_fault_count;

/* --- start.S --- */
void enter_user(struct trapframe *frame) __attribute__((noreturn));

#define csr_read(name) ({ uint64_t v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define csr_write(name, v) __asm__ volatile("csrw " #name ", %0" : : "r"((uint64_t)(v)) : "memory")
#define csr_clear(name, v) __asm__ volatile("csrc " #name ", %0" : : "r"((uint64_t)(v)) : "memory")

#define SSTATUS_SPP (1UL << 8)

static inline void sfence_vma_page(uint64_t va) { __asm__ volatile("sfence.vma %0, zero" : : "r"(va) : "memory"); }
static inline void sfence_vma_all(void) { __asm__ volatile("sfence.vma zero, zero" : : : "memory"); }

#endif
