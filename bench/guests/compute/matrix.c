/*
 * Matrix kernel (after CoreMark's core_matrix.c): 16-bit matrices, 32-bit
 * products; add and multiply by a constant, matrix times vector, matrix
 * times matrix, and a bit-field variant. Exercises mul, div and rem.
 */
#include "compute.h"

#define N 14

static int16_t a[N][N], b[N][N];
static int32_t c[N][N];

static uint32_t sum_c(uint32_t crc, int32_t clip)
{
	/* CoreMark's matrix_sum: a data-dependent fold of the result. */
	int32_t sum = 0, previous = 0;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			int32_t value = c[i][j];
			/* Wrapping add: the sum may overflow, signed overflow is UB. */
			sum = (int32_t)((uint32_t)sum + (uint32_t)value);
			if (sum > clip) {
				sum = 0;
				crc = crc32_u8(crc, 10);
			} else {
				crc = crc32_u8(crc, value > previous ? 1 : 0);
			}
			previous = value;
		}
	return crc32_u32(crc, (uint32_t)sum);
}

uint32_t matrix_bench(uint32_t seed, uint32_t crc)
{
	uint32_t random = seed;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			a[i][j] = (int16_t)((next_random(&random) & 0xfff) - 0x800);
			b[i][j] = (int16_t)((next_random(&random) & 0xfff) - 0x800);
		}
	int16_t k = (int16_t)((seed & 0xff) | 1);

	/* c = a * k */
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			c[i][j] = (int32_t)a[i][j] * k;
	crc = sum_c(crc, 0x7fff);

	/* a += k; c = a * column 0 of b */
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			a[i][j] = (int16_t)(a[i][j] + k);
	for (int i = 0; i < N; i++) {
		int32_t dot = 0;
		for (int j = 0; j < N; j++)
			dot += (int32_t)a[i][j] * b[j][0];
		for (int j = 0; j < N; j++)
			c[i][j] = dot / (j + 1) + dot % (k + j);
	}
	crc = sum_c(crc, 0xfffff);

	/* c = a * b */
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			int32_t dot = 0;
			for (int m = 0; m < N; m++)
				dot += (int32_t)a[i][m] * b[m][j];
			c[i][j] = dot;
		}
	crc = sum_c(crc, 0x7ffffff);

	/* c = a * b on bit fields of the products */
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			int32_t dot = 0;
			for (int m = 0; m < N; m++) {
				int32_t product = (int32_t)a[i][m] * b[m][j];
				dot += ((product >> 2) & 0xf) * ((product >> 5) & 0x7f);
			}
			c[i][j] = dot;
		}
	crc = sum_c(crc, 0x7ffff);

	/* A 64-bit fold, so the upper register halves matter too. */
	uint64_t wide = 0;
	for (int i = 0; i < N; i++)
		wide = wide * 0x9e3779b97f4a7c15ull + (uint64_t)(int64_t)c[i][i];
	return crc32_u32(crc32_u32(crc, (uint32_t)wide), (uint32_t)(wide >> 32));
}
