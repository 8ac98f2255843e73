/*
 * The one S-mode trap handler. Exceptions are printed (scause, stval and
 * the mode they came from) and skipped, except the U-mode ecall, which
 * returns to run_user's caller. Interrupts are acknowledged at their
 * source: the timer through SBI, the software interrupt in sip, the UART
 * through the PLIC's claim/complete.
 */
#include "exits.h"

volatile struct trap_note last_trap;
volatile unsigned interrupts_taken[16];
volatile int external_byte = -1;
/* Put before the handler's line when the step expects an implementation-specific trap. */
const char *volatile trap_prefix = "";
struct jump user_return;

#define PLIC_CLAIM (PLIC + 0x200004UL + 0x1000UL * PLIC_S_CONTEXT)

static void interrupt(uint64_t code)
{
	interrupts_taken[code & 15]++;
	switch (code) {
	case 1:
		csr_clear(sip, SIE_SSIE);
		put_string("  interrupt: supervisor software, sip.SSIP cleared\n");
		break;
	case 5:
		sbi_set_timer(~0UL);
		put_string("  interrupt: supervisor timer, timer disarmed\n");
		break;
	case 9: {
		volatile uint32_t *claim = (volatile uint32_t *)PLIC_CLAIM;
		volatile uint8_t *uart = (volatile uint8_t *)UART0;
		uint32_t source = *claim;
		uart[1] = 0; /* IER: no more receive interrupts, so RBR is read exactly once */
		external_byte = uart[0];
		*claim = source;
		put_string("  interrupt: supervisor external, claim=");
		put_signed(source);
		put_string(" byte='");
		sbi_putchar(external_byte);
		put_string("' completed\n");
		break;
	}
	default:
		show("  interrupt: unexpected scause", code | SCAUSE_INTERRUPT);
		sbi_shutdown();
	}
}

void trap(struct frame *frame)
{
	uint64_t scause = csr_read(scause);
	uint64_t stval = csr_read(stval);
	uint64_t from_s = csr_read(sstatus) & SSTATUS_SPP;
	if (scause & SCAUSE_INTERRUPT) {
		interrupt(scause & ~SCAUSE_INTERRUPT);
		return;
	}
	last_trap.count++;
	last_trap.scause = scause;
	last_trap.stval = stval;
	put_string(trap_prefix);
	put_string("  trap: scause=");
	put_hex(scause);
	put_string(" stval=");
	put_hex(stval);
	put_string(from_s ? " from S\n" : " from U\n");
	if (scause == 8 && !from_s)
		jump_back(&user_return);
	if (scause == 8 || scause == 9 || scause == 12) {
		/* Nothing to skip to: stop rather than loop. */
		put_string("unexpected trap, stopping\n");
		sbi_shutdown();
	}
	/* Skip the instruction: 2 bytes for a compressed (or all-zero) halfword, else 4. */
	uint16_t low = *(volatile uint16_t *)frame->regs[0];
	frame->regs[0] += (low & 3) == 3 ? 4 : 2;
}
