/*
 * buf.c: growable byte buffer (see buf.h). Doubling growth; no aborts.
 */
#include "buf.h"

#include <errno.h>
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int buf_reserve(pqx_buf *b, size_t extra)
{
	if (b->oom)
		return -1;
	if (extra > (size_t)-1 - b->len - 1) {
		b->oom = 1;
		return -1;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	char *s = realloc(b->s, cap);
	if (!s) {
		b->oom = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void pqx_buf_add(pqx_buf *b, const char *s, size_t n)
{
	if (n == 0 || buf_reserve(b, n) != 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void pqx_buf_addc(pqx_buf *b, char c)
{
	pqx_buf_add(b, &c, 1);
}

void pqx_buf_adds(pqx_buf *b, const char *s)
{
	pqx_buf_add(b, s, strlen(s));
}

void pqx_buf_addf(pqx_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0 || buf_reserve(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *pqx_buf_cstr(pqx_buf *b)
{
	return b->s && !b->oom ? b->s : "";
}

void pqx_buf_reset(pqx_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void pqx_buf_free(pqx_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

int pqx_strv_add(pqx_strv *l, const char *s, size_t len)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	char *d = malloc(len + 1);
	if (!d)
		return -1;
	memcpy(d, s, len);
	d[len] = '\0';
	l->v[l->n++] = d;
	return 0;
}

void pqx_strv_free(pqx_strv *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int pqx_read_file(const char *path, pqx_buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return -1;
	}
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		pqx_buf_add(out, chunk, n);
	int bad = ferror(f);
	fclose(f);
	if (out->oom) {
		errno = ENOMEM;
		return -1;
	}
	if (bad) {
		errno = EIO;
		return -1;
	}
	return 0;
}
