/*
 * memset and memcpy: GCC emits calls to them for struct assignment and
 * initialisation even in a freestanding build, so every sample links them.
 */
#include <stddef.h>
#include <stdint.h>

void *memset(void *destination, int value, size_t length);
void *memcpy(void *destination, const void *source, size_t length);

void *memset(void *destination, int value, size_t length)
{
	volatile uint8_t *d = destination; /* volatile: or GCC turns this loop into a memset call */
	for (size_t i = 0; i < length; i++)
		d[i] = (uint8_t)value;
	return destination;
}

void *memcpy(void *destination, const void *source, size_t length)
{
	volatile uint8_t *d = destination;
	const uint8_t *s = source;
	for (size_t i = 0; i < length; i++)
		d[i] = s[i];
	return destination;
}
