/*
 * bench_select.c: a benchmark of the selector engine, never a pass/fail test.
 * Usage: bench_select PAGE...
 * Parses each page with plain gumbo (encoding ignored: it does not matter for
 * timing), runs a fixed set of representative selectors for about 0.3 s
 * each and prints matches, selections per second and microseconds per
 * selection. It must never be wired into the test suite's verdict.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gumbo.h>

#include "select.h"

static const char *const selectors[] = {
	"p",
	"*",
	".topLinks",
	"div p",
	"table tr > td a",
	"a[name^=wa_qn_]",
	"li:nth-child(2n+1), td:nth-last-child(1)",
	"p:has(> a[name])",
	"p:pqx-contains(\"Government\" i)",
	"p:pqx-matches(/\\[HL\\d+\\]/)",
	"h1, h2, h3, h4, h5, h6, dt, dd, th, caption, legend, label, strong, em, b, i",
	":is(div, td) > :not(p, span):first-child",
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *s = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n + 65536 > cap) {
			cap = cap ? cap * 2 : 131072;
			char *t = realloc(s, cap);
			if (!t) {
				free(s);
				fclose(f);
				return NULL;
			}
			s = t;
		}
		size_t r = fread(s + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	s[n] = '\0';
	*len = n;
	return s;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_select PAGE...\n");
		return 2;
	}
	GumboOptions opt = kGumboDefaultOptions;
	opt.max_errors = 10;  /* gumbo copies its open-element stack per recorded error */
	for (int i = 1; i < argc; i++) {
		size_t len;
		char *html = slurp(argv[i], &len);
		if (!html) {
			fprintf(stderr, "bench_select: cannot read %s\n", argv[i]);
			continue;
		}
		double t0 = now();
		GumboOutput *out = gumbo_parse_with_options(&opt, html, len);
		double tp = now() - t0;
		printf("%s (%zu bytes, gumbo parse %.0f us)\n", argv[i], len, tp * 1e6);
		printf("  %8s %12s %10s  %s\n", "matches", "sel/s", "us/sel", "selector");
		pqx_nodevec v = {0};
		for (size_t k = 0; k < sizeof selectors / sizeof selectors[0]; k++) {
			char err[256];
			const char *css = selectors[k];
			pqx_sel *s = pqx_sel_compile(css, strlen(css), err, sizeof err);
			if (!s) {
				printf("  %s\n", err);
				continue;
			}
			size_t iters = 0, matches = 0;
			double start = now(), el;
			do {
				v.n = 0;
				if (pqx_sel_select(s, out->document, 0, &v) != 0) {
					fprintf(stderr, "bench_select: out of memory\n");
					return 1;
				}
				matches = v.n;
				iters++;
				el = now() - start;
			} while (el < 0.3);
			printf("  %8zu %12.0f %10.2f  %s\n", matches, (double)iters / el, el / (double)iters * 1e6, css);
			pqx_sel_free(s);
		}
		pqx_nodevec_free(&v);
		gumbo_destroy_output(&opt, out);
		free(html);
	}
	return 0;
}
