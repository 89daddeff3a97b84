/*
 * test_encoding.c: unit tests of src/encoding.c (labels, <meta> prescan,
 * the decision order, every decoder, the fixture pages). Plain C, no Lua.
 * It must be run from the project root (fixtures are found by relative path)
 * and must never depend on the locale or on files outside tests/fixtures.
 * PQX_BENCH=1 in the environment also prints decoding speed as "# " lines.
 */
#define _POSIX_C_SOURCE 200809L
#include "encoding.h"
#include "t.h"

#include <gumbo.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Strict UTF-8 check, independent of the decoder under test. */
/* a string literal and its length, NULs included */
#define L(s) s, sizeof(s) - 1

static int utf8_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		int k;
		unsigned cp, min;
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			k = 1; cp = c & 0x1F; min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			k = 2; cp = c & 0x0F; min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return 0;
		}
		for (int j = 1; j <= k; j++) {
			if (i + (size_t)j >= n || (p[i + j] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + j] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += (size_t)k + 1;
	}
	return 1;
}

static int out_ok(const pqx_decoded *d)
{
	return d->utf8 && strlen(d->utf8) == d->len && utf8_ok(d->utf8, d->len);
}

static int dec(const void *b, size_t n, const char *ov, const char *tr, pqx_decoded *d)
{
	char err[128];
	return pqx_enc_decode((const unsigned char *)b, n, ov, tr, d, err, sizeof err);
}

/* Decodes and checks encoding, source, exact output (if want) and replaced
 * count (if >= 0), each as its own named check. */
static void expect(const char *name, const void *b, size_t n, const char *ov, const char *tr,
                   const char *enc, const char *src, const char *want, long replaced)
{
	pqx_decoded d;
	char nm[200];
	int rc = dec(b, n, ov, tr, &d);
	snprintf(nm, sizeof nm, "%s: decodes", name);
	CHECK(rc == 0, nm);
	if (rc != 0)
		return;
	snprintf(nm, sizeof nm, "%s: encoding", name);
	CHECK_STR(d.encoding, enc, nm);
	snprintf(nm, sizeof nm, "%s: source", name);
	CHECK_STR(d.source, src, nm);
	if (want) {
		snprintf(nm, sizeof nm, "%s: text", name);
		CHECK_STR(d.utf8, want, nm);
	}
	if (replaced >= 0) {
		snprintf(nm, sizeof nm, "%s: replaced", name);
		CHECK(d.replaced == (size_t)replaced, nm);
		if (d.replaced != (size_t)replaced)
			printf("#   replaced=%zu want %ld\n", d.replaced, replaced);
	}
	snprintf(nm, sizeof nm, "%s: output valid UTF-8 without NUL", name);
	CHECK(out_ok(&d), nm);
	pqx_decoded_free(&d);
}

static void test_labels(void)
{
	static const struct { const char *label, *want; } cases[] = {
		{"utf-8", "UTF-8"}, {"  UTF8\t\n", "UTF-8"}, {"unicode-1-1-utf-8", "UTF-8"},
		{"latin1", "windows-1252"}, {"ISO-8859-1", "windows-1252"},
		{"us-ascii", "windows-1252"}, {"ascii", "windows-1252"},
		{"iso_8859-1:1987", "windows-1252"}, {"ANSI_X3.4-1968", "windows-1252"},
		{"l2", "ISO-8859-2"}, {"latin2", "ISO-8859-2"}, {"cp1251", "windows-1251"},
		{"koi8", "KOI8-R"}, {"koi8-ru", "KOI8-U"}, {"iso-8859-9", "windows-1254"},
		{"latin5", "windows-1254"}, {"tis-620", "windows-874"}, {"iso-8859-11", "windows-874"},
		{"x-mac-ukrainian", "x-mac-cyrillic"}, {"mac", "macintosh"},
		{"sjis", "Shift_JIS"}, {"windows-31j", "Shift_JIS"}, {"gb2312", "GBK"},
		{"gb18030", "gb18030"}, {"big5-hkscs", "Big5"}, {"x-euc-jp", "EUC-JP"},
		{"csiso2022jp", "ISO-2022-JP"}, {"windows-949", "EUC-KR"}, {"ks_c_5601-1987", "EUC-KR"},
		{"iso-2022-kr", "replacement"}, {"hz-gb-2312", "replacement"},
		{"unicode", "UTF-16LE"}, {"utf-16", "UTF-16LE"}, {"unicodefffe", "UTF-16BE"},
		{"logical", "ISO-8859-8-I"}, {"visual", "ISO-8859-8"}, {"l9", "ISO-8859-15"},
		{"iso-8859-16", "ISO-8859-16"}, {"x-user-defined", "x-user-defined"},
		{"866", "IBM866"}, {"Windows-1258", "windows-1258"},
	};
	char nm[100];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(nm, sizeof nm, "label '%s'", cases[i].label);
		CHECK_STR(pqx_enc_canonical(cases[i].label, strlen(cases[i].label)), cases[i].want, nm);
	}
	CHECK(pqx_enc_canonical("utf-8x", 6) == NULL, "label 'utf-8x' unknown");
	CHECK(pqx_enc_canonical("", 0) == NULL, "empty label unknown");
	CHECK(pqx_enc_canonical("   ", 3) == NULL, "blank label unknown");
	CHECK(pqx_enc_canonical("iso-8859-1", 3) == NULL, "label uses len, 'iso' unknown");
	CHECK_STR(pqx_enc_canonical("latin1;junk", 6), "windows-1252", "label uses len not NUL");
	CHECK(pqx_enc_canonical("utf 8", 5) == NULL, "inner space not trimmed");
	CHECK(pqx_enc_canonical("\xc3\xa9", 2) == NULL, "non-ASCII label unknown");
	CHECK(pqx_enc_canonical("a-very-long-label-that-is-not-in-the-table", 42) == NULL, "long label unknown");
	CHECK(pqx_enc_canonical(NULL, 0) == NULL, "NULL label unknown");
}

static const char *ps(const char *html)
{
	return pqx_enc_prescan((const unsigned char *)html, strlen(html));
}

#define PS(html, want, name) do { \
	const char *g_ = ps(html); \
	if ((want) == NULL) CHECK(g_ == NULL, name); else CHECK_STR(g_, (const char *)(want), name); \
} while (0)

static void test_prescan(void)
{
	PS("<meta charset=\"iso-8859-2\">", "ISO-8859-2", "prescan charset double quotes");
	PS("<meta charset='iso-8859-2'>", "ISO-8859-2", "prescan charset single quotes");
	PS("<meta charset=iso-8859-2>", "ISO-8859-2", "prescan charset unquoted");
	PS("<meta charset=iso-8859-2/>", NULL, "prescan unquoted value takes the slash");
	PS("<META CHARSET=KOI8-R>", "KOI8-R", "prescan upper case");
	PS("<meta/charset=koi8-r>", "KOI8-R", "prescan meta/ form");
	PS("<meta\tcharset = \" latin2 \" >", "ISO-8859-2", "prescan spaces around = and in value");
	PS("<metadata charset=koi8-r>", NULL, "prescan <metadata> is not meta");
	PS("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">",
	   "windows-1251", "prescan http-equiv then content");
	PS("<meta content=\"text/html;charset=windows-1251\" http-equiv=content-type>",
	   "windows-1251", "prescan content then http-equiv");
	PS("<meta content=\"text/html; charset=windows-1251\">", NULL, "prescan content without pragma ignored");
	PS("<meta http-equiv=\"refresh\" content=\"0; charset=koi8-r\">", NULL, "prescan other http-equiv ignored");
	PS("<meta http-equiv=content-type content='text/html; charset=\"koi8-r\"'>", "KOI8-R",
	   "prescan quoted charset inside content");
	PS("<meta http-equiv=content-type content=\"text/html; charset = koi8-r ; x\">", "KOI8-R",
	   "prescan spaces in content charset");
	PS("<meta http-equiv=content-type content=\"charsetfoo; charset=koi8-r\">", "KOI8-R",
	   "prescan later charset in content");
	PS("<meta http-equiv=content-type content=\"text/html; charset='koi8-r\">", NULL,
	   "prescan unmatched quote in content");
	PS("<meta charset=bogus><meta charset=koi8-r>", "KOI8-R", "prescan unknown label then next meta");
	PS("<meta charset=koi8-r charset=utf-8>", "KOI8-R", "prescan duplicate attribute: first wins");
	PS("<meta http-equiv=content-type content=\"text/html; charset=koi8-r\" charset=latin2>",
	   "ISO-8859-2", "prescan charset attr beats content");
	PS("<!-- <meta charset=koi8-r> --><meta charset=latin2>", "ISO-8859-2", "prescan comment skipped");
	PS("<!--><meta charset=latin2>", "ISO-8859-2", "prescan <!--> closes itself");
	PS("<!-- a -- b > <meta charset=koi8-r> --><meta charset=latin2>", "ISO-8859-2",
	   "prescan comment needs -->");
	PS("<!-- never closed <meta charset=koi8-r>", NULL, "prescan unclosed comment");
	PS("<!DOCTYPE html><?xml version=\"1.0\"?><meta charset=latin2>", "ISO-8859-2",
	   "prescan <! and <? skipped");
	PS("<! <meta charset=koi8-r> ><meta charset=latin2>", "ISO-8859-2", "prescan bogus <! to >");
	PS("</div x=\"><meta charset=koi8-r>\"><meta charset=latin2>", "ISO-8859-2",
	   "prescan end tag attributes skipped");
	PS("</ <meta charset=koi8-r>", NULL, "prescan </ non-letter skipped to >");
	PS("<div title=\"<meta charset=koi8-r>\"><meta charset=latin2>", "ISO-8859-2",
	   "prescan tag-looking text in attribute");
	PS("<div title='a > b <meta charset=koi8-r>'><meta charset=latin2>", "ISO-8859-2",
	   "prescan > inside quoted attribute");
	PS("<p>1 < 2 <meta charset=latin2>", "ISO-8859-2", "prescan lone < in text");
	PS("<meta charset=utf-16le>", "UTF-8", "prescan UTF-16 label means UTF-8");
	PS("<meta charset=utf-16be>", "UTF-8", "prescan UTF-16BE label means UTF-8");
	PS("<meta charset=x-user-defined>", "windows-1252", "prescan x-user-defined means windows-1252");
	PS("<meta charset=iso-2022-kr>", "replacement", "prescan replacement label reported");
	PS("<html><head><title>x</title></head>", NULL, "prescan nothing declared");
	PS("", NULL, "prescan empty input");
	PS("<meta charset", NULL, "prescan truncated meta");

	/* 1024-byte limit: a meta wholly inside is found, one past is not,
	 * and one that straddles the limit is not either */
	char big[2048];
	const char *m = "<meta charset=latin2>";
	size_t ml = strlen(m);
	memset(big, ' ', sizeof big);
	memcpy(big + 1024 - ml, m, ml);
	CHECK_STR(pqx_enc_prescan((unsigned char *)big, sizeof big), "ISO-8859-2", "prescan meta ending at byte 1024");
	memset(big, ' ', sizeof big);
	memcpy(big + 1024 - ml + 1, m, ml);
	CHECK(pqx_enc_prescan((unsigned char *)big, sizeof big) == NULL, "prescan meta straddling 1024 ignored");
	memset(big, ' ', sizeof big);
	memcpy(big + 1100, m, ml);
	CHECK(pqx_enc_prescan((unsigned char *)big, sizeof big) == NULL, "prescan meta past 1024 ignored");
	/* a comment that swallows the whole window hides a meta after it */
	memset(big, 'x', sizeof big);
	memcpy(big, "<!--", 4);
	memcpy(big + 1100, "--><meta charset=latin2>", 24);
	CHECK(pqx_enc_prescan((unsigned char *)big, sizeof big) == NULL, "prescan comment past 1024 hides meta");
}

static void test_sources(void)
{
	const char *w = "<p>caf\xe9</p>";             /* latin-1 */
	const char *u = "<p>caf\xc3\xa9</p>";         /* UTF-8 */
	expect("bom utf-8", L("\xef\xbb\xbf<p>\xc3\xa9</p>"), NULL, NULL, "UTF-8", "bom", "<p>\xc3\xa9</p>", 0);
	expect("bom utf-16le", L("\xff\xfe" "A\0\xe9\0"), NULL, NULL, "UTF-16LE", "bom", "A\xc3\xa9", 0);
	expect("bom utf-16be", L("\xfe\xff\0A\0\xe9"), NULL, NULL, "UTF-16BE", "bom", "A\xc3\xa9", 0);
	expect("bom beats override", L("\xef\xbb\xbf\xc3\xa9"), "koi8-r", NULL, "UTF-8", "bom", "\xc3\xa9", 0);
	expect("override", u, strlen(u), "latin1", NULL, "windows-1252", "override", "<p>caf\xc3\x83\xc2\xa9</p>", 0);
	expect("override beats meta", L("<meta charset=latin2>\xb1"), "utf-8", "koi8-r", "UTF-8", "override", NULL, 1);
	expect("transport", w, strlen(w), NULL, " Latin1 ", "windows-1252", "transport", "<p>caf\xc3\xa9</p>", 0);
	expect("transport content-type value", w, strlen(w), NULL, "text/html; charset=ISO-8859-2",
	       "ISO-8859-2", "transport", "<p>caf\xc3\xa9</p>", 0);
	expect("transport beats meta", L("<meta charset=koi8-r>\xe9"), NULL, "latin2", "ISO-8859-2", "transport", NULL, 0);
	expect("meta", L("<meta charset=latin2>\xb1"), NULL, NULL, "ISO-8859-2", "meta", "<meta charset=latin2>\xc4\x85", 0);
	expect("meta-but-utf8", L("<meta charset=iso-8859-1>\xc3\xa9"), NULL, NULL, "UTF-8", "meta-but-utf8", NULL, 0);
	expect("meta-but-utf8 for latin2", L("<meta charset=latin2>\xc5\x82"), NULL, NULL, "UTF-8", "meta-but-utf8", NULL, 0);
	expect("transport-but-utf8", u, strlen(u), NULL, "windows-1252", "UTF-8", "transport-but-utf8", u, 0);
	expect("override is never second-guessed", u, strlen(u), "windows-1252", NULL, "windows-1252", "override", NULL, 0);
	expect("meta ascii-only stays declared", L("<meta charset=latin2>abc"), NULL, NULL, "ISO-8859-2", "meta", NULL, 0);
	expect("meta utf-8 declared", L("<meta charset=utf-8>\xc3\xa9"), NULL, NULL, "UTF-8", "meta", NULL, 0);
	expect("detected", u, strlen(u), NULL, NULL, "UTF-8", "detected", u, 0);
	expect("default for latin-1", w, strlen(w), NULL, NULL, "windows-1252", "default", "<p>caf\xc3\xa9</p>", 0);
	expect("default for ascii", L("<p>plain</p>"), NULL, NULL, "windows-1252", "default", "<p>plain</p>", 0);
	expect("default for almost-utf-8", L("\xc3\xa9 \xe9"), NULL, NULL, "windows-1252", "default", NULL, 0);
	expect("empty input", L(""), NULL, NULL, "windows-1252", "default", "", 0);
	expect("meta declared CJK", L("<meta charset=shift_jis>\x82\xa0"), NULL, NULL, "Shift_JIS", "meta",
	       "<meta charset=shift_jis>\xe3\x81\x82", 0);
	expect("meta utf-16 on ascii page", L("<meta charset=utf-16>\xc3\xa9"), NULL, NULL, "UTF-8", "meta", NULL, 0);

	pqx_decoded d;
	char err[128];
	CHECK(pqx_enc_decode((const unsigned char *)"x", 1, "xyz", NULL, &d, err, sizeof err) == -1, "unknown override fails");
	CHECK_STR(err, "unknown encoding label 'xyz'", "unknown override message");
	CHECK(d.utf8 == NULL, "failed decode leaves no buffer");
	pqx_decoded_free(&d);
	CHECK(pqx_enc_decode((const unsigned char *)"x", 1, "iso-2022-kr", NULL, &d, err, sizeof err) == -1, "unsupported override fails");
	CHECK(strstr(err, "replacement") && strstr(err, "not supported"), "unsupported override message");
	CHECK(pqx_enc_decode((const unsigned char *)"x", 1, "xyz", NULL, &d, NULL, 0) == -1, "error without err buffer");

	CHECK(dec(w, strlen(w), NULL, "bogus-charset", &d) == 0, "unknown transport ignored");
	CHECK_STR(d.source, "default", "unknown transport: falls through");
	CHECK(strstr(d.warning, "transport charset \"bogus-charset\" is unknown") != NULL, "unknown transport warned");
	pqx_decoded_free(&d);

	CHECK(dec(L("<meta charset=klingon>\xc3\xa9"), NULL, NULL, &d) == 0, "unknown meta label");
	CHECK_STR(d.source, "detected", "unknown meta label: detection");
	CHECK(strstr(d.warning, "\"klingon\" is unknown") != NULL, "unknown meta label warned");
	pqx_decoded_free(&d);

	CHECK(dec(L("<meta charset=iso-8859-1>\xc3\xa9"), NULL, NULL, &d) == 0, "meta-but-utf8 decodes");
	CHECK(strstr(d.warning, "\"iso-8859-1\"") != NULL && strstr(d.warning, "valid UTF-8") != NULL,
	      "meta-but-utf8 warning names declared charset");
	pqx_decoded_free(&d);

	CHECK(dec(L("<meta charset=hz-gb-2312>caf\xe9"), NULL, NULL, &d) == 0, "unsupported meta decodes");
	CHECK_STR(d.encoding, "windows-1252", "unsupported meta: windows-1252");
	CHECK_STR(d.source, "default", "unsupported meta: source default");
	CHECK_STR(d.warning, "declared charset \"hz-gb-2312\" is not supported here; decoded as windows-1252",
	          "unsupported meta warning");
	pqx_decoded_free(&d);
	CHECK(dec(L("<meta charset=iso-2022-kr>caf\xc3\xa9"), NULL, NULL, &d) == 0, "unsupported meta, utf-8 page");
	CHECK_STR(d.source, "detected", "unsupported meta: detection finds UTF-8");
	CHECK(strstr(d.warning, "decoded as UTF-8") != NULL, "unsupported meta warning names UTF-8");
	pqx_decoded_free(&d);
	CHECK(dec(L("<meta charset=latin2>\xb1"), NULL, "replacement", &d) == 0, "unsupported transport");
	CHECK_STR(d.source, "meta", "unsupported transport: meta used");
	CHECK(strstr(d.warning, "\"replacement\" is not supported here; decoded as ISO-8859-2") != NULL,
	      "unsupported transport warned");
	pqx_decoded_free(&d);
}

static void test_utf8_repair(void)
{
	static const struct { const char *name, *in; size_t n; const char *want; long rep; } c[] = {
		{"truncated 3-byte at end", "a\xe2\x82", 3, "a\xef\xbf\xbd", 1},
		{"truncated 3-byte before ascii", "\xe2\x82" "A", 3, "\xef\xbf\xbd" "A", 1},
		{"truncated 4-byte then ascii", "\xf0\x9f\x98" "A", 4, "\xef\xbf\xbd" "A", 1},
		{"lone lead at end", "ab\xc3", 3, "ab\xef\xbf\xbd", 1},
		{"lone continuation", "\x80", 1, "\xef\xbf\xbd", 1},
		{"two continuations", "\x80\xbf", 2, "\xef\xbf\xbd\xef\xbf\xbd", 2},
		{"overlong C0 80", "\xc0\x80", 2, "\xef\xbf\xbd\xef\xbf\xbd", 2},
		{"overlong C1 BF", "\xc1\xbf", 2, "\xef\xbf\xbd\xef\xbf\xbd", 2},
		{"overlong E0 80 80", "\xe0\x80\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3},
		{"overlong F0 80 80 80", "\xf0\x80\x80\x80", 4,
		 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 4},
		{"surrogate ED A0 80", "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3},
		{"surrogate ED BF BF", "\xed\xbf\xbf", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3},
		{"above U+10FFFF F4 90", "\xf4\x90\x80\x80", 4,
		 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 4},
		{"bytes F5..FF", "\xf5\xf8\xfc\xfe\xff", 5,
		 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 5},
		/* kept by the decoder; a noncharacter, so the parser's U+FFFD is counted */
		{"max code point kept", "\xf4\x8f\xbf\xbf", 4, "\xf4\x8f\xbf\xbf", 1},
		{"E0 A0 80 kept", "\xe0\xa0\x80", 3, "\xe0\xa0\x80", 0},
		{"ED 9F BF kept", "\xed\x9f\xbf", 3, "\xed\x9f\xbf", 0},
		{"broken 3-byte then valid", "\xe2\x82\xc3\xa9", 4, "\xef\xbf\xbd\xc3\xa9", 1},
		{"latin-1 e-acute in utf-8", "caf\xe9 ok", 7, "caf\xef\xbf\xbd ok", 1},
	};
	char pre[64], nm[120];
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		/* the override makes UTF-8 strict: each maximal subpart is one U+FFFD
		 * (a declared UTF-8 page reads stray bytes as windows-1252 instead) */
		size_t pl = (size_t)snprintf(pre, sizeof pre, "<p>");
		char in[128], want[256];
		memcpy(in, pre, pl);
		memcpy(in + pl, c[i].in, c[i].n);
		snprintf(want, sizeof want, "%s%s", pre, c[i].want);
		snprintf(nm, sizeof nm, "utf-8 %s", c[i].name);
		expect(nm, in, pl + c[i].n, "utf-8", NULL, "UTF-8", "override", want, c[i].rep);
	}
	/* a long valid run with one error at the end exercises the word fast path */
	char buf[100];
	memset(buf, 'x', sizeof buf);
	buf[99] = (char)0xff;
	pqx_decoded d;
	dec(buf, sizeof buf, "utf-8", NULL, &d);
	CHECK(d.replaced == 1 && d.len == 99 + 3 && memcmp(d.utf8 + 99, "\xef\xbf\xbd", 3) == 0, "utf-8 fast path then error");
	CHECK(strstr(d.warning, "1 invalid UTF-8 sequence replaced") != NULL, "utf-8 invalid sequences warned");
	pqx_decoded_free(&d);
}

static void test_w1252(void)
{
	unsigned char all[255];
	pqx_decoded d;
	for (int i = 1; i < 256; i++)
		all[i - 1] = (unsigned char)i;
	CHECK(dec(all, sizeof all, "windows-1252", NULL, &d) == 0, "w1252 all bytes decode");
	/* nothing replaced by the decoder; the 33 controls (0x01-0x08, 0x0B,
	 * 0x0E-0x1F, DEL and the five undefined bytes as C1) become U+FFFD in the
	 * parser, and replaced counts them */
	CHECK(d.replaced == 33 && d.controls == 33 && out_ok(&d), "w1252 all bytes: 33 controls counted, valid");
	pqx_decoded_free(&d);

	expect("w1252 0x81 0x8D 0x8F 0x90 0x9D are C1", L("\x81\x8d\x8f\x90\x9d"), NULL, NULL,
	       "windows-1252", "default", "\xc2\x81\xc2\x8d\xc2\x8f\xc2\x90\xc2\x9d", 5);
	expect("w1252 quotes euro dashes", L("\x93" "a\x94 \x80 \x96\x97\x85\x99"), "latin1", NULL,
	       "windows-1252", "override",
	       "\xe2\x80\x9c" "a\xe2\x80\x9d \xe2\x82\xac \xe2\x80\x93\xe2\x80\x94\xe2\x80\xa6\xe2\x84\xa2", 0);
	expect("w1252 a0 ff", L("\xa0\xff\xdf"), "latin1", NULL, "windows-1252", "override", "\xc2\xa0\xc3\xbf\xc3\x9f", 0);

	/* cross-check every assigned byte against glibc's CP1252 */
	iconv_t cd = iconv_open("UTF-8", "CP1252");
	int same = cd != (iconv_t)-1, tested = 0;
	for (int b = 1; same && b < 256; b++) {
		if (b == 0x81 || b == 0x8d || b == 0x8f || b == 0x90 || b == 0x9d)
			continue;
		char in[1] = {(char)b}, outb[8];
		char *ip = in, *op = outb;
		size_t il = 1, ol = sizeof outb;
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
			same = 0;
			break;
		}
		dec(in, 1, "windows-1252", NULL, &d);
		same = d.len == (size_t)(op - outb) && memcmp(d.utf8, outb, d.len) == 0;
		pqx_decoded_free(&d);
		tested++;
	}
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	CHECK(same && tested == 250, "w1252 table matches glibc CP1252 on the 250 assigned non-NUL bytes");
}

static void test_nuls(void)
{
	pqx_decoded d;
	expect("nul in utf-8", L("<meta charset=utf-8>a\0b\xc3\xa9\0"), NULL, NULL, "UTF-8", "meta",
	       "<meta charset=utf-8>a\xef\xbf\xbd" "b\xc3\xa9\xef\xbf\xbd", 2);
	expect("nul in detected utf-8", L("a\0\xc3\xa9"), NULL, NULL, "UTF-8", "detected", "a\xef\xbf\xbd\xc3\xa9", 1);
	expect("nul in w1252", L("\0a\xe9\0"), NULL, NULL, "windows-1252", "default", "\xef\xbf\xbd" "a\xc3\xa9\xef\xbf\xbd", 2);
	expect("nul in utf-16le", L("\xff\xfe" "a\0\0\0"), NULL, NULL, "UTF-16LE", "bom", "a\xef\xbf\xbd", 1);
	expect("nul via iconv", L("a\0\xb1"), "latin2", NULL, "ISO-8859-2", "override", "a\xef\xbf\xbd\xc4\x85", 1);
	expect("nul in x-user-defined", L("a\0\x80"), "x-user-defined", NULL, "x-user-defined", "override",
	       "a\xef\xbf\xbd\xef\x9e\x80", 1);
	dec(L("a\0b\0c\0"), NULL, NULL, &d);
	CHECK(d.nuls == 3 && d.replaced == 3, "nuls counted in nuls and replaced");
	CHECK(strstr(d.warning, "3 NUL bytes replaced by U+FFFD") != NULL, "nul warning");
	pqx_decoded_free(&d);
}

static void test_iconv(void)
{
	pqx_decoded d;
	expect("iconv ISO-8859-2", L("\xb1\xe8\xbf\xb3"), "iso-8859-2", NULL, "ISO-8859-2", "override",
	       "\xc4\x85\xc4\x8d\xc5\xbc\xc5\x82", 0);
	expect("iconv windows-1251", L("\xcf\xf0\xe8\xe2\xe5\xf2"), "cp1251", NULL, "windows-1251", "override",
	       "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", 0);
	expect("iconv KOI8-R", L("\xf0\xd2\xc9\xd7\xc5\xd4"), "koi8-r", NULL, "KOI8-R", "override",
	       "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", 0);
	expect("iconv KOI8-R via meta", L("<meta charset=koi8-r>\xf0\xd2\xc9"), NULL, NULL, "KOI8-R", "meta",
	       "<meta charset=koi8-r>\xd0\x9f\xd1\x80\xd0\xb8", 0);
	expect("iconv EILSEQ replaced and continues", L("a\xaa" "b\xaa" "c"), "windows-1253", NULL, "windows-1253",
	       "override", "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c", 2);
	expect("iconv windows-1250 0x81 is C1", L("\x81\x8a"), "windows-1250", NULL, "windows-1250", "override",
	       "\xc2\x81\xc5\xa0", 1);
	expect("iconv shift_jis", L("\x82\xa0\x82\xa2"), "sjis", NULL, "Shift_JIS", "override",
	       "\xe3\x81\x82\xe3\x81\x84", 0);
	expect("iconv shift_jis truncated at end", L("\x82\xa0\x82"), "sjis", NULL, "Shift_JIS", "override",
	       "\xe3\x81\x82\xef\xbf\xbd", 1);
	expect("iconv iso-2022-jp", L("\x1b$B$\"\x1b(BA"), "iso-2022-jp", NULL, "ISO-2022-JP", "override",
	       "\xe3\x81\x82" "A", 0);
	expect("iconv x-mac-cyrillic", L("\x80\x81"), "x-mac-cyrillic", NULL, "x-mac-cyrillic", "override",
	       "\xd0\x90\xd0\x91", 0);
	expect("iconv gbk", L("\xc4\xe3\xba\xc3"), "gb2312", NULL, "GBK", "override", "\xe4\xbd\xa0\xe5\xa5\xbd", 0);
	/* a long input crosses the 16 KB iconv chunk size */
	size_t n = 100000;
	unsigned char *big = malloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = (i % 1000 == 999) ? 0xaa : (unsigned char)(i % 2 ? 0xe1 + i % 16 : 0x61 + i % 26);
	CHECK(dec(big, n, "windows-1253", NULL, &d) == 0, "iconv long input decodes");
	CHECK(d.replaced == 100 && out_ok(&d), "iconv long input: every error counted, valid output");
	pqx_decoded_free(&d);
	free(big);
}

static void test_utf16(void)
{
	expect("utf-16le pair", L("\xff\xfe\x3d\xd8\x00\xde"), NULL, NULL, "UTF-16LE", "bom", "\xf0\x9f\x98\x80", 0);
	expect("utf-16be pair", L("\xfe\xff\xd8\x3d\xde\x00"), NULL, NULL, "UTF-16BE", "bom", "\xf0\x9f\x98\x80", 0);
	expect("utf-16le lone lead then char", L("\xff\xfe\x3d\xd8" "A\0"), NULL, NULL, "UTF-16LE", "bom",
	       "\xef\xbf\xbd" "A", 1);
	expect("utf-16le lone trail", L("\xff\xfe\x00\xde" "A\0"), NULL, NULL, "UTF-16LE", "bom", "\xef\xbf\xbd" "A", 1);
	expect("utf-16le lead at end", L("\xff\xfe" "A\0\x3d\xd8"), NULL, NULL, "UTF-16LE", "bom", "A\xef\xbf\xbd", 1);
	expect("utf-16le odd byte", L("\xff\xfe" "A\0B"), NULL, NULL, "UTF-16LE", "bom", "A\xef\xbf\xbd", 1);
	expect("utf-16 override", L("A\0\xac\x20"), "utf-16", NULL, "UTF-16LE", "override", "A\xe2\x82\xac", 0);
	expect("utf-16be transport", L("\0A"), NULL, "utf-16be", "UTF-16BE", "transport", "A", 0);
	expect("x-user-defined", L("A\x80\xff"), NULL, "x-user-defined", "x-user-defined", "transport",
	       "A\xef\x9e\x80\xef\x9f\xbf", 0);
}

/* A decoded page's counters and warning, each its own named check. */
static void counts(const char *name, const void *b, size_t n, const char *ov, const char *tr,
                   const char *enc, const char *src, const char *want, long replaced,
                   long fallback, long doubles, const char *warn)
{
	pqx_decoded d;
	char nm[200];
	expect(name, b, n, ov, tr, enc, src, want, replaced);
	if (dec(b, n, ov, tr, &d) != 0)
		return;
	snprintf(nm, sizeof nm, "%s: fallback_bytes", name);
	CHECK(d.fallback_bytes == (size_t)fallback, nm);
	if (d.fallback_bytes != (size_t)fallback)
		printf("#   fallback_bytes=%zu want %ld\n", d.fallback_bytes, fallback);
	snprintf(nm, sizeof nm, "%s: double_encoded", name);
	CHECK(d.double_encoded == (size_t)doubles, nm);
	if (d.double_encoded != (size_t)doubles)
		printf("#   double_encoded=%zu want %ld\n", d.double_encoded, doubles);
	snprintf(nm, sizeof nm, "%s: warning", name);
	if (warn) {
		CHECK(strstr(d.warning, warn) != NULL, nm);
		if (!strstr(d.warning, warn))
			printf("#   warning: \"%s\"\n#   want in it: \"%s\"\n", d.warning, warn);
	} else {
		CHECK(d.warning[0] == '\0', nm);
		if (d.warning[0])
			printf("#   warning: \"%s\"\n", d.warning);
	}
	pqx_decoded_free(&d);
}

#define M8 "<meta charset=utf-8>"
#define UE "\xc3\xbc" /* ü in UTF-8 */

/* A UTF-8 page that is not an override reads bytes that are not UTF-8 as
 * windows-1252; the counts decide whether a label or the sniffer is wrong. */
static void test_fallback(void)
{
	counts("fallback: dash and umlaut", L(M8 UE " \x96 \xe4"), NULL, NULL, "UTF-8", "meta",
	       M8 UE " \xe2\x80\x93 \xc3\xa4", 0, 2, 0,
	       "2 bytes not valid UTF-8 read as windows-1252 (the first at line 1, column 23, offset 23: 0x96)");
	counts("fallback: position on a later line", L(M8 "\nab\n\xc3\xa9\x96"), NULL, NULL, "UTF-8", "meta",
	       NULL, 0, 1, 0, "1 byte not valid UTF-8 read as windows-1252 (the first at line 3, column 2, offset 26: 0x96)");
	counts("fallback: the five undefined bytes are U+FFFD", L(M8 UE UE UE "\x81\x8d\x8f\x90\x9d"), NULL, NULL,
	       "UTF-8", "meta", M8 UE UE UE "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 5, 0, 0,
	       "5 bytes valid neither in UTF-8 nor in windows-1252 replaced by U+FFFD (the first at line 1, "
	       "column 24, offset 26: 0x81)");
	counts("fallback: each kind of byte gives its own first place", L(M8 UE UE UE UE "\x81 \xe4"), NULL, NULL,
	       "UTF-8", "meta", M8 UE UE UE UE "\xef\xbf\xbd \xc3\xa4", 1, 1, 0,
	       "1 byte not valid UTF-8 read as windows-1252 (the first at line 1, column 27, offset 30: 0xE4); "
	       "1 byte valid neither in UTF-8 nor in windows-1252 replaced by U+FFFD (the first at line 1, "
	       "column 25, offset 28: 0x81)");
	counts("fallback: a cut sequence is read byte by byte", L(M8 UE "\xe2\x82 x"), NULL, NULL, "UTF-8", "meta",
	       M8 UE "\xc3\xa2\xe2\x80\x9a x", 0, 2, 0, "2 bytes not valid UTF-8");
	counts("fallback: transport label", L(UE "\x96"), NULL, "utf-8", "UTF-8", "transport",
	       UE "\xe2\x80\x93", 0, 1, 0, "1 byte not valid UTF-8");
	counts("fallback: after a BOM, offset counts the BOM", L("\xef\xbb\xbf" UE "\x96"), NULL, NULL, "UTF-8", "bom",
	       UE "\xe2\x80\x93", 0, 1, 0, "(the first at line 1, column 2, offset 5: 0x96)");
	counts("override utf-8 stays strict", L(UE "\x96"), "utf-8", NULL, "UTF-8", "override",
	       UE "\xef\xbf\xbd", 1, 0, 0,
	       "1 invalid UTF-8 sequence replaced by U+FFFD (the first at line 1, column 2, offset 2)");
	counts("override: a script's utf-8 is strict too, on a meta page", L(M8 "\xe4"), "UTF8", NULL, "UTF-8",
	       "override", M8 "\xef\xbf\xbd", 1, 0, 0, "1 invalid UTF-8 sequence");
	/* sniffing: valid sequences must be at least 4 times the invalid ones */
	counts("sniff: 4 valid, 1 stray: UTF-8", L(UE UE UE UE "\xe4"), NULL, NULL, "UTF-8", "detected",
	       UE UE UE UE "\xc3\xa4", 0, 1, 0, "1 byte not valid UTF-8 read as windows-1252");
	counts("sniff: 3 valid, 1 stray: windows-1252, and the double encoding shows", L(UE UE UE "\xe4"),
	       NULL, NULL, "windows-1252", "default", "\xc3\x83\xc2\xbc\xc3\x83\xc2\xbc\xc3\x83\xc2\xbc\xc3\xa4", 0, 0, 3,
	       "the text looks double-encoded");
	counts("sniff: valid UTF-8 has no fallback", L(UE "x"), NULL, NULL, "UTF-8", "detected", UE "x", 0, 0, 0, NULL);
	/* declared UTF-8 gives way only to at least 4 invalid sequences, 4 times the valid ones */
	counts("declared utf-8, 4 invalid, 0 valid: windows-1252", L(M8 "\xe4\xf6\xfc\xdf"), NULL, NULL,
	       "windows-1252", "meta-but-not-utf8", M8 "\xc3\xa4\xc3\xb6\xc3\xbc\xc3\x9f", 0, 0, 0,
	       "declared charset \"utf-8\" but the page is not UTF-8 (4 invalid byte sequences, 0 valid "
	       "multi-byte ones); decoded as windows-1252");
	counts("declared utf-8 transport, mostly invalid", L("\xe4\xf6\xfc\xdf"), NULL, "utf-8",
	       "windows-1252", "transport-but-not-utf8", "\xc3\xa4\xc3\xb6\xc3\xbc\xc3\x9f", 0, 0, 0,
	       "declared charset \"utf-8\" but the page is not UTF-8");
	counts("declared utf-8, 3 invalid: kept, read as windows-1252", L(M8 "\xe4\xf6\xfc"), NULL, NULL,
	       "UTF-8", "meta", M8 "\xc3\xa4\xc3\xb6\xc3\xbc", 0, 3, 0, "3 bytes not valid UTF-8");
	counts("declared utf-8, 4 invalid, 1 valid: kept", L(M8 UE "\xe4\xf6\xfc\xdf"), NULL, NULL,
	       "UTF-8", "meta", M8 UE "\xc3\xa4\xc3\xb6\xc3\xbc\xc3\x9f", 0, 4, 0, "4 bytes not valid UTF-8");
	counts("declared utf-8, 5 invalid, 1 valid: windows-1252", L(M8 UE "\xe4\xf6\xfc\xdf\xe4"), NULL, NULL,
	       "windows-1252", "meta-but-not-utf8", NULL, 0, 0, 1, "(5 invalid byte sequences, 1 valid multi-byte one)");
	/* a windows-1252 declaration on a page that is UTF-8 but for a stray byte */
	counts("declared windows-1252, mostly UTF-8", L("<meta charset=windows-1252>" UE UE UE UE "\xe4"), NULL, NULL,
	       "UTF-8", "meta-but-utf8", NULL, 0, 1, 0,
	       "declared charset \"windows-1252\" but the page is UTF-8 apart from 1 byte; decoded as UTF-8");
	counts("declared windows-1252, 3 valid 1 invalid: kept", L("<meta charset=windows-1252>" UE UE UE "\xe4"),
	       NULL, NULL, "windows-1252", "meta", NULL, 0, 0, 3, "the text looks double-encoded");
	counts("declared latin2, mostly UTF-8: kept (fallback is windows-1252 only)",
	       L("<meta charset=latin2>" UE UE UE UE "\xe4"), NULL, NULL, "ISO-8859-2", "meta", NULL, 0, 0, 0, NULL);
}

/* The marks of double encoding, counted in text only. */
static void test_double(void)
{
	static const struct { const char *name, *in; long n; } c[] = {
		{"a-umlaut", "Gr\xc3\x83\xc2\xbc\xc3\x83\xc2\x9f" "e", 2},          /* GrÃ¼ÃŸe */
		{"e-acute", "caf\xc3\x83\xc2\xa9", 1},                              /* cafÃ© */
		{"low quote", "\xc3\xa2\xe2\x82\xac\xc5\xbe" "Bedarf", 1},           /* â€ž */
		{"en dash", "a \xc3\xa2\xe2\x82\xac\xe2\x80\x9c b", 1},              /* â€“ */
		{"trade mark", "X\xc3\xa2\xe2\x80\x9e\xc2\xa2", 1},                  /* â„¢ */
		{"nbsp", "10\xc3\x82\xc2\xa0km", 1},                                 /* Â + NBSP */
		{"degree", "20\xc3\x82\xc2\xb0" "C", 1},                             /* Â° */
		{"oe", "c\xc3\x85\xe2\x80\x9c" "ur", 1},                             /* Å“ */
		{"replacement char", "f\xc3\xaf\xc2\xbf\xc2\xbd" "r", 1},            /* ï¿½ */
		{"BOM", "\xc3\xaf\xc2\xbb\xc2\xbfx", 1},                             /* ï»¿ */
		{"latin-1 route (C1 control)", "\xc3\x83\xc2\x96" "ffentlich", 1},   /* Ã U+0096 */
		{"three in a row", "\xc3\x83\xc2\xa4\xc3\x83\xc2\xb6\xc3\x83\xc2\xbc", 3},
		{"German sz before a quote is German", "gro\xc3\x9f\xe2\x80\x9c", 0}, /* groß“ */
		{"Portuguese A-tilde before a letter", "S\xc3\x83O PAULO", 0},
		{"A-tilde before a quote", "IRM\xc3\x83\xe2\x80\x9d", 1},           /* accepted: the pattern */
		{"A-circumflex before a C1-range quote", "VOIL\xc3\x82\xe2\x80\x9c", 0},
		{"a-circumflex before a guillemet", "p\xc3\xa2\xc2\xbb", 0},
		{"e-grave, NBSP, guillemet (valid CJK if re-read)", "apr\xc3\xa8\xc2\xa0\xc2\xbb", 0},
		{"A-umlaut is not a lead here", "\xc3\x84\xe2\x80\xa1", 0},
		{"cut pattern at the end", "\xc3\xa2\xe2\x82\xac", 0},
		{"in a comment", "<!-- f\xc3\xaf\xc2\xbf\xc2\xbdr -->", 0},
		{"after a comment", "<!-- x -->\xc3\x83\xc2\xa4", 1},
		{"after an empty comment", "<!-->\xc3\x83\xc2\xa4", 1},
		{"in an unclosed comment", "<!-- \xc3\x83\xc2\xa4", 0},
		{"in a tag", "<a href=\"/q?k=Kurzbeitr\xc3\x83\xc2\xa4ge\">x</a>", 0},
		{"after a tag", "<a href=\"/q\">Kurzbeitr\xc3\x83\xc2\xa4ge</a>", 1},
		{"after a lone <", "1 < 2 \xc3\x83\xc2\xa4", 1},
	};
	char in[256], nm[160];
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		pqx_decoded d;
		int n = snprintf(in, sizeof in, "<p>%s</p>", c[i].in);
		snprintf(nm, sizeof nm, "double encoding: %s", c[i].name);
		CHECK(dec(in, (size_t)n, "utf-8", NULL, &d) == 0 && d.double_encoded == (size_t)c[i].n, nm);
		if (d.double_encoded != (size_t)c[i].n)
			printf("#   double_encoded=%zu want %ld\n", d.double_encoded, c[i].n);
		pqx_decoded_free(&d);
	}
	/* at every place in and across the scan's 32-byte blocks */
	int all = 1;
	for (size_t k = 0; k < 48; k++) {
		char b[96];
		memset(b, 'x', sizeof b);
		memcpy(b + k, "\xc3\x83\xc2\xa4", 4);     /* Ã¤ */
		b[(k + 23) % 90 + 4] = '\x01';
		pqx_decoded d;
		if (dec(b, sizeof b, "utf-8", NULL, &d) != 0 || d.double_encoded != 1 || d.controls != 1 ||
		    d.replaced != 1)
			all = 0;
		pqx_decoded_free(&d);
	}
	CHECK(all, "double encoding and a control found at each of 48 offsets");
	counts("double encoding: the warning names count, pattern and place",
	       L("<p>x</p>\n<p>Die St\xc3\x83\xc2\xa4rkung der \xc3\xa2\xe2\x82\xac\xc5\xbe" "D\xc3\x83\xc2\xb6rfer</p>"),
	       NULL, NULL, "UTF-8", "detected", NULL, 0, 0, 3,
	       "the text looks double-encoded (UTF-8 read as windows-1252 and encoded again): 3 sequences like "
	       "\"\xc3\x83\xc2\xa4\", the first at line 2, column 10");
	counts("double encoding: a C1 control in the pattern is shown by number",
	       L("\xc3\x83\xc2\x96" "ffentlich"), "utf-8", NULL, "UTF-8", "override", NULL, 1, 0, 1,
	       "1 sequence like \"\xc3\x83<U+0096>\"");
}

/* Every code point the parser replaces counts in replaced; nothing else does. */
static void test_controls(void)
{
	counts("controls: C0 and DEL", L("<p>a\x01" "b\x7f</p>"), "utf-8", NULL, "UTF-8", "override", NULL,
	       2, 0, 0, "2 control characters or noncharacters replaced by U+FFFD (the first, U+0001, at line 1, column 5)");
	counts("controls: TAB LF FF CR kept", L("<p>\t\n\x0c\r\n</p>"), "utf-8", NULL, "UTF-8", "override", NULL,
	       0, 0, 0, NULL);
	counts("controls: a U+FFFD in the source is not counted", L("<p>\xef\xbf\xbd</p>"), "utf-8", NULL,
	       "UTF-8", "override", NULL, 0, 0, 0, NULL);
	counts("controls: C1 in UTF-8", L("<p>\xc2\x80\xc2\x9f\xc2\xa0</p>"), "utf-8", NULL, "UTF-8", "override",
	       NULL, 2, 0, 0, "the first, U+0080,");
	counts("controls: noncharacters", L("<p>\xef\xb7\x90\xef\xb7\xaf\xef\xbf\xbe\xef\xbf\xbf\xf0\x9f\xbf\xbe</p>"),
	       "utf-8", NULL, "UTF-8", "override", NULL, 5, 0, 0, "5 control characters or noncharacters");
	counts("controls: next to the noncharacters, kept", L("<p>\xef\xb7\x8f\xef\xb7\xb0\xef\xbf\xbd\xf0\x9f\xbf\xbd</p>"),
	       "utf-8", NULL, "UTF-8", "override", NULL, 0, 0, 0, NULL);
	counts("controls: a NUL counts once", L("<p>\0</p>"), "utf-8", NULL, "UTF-8", "override", NULL, 1, 0, 0,
	       "1 NUL byte replaced by U+FFFD");
	counts("controls: windows-1252 0x81 and 0x1B", L("<p>\x81\x1b\xe4</p>"), NULL, NULL, "windows-1252", "default",
	       NULL, 2, 0, 0, "2 control characters or noncharacters replaced by U+FFFD (the first, U+0081,");
	counts("controls: via iconv", L("<p>\x01\xb1</p>"), "latin2", NULL, "ISO-8859-2", "override", NULL, 1, 0, 0,
	       "1 control character or noncharacter replaced by U+FFFD");
	counts("controls: UTF-16", L("\xff\xfe\x01\0" "a\0"), NULL, NULL, "UTF-16LE", "bom", "\x01" "a", 1, 0, 0, "1 control");
}

/* replaced is exactly the number of U+FFFD gumbo's tree gains: every code
 * point from U+0001 to U+00FF and the noncharacters of planes 0-1 in text,
 * checked against gumbo itself. */
static size_t fffd_in_tree(const GumboNode *n)
{
	size_t c = 0;
	if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE) {
		for (const char *p = n->v.text.text; (p = strstr(p, "\xef\xbf\xbd")) != NULL; p += 3)
			c++;
		return c;
	}
	if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT)
		return 0;
	if (n->type == GUMBO_NODE_ELEMENT) {
		const GumboVector *at = &n->v.element.attributes;
		for (unsigned i = 0; i < at->length; i++) {
			const GumboAttribute *a = at->data[i];
			for (const char *p = a->value; (p = strstr(p, "\xef\xbf\xbd")) != NULL; p += 3)
				c++;
		}
	}
	const GumboVector *ch = n->type == GUMBO_NODE_ELEMENT ? &n->v.element.children : &n->v.document.children;
	for (unsigned i = 0; i < ch->length; i++)
		c += fffd_in_tree(ch->data[i]);
	return c;
}

static void test_controls_match_gumbo(void)
{
	/* numeric references: decoded in text, attributes, <title>, <textarea>
	 * and <noscript>; left alone in comments, raw text and CDATA */
	static const char refs[] =
		"<title>&#0;</title><body title=\"&#xD800;\"><p>a&#0;b&#x110000;c&#99999999999;d&#x0 "
		"e&#xdfff;f&#x81;g&#1;h&#x10FFFF;</p><textarea>&#0;</textarea><noscript>&#0;</noscript>"
		"<!-- &#0; --><script src=\"&#0;\">&#0;</script><style>&#0;</style><xmp>&#0;</xmp>"
		"<svg><![CDATA[&#0;]]></svg><iframe>&#0;</iframe></body>";
	pqx_decoded rd;
	if (dec(L(refs), "utf-8", NULL, &rd) == 0) {
		GumboOutput *o = gumbo_parse_with_options(&kGumboDefaultOptions, rd.utf8, rd.len);
		size_t in_tree = fffd_in_tree(o->root);
		CHECK(in_tree == rd.replaced && rd.references == 10, "replaced equals gumbo's new U+FFFD (references)");
		printf("#   references: %zu U+FFFD in the tree, replaced %zu\n", in_tree, rd.replaced);
		CHECK(strstr(rd.warning, "10 character references to U+0000, a surrogate or beyond U+10FFFF "
		                          "replaced by U+FFFD (the first at line 1, column 8)") != NULL,
		      "references: warned with the count and the place");
		gumbo_destroy_output(&kGumboDefaultOptions, o);
		pqx_decoded_free(&rd);
	}
	const char *encs[] = {"utf-8", "windows-1252"};
	for (int k = 0; k < 2; k++) {
		unsigned char page[1024];
		size_t n = 0;
		memcpy(page, "<body><p>", 9);
		n = 9;
		for (unsigned b = 1; b < 256; b++) {
			if (b == '<' || b == '&')
				continue;
			if (k == 0) { /* the code point b in UTF-8 */
				if (b < 0x80) {
					page[n++] = (unsigned char)b;
				} else {
					page[n++] = (unsigned char)(0xC0 | b >> 6);
					page[n++] = (unsigned char)(0x80 | (b & 0x3F));
				}
			} else {
				page[n++] = (unsigned char)b;
			}
		}
		if (k == 0) {
			static const char extra[] = "\xef\xb7\x90\xef\xbf\xbe\xf0\x9f\xbf\xbf\xef\xbf\xbd";
			memcpy(page + n, extra, sizeof extra - 1);
			n += sizeof extra - 1;
		}
		memcpy(page + n, "</p></body>", 11);
		n += 11;
		pqx_decoded d;
		char nm[120];
		snprintf(nm, sizeof nm, "replaced equals gumbo's new U+FFFD (%s)", encs[k]);
		if (dec(page, n, encs[k], NULL, &d) != 0) {
			CHECK(0, nm);
			continue;
		}
		GumboOutput *o = gumbo_parse_with_options(&kGumboDefaultOptions, d.utf8, d.len);
		size_t in_tree = fffd_in_tree(o->root);
		size_t in_source = k == 0 ? 1 : 0; /* the literal U+FFFD */
		CHECK(in_tree - in_source == d.replaced && d.replaced > 30, nm);
		printf("#   %s: %zu U+FFFD in the tree, %zu in the source, replaced %zu\n", encs[k], in_tree,
		       in_source, d.replaced);
		gumbo_destroy_output(&kGumboDefaultOptions, o);
		pqx_decoded_free(&d);
	}
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long sz = ftell(f);
		if (sz >= 0 && fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)sz + 1)) != NULL) {
			*n = fread(b, 1, (size_t)sz, f);
		}
	}
	fclose(f);
	return b;
}

static void test_fixtures(void)
{
	static const struct {
		const char *file, *enc, *src, *text, *warn;
		long replaced;
	} fx[] = {
		{"w1252_meta.html", "windows-1252", "meta",
		 "\xe2\x80\x9c" "de financi\xc3\xab" "le positie van gemeenten\xe2\x80\x9d", NULL, 0},
		{"w1252_meta.html", "windows-1252", "meta", "tot \xe2\x82\xac 12,5 miljoen", NULL, 0},
		{"latin1_label.html", "windows-1252", "meta", "l\xe2\x80\x99Int\xc3\xa9rieur", NULL, 0},
		{"utf8_nodecl.html", "UTF-8", "detected", "J\xc3\xbcrgen M\xc3\xbcller", NULL, 0},
		{"utf8_bom.html", "UTF-8", "bom", "Co\xc3\xab" "me", NULL, 0},
		{"mislabelled_utf8.html", "UTF-8", "meta-but-utf8", "F\xc3\xb6rderfl\xc3\xa4" "che",
		 "declared charset \"iso-8859-1\"", 0},
		{"latin1_nodecl.html", "windows-1252", "default", "cr\xc3\xa9" "dits ont \xc3\xa9t\xc3\xa9", NULL, 0},
		{"nul_bytes.html", "UTF-8", "meta", "Antwoord\xef\xbf\xbd van", "2 NUL bytes", 2},
		{"unsupported_decl.html", "windows-1252", "default", "d\xc3\xa9put\xc3\xa9",
		 "declared charset \"iso-2022-kr\" is not supported here; decoded as windows-1252", 0},
		{"utf16le_bom.html", "UTF-16LE", "bom", "\xe2\x80\x9e" "Anf\xc3\xbchrungszeichen\xe2\x80\x9c \xe2\x82\xac", NULL, 0},
		{"http_equiv.html", "ISO-8859-15", "meta", "250 \xe2\x82\xac par \xc5\x93uvre", NULL, 0},
		{"meta_after_comment.html", "windows-1252", "meta", "Ku\xc3\xa7\xc3\xbc" "k.\xe2\x80\x9d", NULL, 0},
		{"meta_past_1024.html", "windows-1252", "default", "Co\xc3\xb6rdinatie en \xc3\xa9\xc3\xa9n", NULL, 0},
		/* declared UTF-8, 5 invalid sequences among 2 valid: UTF-8 with fallback */
		{"invalid_utf8.html", "UTF-8", "meta",
		 "Caf\xc3\xa9 cr\xc3\xa8me: 4 \xc3\xa2\xe2\x80\x9a pour deux; \xc3\xbf fin \xc3\x80\xc2\xaf ok.",
		 "6 bytes not valid UTF-8 read as windows-1252 (the first at line 8, column 7, offset 106: 0xE9)", 0},
		{"stray_w1252.html", "UTF-8", "meta",
		 "1.200 Pl\xc3\xa4tze \xe2\x80\x93 Stand Dezember; siehe \xe2\x80\x9c" "Anlage 2\xe2\x80\x9d.\xef\xbf\xbd",
		 "4 bytes not valid UTF-8 read as windows-1252 (the first at line 11, column 24, offset 373: 0xE4); "
		 "1 byte valid neither in UTF-8 nor in windows-1252 replaced by U+FFFD", 1},
		{"stray_w1252_nodecl.html", "UTF-8", "detected", "Zu Frage 1: 1.200 Pl\xc3\xa4tze.",
		 "1 byte not valid UTF-8 read as windows-1252 (the first at line 9, column 24, offset 320: 0xE4)", 0},
		{"w1252_as_utf8.html", "windows-1252", "meta-but-not-utf8",
		 "\xe2\x80\x9egro\xc3\x9f\xe2\x80\x9d genug; \xc3\x84nderungen",
		 "declared charset \"utf-8\" but the page is not UTF-8 (11 invalid byte sequences, "
		 "1 valid multi-byte one); decoded as windows-1252", 0},
		{"latin1_decl_mostly_utf8.html", "UTF-8", "meta-but-utf8", "Ministeriums f\xc3\xbcr Verkehr",
		 "declared charset \"iso-8859-1\" but the page is UTF-8 apart from 1 byte; decoded as UTF-8; "
		 "1 byte not valid UTF-8 read as windows-1252 (the first at line 9, column 30, offset 311: 0xFC)", 0},
		{"double_encoded.html", "UTF-8", "meta", "Die Ma\xc3\x83\xc5\xb8nahmen",
		 "the text looks double-encoded (UTF-8 read as windows-1252 and encoded again): 9 sequences "
		 "like \"\xc3\x83\xc5\xb8\", the first at line 10, column 39", 1},
		{"controls.html", "UTF-8", "meta", "Antwoord\x01 van de minister\x7f: zie\xc2\x85 bijlage\xef\xb7\x90.",
		 "4 control characters or noncharacters replaced by U+FFFD (the first, U+0001, at line 8, column 12)", 4},
	};
	char path[256], nm[200];
	for (size_t i = 0; i < sizeof fx / sizeof fx[0]; i++) {
		size_t n = 0;
		pqx_decoded d;
		snprintf(path, sizeof path, "tests/fixtures/encoding/%s", fx[i].file);
		unsigned char *b = slurp(path, &n);
		snprintf(nm, sizeof nm, "fixture %s: readable", fx[i].file);
		CHECK(b != NULL, nm);
		if (!b)
			continue;
		int rc = dec(b, n, NULL, NULL, &d);
		free(b);
		snprintf(nm, sizeof nm, "fixture %s: decodes", fx[i].file);
		CHECK(rc == 0, nm);
		if (rc)
			continue;
		snprintf(nm, sizeof nm, "fixture %s: encoding", fx[i].file);
		CHECK_STR(d.encoding, fx[i].enc, nm);
		snprintf(nm, sizeof nm, "fixture %s: source", fx[i].file);
		CHECK_STR(d.source, fx[i].src, nm);
		snprintf(nm, sizeof nm, "fixture %s: text", fx[i].file);
		CHECK(strstr(d.utf8, fx[i].text) != NULL, nm);
		snprintf(nm, sizeof nm, "fixture %s: replaced", fx[i].file);
		CHECK(d.replaced == (size_t)fx[i].replaced, nm);
		snprintf(nm, sizeof nm, "fixture %s: warning", fx[i].file);
		if (fx[i].warn)
			CHECK(strstr(d.warning, fx[i].warn) != NULL, nm);
		else
			CHECK(d.warning[0] == '\0', nm);
		snprintf(nm, sizeof nm, "fixture %s: valid output, no BOM", fx[i].file);
		CHECK(out_ok(&d) && strncmp(d.utf8, "<!DOCTYPE html>", 15) == 0, nm);
		pqx_decoded_free(&d);
	}
}

/* Random bytes through every path: the output contract must always hold. */
static void test_fuzz(void)
{
	static const char *ovs[] = {NULL, "utf-8", "windows-1252", "latin2", "koi8-r", "sjis", "euc-jp",
	                            "iso-2022-jp", "big5", "gb18030", "euc-kr", "utf-16le", "utf-16be",
	                            "x-user-defined", "windows-1255", "ibm866"};
	unsigned char buf[512];
	unsigned seed = 12345;
	int ok = 1, runs = 0;
	for (size_t o = 0; o < sizeof ovs / sizeof ovs[0]; o++) {
		for (int r = 0; r < 200; r++) {
			size_t n = (size_t)(r * 7 % 512);
			for (size_t i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				/* bias towards high bytes and '<' so the prescan gets exercised */
				unsigned v = seed >> 16;
				buf[i] = (unsigned char)((v & 3) == 0 ? '<' : (v & 7) == 1 ? 0x80 + (v >> 3) % 128 : v >> 4);
			}
			pqx_decoded d;
			if (dec(buf, n, ovs[o], NULL, &d) != 0 || !out_ok(&d) || d.replaced < d.nuls)
				ok = 0;
			pqx_decoded_free(&d);
			runs++;
		}
	}
	CHECK(ok && runs == 3200, "fuzz: 3200 random inputs give valid NUL-free UTF-8");

	/* mostly valid UTF-8 with strays, so the fallback path and the text scan
	 * run on every kind of broken sequence; declared by transport and sniffed */
	static const char *const pieces[] = {"\xc3\xa4", "\xe2\x80\x93", "\xf0\x9f\x98\x80", "<!--", "-->",
	                                     "<a ", ">", "\xc3\x83", "\xc2\xa4", "\xe2\x82", "\xc3\xa2"};
	ok = 1;
	runs = 0;
	for (int r = 0; r < 2000; r++) {
		size_t n = 0;
		while (n + 8 < sizeof buf) {
			seed = seed * 1103515245u + 12345u;
			unsigned v = seed >> 16;
			if (v % 5 == 0) {
				buf[n++] = (unsigned char)(0x80 + v / 5 % 128);
			} else {
				const char *pc = pieces[v / 5 % (sizeof pieces / sizeof pieces[0])];
				memcpy(buf + n, pc, strlen(pc));
				n += strlen(pc);
			}
		}
		pqx_decoded d;
		if (dec(buf, n, NULL, r % 2 ? "utf-8" : NULL, &d) != 0 || !out_ok(&d) || d.replaced < d.nuls ||
		    d.fallback_bytes > n)
			ok = 0;
		pqx_decoded_free(&d);
		runs++;
	}
	CHECK(ok && runs == 2000, "fuzz: 2000 mostly-UTF-8 inputs give valid NUL-free UTF-8");
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench(void)
{
	const size_t n = 10u * 1000 * 1000;
	unsigned char *b = malloc(n);
	const char *w = "<p>De minister antwoordt: \x93" "co\xf6rdinatie\x94 kost \x80 12,5 mln; re\xefntegratie.</p>\n";
	const char *u = "<p>De minister antwoordt: \xe2\x80\x9c" "co\xc3\xb6rdinatie\xe2\x80\x9d kost \xe2\x82\xac 12,5 mln.</p>\n";
	const char *src[3] = {w, u, w}, *name[3] = {"windows-1252", "UTF-8", "ISO-8859-2 (iconv)"};
	const char *ov[3] = {NULL, NULL, "latin2"};
	for (int k = 0; k < 3; k++) {
		size_t l = strlen(src[k]);
		for (size_t i = 0; i < n; i++)
			b[i] = (unsigned char)src[k][i % l];
		/* cut on a line boundary so the UTF-8 sample stays valid */
		size_t m = n - n % l;
		double best = 1e9;
		pqx_decoded d;
		for (int rep = 0; rep < 5; rep++) {
			double t0 = now();
			dec(b, m, ov[k], NULL, &d);
			double t = now() - t0;
			if (t < best)
				best = t;
			if (rep == 4)
				printf("# bench %s: decided %s/%s, %.1f MB in, %.1f MB out\n", name[k], d.encoding,
				       d.source, m / 1e6, d.len / 1e6);
			pqx_decoded_free(&d);
		}
		printf("# bench %s (sniff + decode, best of 5): %.0f MB/s\n", name[k], m / 1e6 / best);
	}
	free(b);
}

int main(void)
{
	test_labels();
	test_prescan();
	test_sources();
	test_utf8_repair();
	test_w1252();
	test_nuls();
	test_iconv();
	test_utf16();
	test_fallback();
	test_double();
	test_controls();
	test_controls_match_gumbo();
	test_fixtures();
	test_fuzz();
	if (getenv("PQX_BENCH"))
		bench();
	T_DONE();
}
