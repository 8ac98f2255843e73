/* A riscv-tests style guest: no UART, only HTIF. It prints through the
   console device (device 1, command 1 = putchar), then through a
   magic_mem SYS_write block, then ends with the code in EXIT_CODE
   (tohost = code << 1 | 1). Built twice: exit 0 (pass) and exit 3 (fail). */
  .section .text.init
  .globl _start
_start:
  la sp, stack_top
  la s0, message
1:lbu a0, 0(s0)
  beqz a0, 2f
  li t0, 0x0101000000000000   /* device 1, command 1: putchar */
  or t0, t0, a0
  call htif_send
  addi s0, s0, 1
  j 1b
2:la t0, syscall_block
  call htif_send                /* device 0, command 0: magic_mem syscall */
  li t0, (EXIT_CODE << 1) | 1
  call htif_send
3:j 3b

/* Writes t0 to tohost and waits until the host has taken it. */
htif_send:
  la t1, tohost
  sd t0, 0(t1)
4:ld t2, 0(t1)
  bnez t2, 4b
  ret

  .section .rodata
message:
  .asciz "HTIF putchar works\n"
text:
  .ascii "HTIF SYS_write works\n"
text_end:

  .data
  .balign 8
syscall_block:
  .dword 64, 1, text, text_end - text, 0, 0, 0, 0

  .section .tohost, "aw", @progbits
  .balign 64
  .globl tohost
tohost: .dword 0
  .size tohost, 8
  .balign 64
  .globl fromhost
fromhost: .dword 0
  .size fromhost, 8

  .bss
  .balign 16
  .space 1024
stack_top:
