/*
 * A minimal virtio-mmio driver (virtio 1.2 §4.2, modern/version 2) for the
 * samples: find a device by ID in QEMU virt's eight slots, negotiate
 * features, lay out split virtqueues of eight entries, submit descriptor
 * chains and wait for them. Paging is off, so a buffer's address is its
 * guest-physical address, which is what the device's DMA uses.
 */
#ifndef SAMPLES_VIRTIO_H
#define SAMPLES_VIRTIO_H

#include <stdint.h>

#define VIRTIO_MMIO_BASE 0x10001000UL
#define VIRTIO_MMIO_STRIDE 0x1000UL
#define VIRTIO_MMIO_SLOTS 8
#define VIRTIO_FIRST_IRQ 1

/* Registers (virtio 1.2 §4.2.2). */
#define VIRTIO_MAGIC 0x000
#define VIRTIO_VERSION 0x004
#define VIRTIO_DEVICE_ID 0x008
#define VIRTIO_DEVICE_FEATURES 0x010
#define VIRTIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_DRIVER_FEATURES 0x020
#define VIRTIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_QUEUE_SEL 0x030
#define VIRTIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_QUEUE_NUM 0x038
#define VIRTIO_QUEUE_READY 0x044
#define VIRTIO_QUEUE_NOTIFY 0x050
#define VIRTIO_INTERRUPT_STATUS 0x060
#define VIRTIO_INTERRUPT_ACK 0x064
#define VIRTIO_STATUS 0x070
#define VIRTIO_QUEUE_DESC 0x080
#define VIRTIO_QUEUE_DRIVER 0x090
#define VIRTIO_QUEUE_DEVICE 0x0a0
#define VIRTIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_CONFIG 0x100

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 0x40

#define VIRTIO_F_VERSION_1 (1ULL << 32)

/* Device IDs. */
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_ENTROPY 4
#define VIRTIO_ID_BALLOON 5

#define VIRTQ_SIZE 8
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* One queue's three areas, on a page of their own. */
struct virtq_memory {
	struct virtq_desc desc[VIRTQ_SIZE];
	struct {
		uint16_t flags;
		uint16_t idx;
		uint16_t ring[VIRTQ_SIZE];
		uint16_t used_event;
	} avail;
	uint8_t pad[2];
	struct {
		uint16_t flags;
		uint16_t idx;
		struct {
			uint32_t id;
			uint32_t len;
		} ring[VIRTQ_SIZE];
		uint16_t avail_event;
	} used;
} __attribute__((aligned(4096)));

struct virtq {
	unsigned index;
	struct virtq_memory *memory;
	uint16_t next_avail; /* our copy of avail.idx */
	uint16_t last_used; /* used entries already taken */
};

struct virtio_device {
	unsigned long base;
	unsigned slot;
	unsigned irq;
};

/* A buffer of a chain: device-readable ones first, then device-writable (write = 1). */
struct virtio_buffer {
	const void *address;
	uint32_t length;
	int write;
};

/* First device with this ID; 0 when none (the slot address and PLIC IRQ are filled in). */
int virtio_find(unsigned device_id, struct virtio_device *device);
/* Reset, ACKNOWLEDGE, DRIVER, features (wanted ∩ offered, VERSION_1 required), FEATURES_OK; the accepted set, or 0 when refused. */
uint64_t virtio_negotiate(struct virtio_device *device, uint64_t wanted);
/* Queue `index` on `memory`: size VIRTQ_SIZE, areas given to the device, ready. */
int virtio_queue_setup(struct virtio_device *device, struct virtq *queue, unsigned index, struct virtq_memory *memory);
void virtio_driver_ok(struct virtio_device *device);
void virtio_reset(struct virtio_device *device);

/* Lays out a chain at descriptor 0.. and offers it; no notification yet. */
void virtq_offer(struct virtq *queue, const struct virtio_buffer *buffers, unsigned count);
void virtio_notify(struct virtio_device *device, struct virtq *queue);
/* A used element taken off the ring: its byte count, or -1 when there is none yet. */
long virtq_take_used(struct virtq *queue);
/* Offer, notify, and poll the used ring: the bytes the device wrote, -1 when it stopped (DEVICE_NEEDS_RESET). */
long virtq_request(struct virtio_device *device, struct virtq *queue, const struct virtio_buffer *buffers, unsigned count);

uint32_t virtio_read(struct virtio_device *device, unsigned offset);
void virtio_write(struct virtio_device *device, unsigned offset, uint32_t value);

#endif
