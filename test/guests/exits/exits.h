/* Declarations shared by the exits guest's files. */
#ifndef EXITS_H
#define EXITS_H

#include <stdint.h>
#include <stddef.h>

/* --- console.c: SBI legacy putchar (served by OpenSBI 1.1 and the monitor alike) --- */
void put_string(const char *text);
void put_hex(uint64_t value);
void put_signed(long value);
/* "label=0x…\n" */
void show(const char *label, uint64_t value);

/* --- sbi.c --- */
struct sbiret {
	long error;
	long value;
};
struct sbiret sbi_call(unsigned long eid, unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2,
		       unsigned long a3, unsigned long a4);
/* "name: error=… value=…\n", with `prefix` ("" or "impl: ") in front. */
void show_sbiret(const char *prefix, const char *name, struct sbiret ret);
void sbi_putchar(int c);
void sbi_set_timer(uint64_t deadline);
void sbi_shutdown(void) __attribute__((noreturn));

#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_GETCHAR 0x02
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464e43
#define SBI_EXT_HSM 0x48534d
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_DBCN 0x4442434e
#define SBI_ERR_NOT_SUPPORTED (-2)

/* --- trap.c: one handler for everything taken into S-mode --- */
struct frame {
	uint64_t regs[32]; /* regs[0] holds sepc */
};
struct trap_note {
	uint64_t count;
	uint64_t scause;
	uint64_t stval;
};
/* The last exception the handler saw (the steps print it). */
extern volatile struct trap_note last_trap;
/* Interrupts taken, by cause (1 software, 5 timer, 9 external). */
extern volatile unsigned interrupts_taken[16];
extern volatile int external_byte;
void trap(struct frame *frame);

/* --- start.S --- */
void trap_entry(void);
struct jump {
	uint64_t regs[14];
};
int jump_save(struct jump *context);
void jump_back(struct jump *context) __attribute__((noreturn));
/* sret to user_code in U-mode; returns (through jump_back) when it ecalls. */
void run_user(void (*user_code)(void));
void user_ecall(void);
extern struct jump user_return;

/* --- the steps, in the order main runs them --- */
void step_csrs(void);

void step_paging(void);
void step_timer(void);
void step_ipi(void);
void step_sbi(void);
void step_external(void);
void step_exceptions(void);

/* CSR helpers. */
#define csr_read(name) ({ uint64_t v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define csr_write(name, v) __asm__ volatile("csrw " #name ", %0" : : "r"((uint64_t)(v)) : "memory")
#define csr_set(name, v) __asm__ volatile("csrs " #name ", %0" : : "r"((uint64_t)(v)) : "memory")
#define csr_clear(name, v) __asm__ volatile("csrc " #name ", %0" : : "r"((uint64_t)(v)) : "memory")
#define csr_swap(name, v) ({ uint64_t o_; __asm__ volatile("csrrw %0, " #name ", %1" : "=r"(o_) : "r"((uint64_t)(v)) : "memory"); o_; })

#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_SUM (1UL << 18)
#define SSTATUS_MXR (1UL << 19)
#define SIE_SSIE (1UL << 1)
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)
#define SCAUSE_INTERRUPT (1UL << 63)

/* QEMU virt devices. */
#define UART0 0x10000000UL
#define UART_IRQ 10
#define PLIC 0x0c000000UL
#define PLIC_S_CONTEXT 1 /* hart 0, S-mode */
#define CLINT_MTIME 0x0200bff8UL

static inline uint64_t time_now(void) { return csr_read(time); }

#endif
