/*
 * warc.c: the streaming WARC reader (see warc.h).
 *
 * Two layers. The byte stream gives the archive's uncompressed bytes through
 * one 64 KiB window, inflating gzip member by member, and knows where each byte
 * came from: the file offset of its gzip member and its offset inside that
 * member (for a plain archive, the file offset). The record layer parses the
 * WARC header, reads exactly Content-Length bytes of block, checks that the
 * record then ends with CRLF CRLF, and for a response record takes the HTTP
 * message apart. Nothing about a record is handed out before its framing has
 * been checked, so a record whose length lies never yields a page cut short.
 *
 * Resynchronising after damage: a record whose header is broken, whose block
 * runs past the end of the archive, or that does not end where its length says
 * is reported, and reading goes on at the next line that starts "WARC/1."
 * after the broken record's header (a new gzip member also starts a line).
 * Corrupt or cut gzip data is reported, and reading goes on at the next gzip
 * member found in the compressed bytes.
 *
 * Which responses are pages: status 200, and a Content-Type of text/html or
 * application/xhtml+xml; when the type is missing or generic (text/plain,
 * application/octet-stream, unknown/unknown, ...), the body is sniffed with
 * the HTML patterns of the WHATWG MIME Sniffing standard. Any other declared
 * type (images, PDF, CSS, JSON, ...) is not HTML.
 */
#define _POSIX_C_SOURCE 200809L
#define _FILE_OFFSET_BITS 64
#include "warc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <zlib.h>

#include "url.h"

#define WIN 65536
#define MAX_HEADER (256 * 1024)  /* a WARC or HTTP header longer than this is damage */
#define MAX_LINE 65536

enum { B_EOF = -1, B_ERR = -2 };

struct pqx_warc {
	FILE *f;
	char *path;
	int gz;
	size_t max_bytes;
	pqx_warc_stats st;
	/* compressed side (gz only) */
	unsigned char in[WIN];
	size_t in_len, in_pos;
	uint64_t in_off;          /* file offset of in[0] */
	z_stream z;
	int z_ready;
	int member_open;          /* inside a member whose end has not been seen */
	uint64_t member_off;      /* file offset of the current member */
	/* uncompressed window */
	unsigned char out[WIN];
	size_t out_len, out_pos;
	uint64_t out_inner;       /* member offset (plain: file offset) of out[0] */
	/* damage */
	int bad;                  /* the stream stopped on an error, message in bad_msg */
	uint64_t bad_off;         /* the member (or file offset) where it happened */
	char bad_msg[300];
	/* members started while a block is read */
	int watch, crossed;
	uint64_t crossed_off;
	int at_end;
	int single;               /* opened at one record: read just that one */
};

typedef struct wpos {
	uint64_t moff, inner;
} wpos;

/* ---- the byte stream ------------------------------------------------------ */

static void set_bad(pqx_warc *w, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_bad(pqx_warc *w, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->bad_msg, sizeof w->bad_msg, fmt, ap);
	va_end(ap);
	w->bad = 1;
	w->bad_off = off;
}

/* More compressed bytes; returns how many were added (0 at the end of the file). */
static size_t refill(pqx_warc *w)
{
	if (w->in_pos > 0) {
		memmove(w->in, w->in + w->in_pos, w->in_len - w->in_pos);
		w->in_off += w->in_pos;
		w->in_len -= w->in_pos;
		w->in_pos = 0;
	}
	if (w->in_len == sizeof w->in)
		return 0;
	size_t n = fread(w->in + w->in_len, 1, sizeof w->in - w->in_len, w->f);
	w->in_len += n;
	return n;
}

static int ensure_in(pqx_warc *w, size_t n)
{
	while (w->in_len - w->in_pos < n)
		if (refill(w) == 0)
			return 0;
	return 1;
}

/* Refills the window: 1 = bytes there, 0 = end of archive, -1 = damage (w->bad). */
static int fill(pqx_warc *w)
{
	if (w->bad)
		return -1;
	w->out_inner += w->out_len;
	w->out_pos = w->out_len = 0;
	if (!w->gz) {
		size_t n = fread(w->out, 1, sizeof w->out, w->f);
		if (n == 0) {
			if (ferror(w->f)) {
				set_bad(w, w->out_inner, "read error at offset %llu: %s",
				        (unsigned long long)w->out_inner, strerror(errno ? errno : EIO));
				return -1;
			}
			return 0;
		}
		w->out_len = n;
		return 1;
	}
	for (;;) {
		if (!w->member_open) {
			if (!ensure_in(w, 1)) {
				if (ferror(w->f)) {
					set_bad(w, w->in_off + w->in_pos, "read error at offset %llu: %s",
					        (unsigned long long)(w->in_off + w->in_pos), strerror(errno ? errno : EIO));
					return -1;
				}
				return 0; /* a clean end: between two members */
			}
			uint64_t at = w->in_off + w->in_pos;
			ensure_in(w, 3);
			const unsigned char *p = w->in + w->in_pos;
			size_t have = w->in_len - w->in_pos;
			if (have < 3 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8) {
				set_bad(w, at, "the bytes at offset %llu are not a gzip member", (unsigned long long)at);
				return -1;
			}
			if (inflateReset(&w->z) != Z_OK) {
				set_bad(w, at, "zlib cannot restart at offset %llu", (unsigned long long)at);
				return -1;
			}
			w->member_off = at;
			w->member_open = 1;
			w->out_inner = 0;
			if (w->watch && !w->crossed) {
				w->crossed = 1;
				w->crossed_off = at;
			}
		}
		w->z.next_in = w->in + w->in_pos;
		w->z.avail_in = (uInt)(w->in_len - w->in_pos);
		w->z.next_out = w->out;
		w->z.avail_out = (uInt)sizeof w->out;
		int ret = inflate(&w->z, Z_NO_FLUSH);
		w->in_pos = w->in_len - w->z.avail_in;
		w->out_len = sizeof w->out - w->z.avail_out;
		if (ret == Z_STREAM_END) {
			w->member_open = 0;
			if (w->out_len)
				return 1;
			continue;
		}
		if (ret == Z_OK || (ret == Z_BUF_ERROR && w->z.avail_in == 0)) {
			if (w->out_len)
				return 1;
			if (w->z.avail_in == 0 && refill(w) == 0) {
				set_bad(w, w->member_off, "the archive ends inside the gzip member at offset %llu "
				        "(the file is cut short)", (unsigned long long)w->member_off);
				return -1;
			}
			continue;
		}
		set_bad(w, w->member_off, "corrupt gzip data in the member at offset %llu (zlib: %s)",
		        (unsigned long long)w->member_off, w->z.msg ? w->z.msg : "data error");
		return -1;
	}
}

static int getb(pqx_warc *w)
{
	if (w->out_pos < w->out_len)
		return w->out[w->out_pos++];
	int r = fill(w);
	if (r <= 0)
		return r == 0 ? B_EOF : B_ERR;
	return w->out[w->out_pos++];
}

static int peekb(pqx_warc *w)
{
	if (w->out_pos < w->out_len)
		return w->out[w->out_pos];
	int r = fill(w);
	if (r <= 0)
		return r == 0 ? B_EOF : B_ERR;
	return w->out[w->out_pos];
}

/* Where the next byte comes from (exact after a peekb). */
static wpos here(const pqx_warc *w)
{
	wpos p;
	if (w->gz && w->out_pos == w->out_len && !w->member_open) {
		p.moff = w->in_off + w->in_pos;
		p.inner = 0;
	} else {
		p.moff = w->gz ? w->member_off : 0;
		p.inner = w->out_inner + w->out_pos;
	}
	return p;
}

/* Reads n bytes, appending up to keep of them to dst (may be NULL); *got = bytes read.
 * Returns 0 when all n were read, B_EOF or B_ERR when the stream ended first. */
static int wread(pqx_warc *w, uint64_t n, pqx_buf *dst, size_t keep, uint64_t *got)
{
	*got = 0;
	while (*got < n) {
		if (w->out_pos == w->out_len) {
			int r = fill(w);
			if (r <= 0)
				return r == 0 ? B_EOF : B_ERR;
		}
		size_t avail = w->out_len - w->out_pos;
		if ((uint64_t)avail > n - *got)
			avail = (size_t)(n - *got);
		if (dst && dst->len < keep) {
			size_t k = keep - dst->len < avail ? keep - dst->len : avail;
			pqx_buf_add(dst, (const char *)w->out + w->out_pos, k);
		}
		w->out_pos += avail;
		*got += avail;
	}
	return 0;
}

/* Puts the stream at p. Returns 0, or -1 (damage on the way: w->bad). */
static int seek_to(pqx_warc *w, wpos p)
{
	w->bad = 0;
	w->out_pos = w->out_len = 0;
	if (!w->gz) {
		if (fseeko(w->f, (off_t)p.inner, SEEK_SET) != 0) {
			set_bad(w, p.inner, "cannot seek to offset %llu: %s", (unsigned long long)p.inner, strerror(errno));
			return -1;
		}
		w->out_inner = p.inner;
		return 0;
	}
	/* the same window can be reused when p is inside it */
	if (fseeko(w->f, (off_t)p.moff, SEEK_SET) != 0) {
		set_bad(w, p.moff, "cannot seek to offset %llu: %s", (unsigned long long)p.moff, strerror(errno));
		return -1;
	}
	w->in_off = p.moff;
	w->in_len = w->in_pos = 0;
	w->member_open = 0;
	w->out_inner = 0;
	int watch = w->watch;
	w->watch = 0;
	uint64_t got;
	int r = p.inner ? wread(w, p.inner, NULL, 0, &got) : 0;
	w->watch = watch;
	return r == 0 ? 0 : -1;
}

/* After gzip damage: the next gzip member header after the damaged member's
 * start. Returns 1 with the stream there, 0 when there is none (the end). */
static int next_member(pqx_warc *w, uint64_t from, uint64_t *found)
{
	w->bad = 0;
	if (fseeko(w->f, (off_t)from, SEEK_SET) != 0)
		return 0;
	w->in_off = from;
	w->in_len = w->in_pos = 0;
	w->member_open = 0;
	w->out_pos = w->out_len = 0;
	for (;;) {
		if (!ensure_in(w, 3))
			return 0;
		const unsigned char *p = w->in + w->in_pos;
		size_t have = w->in_len - w->in_pos;
		const unsigned char *m = memchr(p, 0x1f, have - 2);
		if (!m) {
			w->in_pos += have - 2;
			continue;
		}
		w->in_pos = (size_t)(m - w->in);
		if (m[1] == 0x8b && m[2] == 8) {
			*found = w->in_off + w->in_pos;
			wpos at = {*found, 0};
			return seek_to(w, at) == 0;
		}
		w->in_pos++;
	}
}

/* Finds the next line that starts "WARC/1." from the current point (line_start:
 * the point starts a line) and stops there. Gzip damage on the way is skipped
 * to the next member and noted in note. Returns 1 found, 0 not (the end). */
static int scan_for_record(pqx_warc *w, int line_start, pqx_buf *note)
{
	static const char pat[] = "WARC/1.";
	size_t m = 0;
	wpos cand = {0, 0};
	for (;;) {
		int c = getb(w);
		if (c == B_EOF)
			return 0;
		if (c == B_ERR) {
			uint64_t from = w->bad_off, found;
			if (!w->gz) {
				pqx_buf_addf(note, "; %s", w->bad_msg);
				return 0;
			}
			pqx_buf_addf(note, "; on the way, %s", w->bad_msg);
			if (!next_member(w, from + 1, &found))
				return 0;
			line_start = 1;
			m = 0;
			continue;
		}
		/* where the byte just read came from */
		wpos at = {w->gz ? w->member_off : 0, w->out_inner + w->out_pos - 1};
		if (w->gz && at.inner == 0)
			line_start = 1, m = 0;
		if (m == 0) {
			if (line_start && c == 'W') {
				cand = at;
				m = 1;
			}
		} else if (c == pat[m]) {
			if (++m == sizeof pat - 1) {
				/* back to the start of the line: in the window, or by seeking */
				if (w->gz ? (cand.moff == w->member_off && cand.inner >= w->out_inner)
				          : cand.inner >= w->out_inner)
					w->out_pos = (size_t)(cand.inner - w->out_inner);
				else if (seek_to(w, cand) != 0)
					return 0;
				return 1;
			}
		} else {
			m = 0;
		}
		line_start = c == '\n';
	}
}

/* ---- names and records ---------------------------------------------------- */

int pqx_warc_is_archive_name(const char *path)
{
	size_t n = strlen(path);
	return (n > 5 && strcasecmp(path + n - 5, ".warc") == 0) ||
	       (n > 8 && strcasecmp(path + n - 8, ".warc.gz") == 0);
}

static void name_record(pqx_warc *w, pqx_warc_record *rec, wpos p)
{
	char num[64];
	if (!w->gz) {
		rec->offset = p.inner;
		rec->inner = -1;
		snprintf(num, sizeof num, "#%llu", (unsigned long long)p.inner);
	} else if (p.inner == 0) {
		rec->offset = p.moff;
		rec->inner = -1;
		snprintf(num, sizeof num, "#%llu", (unsigned long long)p.moff);
	} else {
		rec->offset = p.moff;
		rec->inner = (int64_t)p.inner;
		snprintf(num, sizeof num, "#%llu+%llu", (unsigned long long)p.moff, (unsigned long long)p.inner);
	}
	size_t len = strlen(w->path) + strlen(num) + 1;
	free(rec->name);
	free(rec->archive);
	rec->archive = strdup(w->path);
	rec->name = malloc(len);
	if (rec->name)
		snprintf(rec->name, len, "%s%s", w->path, num);
}

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static void rec_error(pqx_warc_record *rec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rec_error(pqx_warc_record *rec, const char *fmt, ...)
{
	char m[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	free(rec->error);
	rec->error = strdup(m);
	if (!rec->error)
		rec->error = strdup("out of memory");
}

/* A header block: "Name: value" lines up to an empty line, read into hdr
 * (continuation lines folded into their field). Returns 0; 1 when it is over
 * MAX_HEADER; B_EOF / B_ERR when the stream ended first. left (may be NULL)
 * bounds the bytes read and is decremented. */
static int read_header(pqx_warc *w, pqx_buf *hdr, uint64_t *left, int *ended_line)
{
	int prev = '\n', blank = 1;
	*ended_line = 1;
	for (;;) {
		if (left && *left == 0)
			return B_EOF;
		int c = getb(w);
		if (c < 0)
			return c;
		if (left)
			(*left)--;
		if (c == '\r')
			continue;
		if (c == '\n') {
			if (blank)
				return 0;
			blank = 1;
			pqx_buf_addc(hdr, '\n');
		} else {
			if (blank && prev == '\n' && (c == ' ' || c == '\t') && hdr->len) {
				/* continuation: fold into the previous field */
				hdr->len--;
				pqx_buf_addc(hdr, ' ');
			}
			blank = 0;
			pqx_buf_addc(hdr, (char)c);
		}
		prev = c;
		if (hdr->len > MAX_HEADER) {
			*ended_line = 0;
			return 1;
		}
	}
}

/* The value of field name in a header block (first occurrence), trimmed; NULL. */
static const char *field(const char *hdr, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);
	const char *p = hdr;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
			const char *v = p + nl + 1, *ve = p + len;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			*vlen = (size_t)(ve - v);
			return v;
		}
		p += len + (e ? 1 : 0);
	}
	return NULL;
}

/* the media type of a Content-Type value, lower case, without parameters */
static void media_type(const char *v, size_t n, char *out, size_t outlen)
{
	size_t k = 0;
	for (size_t i = 0; i < n && v[i] != ';' && k + 1 < outlen; i++)
		if (v[i] != ' ' && v[i] != '\t')
			out[k++] = (char)tolower((unsigned char)v[i]);
	out[k] = '\0';
}

/* the charset parameter of a Content-Type value (quotes removed), or NULL */
static char *charset_param(const char *v, size_t n)
{
	const char *end = v + n;
	const char *p = memchr(v, ';', n);
	while (p && p < end) {
		p++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(end - p) > 8 && strncasecmp(p, "charset=", 8) == 0) {
			p += 8;
			const char *e;
			if (p < end && *p == '"') {
				p++;
				e = memchr(p, '"', (size_t)(end - p));
				if (!e)
					e = end;
			} else {
				e = p;
				while (e < end && *e != ';' && *e != ' ' && *e != '\t')
					e++;
			}
			return e > p ? dupn(p, (size_t)(e - p)) : NULL;
		}
		p = memchr(p, ';', (size_t)(end - p));
	}
	return NULL;
}

/* WARC-Date: YYYY-MM-DDThh:mm:ss[.f+]Z (WARC 1.0 and 1.1) */
static int is_warc_date(const char *v, size_t n)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	if (n < 20)
		return 0;
	for (size_t i = 0; i < 19; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)v[i]) : v[i] != shape[i])
			return 0;
	}
	size_t i = 19;
	if (v[i] == '.') {
		i++;
		size_t d = i;
		while (i < n && isdigit((unsigned char)v[i]))
			i++;
		if (i == d)
			return 0;
	}
	return i + 1 == n && v[i] == 'Z';
}

/* ---- HTTP bodies ---------------------------------------------------------- */

static int over(const pqx_buf *b, size_t max)
{
	return max && b->len > max;
}

/* Transfer-Encoding: chunked. Returns NULL or the problem. */
static const char *dechunk(const pqx_buf *in, pqx_buf *out, size_t max)
{
	const char *p = in->s ? in->s : "", *end = p + in->len;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return "the chunked body ends before its last chunk (cut short)";
		char *e;
		errno = 0;
		unsigned long long n = strtoull(p, &e, 16);
		if (e == p || errno || (*e != ';' && *e != '\r' && *e != '\n' && *e != ' ' && *e != '\t'))
			return "a chunk size line of the chunked body is not a hexadecimal number";
		p = nl + 1;
		if (n == 0)
			return NULL; /* trailer fields, if any, are ignored */
		if (n > (unsigned long long)(end - p))
			return "the chunked body ends inside a chunk (cut short)";
		pqx_buf_add(out, p, (size_t)n);
		if (over(out, max))
			return "";
		p += n;
		if (p < end && *p == '\r')
			p++;
		if (p >= end || *p != '\n')
			return "a chunk of the chunked body is not followed by CRLF";
		p++;
	}
}

/* Content-Encoding gzip / deflate. raw: deflate without the zlib wrapper. */
static const char *inflate_body(const pqx_buf *in, pqx_buf *out, size_t max, int wbits)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, wbits) != Z_OK)
		return "zlib could not start";
	z.next_in = (Bytef *)(in->s ? in->s : "");
	z.avail_in = (uInt)in->len;
	unsigned char chunk[WIN];
	const char *why = NULL;
	for (;;) {
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		int r = inflate(&z, Z_NO_FLUSH);
		pqx_buf_add(out, (const char *)chunk, sizeof chunk - z.avail_out);
		if (over(out, max)) {
			why = "";
			break;
		}
		if (r == Z_STREAM_END) {
			/* gzip allows several members in a row */
			if (z.avail_in > 0 && wbits > 15 && inflateReset(&z) == Z_OK)
				continue;
			break;
		}
		if (r == Z_OK)
			continue;
		if (r == Z_BUF_ERROR && z.avail_in == 0) {
			why = "the compressed body is cut short";
			break;
		}
		why = "the compressed body is corrupt";
		break;
	}
	inflateEnd(&z);
	return why;
}

/* The HTML patterns of the WHATWG MIME Sniffing standard ("rules for
 * identifying an unknown MIME type"), each followed by a space or '>'
 * (the comment pattern by nothing). */
static int sniff_html(const pqx_buf *b)
{
	static const char *const tags[] = {"<!doctype html", "<html", "<head", "<script", "<iframe",
	                                   "<h1", "<div", "<font", "<table", "<a", "<style", "<title",
	                                   "<b", "<body", "<br", "<p", NULL};
	const unsigned char *p = (const unsigned char *)(b->s ? b->s : ""), *end = p + b->len;
	if (end - p >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f'))
		p++;
	size_t left = (size_t)(end - p);
	if (left >= 4 && memcmp(p, "<!--", 4) == 0)
		return 1;
	for (const char *const *t = tags; *t; t++) {
		size_t n = strlen(*t);
		if (left > n && strncasecmp((const char *)p, *t, n) == 0 && (p[n] == ' ' || p[n] == '>'))
			return 1;
	}
	return 0;
}

static int generic_type(const char *mt)
{
	static const char *const g[] = {"", "text/plain", "application/octet-stream", "unknown/unknown",
	                                "application/unknown", "*/*", "binary/octet-stream", NULL};
	for (const char *const *t = g; *t; t++)
		if (strcmp(mt, *t) == 0)
			return 1;
	return 0;
}

/* What the HTTP header alone says: 0 maybe a page, 1 another status, 2 not HTML
 * by its declared type, -1 no status line. */
static int http_verdict(const char *hdr, const char **fields, const char **ct, size_t *ctl, int *html)
{
	if (strncmp(hdr, "HTTP/", 5) != 0)
		return -1;
	const char *sp = strchr(hdr, ' ');
	const char *eol = strchr(hdr, '\n');
	if (!sp || (eol && sp > eol) || !isdigit((unsigned char)sp[1]) || !isdigit((unsigned char)sp[2]) ||
	    !isdigit((unsigned char)sp[3]))
		return -1;
	int status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
	*fields = eol ? eol + 1 : "";
	*ct = field(*fields, "Content-Type", ctl);
	char mt[128];
	media_type(*ct ? *ct : "", *ct ? *ctl : 0, mt, sizeof mt);
	*html = strcmp(mt, "text/html") == 0 || strcmp(mt, "application/xhtml+xml") == 0;
	if (status != 200)
		return 1;
	return !*html && !generic_type(mt) ? 2 : 0;
}

/* A body that is plainly markup already (after white space, '<'): a crawler
 * that stored it decoded but kept the header that says otherwise. */
static int looks_like_markup(const pqx_buf *b)
{
	size_t i = 0;
	while (i < b->len && (b->s[i] == ' ' || b->s[i] == '\t' || b->s[i] == '\r' || b->s[i] == '\n'))
		i++;
	return i < b->len && b->s[i] == '<';
}

/* Takes the HTTP response in block[0..hdr) + body apart. Returns 1 for a page,
 * 0 for a skipped response, -1 for an error (rec->error). */
static int http_page(pqx_warc *w, pqx_warc_record *rec, const char *hdr, pqx_buf *raw, int truncated)
{
	const char *fields = "", *ct = NULL;
	size_t ctl = 0;
	int html = 0;
	int v = http_verdict(hdr, &fields, &ct, &ctl, &html);
	if (v < 0) {
		rec_error(rec, strncmp(hdr, "HTTP/", 5) != 0
		          ? "the response record holds no HTTP response (its block does not start \"HTTP/\")"
		          : "the HTTP status line is malformed");
		return -1;
	}
	if (v == 1) {
		w->st.status++;
		return 0;
	}
	if (v == 2) {
		w->st.not_html++;
		return 0;
	}
	if (truncated) {
		rec_error(rec, "the page is over the limit of %zu bytes (--max-bytes); reading stopped there",
		          w->max_bytes);
		rec->error_limit = 1;
		return -1;
	}
	/* transfer coding, then content codings in reverse order of application */
	pqx_buf cur = *raw, tmp = PQX_BUF_INIT;
	*raw = (pqx_buf)PQX_BUF_INIT;
	size_t tel;
	const char *te = field(fields, "Transfer-Encoding", &tel);
	if (te && !(tel == 8 && strncasecmp(te, "identity", 8) == 0)) {
		if (!(tel >= 7 && strncasecmp(te + tel - 7, "chunked", 7) == 0)) {
			rec_error(rec, "HTTP Transfer-Encoding \"%.*s\" is not supported", (int)(tel > 60 ? 60 : tel), te);
			pqx_buf_free(&cur);
			return -1;
		}
		if (looks_like_markup(&cur)) {
			pqx_buf_adds(&rec->warnings, "the response says Transfer-Encoding: chunked, but its body is "
			             "not chunked (the crawler stored it decoded); read as it is\n");
		} else {
			const char *why = dechunk(&cur, &tmp, w->max_bytes);
			pqx_buf_free(&cur);
			cur = tmp;
			tmp = (pqx_buf)PQX_BUF_INIT;
			if (why) {
				if (*why)
					rec_error(rec, "HTTP body: %s", why);
				else {
					rec_error(rec, "the page is over the limit of %zu bytes (--max-bytes); reading stopped there",
					          w->max_bytes);
					rec->error_limit = 1;
				}
				pqx_buf_free(&cur);
				return -1;
			}
		}
	}
	size_t cel;
	const char *ce = field(fields, "Content-Encoding", &cel);
	while (ce && cel > 0) {
		/* the last coding listed was applied last */
		const char *c = ce + cel;
		while (c > ce && c[-1] != ',')
			c--;
		const char *cs = c, *cend = ce + cel;
		while (cs < cend && (*cs == ' ' || *cs == '\t'))
			cs++;
		size_t n = (size_t)(cend - cs);
		while (n && (cs[n - 1] == ' ' || cs[n - 1] == '\t'))
			n--;
		cel = c > ce ? (size_t)(c - 1 - ce) : 0;
		if (n == 0 || (n == 8 && strncasecmp(cs, "identity", 8) == 0))
			continue;
		int zipped = cur.len >= 2 && (unsigned char)cur.s[0] == 0x1f && (unsigned char)cur.s[1] == 0x8b;
		if (!zipped && looks_like_markup(&cur)) {
			pqx_buf_addf(&rec->warnings, "the response says Content-Encoding: %.*s, but its body is plain "
			             "markup (the crawler stored it decoded); read as it is\n", (int)(n > 40 ? 40 : n), cs);
			continue;
		}
		const char *why;
		if ((n == 4 && strncasecmp(cs, "gzip", 4) == 0) || (n == 6 && strncasecmp(cs, "x-gzip", 6) == 0)) {
			why = inflate_body(&cur, &tmp, w->max_bytes, 15 + 16);
		} else if (n == 7 && strncasecmp(cs, "deflate", 7) == 0) {
			/* "deflate" is zlib-wrapped by the standard, raw by some servers */
			why = inflate_body(&cur, &tmp, w->max_bytes, 15);
			if (why && *why) {
				pqx_buf_free(&tmp);
				why = inflate_body(&cur, &tmp, w->max_bytes, -15);
			}
		} else {
			rec_error(rec, "HTTP Content-Encoding \"%.*s\" is not supported (gzip and deflate are)",
			          (int)(n > 60 ? 60 : n), cs);
			pqx_buf_free(&cur);
			return -1;
		}
		pqx_buf_free(&cur);
		cur = tmp;
		tmp = (pqx_buf)PQX_BUF_INIT;
		if (why) {
			if (*why)
				rec_error(rec, "HTTP Content-Encoding %.*s: %s", (int)n, cs, why);
			else {
				rec_error(rec, "the page is over the limit of %zu bytes (--max-bytes) once decompressed; "
				          "reading stopped there", w->max_bytes);
				rec->error_limit = 1;
			}
			pqx_buf_free(&cur);
			return -1;
		}
	}
	if (cur.oom) {
		pqx_buf_free(&cur);
		rec_error(rec, "out of memory reading the page");
		return -1;
	}
	if (!html && !sniff_html(&cur)) {
		pqx_buf_free(&cur);
		w->st.not_html++;
		return 0;
	}
	if (ct)
		rec->charset = charset_param(ct, ctl);
	rec->body = cur;
	return 1;
}

/* ---- the record layer ----------------------------------------------------- */

/* The record could not be read: say so, find the next record from `from`
 * (line_start: from starts a line), and say where reading goes on. */
static void broken(pqx_warc *w, pqx_warc_record *rec, int gz_damage, wpos from, int line_start,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void broken(pqx_warc *w, pqx_warc_record *rec, int gz_damage, wpos from, int line_start,
                   const char *fmt, ...)
{
	char m[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	w->st.unreadable++;
	w->watch = 0;
	if (w->single) {
		/* one record was asked for: nothing to resynchronise to */
		rec_error(rec, "unreadable WARC record: %s", m);
		w->at_end = 1;
		return;
	}
	pqx_buf note = PQX_BUF_INIT;
	int found;
	if (gz_damage) {
		uint64_t f;
		found = w->gz && next_member(w, w->bad_off + 1, &f);
		if (found) {
			/* the next member should start a record; if not, look further */
			int c = peekb(w);
			found = c == 'W' || scan_for_record(w, 1, &note);
		}
	} else {
		found = seek_to(w, from) == 0 && scan_for_record(w, line_start, &note);
	}
	char resume[300];
	if (found) {
		wpos p;
		peekb(w);
		p = here(w);
		if (!w->gz)
			snprintf(resume, sizeof resume, "reading goes on at the next record, offset %llu",
			         (unsigned long long)p.inner);
		else if (p.inner == 0)
			snprintf(resume, sizeof resume, "reading goes on at the next record, gzip member at offset %llu",
			         (unsigned long long)p.moff);
		else
			snprintf(resume, sizeof resume, "reading goes on at the next record, offset %llu+%llu",
			         (unsigned long long)p.moff, (unsigned long long)p.inner);
	} else {
		snprintf(resume, sizeof resume, "no readable record follows; the rest of the archive is skipped");
		w->at_end = 1;
	}
	rec_error(rec, "unreadable WARC record: %s%s; %s", m, pqx_buf_cstr(&note), resume);
	pqx_buf_free(&note);
}

static void count_type(pqx_warc *w, const char *t, size_t n)
{
#define IS(s) (n == sizeof s - 1 && strncasecmp(t, s, n) == 0)
	if (IS("revisit"))
		w->st.revisit++;
	else if (IS("request"))
		w->st.request++;
	else if (IS("metadata"))
		w->st.metadata++;
	else if (IS("warcinfo"))
		w->st.warcinfo++;
	else
		w->st.other_type++;
#undef IS
}

/* Reads one record from start. Returns 1 when rec is to be handed out, 0 when
 * the record was skipped. */
static int read_record(pqx_warc *w, pqx_warc_record *rec, wpos start)
{
	pqx_buf hdr = PQX_BUF_INIT, http = PQX_BUF_INIT, raw = PQX_BUF_INIT;
	int out = 1;
	name_record(w, rec, start);
	w->st.records++;

	/* version line */
	char line[64];
	size_t ll = 0;
	int c;
	while ((c = getb(w)) >= 0 && c != '\n' && ll + 1 < sizeof line)
		line[ll++] = (char)c;
	line[ll] = '\0';
	if (ll && line[ll - 1] == '\r')
		line[--ll] = '\0';
	if (c == B_ERR) {
		broken(w, rec, 1, start, 0, "%s", w->bad_msg);
		goto done;
	}
	if (strcmp(line, "WARC/1.0") != 0 && strcmp(line, "WARC/1.1") != 0) {
		wpos from = start;
		from.inner++;
		if (strncmp(line, "WARC/", 5) == 0)
			broken(w, rec, 0, from, 0, "version \"%s\" is not WARC/1.0 or WARC/1.1", line);
		else
			broken(w, rec, 0, from, 0, "no WARC record starts here (expected \"WARC/1.0\" or \"WARC/1.1\")");
		goto done;
	}
	int ended_line;
	int hr = read_header(w, &hdr, NULL, &ended_line);
	if (hr != 0) {
		wpos from = start;
		from.inner++;
		if (hr == B_ERR)
			broken(w, rec, 1, start, 0, "%s", w->bad_msg);
		else if (hr == B_EOF)
			broken(w, rec, 0, from, 0, "the archive ends inside the record's header");
		else
			broken(w, rec, 0, from, 0, "the record's header is longer than %d bytes", MAX_HEADER);
		goto done;
	}
	const char *h = pqx_buf_cstr(&hdr);
	size_t n;
	const char *clv = field(h, "Content-Length", &n);
	char *e = NULL;
	unsigned long long clen = 0;
	if (clv && n > 0 && n < 20 && isdigit((unsigned char)clv[0])) {
		errno = 0;
		clen = strtoull(clv, &e, 10);
		if (errno || e != clv + n)
			e = NULL;
	}
	wpos block = here(w);
	if (!clv || !e) {
		wpos from = start;
		from.inner++;
		broken(w, rec, 0, from, 0, clv ? "its Content-Length \"%.*s\" is not a number" :
		       "its header has no Content-Length%.*s", clv ? (int)(n > 40 ? 40 : n) : 0, clv ? clv : "");
		goto done;
	}
	size_t tn;
	const char *type = field(h, "WARC-Type", &tn);
	if (!type) {
		type = "";
		tn = 0;
	}
	int response = tn == 8 && strncasecmp(type, "response", 8) == 0;
	size_t ctn;
	const char *ct = field(h, "Content-Type", &ctn);
	char mt[128];
	media_type(ct ? ct : "", ct ? ctn : 0, mt, sizeof mt);
	int is_http = response && strcmp(mt, "application/http") == 0;

	/* the block */
	w->watch = 1;
	w->crossed = 0;
	uint64_t left = clen, got = 0;
	int r = 0, truncated = 0;
	if (is_http) {
		r = read_header(w, &http, &left, &ended_line);
		if (r == 1) {
			/* an HTTP header this long is not a page: read on to the end */
			uint64_t g;
			r = wread(w, left, NULL, 0, &g);
			left -= g;
			pqx_buf_reset(&http);
			pqx_buf_adds(&http, "?");
		} else if (r == B_EOF && left == 0) {
			r = 0; /* header with no body */
		}
		if (r == 0) {
			size_t keep = w->max_bytes ? w->max_bytes + 1 : (size_t)-1;
			const char *f, *c;
			size_t cl;
			int html;
			if (http_verdict(pqx_buf_cstr(&http), &f, &c, &cl, &html) > 0)
				keep = 0; /* another status, or not HTML: not worth holding */
			r = wread(w, left, &raw, keep, &got);
			left -= got;
			truncated = w->max_bytes && raw.len > w->max_bytes;
		}
	} else {
		r = wread(w, left, NULL, 0, &got);
		left -= got;
	}
	if (r == B_ERR) {
		broken(w, rec, 1, block, 1, "%s", w->bad_msg);
		goto done;
	}
	if (r == B_EOF) {
		broken(w, rec, 0, block, 1, "its block of %llu bytes (Content-Length) runs past the end of "
		       "the archive, %llu bytes short (cut short, or the length is wrong)", clen,
		       (unsigned long long)left);
		goto done;
	}
	/* the end of the record: CRLF CRLF */
	char tail[4];
	size_t tl = 0;
	while (tl < 4 && (c = getb(w)) >= 0)
		tail[tl++] = (char)c;
	int crossed = w->crossed;
	uint64_t crossed_off = w->crossed_off;
	w->watch = 0;
	if (tl < 4 || memcmp(tail, "\r\n\r\n", 4) != 0) {
		if (c == B_ERR) {
			broken(w, rec, 1, block, 1, "%s", w->bad_msg);
		} else if (crossed) {
			broken(w, rec, 0, block, 1, "its Content-Length (%llu) runs past the end of its gzip member "
			       "into the member at offset %llu (the length is wrong)", clen,
			       (unsigned long long)crossed_off);
		} else {
			broken(w, rec, 0, block, 1, "it does not end where its Content-Length (%llu) says: no CRLF CRLF "
			       "there (the length is wrong)", clen);
		}
		goto done;
	}

	/* the record is whole */
	if (!response) {
		count_type(w, type, tn);
		out = 0;
		goto done;
	}
	if (!is_http) {
		w->st.not_http++;
		out = 0;
		goto done;
	}
	size_t un;
	const char *uv = field(h, "WARC-Target-URI", &un);
	if (uv && un >= 2 && uv[0] == '<' && uv[un - 1] == '>')
		uv++, un -= 2;
	size_t dn;
	const char *dv = field(h, "WARC-Date", &dn);
	int hp = http_page(w, rec, pqx_buf_cstr(&http), &raw, truncated);
	if (hp == 0) {
		out = 0;
		goto done;
	}
	size_t trn;
	const char *trv = field(h, "WARC-Truncated", &trn);
	if (hp > 0 && trv) {
		/* the crawler stopped reading: the page is incomplete, its text would be wrong */
		rec_error(rec, "the crawler cut this record short (WARC-Truncated: %.*s); the page is incomplete",
		          (int)(trn > 40 ? 40 : trn), trv);
		pqx_buf_free(&rec->body);
		free(rec->charset);
		rec->charset = NULL;
		hp = -1;
	}
	if (uv && un && pqx_url_is_absolute(uv, un))
		rec->url = dupn(uv, un);
	else
		pqx_buf_addf(&rec->warnings, "the record's WARC-Target-URI %s%.*s%s is not an absolute URL; ctx.url is nil\n",
		             uv ? "\"" : "", uv ? (int)(un > 200 ? 200 : un) : 7, uv ? uv : "(none)", uv ? "\"" : "");
	if (dv && is_warc_date(dv, dn))
		rec->fetched = dupn(dv, dn);
	else
		pqx_buf_addf(&rec->warnings, "the record's WARC-Date %s%.*s%s is not an ISO 8601 UTC time; "
		             "ctx.fetched is nil\n", dv ? "\"" : "", dv ? (int)(dn > 60 ? 60 : dn) : 7,
		             dv ? dv : "(none)", dv ? "\"" : "");
	if (hp > 0 || rec->error_limit)
		w->st.pages++;
	else
		w->st.unreadable++;
done:
	pqx_buf_free(&hdr);
	pqx_buf_free(&http);
	pqx_buf_free(&raw);
	return out;
}

/* ---- the public side ------------------------------------------------------ */

pqx_warc *pqx_warc_open(const char *path, size_t max_bytes, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot read archive: %s", strerror(errno));
		return NULL;
	}
	struct stat sb;
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, S_ISDIR(sb.st_mode) ? "cannot read archive: it is a directory"
		         : "cannot read archive: not a regular file (a FIFO, device or socket)");
		fclose(f);
		return NULL;
	}
	pqx_warc *w = calloc(1, sizeof *w);
	if (!w || !(w->path = strdup(path))) {
		free(w);
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->f = f;
	w->max_bytes = max_bytes;
	unsigned char magic[2] = {0, 0};
	size_t got = fread(magic, 1, 2, f);
	w->gz = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
	rewind(f);
	if (w->gz) {
		if (inflateInit2(&w->z, 15 + 16) != Z_OK) {
			snprintf(err, errlen, "zlib could not start");
			pqx_warc_close(w);
			return NULL;
		}
		w->z_ready = 1;
	}
	return w;
}

int pqx_warc_next(pqx_warc *w, pqx_warc_record *rec)
{
	memset(rec, 0, sizeof *rec);
	rec->inner = -1;
	for (;;) {
		if (w->at_end)
			return 0;
		/* empty lines between records are tolerated */
		int c;
		while ((c = peekb(w)) == '\r' || c == '\n')
			w->out_pos++;
		if (c == B_EOF) {
			w->at_end = 1;
			return 0;
		}
		if (c == B_ERR) {
			/* damage where a record should start: name it by where it is */
			wpos p = {w->gz ? w->bad_off : 0, w->gz ? 0 : w->bad_off};
			name_record(w, rec, p);
			broken(w, rec, 1, p, 1, "%s", w->bad_msg);
			return 1;
		}
		wpos start = here(w);
		int got = read_record(w, rec, start);
		if (w->single)
			w->at_end = 1;
		if (got)
			return 1;
		pqx_warc_record_free(rec);
		memset(rec, 0, sizeof *rec);
		rec->inner = -1;
	}
}

int pqx_warc_parse_name(const char *name, char **archive, uint64_t *offset, int64_t *inner)
{
	const char *h = strrchr(name, '#');
	if (!h || h == name)
		return 0;
	char *a = dupn(name, (size_t)(h - name));
	if (!a)
		return 0;
	const char *p = h + 1;
	char *e;
	if (!pqx_warc_is_archive_name(a) || !isdigit((unsigned char)*p))
		goto no;
	errno = 0;
	unsigned long long off = strtoull(p, &e, 10);
	if (errno)
		goto no;
	long long in = -1;
	if (*e == '+') {
		p = e + 1;
		if (!isdigit((unsigned char)*p))
			goto no;
		in = strtoll(p, &e, 10);
		if (errno || in < 0)
			goto no;
	}
	if (*e)
		goto no;
	*archive = a;
	*offset = off;
	*inner = in;
	return 1;
no:
	free(a);
	return 0;
}

pqx_warc *pqx_warc_open_record(const char *path, uint64_t offset, int64_t inner, size_t max_bytes,
                               char *err, size_t errlen)
{
	pqx_warc *w = pqx_warc_open(path, max_bytes, err, errlen);
	if (!w)
		return NULL;
	struct stat sb;
	if (fstat(fileno(w->f), &sb) == 0 && offset >= (uint64_t)sb.st_size) {
		snprintf(err, errlen, "offset %llu is past the end of the archive (%lld bytes)",
		         (unsigned long long)offset, (long long)sb.st_size);
		pqx_warc_close(w);
		return NULL;
	}
	if (!w->gz && inner >= 0) {
		snprintf(err, errlen, "the archive is not compressed: a record is named by its offset alone");
		pqx_warc_close(w);
		return NULL;
	}
	wpos p = {w->gz ? offset : 0, w->gz ? (uint64_t)(inner > 0 ? inner : 0) : offset};
	if (seek_to(w, p) != 0) {
		snprintf(err, errlen, "%s", w->bad_msg);
		pqx_warc_close(w);
		return NULL;
	}
	w->single = 1;
	return w;
}

void pqx_warc_record_free(pqx_warc_record *rec)
{
	free(rec->name);
	free(rec->archive);
	free(rec->url);
	free(rec->fetched);
	free(rec->charset);
	free(rec->error);
	pqx_buf_free(&rec->body);
	pqx_buf_free(&rec->warnings);
	memset(rec, 0, sizeof *rec);
}

const pqx_warc_stats *pqx_warc_get_stats(const pqx_warc *w)
{
	return &w->st;
}

void pqx_warc_close(pqx_warc *w)
{
	if (!w)
		return;
	if (w->z_ready)
		inflateEnd(&w->z);
	if (w->f)
		fclose(w->f);
	free(w->path);
	free(w);
}

void pqx_warc_stats_add(pqx_warc_stats *a, const pqx_warc_stats *b)
{
	a->records += b->records;
	a->pages += b->pages;
	a->unreadable += b->unreadable;
	a->revisit += b->revisit;
	a->request += b->request;
	a->metadata += b->metadata;
	a->warcinfo += b->warcinfo;
	a->other_type += b->other_type;
	a->not_http += b->not_http;
	a->status += b->status;
	a->not_html += b->not_html;
}

long pqx_warc_stats_skipped(const pqx_warc_stats *s, pqx_buf *out)
{
	const struct {
		long n;
		const char *what;
	} k[] = {
		{s->request, "request"},         {s->warcinfo, "warcinfo"},
		{s->metadata, "metadata"},       {s->revisit, "revisit"},
		{s->other_type, "other type"},   {s->not_http, "not HTTP"},
		{s->status, "HTTP status not 200"}, {s->not_html, "not HTML"},
	};
	long total = 0;
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		if (!k[i].n)
			continue;
		if (out)
			pqx_buf_addf(out, "%s%ld %s", total ? ", " : "", k[i].n, k[i].what);
		total += k[i].n;
	}
	return total;
}

void pqx_warc_stats_line(const pqx_warc_stats *s, int archives, pqx_buf *out)
{
	pqx_buf sk = PQX_BUF_INIT;
	long skipped = pqx_warc_stats_skipped(s, &sk);
	pqx_buf_addf(out, "web archive%s: %d read, %ld record%s: %ld HTML page%s, %ld unreadable, %ld skipped",
	             archives == 1 ? "" : "s", archives, s->records, s->records == 1 ? "" : "s", s->pages,
	             s->pages == 1 ? "" : "s", s->unreadable, skipped);
	if (skipped)
		pqx_buf_addf(out, " (%s)", pqx_buf_cstr(&sk));
	pqx_buf_free(&sk);
}
