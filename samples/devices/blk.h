/* The devices sample's virtio-blk part: identify, read, write, flush (and the crash scenario). */
#ifndef SAMPLES_DEVICES_BLK_H
#define SAMPLES_DEVICES_BLK_H

/* 0 when done (or no disk), -1 on a failure it printed. Never returns in the crash scenario. */
int blk_demo(void);

#endif
