/*
 * virtio-blk (virtio 1.2 §5.2): a request is a 16-byte header (type,
 * sector), the data, and a status byte the device writes, in one chain.
 */
#include <stdint.h>
#include "console.h"
#include "virtio.h"
#include "blk.h"

#define VIRTIO_BLK_F_FLUSH (1ULL << 9)
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define SECTOR 512
#define CRASH_SECTORS 128 /* 64 KiB written, never flushed */

struct blk_header {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

static struct virtio_device disk;
static struct virtq queue;
static struct virtq_memory queue_memory;
static struct blk_header header;
static volatile uint8_t status;
static uint8_t data[CRASH_SECTORS * SECTOR];

/* One request; the status byte (0 = OK), or -1 when the device stopped. */
static int request(uint32_t type, uint64_t sector, void *buffer, uint32_t length, int device_writes)
{
	header.type = type;
	header.sector = sector;
	status = 0xff;
	struct virtio_buffer chain[3] = { { &header, sizeof header, 0 } };
	unsigned n = 1;
	if (length > 0)
		chain[n++] = (struct virtio_buffer){ buffer, length, device_writes };
	chain[n++] = (struct virtio_buffer){ (const void *)&status, 1, 1 };
	if (virtq_request(&disk, &queue, chain, n) < 0)
		return -1;
	return status;
}

static int starts_with(const uint8_t *bytes, const char *prefix)
{
	for (; *prefix; prefix++, bytes++)
		if (*bytes != (uint8_t)*prefix)
			return 0;
	return 1;
}

static void fill(uint8_t *bytes, unsigned length, uint8_t value)
{
	for (unsigned i = 0; i < length; i++)
		bytes[i] = value;
}

/* A, flushed; B, not; then hang: whatever kills the emulator now must leave A whole and B whole or absent. */
static void crash_scenario(void)
{
	fill(data, SECTOR, 'A');
	int a = request(VIRTIO_BLK_T_OUT, 2, data, SECTOR, 0);
	int flushed = request(VIRTIO_BLK_T_FLUSH, 0, 0, 0, 0);
	kprintf("[3] crash test: A written to sector 2 (status %d), flushed (status %d)\n", a, flushed);
	fill(data, sizeof data, 'B');
	int b = request(VIRTIO_BLK_T_OUT, 8, data, sizeof data, 0);
	kprintf("[3] crash test: B written to sectors 8..%d (status %d), not flushed; hanging\n", 8 + CRASH_SECTORS - 1, b);
	for (;;)
		__asm__ volatile("wfi");
}

int blk_demo(void)
{
	if (!virtio_find(VIRTIO_ID_BLOCK, &disk)) {
		kprintf("[3] no virtio-blk disk (run with --drive FILE)\n");
		return 0;
	}
	uint64_t features = virtio_negotiate(&disk, VIRTIO_BLK_F_FLUSH);
	if (!features || !virtio_queue_setup(&disk, &queue, 0, &queue_memory)) {
		kprintf("[3] virtio-blk refused the driver\n");
		return -1;
	}
	virtio_driver_ok(&disk);
	uint32_t capacity = virtio_read(&disk, VIRTIO_CONFIG); /* low word of the 64-bit capacity */
	char id[21] = { 0 };
	int got_id = request(VIRTIO_BLK_T_GET_ID, 0, id, 20, 1);
	kprintf("[3] virtio-blk in slot %u: %u sectors, id \"%s\" (status %d), flush %s\n", disk.slot, capacity, id, got_id,
		features & VIRTIO_BLK_F_FLUSH ? "offered" : "absent");
	if (request(VIRTIO_BLK_T_IN, 0, data, SECTOR, 1) != 0) {
		kprintf("[3] reading sector 0 failed\n");
		return -1;
	}
	if (starts_with(data, "VMSCOPE-CRASH"))
		crash_scenario();
	char label[33];
	for (int i = 0; i < 32; i++)
		label[i] = data[i] >= ' ' && data[i] < 127 ? (char)data[i] : '.';
	label[32] = 0;
	kprintf("[3] sector 0 reads \"%s\"\n", label);
	for (int i = 0; i < SECTOR; i++)
		data[i] = (uint8_t)(i ^ 0x5a);
	int wrote = request(VIRTIO_BLK_T_OUT, 1, data, SECTOR, 0);
	int flushed = request(VIRTIO_BLK_T_FLUSH, 0, 0, 0, 0);
	fill(data, SECTOR, 0);
	int read = request(VIRTIO_BLK_T_IN, 1, data, SECTOR, 1);
	int same = 1;
	for (int i = 0; i < SECTOR; i++)
		same &= data[i] == (uint8_t)(i ^ 0x5a);
	kprintf("[3] sector 1 written (status %d), flushed (status %d), read back (status %d): %s\n", wrote, flushed, read,
		same ? "identical" : "DIFFERENT");
	return same ? 0 : -1;
}
