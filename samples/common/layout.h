/*
 * Constants shared by the common library's C and assembly: the board's
 * addresses (QEMU virt) and the library's own sizes.
 */
#ifndef SAMPLES_LAYOUT_H
#define SAMPLES_LAYOUT_H

#define MAX_HARTS 4
#define HART_STACK_SHIFT 14 /* 16 KiB of stack per hart */

#define KERNEL_BASE 0x80200000UL /* where fw_jump enters the kernel */
#define FREE_MEMORY 0x80400000UL /* above the kernel image (link.ld checks) */
#define UART0_BASE 0x10000000UL
#define UART0_IRQ 10
#define PLIC_BASE 0x0c000000UL

#define PAGE_SIZE 4096

/*
 * Trap frame (trap-entry.S builds it on the kernel stack): x1..x31 in
 * slots 1..31 (slot 0 unused), then sepc, sstatus, scause, stval.
 */
#define TF_SEPC (32 * 8)
#define TF_SSTATUS (33 * 8)
#define TF_SCAUSE (34 * 8)
#define TF_STVAL (35 * 8)
#define TF_SIZE (36 * 8)

#endif
