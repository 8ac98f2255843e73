/*
 * Linked-list kernel (after CoreMark's core_list_join.c): build a list in a
 * static pool, search it, reverse it, and merge-sort it by two keys through
 * a comparison function pointer (indirect calls, pointer chasing).
 */
#include "compute.h"

#define LIST_NODES 96

struct node {
	struct node *next;
	int32_t data;
	int32_t index;
};

static struct node pool[LIST_NODES];

typedef int32_t (*compare_fn)(const struct node *a, const struct node *b);

static int32_t by_data(const struct node *a, const struct node *b)
{
	return a->data - b->data;
}

static int32_t by_index(const struct node *a, const struct node *b)
{
	return a->index - b->index;
}

static struct node *build(uint32_t *random)
{
	for (int i = 0; i < LIST_NODES; i++) {
		pool[i].next = i + 1 < LIST_NODES ? &pool[i + 1] : NULL;
		pool[i].data = (int32_t)(next_random(random) & 0x3ff) - 0x200;
		pool[i].index = i;
	}
	return &pool[0];
}

static struct node *reverse(struct node *list)
{
	struct node *reversed = NULL;
	while (list) {
		struct node *next = list->next;
		list->next = reversed;
		reversed = list;
		list = next;
	}
	return reversed;
}

static const struct node *find(const struct node *list, int32_t data)
{
	while (list && list->data != data)
		list = list->next;
	return list;
}

/* Bottom-up merge sort on a singly linked list: no recursion, O(n log n). */
static struct node *merge_sort(struct node *list, compare_fn compare)
{
	for (int width = 1;; width *= 2) {
		struct node *p = list, *tail = NULL;
		int merges = 0;
		list = NULL;
		while (p) {
			merges++;
			struct node *q = p;
			int psize = 0;
			for (int i = 0; i < width && q; i++) {
				psize++;
				q = q->next;
			}
			int qsize = width;
			while (psize > 0 || (qsize > 0 && q)) {
				struct node *e;
				if (psize == 0) {
					e = q, q = q->next, qsize--;
				} else if (qsize == 0 || !q || compare(p, q) <= 0) {
					e = p, p = p->next, psize--;
				} else {
					e = q, q = q->next, qsize--;
				}
				if (tail)
					tail->next = e;
				else
					list = e;
				tail = e;
			}
			p = q;
		}
		tail->next = NULL;
		if (merges <= 1)
			return list;
	}
}

uint32_t list_bench(uint32_t seed, uint32_t crc)
{
	uint32_t random = seed;
	struct node *list = build(&random);

	for (int i = 0; i < 8; i++) {
		const struct node *found = find(list, (int32_t)(next_random(&random) & 0x3ff) - 0x200);
		crc = crc32_u16(crc, found ? (uint16_t)found->index : 0xffff);
		list = reverse(list);
	}

	list = merge_sort(list, by_data);
	for (const struct node *n = list; n; n = n->next)
		crc = crc32_u16(crc, (uint16_t)n->data);

	list = merge_sort(list, by_index);
	int32_t expected = 0;
	for (const struct node *n = list; n; n = n->next, expected++)
		if (n->index != expected)
			crc = crc32_u32(crc, 0xdeadbeef); /* never in a correct run */
	return crc32_u16(crc, (uint16_t)expected);
}
