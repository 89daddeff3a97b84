/*
 * casefold.c: Unicode simple case folding (src/casefold.h). It owns the
 * folding table, src/casefold_table.h, which tools/gen_casefold.py writes from
 * python3's unicodedata: the whole of Unicode (Latin, Greek, Cyrillic,
 * Armenian, Georgian, Cherokee, Glagolitic, Deseret, ...) in about 200 runs of
 * code points that fold by the same offset, so a lookup is a binary search
 * over 2.4 KB instead of a 64 K-entry array. Plain C: no Lua and no locale
 * (the C library's towlower depends on the process locale, which pqx does not
 * control, and on the C library's own tables).
 */
#include "casefold.h"

struct fold_run {
	uint32_t first;
	uint16_t count;
	uint8_t stride;
	int32_t delta;
};

#include "casefold_table.h"

uint32_t pqx_fold_cp(uint32_t cp)
{
	if (cp < 0x80) /* the common case, without the search */
		return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
	size_t lo = 0, hi = sizeof fold_runs / sizeof fold_runs[0];
	while (lo < hi) { /* the last run whose first <= cp */
		size_t mid = lo + (hi - lo) / 2;
		if (fold_runs[mid].first <= cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return cp;
	const struct fold_run *r = &fold_runs[lo - 1];
	uint32_t off = cp - r->first;
	if (off % r->stride != 0 || off / r->stride >= r->count)
		return cp;
	return (uint32_t)((int32_t)cp + r->delta);
}

static void put_utf8(pqx_buf *b, uint32_t cp)
{
	pqx_buf_add_utf8(b, cp);
}

/* Length of the well-formed UTF-8 sequence at s[0..n) and its code point in
 * *cp, or 0 if there is none (stray continuation byte, truncated, overlong,
 * surrogate or beyond U+10FFFF). */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t k;
	uint32_t v, min;
	if (c < 0xC2 || c > 0xF4)
		return 0;
	if (c < 0xE0) {
		k = 2, v = c & 0x1Fu, min = 0x80;
	} else if (c < 0xF0) {
		k = 3, v = c & 0x0Fu, min = 0x800;
	} else {
		k = 4, v = c & 0x07u, min = 0x10000;
	}
	if (k > n)
		return 0;
	for (size_t j = 1; j < k; j++) {
		if ((s[j] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[j] & 0x3Fu);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return k;
}

int pqx_casefold(const char *s, size_t n, pqx_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			pqx_buf_addc(out, (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]));
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = decode(p + i, n - i, &cp);
		if (k == 0) {
			pqx_buf_addc(out, (char)p[i]);
			i++;
			continue;
		}
		uint32_t f = pqx_fold_cp(cp);
		if (f == cp)
			pqx_buf_add(out, s + i, k);
		else
			put_utf8(out, f);
		i += k;
	}
	return out->oom ? -1 : 0;
}
