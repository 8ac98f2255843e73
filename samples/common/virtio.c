/* The virtio-mmio driver of virtio.h. */
#include "virtio.h"

#define MAGIC_VIRT 0x74726976 /* "virt" */

static volatile uint32_t *reg(struct virtio_device *device, unsigned offset)
{
	return (volatile uint32_t *)(device->base + offset);
}

uint32_t virtio_read(struct virtio_device *device, unsigned offset) { return *reg(device, offset); }

void virtio_write(struct virtio_device *device, unsigned offset, uint32_t value) { *reg(device, offset) = value; }

int virtio_find(unsigned device_id, struct virtio_device *device)
{
	for (unsigned slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++) {
		device->base = VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_STRIDE;
		device->slot = slot;
		device->irq = VIRTIO_FIRST_IRQ + slot;
		if (virtio_read(device, VIRTIO_MAGIC) == MAGIC_VIRT && virtio_read(device, VIRTIO_VERSION) == 2 &&
		    virtio_read(device, VIRTIO_DEVICE_ID) == device_id)
			return 1;
	}
	return 0;
}

void virtio_reset(struct virtio_device *device) { virtio_write(device, VIRTIO_STATUS, 0); }

uint64_t virtio_negotiate(struct virtio_device *device, uint64_t wanted)
{
	virtio_reset(device);
	virtio_write(device, VIRTIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_write(device, VIRTIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	virtio_write(device, VIRTIO_DEVICE_FEATURES_SEL, 0);
	uint64_t offered = virtio_read(device, VIRTIO_DEVICE_FEATURES);
	virtio_write(device, VIRTIO_DEVICE_FEATURES_SEL, 1);
	offered |= (uint64_t)virtio_read(device, VIRTIO_DEVICE_FEATURES) << 32;
	uint64_t accepted = (wanted | VIRTIO_F_VERSION_1) & offered;
	virtio_write(device, VIRTIO_DRIVER_FEATURES_SEL, 0);
	virtio_write(device, VIRTIO_DRIVER_FEATURES, (uint32_t)accepted);
	virtio_write(device, VIRTIO_DRIVER_FEATURES_SEL, 1);
	virtio_write(device, VIRTIO_DRIVER_FEATURES, (uint32_t)(accepted >> 32));
	virtio_write(device, VIRTIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	/* The device clears FEATURES_OK when it cannot work with this set (e.g. no VERSION_1). */
	if (!(virtio_read(device, VIRTIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return 0;
	return accepted;
}

int virtio_queue_setup(struct virtio_device *device, struct virtq *queue, unsigned index, struct virtq_memory *memory)
{
	virtio_write(device, VIRTIO_QUEUE_SEL, index);
	if (virtio_read(device, VIRTIO_QUEUE_NUM_MAX) < VIRTQ_SIZE)
		return 0;
	uint8_t *bytes = (uint8_t *)memory;
	for (unsigned i = 0; i < sizeof *memory; i++)
		bytes[i] = 0;
	queue->index = index;
	queue->memory = memory;
	queue->next_avail = 0;
	queue->last_used = 0;
	virtio_write(device, VIRTIO_QUEUE_NUM, VIRTQ_SIZE);
	uint64_t desc = (uint64_t)(unsigned long)memory->desc;
	uint64_t driver = (uint64_t)(unsigned long)&memory->avail;
	uint64_t used = (uint64_t)(unsigned long)&memory->used;
	virtio_write(device, VIRTIO_QUEUE_DESC, (uint32_t)desc);
	virtio_write(device, VIRTIO_QUEUE_DESC + 4, (uint32_t)(desc >> 32));
	virtio_write(device, VIRTIO_QUEUE_DRIVER, (uint32_t)driver);
	virtio_write(device, VIRTIO_QUEUE_DRIVER + 4, (uint32_t)(driver >> 32));
	virtio_write(device, VIRTIO_QUEUE_DEVICE, (uint32_t)used);
	virtio_write(device, VIRTIO_QUEUE_DEVICE + 4, (uint32_t)(used >> 32));
	virtio_write(device, VIRTIO_QUEUE_READY, 1);
	return 1;
}

void virtio_driver_ok(struct virtio_device *device)
{
	virtio_write(device, VIRTIO_STATUS, virtio_read(device, VIRTIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

/*
 * One request in flight at a time, so every chain starts at descriptor 0.
 * The fences order the descriptor and ring writes before the index the
 * device reads, and the index before the notification.
 */
void virtq_offer(struct virtq *queue, const struct virtio_buffer *buffers, unsigned count)
{
	struct virtq_memory *m = queue->memory;
	for (unsigned i = 0; i < count; i++) {
		m->desc[i].addr = (uint64_t)(unsigned long)buffers[i].address;
		m->desc[i].len = buffers[i].length;
		m->desc[i].flags = (uint16_t)((buffers[i].write ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < count ? VIRTQ_DESC_F_NEXT : 0));
		m->desc[i].next = (uint16_t)(i + 1 < count ? i + 1 : 0);
	}
	m->avail.ring[queue->next_avail % VIRTQ_SIZE] = 0;
	__asm__ volatile("fence rw, rw" : : : "memory");
	queue->next_avail++;
	*(volatile uint16_t *)&m->avail.idx = queue->next_avail;
	__asm__ volatile("fence rw, rw" : : : "memory");
}

void virtio_notify(struct virtio_device *device, struct virtq *queue) { virtio_write(device, VIRTIO_QUEUE_NOTIFY, queue->index); }

long virtq_take_used(struct virtq *queue)
{
	struct virtq_memory *m = queue->memory;
	if (*(volatile uint16_t *)&m->used.idx == queue->last_used)
		return -1;
	__asm__ volatile("fence rw, rw" : : : "memory");
	long length = m->used.ring[queue->last_used % VIRTQ_SIZE].len;
	queue->last_used++;
	return length;
}

long virtq_request(struct virtio_device *device, struct virtq *queue, const struct virtio_buffer *buffers, unsigned count)
{
	virtq_offer(queue, buffers, count);
	virtio_notify(device, queue);
	for (;;) {
		long length = virtq_take_used(queue);
		if (length >= 0)
			return length;
		if (virtio_read(device, VIRTIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET)
			return -1;
	}
}
