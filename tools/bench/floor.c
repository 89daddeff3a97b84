/* floor.c: the benchmark's floor, what any HTML5 scraper on gumbo must at least spend.
 *
 * Usage: floor FILE...   (or floor - to read the paths from stdin, one a line)
 * For each page: read the file, convert windows-1252 to UTF-8 with iconv, gumbo_parse with
 * stock options, destroy the tree. Nothing else: no arena, no limits, no text, no script.
 * `make bench` reports every pqx figure as a ratio to this program's CPU time. */
#include <errno.h>
#include <gumbo.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *buf, *out;
static size_t bufcap, outcap;

static int one(const char *path, iconv_t cd, long *nodes)
{
	FILE *f = fopen(path, "rb");
	if (!f) { fprintf(stderr, "floor: %s: %s\n", path, strerror(errno)); return -1; }
	size_t len = 0, n;
	for (;;) {
		if (len == bufcap) {
			bufcap = bufcap ? bufcap * 2 : 1 << 16;
			buf = realloc(buf, bufcap);
			if (!buf) { perror("realloc"); exit(1); }
		}
		n = fread(buf + len, 1, bufcap - len, f);
		if (n == 0) break;
		len += n;
	}
	fclose(f);
	if (outcap < len * 3 + 1) {
		outcap = len * 3 + 1;
		out = realloc(out, outcap);
		if (!out) { perror("realloc"); exit(1); }
	}
	char *in = buf, *o = out;
	size_t inleft = len, outleft = outcap - 1;
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
		fprintf(stderr, "floor: %s: iconv: %s at byte %zu\n", path, strerror(errno), len - inleft);
		return -1;
	}
	GumboOutput *g = gumbo_parse_with_options(&kGumboDefaultOptions, out, (size_t)(o - out));
	*nodes += (long)g->root->v.element.children.length;
	gumbo_destroy_output(&kGumboDefaultOptions, g);
	return 0;
}

int main(int argc, char **argv)
{
	iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
	if (cd == (iconv_t)-1) { perror("iconv_open"); return 1; }
	long pages = 0, nodes = 0, failed = 0;
	if (argc == 2 && strcmp(argv[1], "-") == 0) {
		char line[4096];
		while (fgets(line, sizeof line, stdin)) {
			line[strcspn(line, "\n")] = 0;
			if (!*line) continue;
			failed += one(line, cd, &nodes) != 0;
			pages++;
		}
	} else {
		for (int i = 1; i < argc; i++) {
			failed += one(argv[i], cd, &nodes) != 0;
			pages++;
		}
	}
	iconv_close(cd);
	free(buf);
	free(out);
	printf("%ld pages parsed, %ld failed\n", pages, failed);
	return failed ? 1 : 0;
}
