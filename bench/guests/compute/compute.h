/*
 * The compute benchmark guest: CoreMark-like kernels (list processing,
 * matrix arithmetic, a state machine, CRC), each folding its results into
 * a running CRC-32 so every instruction's result reaches the checksum.
 */
#ifndef COMPUTE_H
#define COMPUTE_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (IEEE 802.3, reflected), computed bit by bit: the CRC kernel. */
uint32_t crc32_u8(uint32_t crc, uint8_t byte);
uint32_t crc32_u16(uint32_t crc, uint16_t value);
uint32_t crc32_u32(uint32_t crc, uint32_t value);

/* Deterministic pseudo-random numbers (an LCG), so every run is identical. */
uint32_t next_random(uint32_t *state);

uint32_t list_bench(uint32_t seed, uint32_t crc);
uint32_t matrix_bench(uint32_t seed, uint32_t crc);
uint32_t state_bench(uint32_t seed, uint32_t crc);

void uart_puts(const char *s);
void uart_put_hex(uint64_t value, int digits);
void uart_put_decimal(uint64_t value);
void power_off(uint32_t code) __attribute__((noreturn));

/* gcc may emit calls to these for loops and struct copies (no libc here). */
void *memset(void *dest, int c, size_t n);
void *memcpy(void *dest, const void *src, size_t n);

#endif
