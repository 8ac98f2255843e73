/*
 * devices: one text, two ways out, and a disk.
 *
 *  [1] 4 KiB through the ns16550a UART, the emulated device: for every
 *      byte the driver reads LSR until THRE and writes THR. Two MMIO
 *      accesses per byte, and under a monitor every one is a VM exit.
 *  [2] The same 4 KiB through virtio-console, the paravirtual device: the
 *      text sits in memory, one descriptor points at it, one write to
 *      QueueNotify hands it over.
 *  [3] virtio-blk: identify the disk, read sector 0, write sector 1,
 *      flush, read it back.
 *  [4] virtio-rng: 16 bytes of its seeded stream; then DMA safety: a
 *      buffer outside guest RAM, which the device refuses, showing
 *      DEVICE_NEEDS_RESET until the guest resets it.
 *
 * A disk whose sector 0 starts with "VMSCOPE-CRASH" runs the crash
 * scenario instead of [3]: sector 2 written and flushed, 64 KiB from
 * sector 8 written without a flush, then the guest hangs for the test to
 * kill the emulator.
 */
#include <stdint.h>
#include "console.h"
#include "uart.h"
#include "virtio.h"
#include "blk.h"

#define TEXT_LINES 64
#define LINE_BYTES 64
#define TEXT_BYTES (TEXT_LINES * LINE_BYTES)

static char text[TEXT_BYTES];
static struct virtq_memory console_rx_memory, console_tx_memory, rng_memory;

/* 64 lines of 64 bytes, CR LF included, so both paths put the same bytes on the console. */
static void make_text(void)
{
	static const char words[] = "the same bytes, emulated or paravirtual";
	for (int line = 0; line < TEXT_LINES; line++) {
		char *out = text + line * LINE_BYTES;
		int n = 0;
		out[n++] = 'l';
		out[n++] = 'i';
		out[n++] = 'n';
		out[n++] = 'e';
		out[n++] = ' ';
		out[n++] = (char)('0' + line / 10);
		out[n++] = (char)('0' + line % 10);
		out[n++] = ':';
		out[n++] = ' ';
		for (const char *w = words; *w; w++)
			out[n++] = *w;
		while (n < LINE_BYTES - 2)
			out[n++] = '.';
		out[n++] = '\r';
		out[n++] = '\n';
	}
}

static void through_uart(void)
{
	for (int i = 0; i < TEXT_BYTES; i++)
		uart_putc(text[i]); /* LSR polled, then THR: see uart.c */
}

static int through_virtio_console(void)
{
	struct virtio_device console;
	struct virtq rx, tx;
	if (!virtio_find(VIRTIO_ID_CONSOLE, &console))
		return -1;
	if (!virtio_negotiate(&console, 0))
		return -2;
	/* Port 0 without MULTIPORT: receiveq 0, transmitq 1. */
	if (!virtio_queue_setup(&console, &rx, 0, &console_rx_memory) || !virtio_queue_setup(&console, &tx, 1, &console_tx_memory))
		return -3;
	virtio_driver_ok(&console);
	struct virtio_buffer buffer = { text, TEXT_BYTES, 0 };
	return virtq_request(&console, &tx, &buffer, 1) < 0 ? -4 : (int)console.slot;
}

/* [4]: random bytes, then a buffer at 0x1000 (the reset ROM, not RAM) for virtio-rng to fill. */
static void dma_outside_ram(void)
{
	struct virtio_device rng;
	struct virtq queue;
	if (!virtio_find(VIRTIO_ID_ENTROPY, &rng) || !virtio_negotiate(&rng, 0) || !virtio_queue_setup(&rng, &queue, 0, &rng_memory)) {
		kprintf("[4] no virtio-rng\n");
		return;
	}
	virtio_driver_ok(&rng);
	/* A good request first: 16 bytes of the seeded, repeatable stream. */
	static uint8_t random[16];
	struct virtio_buffer good = { random, sizeof random, 1 };
	long got = virtq_request(&rng, &queue, &good, 1);
	kprintf("[4] virtio-rng in slot %u gave %ld bytes:", rng.slot, got);
	for (unsigned i = 0; i < sizeof random; i++)
		kprintf(" %02x", random[i]);
	kprintf("\n");
	struct virtio_buffer bad = { (const void *)0x1000UL, 16, 1 };
	long result = virtq_request(&rng, &queue, &bad, 1);
	uint32_t status = virtio_read(&rng, VIRTIO_STATUS);
	kprintf("[4] virtio-rng asked to fill 0x1000 (outside RAM): request %s, status 0x%x, DEVICE_NEEDS_RESET %s\n",
		result < 0 ? "refused" : "served", status, status & VIRTIO_STATUS_NEEDS_RESET ? "set" : "clear");
	virtio_reset(&rng);
	kprintf("    after a reset the status reads 0x%x\n", virtio_read(&rng, VIRTIO_STATUS));
}

int main(unsigned long hartid, unsigned long dtb)
{
	(void)hartid;
	(void)dtb;
	make_text();
	kprintf("vmscope devices guest: one text through an emulated and a paravirtual device\n");
	kprintf("[1] %d bytes through the ns16550a UART (LSR polling, a register access per step):\n", TEXT_BYTES);
	through_uart();
	kprintf("[2] the same %d bytes through virtio-console (one buffer, one notification):\n", TEXT_BYTES);
	int slot = through_virtio_console();
	if (slot < 0) {
		kprintf("virtio-console failed (%d)\n", slot);
		return 1;
	}
	kprintf("[2] virtio-console in slot %d done\n", slot);
	int disk = blk_demo();
	if (disk < 0)
		return 1;
	dma_outside_ram();
	kprintf("done\n");
	return 0;
}
