/*
 * Traps from the user program: system calls (ecall) and page faults in the
 * heap, which map a fresh zeroed page and retry the instruction. Anything
 * else is a bug in this guest (or in the machine running it) and stops the
 * run with SBI SRST "system failure".
 */
#include "kernel.h"

uint64_t syscall_count, page_fault_count;

void panic(const char *what, uint64_t scause, uint64_t sepc, uint64_t stval)
{
	sbi_puts("kernel panic: ");
	sbi_puts(what);
	sbi_puts(" (scause 0x");
	sbi_put_hex(scause, 16);
	sbi_puts(", sepc 0x");
	sbi_put_hex(sepc, 16);
	sbi_puts(", stval 0x");
	sbi_put_hex(stval, 16);
	sbi_puts(")\n");
	sbi_shutdown(1);
}

/* SplitMix64's finaliser over the arguments and the call count: cheap, but every bit matters. */
static uint64_t mix(uint64_t value, uint64_t index)
{
	uint64_t x = value ^ (index * 0x9e3779b97f4a7c15UL) ^ syscall_count;
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9UL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebUL;
	return x ^ (x >> 31);
}

static void sys_exit(uint64_t checksum)
{
	sbi_puts("syscalls: ");
	sbi_put_decimal(syscall_count);
	sbi_puts(" system calls, ");
	sbi_put_decimal(page_fault_count);
	sbi_puts(" page faults, checksum 0x");
	sbi_put_hex(checksum, 16);
	sbi_puts("\n");
	sbi_shutdown(0);
}

static void page_fault(uint64_t scause, uint64_t sepc, uint64_t stval)
{
	uint64_t page = stval & ~(uint64_t)(PAGE_SIZE - 1);
	if (stval < USER_HEAP || stval >= USER_HEAP + USER_HEAP_PAGES * PAGE_SIZE)
		panic("user fault outside the heap", scause, sepc, stval);
	pte_t *pte = vm_leaf(page, 1);
	if (*pte & PTE_V)
		panic("fault on a mapped heap page", scause, sepc, stval);
	/* A and D preset: the benchmark measures faults the kernel handles, not A/D updates. */
	*pte = (((uint64_t)page_alloc() >> 12) << 10) | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D | PTE_V;
	sfence_vma_page(page);
	page_fault_count++;
}

void user_trap(struct trapframe *tf)
{
	uint64_t scause = csr_read(scause);
	if (scause == 8) {
		uint64_t *a = &tf->regs[10];
		tf->regs[0] += 4; /* past the ecall */
		syscall_count++;
		switch (tf->regs[17]) {
		case SYS_MIX:
			a[0] = mix(a[0], a[1]);
			return;
		case SYS_EXIT:
			sys_exit(a[0]);
		}
		panic("unknown system call", scause, tf->regs[0] - 4, tf->regs[17]);
	}
	if (scause == 12 || scause == 13 || scause == 15) {
		page_fault(scause, tf->regs[0], csr_read(stval));
		return;
	}
	panic("unexpected trap from user mode", scause, tf->regs[0], csr_read(stval));
}
