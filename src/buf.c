/*
 * buf.c: growable byte buffer (see buf.h). Doubling growth; no aborts.
 */
#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

int pqx_read_regular_file(const char *path, pqx_buf *out, size_t max)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat on the
	 * open descriptor then decides, so the check and the read see one file */
	int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return PQX_READ_NOT_REGULAR;
	}
	if (max && (unsigned long long)st.st_size > max) {
		close(fd);
		return PQX_READ_TOO_BIG;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	char chunk[65536];
	for (;;) {
		/* a file that grows while it is read still stops at max + 1 bytes */
		size_t want = sizeof chunk;
		if (max && out->len + want > max + 1)
			want = max + 1 - out->len;
		if (want == 0)
			break;
		ssize_t n = read(fd, chunk, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		pqx_buf_add(out, chunk, (size_t)n);
		if (out->oom)
			break;
	}
	close(fd);
	if (out->oom) {
		errno = ENOMEM;
		return -1;
	}
	if (max && out->len > max)
		return PQX_READ_TOO_BIG;
	return 0;
}

size_t pqx_utf8_put(char out[4], uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

void pqx_buf_add_utf8(pqx_buf *b, uint32_t cp)
{
	char u[4];
	pqx_buf_add(b, u, pqx_utf8_put(u, cp));
}
