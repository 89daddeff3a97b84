/*
 * buf.h: the growable byte buffer shared by the plain-C parts of pqx
 * (text builder, HTML serialiser, selector engine, JSON writer).
 * It owns nothing but its bytes. It never aborts: an allocation failure sets
 * `oom` and every later append becomes a no-op, so callers check once at the end.
 */
#ifndef PQX_BUF_H
#define PQX_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct pqx_buf {
	char *s;     /* NUL-terminated whenever len > 0 or after pqx_buf_cstr */
	size_t len;
	size_t cap;
	int oom;     /* sticky: set once an allocation failed */
} pqx_buf;

#define PQX_BUF_INIT {NULL, 0, 0, 0}

void pqx_buf_add(pqx_buf *b, const char *s, size_t n);
void pqx_buf_addc(pqx_buf *b, char c);
void pqx_buf_adds(pqx_buf *b, const char *s);          /* NUL-terminated */
/* The UTF-8 bytes of code point cp (below 0x110000; surrogates are encoded as they
 * are) into out: their number, 1 to 4. */
size_t pqx_utf8_put(char out[4], uint32_t cp);
void pqx_buf_add_utf8(pqx_buf *b, uint32_t cp);
void pqx_buf_addf(pqx_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *pqx_buf_cstr(pqx_buf *b);                  /* "" if empty */
void pqx_buf_reset(pqx_buf *b);                        /* len = 0, keeps memory */
void pqx_buf_free(pqx_buf *b);

/* Appends the whole file at path to out. Returns 0, or -1 with errno set
 * (EISDIR for a directory, ENOMEM when out ran out of memory). */
int pqx_read_file(const char *path, pqx_buf *out);

/* Reads a page: only a regular file (a FIFO, device or socket could block or
 * never end), and never more than max bytes (0 = no limit). Returns 0; -1 with
 * errno set; PQX_READ_NOT_REGULAR (errno EISDIR for a directory); or
 * PQX_READ_TOO_BIG once more than max bytes are there, before reading them. */
#define PQX_READ_NOT_REGULAR (-2)
#define PQX_READ_TOO_BIG (-3)
int pqx_read_regular_file(const char *path, pqx_buf *out, size_t max);

/* A growable list of owned, NUL-terminated strings (page lists, completions). */
typedef struct pqx_strv {
	char **v;
	size_t n, cap;
} pqx_strv;

/* Appends a copy of s[0..len); returns 0, or -1 when out of memory (list unchanged). */
int pqx_strv_add(pqx_strv *l, const char *s, size_t len);
void pqx_strv_free(pqx_strv *l);

#endif
