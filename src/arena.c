/*
 * arena.c: bump allocator in growing chunks (see arena.h). Individual frees are
 * no-ops: gumbo frees mostly short-lived vector buffers, and the waste is bounded
 * by the doubling growth of those buffers. Never returns NULL to gumbo, which
 * does not check: failure always leaves through the escape jump.
 */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>

struct pqx_arena_chunk {
	pqx_arena_chunk *next;
	size_t size;
	size_t off;
	_Alignas(max_align_t) unsigned char data[];
};

#define ARENA_FIRST_CHUNK (64 * 1024)
#define ARENA_MAX_CHUNK (8 * 1024 * 1024)
#define ARENA_ALIGN _Alignof(max_align_t)

void pqx_arena_init(pqx_arena *a, size_t limit)
{
	a->head = NULL;
	a->used = a->reserved = 0;
	a->limit = limit;
	a->escape = NULL;
}

static void arena_fail(pqx_arena *a)
{
	if (a->escape)
		longjmp(*a->escape, 1);
	abort(); /* unreachable by construction: every parse sets an escape */
}

void *pqx_arena_alloc(pqx_arena *a, size_t size)
{
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (size == 0)
		size = ARENA_ALIGN;
	pqx_arena_chunk *c = a->head;
	if (!c || c->size - c->off < size) {
		size_t want = c ? c->size * 2 : ARENA_FIRST_CHUNK;
		if (want > ARENA_MAX_CHUNK)
			want = ARENA_MAX_CHUNK;
		if (want < size)
			want = size;
		if (a->limit && a->reserved + want > a->limit)
			arena_fail(a);
		c = malloc(sizeof *c + want);
		if (!c)
			arena_fail(a);
		c->size = want;
		c->off = 0;
		c->next = a->head;
		a->head = c;
		a->reserved += want;
	}
	void *p = c->data + c->off;
	c->off += size;
	a->used += size;
	return p;
}

void pqx_arena_free(pqx_arena *a)
{
	pqx_arena_chunk *c = a->head;
	while (c) {
		pqx_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used = a->reserved = 0;
}

void *pqx_arena_gumbo_alloc(void *userdata, size_t size)
{
	return pqx_arena_alloc(userdata, size);
}

void pqx_arena_gumbo_dealloc(void *userdata, void *ptr)
{
	(void)userdata;
	(void)ptr;
}
