/*
 * balloon: a tiny virtio-balloon driver (virtio 1.2 §5.5).
 *
 * The host wants memory back and says how much in config num_pages (4 KiB
 * pages; `--balloon MIB` at start, later the debugger). The driver takes
 * that many pages out of its own use and lists their frame numbers on the
 * inflate queue; the host frees the memory behind them. When the target
 * drops, the driver lists pages on the deflate queue and may use them
 * again: they come back zeroed. The driver reports the balloon's size in
 * config `actual`, and its memory figures on the statistics queue.
 *
 * The "workload" is a 32 MiB pool of pages the guest has written, so they
 * are resident in the host before the balloon takes them. After following
 * the host, the guest plays memory pressure: with DEFLATE_ON_OOM it may
 * take pages back from the balloon without asking.
 */
#include <stdint.h>
#include "console.h"
#include "csr.h"
#include "plic.h"
#include "sbi.h"
#include "trap.h"
#include "virtio.h"

#define VIRTIO_BALLOON_F_STATS_VQ (1ULL << 1)
#define VIRTIO_BALLOON_F_DEFLATE_ON_OOM (1ULL << 2)
#define CONFIG_NUM_PAGES (VIRTIO_CONFIG + 0)
#define CONFIG_ACTUAL (VIRTIO_CONFIG + 4)
#define INTERRUPT_CONFIG_CHANGE 2
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

#define POOL_BASE 0x80800000UL
#define POOL_PAGES 8192 /* 32 MiB */
#define PFNS_PER_REQUEST 256 /* as Linux's VIRTIO_BALLOON_ARRAY_PFNS_MAX */
#define OOM_PAGES 256
#define WAIT_SPINS 1000000 /* how long the guest waits for a new target */

enum { INFLATE, DEFLATE, STATS };

static struct virtio_device balloon;
static struct virtq queues[3];
static struct virtq_memory queue_memory[3];
static uint32_t pfns[PFNS_PER_REQUEST];
/* The balloon holds pool pages [0, held). */
static unsigned held;
static uint64_t features;
static volatile int config_changed;
static volatile unsigned interrupts;

struct stat_record {
	uint16_t tag;
	uint64_t value;
} __attribute__((packed));
static struct stat_record stats[2];

static unsigned long pool_page(unsigned index) { return POOL_BASE + (unsigned long)index * PAGE_SIZE; }

void sample_trap(struct trap_frame *tf)
{
	if (tf->scause != (SCAUSE_INTERRUPT | IRQ_S_EXT)) {
		kprintf("panic: unexpected %s at %p\n", cause_name(tf->scause), (void *)tf->sepc);
		sbi_shutdown(1);
	}
	unsigned irq = plic_claim(0);
	if (irq == balloon.irq) {
		uint32_t status = virtio_read(&balloon, VIRTIO_INTERRUPT_STATUS);
		virtio_write(&balloon, VIRTIO_INTERRUPT_ACK, status);
		if (status & INTERRUPT_CONFIG_CHANGE)
			config_changed = 1;
		interrupts++;
	}
	if (irq)
		plic_complete(0, irq);
}

/* Sends `count` frame numbers from `pfns` on the inflate or deflate queue. */
static void send_pfns(int queue, unsigned count)
{
	struct virtio_buffer buffer = { pfns, count * 4, 0 };
	virtq_request(&balloon, &queues[queue], &buffer, 1);
}

static void send_stats(void)
{
	stats[0] = (struct stat_record){ 5, (uint64_t)POOL_PAGES * PAGE_SIZE }; /* total-memory */
	stats[1] = (struct stat_record){ 4, (uint64_t)(POOL_PAGES - held) * PAGE_SIZE }; /* free-memory */
	struct virtio_buffer buffer = { stats, sizeof stats, 0 };
	virtq_offer(&queues[STATS], &buffer, 1);
	virtio_notify(&balloon, &queues[STATS]); /* the device keeps it until it wants new figures */
}

/* Inflates or deflates to `target` pages, PFNS_PER_REQUEST at a time; tells the host `actual`. */
static void follow(unsigned target)
{
	while (held < target) {
		unsigned n = 0;
		while (n < PFNS_PER_REQUEST && held < target)
			pfns[n++] = (uint32_t)(pool_page(held++) >> 12);
		send_pfns(INFLATE, n);
	}
	while (held > target) {
		unsigned n = 0;
		while (n < PFNS_PER_REQUEST && held > target)
			pfns[n++] = (uint32_t)(pool_page(--held) >> 12);
		send_pfns(DEFLATE, n);
	}
	virtio_write(&balloon, CONFIG_ACTUAL, held);
}

/* Writes every page of pool [first, end): the workload uses its memory. */
static void touch(unsigned first, unsigned end)
{
	for (unsigned i = first; i < end; i++)
		*(volatile uint64_t *)pool_page(i) = 0x766d73636f7065UL + i;
}

/* True when every byte of pool pages [first, end) reads zero. */
static int zeroed(unsigned first, unsigned end)
{
	for (unsigned i = first; i < end; i++)
		for (unsigned long a = pool_page(i); a < pool_page(i + 1); a += 8)
			if (*(volatile uint64_t *)a != 0)
				return 0;
	return 1;
}

/* Spins until the host changes the target (config-change interrupt) or WAIT_SPINS pass. */
static int wait_for_host(void)
{
	for (unsigned long spin = 0; spin < WAIT_SPINS; spin++) {
		if (config_changed) {
			config_changed = 0;
			return 1;
		}
		if (virtq_take_used(&queues[STATS]) >= 0)
			send_stats(); /* the device gave the statistics buffer back: fresh figures */
	}
	return 0;
}

int main(unsigned long hartid, unsigned long dtb)
{
	(void)dtb;
	kprintf("vmscope balloon guest: giving memory back to the host\n");
	if (!virtio_find(VIRTIO_ID_BALLOON, &balloon)) {
		kprintf("no virtio-balloon\n");
		return 1;
	}
	features = virtio_negotiate(&balloon, VIRTIO_BALLOON_F_STATS_VQ | VIRTIO_BALLOON_F_DEFLATE_ON_OOM);
	for (int q = INFLATE; q <= STATS; q++) {
		if (!virtio_queue_setup(&balloon, &queues[q], q, &queue_memory[q])) {
			kprintf("queue %d refused\n", q);
			return 1;
		}
		queue_memory[q].avail.flags = VIRTQ_AVAIL_F_NO_INTERRUPT; /* the driver polls the used rings */
	}
	virtio_driver_ok(&balloon);
	kprintf("virtio-balloon in slot %u (IRQ %u), features:%s%s\n", balloon.slot, balloon.irq,
		features & VIRTIO_BALLOON_F_STATS_VQ ? " STATS_VQ" : "", features & VIRTIO_BALLOON_F_DEFLATE_ON_OOM ? " DEFLATE_ON_OOM" : "");
	plic_enable(hartid, balloon.irq);
	csr_set(sie, SIE_SEIE);
	csr_set(sstatus, SSTATUS_SIE);
	send_stats();

	touch(0, POOL_PAGES);
	kprintf("workload: %u KiB of pages written\n", POOL_PAGES * 4);
	for (;;) {
		unsigned target = virtio_read(&balloon, CONFIG_NUM_PAGES);
		if (target > POOL_PAGES)
			target = POOL_PAGES; /* more than the pool: give what there is */
		unsigned before = held;
		follow(target);
		kprintf("target %u pages (%u MiB): balloon %s, holds %u pages\n", target, target / 256,
			held > before ? "inflated" : held < before ? "deflated" : "unchanged", held);
		if (held < before) {
			/* Deflated pages are ours again, zeroed by the host: check, then use them. */
			int zero = zeroed(held, before);
			touch(held, before);
			kprintf("%u pages back: read zero %s, written again\n", before - held, zero ? "yes" : "NO");
		}
		if (!wait_for_host())
			break;
	}
	kprintf("no new target from the host\n");
	if ((features & VIRTIO_BALLOON_F_DEFLATE_ON_OOM) && held >= OOM_PAGES) {
		/* Memory pressure: DEFLATE_ON_OOM lets the guest take pages back without a lower target. */
		unsigned before = held;
		follow(held - OOM_PAGES);
		kprintf("memory pressure: deflate-on-oom took %u pages back, balloon holds %u\n", before - held, held);
		kprintf("returned pages read zero: %s\n", zeroed(held, before) ? "yes" : "NO");
	}
	kprintf("config-change interrupts: %s\n", interrupts ? "taken" : "none");
	return 0;
}
