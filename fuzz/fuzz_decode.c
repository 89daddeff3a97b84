/*
 * fuzz_decode.c: libFuzzer target for the decoder and sniffer (src/encoding.c).
 *
 * Input: one control byte, then the page bytes. The control byte's low two bits
 * say what is declared besides the page itself (0 nothing, 1 an --encoding
 * override, 2 a transport label, 3 both), the other six pick the label from the
 * table below (real WHATWG labels in odd spellings, whole Content-Type values,
 * labels the system cannot decode, junk).
 *
 * Invariants checked on every input:
 * - without an override the decode never fails; with one it fails only with a
 *   message, and only for a label that is unknown or not supported here;
 * - the text is well-formed UTF-8, NUL-terminated, without an inner NUL;
 * - the counts agree: nuls + controls + references <= replaced, and at
 *   least replaced - controls - references U+FFFD are in the text (gumbo
 *   replaces the controls and references later);
 * - the encoding is a canonical name (the label lookup maps it to itself) and
 *   the source is one of the documented ones, "bom" exactly when a BOM is there;
 * - a page that is already well-formed UTF-8 without NUL and is decoded as
 *   UTF-8 comes out byte for byte (less its BOM), with nothing replaced;
 * - windows-1252 and x-user-defined never replace anything but NUL;
 * - the warning is a terminated string; the prescan alone gives NULL or a
 *   canonical name; the windows-1252 encoder inverts its decoder.
 */
#include <stdint.h>
#include <string.h>

#include "encoding.h"
#include "fuzz.h"

static const char *const labels[64] = {
	"utf-8", " UTF8 ", "unicode-1-1-utf-8", "latin1", "ISO-8859-1", "windows-1252",
	"ascii", "us-ascii", "iso-8859-2", "l2", "iso-8859-5", "cyrillic", "iso-8859-7",
	"iso-8859-8-i", "iso-8859-16", "koi8-r", "koi8-u", "ibm866", "macintosh",
	"x-mac-cyrillic", "windows-874", "windows-1250", "windows-1251", "windows-1253",
	"windows-1255", "windows-1256", "windows-1258", "gbk", "gb2312", "gb18030", "big5",
	"big5-hkscs", "euc-jp", "iso-2022-jp", "shift_jis", "sjis", "euc-kr", "ks_c_5601-1987",
	"utf-16", "utf-16le", "utf-16be", "x-user-defined", "iso-2022-kr", "hz-gb-2312",
	"replacement", "text/html; charset=iso-8859-15", "text/html;charset=\"koi8-r\"",
	"text/html; charset='shift_jis'", "text/html; charset=", "charset=utf-8",
	"text/plain", "\tWINDOWS-1252\f", "utf-7", "x-unknown", "", " ", "iso-8859-1;",
	"=\"\"", "iso_8859-2:1987", "csisolatin9", "x-sjis", "tis-620", "dos-874",
	"unicodefffe",
};

_Static_assert(sizeof labels / sizeof labels[0] == 64, "six bits pick a label");

static int known_source(const char *s)
{
	static const char *const sources[] = {"bom", "override", "transport", "meta",
		"meta-but-utf8", "transport-but-utf8", "meta-but-not-utf8", "transport-but-not-utf8",
		"detected", "default", NULL};
	for (int i = 0; sources[i]; i++)
		if (strcmp(s, sources[i]) == 0)
			return 1;
	return 0;
}

static int has_bom(const uint8_t *p, size_t n)
{
	return (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) ||
	       (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) || (n >= 2 && p[0] == 0xFE && p[1] == 0xFF);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0] & 3;
	const char *label = labels[data[0] >> 2];
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	const char *override = (mode & 1) ? label : NULL;
	const char *transport = (mode & 2) ? label : NULL;

	pqx_decoded d;
	char err[256];
	int rc = pqx_enc_decode(p, n, override, transport, &d, err, sizeof err);
	if (rc != 0) {
		FUZZ_ASSERT(override != NULL, "decode fails only for a bad override");
		FUZZ_ASSERT(err[0] != '\0', "a failed decode says why");
		FUZZ_ASSERT(!has_bom(p, n), "a BOM wins over a bad override");
		const char *c = pqx_enc_canonical(override, strlen(override));
		FUZZ_ASSERT(c == NULL || strstr(err, "not supported") != NULL,
		            "a known, decodable override is accepted");
		return 0;
	}
	FUZZ_ASSERT(d.utf8 != NULL, "the text is there");
	FUZZ_ASSERT(d.utf8[d.len] == '\0', "the text is NUL-terminated");
	FUZZ_ASSERT(memchr(d.utf8, 0, d.len) == NULL, "the text holds no NUL byte");
	FUZZ_ASSERT(fuzz_utf8_ok(d.utf8, d.len), "the text is well-formed UTF-8");
	/* replaced also counts what gumbo will replace (controls, references) */
	size_t later = d.controls + d.references;
	FUZZ_ASSERT(d.nuls + later <= d.replaced, "NULs, controls and references are among the replaced");
	FUZZ_ASSERT(fuzz_count_fffd(d.utf8, d.len) >= d.replaced - later,
	            "every replacement the decoder made is a U+FFFD");
	FUZZ_ASSERT(d.source && known_source(d.source), "the source is a documented one");
	FUZZ_ASSERT((strcmp(d.source, "bom") == 0) == has_bom(p, n), "source bom exactly with a BOM");
	FUZZ_ASSERT(memchr(d.warning, 0, sizeof d.warning) != NULL, "the warning is terminated");
	FUZZ_ASSERT(memchr(d.encoding, 0, sizeof d.encoding) != NULL, "the encoding is terminated");
	const char *canon = pqx_enc_canonical(d.encoding, strlen(d.encoding));
	FUZZ_ASSERT(canon && strcmp(canon, d.encoding) == 0, "the encoding is a canonical name");
	if (override && strcmp(d.source, "bom") != 0)
		FUZZ_ASSERT(strcmp(d.source, "override") == 0, "an accepted override decides");

	size_t skip = (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) ? 3 : 0;
	if (strcmp(d.encoding, "UTF-8") == 0 && fuzz_utf8_ok((const char *)p + skip, n - skip) &&
	    memchr(p + skip, 0, n - skip) == NULL) {
		FUZZ_ASSERT(d.replaced == later, "valid UTF-8 has nothing for the decoder to replace");
		FUZZ_ASSERT(d.len == n - skip && memcmp(d.utf8, p + skip, d.len) == 0,
		            "valid UTF-8 comes out unchanged");
	}
	if (strcmp(d.encoding, "windows-1252") == 0 || strcmp(d.encoding, "x-user-defined") == 0)
		FUZZ_ASSERT(d.replaced == d.nuls + later, "single-byte decoders replace only NUL");
	/* detected UTF-8 may hold a few stray bytes, read as windows-1252; only the five
	 * bytes windows-1252 leaves undefined become U+FFFD */
	if (strcmp(d.encoding, "UTF-8") == 0 && strcmp(d.source, "detected") == 0 &&
	    d.replaced > d.nuls + later) {
		int undefined = 0;
		for (size_t i = 0; i < n && !undefined; i++)
			undefined = p[i] == 0x81 || p[i] == 0x8D || p[i] == 0x8F || p[i] == 0x90 || p[i] == 0x9D;
		FUZZ_ASSERT(undefined, "detected UTF-8 replaced only bytes windows-1252 leaves undefined");
	}

	pqx_decoded_free(&d);

	const char *pre = pqx_enc_prescan(p, n);
	if (pre) {
		const char *pc = pqx_enc_canonical(pre, strlen(pre));
		FUZZ_ASSERT(pc && strcmp(pc, pre) == 0, "the prescan gives a canonical name");
	}
	/* the label lookup on arbitrary bytes: NULL or a canonical name */
	size_t ll = n < 48 ? n : 48;
	const char *lc = pqx_enc_canonical((const char *)p, ll);
	if (lc) {
		const char *lc2 = pqx_enc_canonical(lc, strlen(lc));
		FUZZ_ASSERT(lc2 && strcmp(lc2, lc) == 0, "a label maps to a canonical name");
	}
	/* the windows-1252 encoder inverts the decoder for every byte it maps */
	if (n >= 1 && p[0] != 0) {
		size_t wl;
		pqx_decoded one;
		if (pqx_enc_decode(p, 1, "windows-1252", NULL, &one, err, sizeof err) == 0) {
			wl = one.len;
			int b = pqx_enc_w1252_byte(one.utf8, wl);
			FUZZ_ASSERT(b == p[0], "the windows-1252 byte of a decoded byte is that byte");
			pqx_decoded_free(&one);
		}
	}
	return 0;
}
