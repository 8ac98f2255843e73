/* CRC-32 bit by bit: shifts, xors and a data-dependent branch per bit. */
#include "compute.h"

uint32_t crc32_u8(uint32_t crc, uint8_t byte)
{
	crc ^= byte;
	for (int bit = 0; bit < 8; bit++) {
		if (crc & 1)
			crc = (crc >> 1) ^ 0xEDB88320u;
		else
			crc >>= 1;
	}
	return crc;
}

uint32_t crc32_u16(uint32_t crc, uint16_t value)
{
	crc = crc32_u8(crc, (uint8_t)value);
	return crc32_u8(crc, (uint8_t)(value >> 8));
}

uint32_t crc32_u32(uint32_t crc, uint32_t value)
{
	crc = crc32_u16(crc, (uint16_t)value);
	return crc32_u16(crc, (uint16_t)(value >> 16));
}

uint32_t next_random(uint32_t *state)
{
	/* Numerical Recipes' LCG; the high half is the better-mixed one. */
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}
