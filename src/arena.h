/*
 * arena.h: the per-document memory arena gumbo allocates from (GumboOptions
 * allocator). Freeing a document is one pqx_arena_free: gumbo's own recursive
 * gumbo_destroy_output is never called, so no depth can overflow the stack.
 * The arena also enforces the parse memory limit: past it, the allocator jumps
 * back to the parse entry point (pqx_arena.escape), which is safe because every
 * byte gumbo holds lives in the arena and is dropped with it.
 */
#ifndef PQX_ARENA_H
#define PQX_ARENA_H

#include <setjmp.h>
#include <stddef.h>

typedef struct pqx_arena_chunk pqx_arena_chunk;

typedef struct pqx_arena {
	pqx_arena_chunk *head;
	size_t used;      /* bytes handed out, including dead blocks */
	size_t reserved;  /* bytes obtained from malloc */
	size_t limit;     /* 0 = none */
	jmp_buf *escape;  /* where to longjmp when limit is exceeded or malloc fails */
} pqx_arena;

void pqx_arena_init(pqx_arena *a, size_t limit);
void *pqx_arena_alloc(pqx_arena *a, size_t size);
void pqx_arena_free(pqx_arena *a);

/* GumboOptions-compatible callbacks; userdata is the pqx_arena. */
void *pqx_arena_gumbo_alloc(void *userdata, size_t size);
void pqx_arena_gumbo_dealloc(void *userdata, void *ptr);

#endif
