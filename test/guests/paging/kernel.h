/* Declarations shared by the kernel's C files. */
#ifndef PAGING_KERNEL_H
#define PAGING_KERNEL_H

#include <stdint.h>
#include <stddef.h>
#include "layout.h"

/* --- console.c: two consoles, one formatter --- */
enum console_kind { CONSOLE_SBI, CONSOLE_UART };
void console_use(enum console_kind kind);
void kprintf(const char *format, ...);
void console_write(const char *bytes, size_t length);

/* --- sbi.c: SBI v2.0 standard calls only --- */
struct sbiret {
	long error;
	long value;
};
int sbi_probe(unsigned long extension);
void sbi_putchar(char c);
void sbi_set_timer(uint64_t stime_value);
void sbi_shutdown(int failure) __attribute__((noreturn));
void sbi_console_setup(void);

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
void *page_alloc(void);
void vm_init_kernel(void);
pte_t *vm_new_user_root(void);
pte_t *vm_leaf(pte_t *root, uint64_t va, int create);
void vm_map_page(pte_t *root, uint64_t va, uint64_t pa, uint64_t flags);
uint64_t vm_satp(pte_t *root, uint64_t asid);
extern pte_t *kernel_root;
void vm_describe(pte_t *root, uint64_t va);

/* --- proc.c: processes and the round-robin scheduler --- */
struct trapframe {
	uint64_t regs[32]; /* regs[0] holds the pc */
	uint64_t kernel_sp;
};
enum proc_state { PROC_UNUSED, PROC_RUNNABLE, PROC_EXITED };
#define MAX_PROCS 2
struct proc {
	int pid; /* 1 or 2, also the address space's ASID */
	enum proc_state state;
	int program;
	pte_t *root;
	uint8_t *mailbox[2]; /* physical pages; mailbox[0] is mapped at first */
	struct trapframe tf;
};
extern struct proc procs[MAX_PROCS];
extern struct proc *current;
void proc_create(int pid, int program);
void proc_run_all(void);
void schedule_next(void) __attribute__((noreturn));
void proc_exit(struct proc *p);

/* --- syscall.c --- */
void do_syscall(struct trapframe *tf) __attribute__((noreturn));

/* --- trap.c: traps from user mode and from the kernel --- */
void user_trap(struct trapframe *tf) __attribute__((noreturn));
void timer_phase_begin(uint64_t interval, unsigned ticks_needed);
extern unsigned long demand_faults;
extern int spinner_preempted;
const char *cause_name(uint64_t scause);
struct guarded_fault_info {
	uint64_t scause;
	uint64_t stval;
};
extern struct guarded_fault_info last_guarded_fault;

/* --- start.S --- */
void enter_user(struct trapframe *frame) __attribute__((noreturn));
struct kjmp {
	uint64_t regs[14];
};
int kjmp_save(struct kjmp *context);
void kjmp_jump(struct kjmp *context) __attribute__((noreturn));
long guarded_copy(void *dst, const void *src, size_t length);
long guarded_store(uint64_t address, uint64_t value);
extern char guarded_start[], guarded_end[], guarded_fault[];

/* CSR helpers. */
#define csr_read(name) ({ uint64_t v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define csr_write(name, v) __asm__ volatile("csrw " #name ", %0" : : "r"((uint64_t)(v)) : "memory")
#define csr_set(name, v) __asm__ volatile("csrs " #name ", %0" : : "r"((uint64_t)(v)) : "memory")
#define csr_clear(name, v) __asm__ volatile("csrc " #name ", %0" : : "r"((uint64_t)(v)) : "memory")

#define SSTATUS_SUM (1UL << 18)
#define SIE_STIE (1UL << 5)
#define SCAUSE_INTERRUPT (1UL << 63)

static inline void sfence_vma_all(void) { __asm__ volatile("sfence.vma zero, zero" : : : "memory"); }
static inline void sfence_vma_asid(uint64_t asid) { __asm__ volatile("sfence.vma zero, %0" : : "r"(asid) : "memory"); }
static inline void sfence_vma_page(uint64_t va, uint64_t asid) { __asm__ volatile("sfence.vma %0, %1" : : "r"(va), "r"(asid) : "memory"); }

void copy_bytes(void *dst, const void *src, size_t length);
void zero_page(void *page);

#endif
