/*
 * test_warc.c: unit tests of src/warc.c, the web archive reader. A small archive
 * is built in memory (plain and per-record gzip), then read whole, cut at every
 * byte, and damaged at every byte: reading must always end, never hand out a
 * page whose body is cut short, and account for every record. The sanitizer
 * build (make sanitize) runs the same checks under ASan and UBSan.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "parse.h"
#include "t.h"
#include "warc.h"

#define NPAGES 3
static const char *const bodies[NPAGES] = {
	"<!DOCTYPE html><html><body><p>first page</p></body></html>\n",
	"<html><body><p>second page, a little longer than the first one</p></body></html>\n",
	"<p>third\r\n\r\nWARC/1.0 inside a body is not a record</p>\n",
};

static char dir[64];
static char err_buf[512];

static void add_record(pqx_buf *out, const char *type, const char *uri, const char *ctype,
                       const char *block, size_t blen)
{
	pqx_buf_addf(out, "WARC/1.0\r\nWARC-Type: %s\r\nWARC-Target-URI: %s\r\n"
	             "WARC-Date: 2024-05-06T07:08:09Z\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
	             type, uri, ctype, blen);
	pqx_buf_add(out, block, blen);
	pqx_buf_adds(out, "\r\n\r\n");
}

/* the records of the test archive, each in its own buffer */
static void build(pqx_buf recs[5])
{
	for (int i = 0; i < 5; i++)
		recs[i] = (pqx_buf)PQX_BUF_INIT;
	const char *req = "GET /1 HTTP/1.1\r\nHost: example.org\r\n\r\n";
	add_record(&recs[0], "request", "https://example.org/1", "application/http; msgtype=request", req, strlen(req));
	for (int i = 0; i < NPAGES; i++) {
		pqx_buf http = PQX_BUF_INIT;
		pqx_buf_addf(&http, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=iso-8859-15\r\n"
		             "Content-Length: %zu\r\n\r\n%s", strlen(bodies[i]), bodies[i]);
		char uri[64];
		snprintf(uri, sizeof uri, "https://example.org/%d", i + 1);
		add_record(&recs[i + 1], "response", uri, "application/http; msgtype=response", http.s, http.len);
		pqx_buf_free(&http);
	}
	add_record(&recs[4], "metadata", "https://example.org/1", "application/warc-fields", "a: b\r\n", 6);
}

static void gzip_into(pqx_buf *out, const char *s, size_t n)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	unsigned char chunk[4096];
	z.next_in = (Bytef *)s;
	z.avail_in = (uInt)n;
	int r;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		r = deflate(&z, Z_FINISH);
		pqx_buf_add(out, (const char *)chunk, sizeof chunk - z.avail_out);
	} while (r == Z_OK);
	deflateEnd(&z);
}

static const char *write_file(const char *name, const char *s, size_t n)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(s, 1, n, f);
		fclose(f);
	}
	return path;
}

typedef struct outcome {
	int pages, errors, cut_pages, ended;
	char names[8][200];
	int npages_named;
} outcome;

/* reads an archive to its end (or 200 items: a reader that does not end fails) */
static void read_all(const char *path, outcome *o)
{
	memset(o, 0, sizeof *o);
	char err[200];
	pqx_warc *w = pqx_warc_open(path, 0, err, sizeof err);
	if (!w)
		return;
	pqx_warc_record rec;
	int n = 0;
	while (n < 200 && pqx_warc_next(w, &rec)) {
		n++;
		if (rec.error) {
			o->errors++;
		} else {
			o->pages++;
			int whole = 0;
			for (int i = 0; i < NPAGES; i++)
				if (rec.body.len == strlen(bodies[i]) && memcmp(rec.body.s, bodies[i], rec.body.len) == 0)
					whole = 1;
			if (!whole)
				o->cut_pages++;
			if (o->npages_named < 8)
				snprintf(o->names[o->npages_named++], sizeof o->names[0], "%s", rec.name ? rec.name : "");
		}
		pqx_warc_record_free(&rec);
	}
	o->ended = n < 200;
	pqx_warc_close(w);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/pqx-warc-XXXXXX");
	if (!mkdtemp(dir)) {
		printf("not ok - temporary directory\n");
		return 1;
	}
	pqx_buf recs[5], plain = PQX_BUF_INIT, gz = PQX_BUF_INIT;
	size_t poff[5], goff[5];
	build(recs);
	for (int i = 0; i < 5; i++) {
		poff[i] = plain.len;
		goff[i] = gz.len;
		pqx_buf_add(&plain, recs[i].s, recs[i].len);
		gzip_into(&gz, recs[i].s, recs[i].len);
	}

	/* whole archives */
	const char *names[2] = {"a.warc", "a.warc.gz"};
	pqx_buf *files[2] = {&plain, &gz};
	size_t *offs[2] = {poff, goff};
	for (int k = 0; k < 2; k++) {
		const char *p = write_file(names[k], files[k]->s, files[k]->len);
		char err[200];
		pqx_warc *w = pqx_warc_open(p, 0, err, sizeof err);
		CHECK(w != NULL, "archive opens");
		if (!w)
			continue;
		pqx_warc_record rec;
		int i = 0;
		while (pqx_warc_next(w, &rec)) {
			char want[256], what[80];
			snprintf(want, sizeof want, "%s#%zu", p, offs[k][i + 1]);
			snprintf(what, sizeof what, "%s: page %d named by its offset", names[k], i + 1);
			CHECK_STR(rec.name, want, what);
			snprintf(what, sizeof what, "%s: page %d body", names[k], i + 1);
			CHECK(i < NPAGES && rec.body.len == strlen(bodies[i]) && memcmp(rec.body.s, bodies[i], rec.body.len) == 0, what);
			snprintf(what, sizeof what, "%s: page %d charset from HTTP", names[k], i + 1);
			CHECK_STR(rec.charset, "iso-8859-15", what);
			snprintf(want, sizeof want, "https://example.org/%d", i + 1);
			snprintf(what, sizeof what, "%s: page %d url", names[k], i + 1);
			CHECK_STR(rec.url, want, what);
			CHECK_STR(rec.fetched, "2024-05-06T07:08:09Z", "fetched");
			CHECK(rec.error == NULL, "no error");
			pqx_warc_record_free(&rec);
			i++;
		}
		CHECK(i == NPAGES, "three pages");
		const pqx_warc_stats *st = pqx_warc_get_stats(w);
		CHECK(st->records == 5 && st->pages == 3 && st->request == 1 && st->metadata == 1 && st->unreadable == 0,
		      "stats: 5 records, 3 pages, 1 request, 1 metadata");
		pqx_buf line = PQX_BUF_INIT;
		pqx_warc_stats_line(st, 1, &line);
		CHECK_STR(pqx_buf_cstr(&line), "web archive: 1 read, 5 records: 3 HTML pages, 0 unreadable, 2 skipped "
		          "(1 request, 1 metadata)", "stats line");
		pqx_buf_free(&line);
		pqx_warc_close(w);
	}

	/* cut at every byte: never a page cut short, always an end, and a cut inside a
	 * record makes an error (the plain archive's record ends are exact) */
	for (int k = 0; k < 2; k++) {
		int bad_end = 0, cut = 0, missing_error = 0, lost = 0;
		for (size_t n = 0; n < files[k]->len; n++) {
			const char *p = write_file(k ? "cut.warc.gz" : "cut.warc", files[k]->s, n);
			outcome o;
			read_all(p, &o);
			if (!o.ended)
				bad_end++;
			cut += o.cut_pages;
			/* pages wholly before the cut are all read */
			int before = 0;
			for (int i = 1; i <= NPAGES; i++) {
				size_t end = k ? offs[k][i + 1] : offs[k][i] + recs[i].len;
				if (end <= n)
					before++;
			}
			if (o.pages < before)
				lost++;
			int at_boundary = 0;
			for (int i = 0; i < 5; i++)
				if (offs[k][i] == n)
					at_boundary = 1;
			if (!at_boundary && n > 0 && o.errors == 0)
				missing_error++;
		}
		char what[120];
		snprintf(what, sizeof what, "%s cut at each of %zu bytes: reading always ends", names[k], files[k]->len);
		CHECK(bad_end == 0, what);
		snprintf(what, sizeof what, "%s cut at each byte: no page is handed out cut short", names[k]);
		CHECK(cut == 0, what);
		snprintf(what, sizeof what, "%s cut at each byte: the pages before the cut are read", names[k]);
		CHECK(lost == 0, what);
		snprintf(what, sizeof what, "%s cut inside a record: always an error", names[k]);
		CHECK(missing_error == 0, what);
	}

	/* damage at every byte (gzip: the CRC catches a changed body) */
	for (int k = 0; k < 2; k++) {
		int bad_end = 0, cut = 0;
		for (size_t n = 0; n < files[k]->len; n++) {
			pqx_buf d = PQX_BUF_INIT;
			pqx_buf_add(&d, files[k]->s, files[k]->len);
			d.s[n] ^= 0x5a;
			const char *p = write_file(k ? "bad.warc.gz" : "bad.warc", d.s, d.len);
			pqx_buf_free(&d);
			outcome o;
			read_all(p, &o);
			if (!o.ended)
				bad_end++;
			if (k == 1)
				cut += o.cut_pages;
		}
		char what[120];
		snprintf(what, sizeof what, "%s damaged at each of %zu bytes: reading always ends", names[k], files[k]->len);
		CHECK(bad_end == 0, what);
		if (k == 1)
			CHECK(cut == 0, "a.warc.gz damaged at each byte: no changed page is handed out");
	}

	/* one corrupt member: the others are read */
	{
		pqx_buf d = PQX_BUF_INIT;
		pqx_buf_add(&d, gz.s, gz.len);
		d.s[goff[2] + (goff[3] - goff[2]) / 2] ^= 0x5a;
		const char *p = write_file("one.warc.gz", d.s, d.len);
		pqx_buf_free(&d);
		outcome o;
		read_all(p, &o);
		CHECK(o.pages == 2 && o.errors == 1, "one corrupt member: two pages and one error");
	}

	/* --max-bytes: a longer body is an error marked as the limit, reading goes on */
	{
		const char *p = write_file("a.warc", plain.s, plain.len);
		char err[200];
		pqx_warc *w = pqx_warc_open(p, 70, err, sizeof err);
		pqx_warc_record rec;
		int limit = 0, pages = 0;
		while (w && pqx_warc_next(w, &rec)) {
			if (rec.error && rec.error_limit && strstr(rec.error, "--max-bytes"))
				limit++;
			else if (!rec.error)
				pages++;
			pqx_warc_record_free(&rec);
		}
		CHECK(limit == 1 && pages == 2, "max_bytes 70: one page over the limit, two read");
		pqx_warc_close(w);
	}

	/* the HTTP charset is the transport label, reported as "http" */
	{
		pqx_limits lim;
		pqx_limits_default(&lim);
		pqx_document d;
		const char *html = "<meta charset=windows-1252><p>\xa4</p>";
		int st = pqx_parse_transport(&d, (const unsigned char *)html, strlen(html), NULL, "iso-8859-15",
		                             &lim, err_buf, sizeof err_buf);
		CHECK(st == PQX_PARSE_OK, "parse with a transport label");
		CHECK_STR(d.text.encoding, "ISO-8859-15", "the transport label beats <meta>");
		CHECK_STR(d.text.source, "http", "... and is reported as http");
		pqx_document_free(&d);
		const char *u8 = "<p>caf\xc3\xa9</p>";
		st = pqx_parse_transport(&d, (const unsigned char *)u8, strlen(u8), NULL, "windows-1252",
		                         &lim, err_buf, sizeof err_buf);
		CHECK_STR(d.text.source, "http-but-utf8", "a single-byte label on UTF-8 bytes: http-but-utf8");
		pqx_document_free(&d);
		st = pqx_parse_transport(&d, (const unsigned char *)html, strlen(html), "windows-1252", "iso-8859-15",
		                         &lim, err_buf, sizeof err_buf);
		CHECK_STR(d.text.source, "override", "an override beats the transport label");
		pqx_document_free(&d);
	}

	CHECK(pqx_warc_is_archive_name("x/CRAWL.WARC.GZ") && pqx_warc_is_archive_name("a.warc") &&
	      !pqx_warc_is_archive_name("a.html") && !pqx_warc_is_archive_name("a.gz"), "archive names");
	char err[200];
	CHECK(pqx_warc_open(dir, 0, err, sizeof err) == NULL && strstr(err, "directory"), "a directory is refused");

	for (int i = 0; i < 5; i++)
		pqx_buf_free(&recs[i]);
	pqx_buf_free(&plain);
	pqx_buf_free(&gz);
	const char *left[] = {"a.warc", "a.warc.gz", "cut.warc", "cut.warc.gz", "bad.warc", "bad.warc.gz", "one.warc.gz"};
	for (size_t i = 0; i < sizeof left / sizeof left[0]; i++) {
		char p[128];
		snprintf(p, sizeof p, "%s/%s", dir, left[i]);
		unlink(p);
	}
	rmdir(dir);
	T_DONE();
}
