/*
 * encoding.c: turns the bytes of a page into the UTF-8 gumbo needs, and records
 * which encoding was chosen and why (see encoding.h and DESIGN.md section 3).
 * It owns the WHATWG label table, the <meta> prescan, the UTF-8 repairer, the
 * in-code windows-1252, x-user-defined and UTF-16 decoders, and the bridge to
 * glibc's iconv for every other legacy encoding.
 * It must never include lua.h, never stop or abort on bad input (bad bytes
 * become U+FFFD and are counted), never hand out a NUL byte or invalid UTF-8,
 * never allocate per byte, and never keep global mutable state (pages may be
 * decoded on several threads at once).
 */
#define _POSIX_C_SOURCE 200809L
#include "encoding.h"
#include "buf.h"

#include <errno.h>
#include <iconv.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- encodings and labels (WHATWG Encoding standard, "Names and labels") ---- */

enum enc_kind {
	K_UTF8,
	K_W1252,      /* in-code table: the common case must not depend on iconv */
	K_SINGLE,     /* legacy single-byte, via iconv */
	K_MULTI,      /* legacy multi-byte (CJK), via iconv */
	K_UTF16LE,
	K_UTF16BE,
	K_USERDEF,    /* x-user-defined: trivial, so decoded in code */
	K_REPLACEMENT /* exists to neutralise ISO-2022-KR & co.; not decodable */
};

struct enc {
	const char *name;
	unsigned char kind;
	/* glibc names to try, in order, "\0"-separated, ending with an empty name.
	 * Where glibc has a variant closer to the WHATWG index it comes first. */
	const char *iconv_names;
};

enum {
	E_UTF8, E_IBM866, E_8859_2, E_8859_3, E_8859_4, E_8859_5, E_8859_6,
	E_8859_7, E_8859_8, E_8859_8I, E_8859_10, E_8859_13, E_8859_14,
	E_8859_15, E_8859_16, E_KOI8R, E_KOI8U, E_MAC, E_W874, E_W1250, E_W1251,
	E_W1252, E_W1253, E_W1254, E_W1255, E_W1256, E_W1257, E_W1258,
	E_MACCYR, E_GBK, E_GB18030, E_BIG5, E_EUCJP, E_2022JP, E_SJIS, E_EUCKR,
	E_REPLACEMENT, E_UTF16BE, E_UTF16LE, E_USERDEF, E_COUNT
};

static const struct enc encs[E_COUNT] = {
	[E_UTF8] = {"UTF-8", K_UTF8, ""},
	[E_IBM866] = {"IBM866", K_SINGLE, "IBM866\0"},
	[E_8859_2] = {"ISO-8859-2", K_SINGLE, "ISO-8859-2\0"},
	[E_8859_3] = {"ISO-8859-3", K_SINGLE, "ISO-8859-3\0"},
	[E_8859_4] = {"ISO-8859-4", K_SINGLE, "ISO-8859-4\0"},
	[E_8859_5] = {"ISO-8859-5", K_SINGLE, "ISO-8859-5\0"},
	[E_8859_6] = {"ISO-8859-6", K_SINGLE, "ISO-8859-6\0"},
	[E_8859_7] = {"ISO-8859-7", K_SINGLE, "ISO-8859-7\0"},
	[E_8859_8] = {"ISO-8859-8", K_SINGLE, "ISO-8859-8\0"},
	/* -I only differs in display direction; the bytes mean the same */
	[E_8859_8I] = {"ISO-8859-8-I", K_SINGLE, "ISO-8859-8\0"},
	[E_8859_10] = {"ISO-8859-10", K_SINGLE, "ISO-8859-10\0"},
	[E_8859_13] = {"ISO-8859-13", K_SINGLE, "ISO-8859-13\0"},
	[E_8859_14] = {"ISO-8859-14", K_SINGLE, "ISO-8859-14\0"},
	[E_8859_15] = {"ISO-8859-15", K_SINGLE, "ISO-8859-15\0"},
	[E_8859_16] = {"ISO-8859-16", K_SINGLE, "ISO-8859-16\0"},
	[E_KOI8R] = {"KOI8-R", K_SINGLE, "KOI8-R\0"},
	[E_KOI8U] = {"KOI8-U", K_SINGLE, "KOI8-U\0"},
	[E_MAC] = {"macintosh", K_SINGLE, "MACINTOSH\0"},
	[E_W874] = {"windows-874", K_SINGLE, "CP874\0WINDOWS-874\0"},
	[E_W1250] = {"windows-1250", K_SINGLE, "CP1250\0"},
	[E_W1251] = {"windows-1251", K_SINGLE, "CP1251\0"},
	[E_W1252] = {"windows-1252", K_W1252, ""},
	[E_W1253] = {"windows-1253", K_SINGLE, "CP1253\0"},
	[E_W1254] = {"windows-1254", K_SINGLE, "CP1254\0"},
	[E_W1255] = {"windows-1255", K_SINGLE, "CP1255\0"},
	[E_W1256] = {"windows-1256", K_SINGLE, "CP1256\0"},
	[E_W1257] = {"windows-1257", K_SINGLE, "CP1257\0"},
	[E_W1258] = {"windows-1258", K_SINGLE, "CP1258\0"},
	[E_MACCYR] = {"x-mac-cyrillic", K_SINGLE, "MAC-CYRILLIC\0MACCYRILLIC\0"},
	/* WHATWG decodes GBK with the gb18030 decoder (a superset) */
	[E_GBK] = {"GBK", K_MULTI, "GB18030\0GBK\0"},
	[E_GB18030] = {"gb18030", K_MULTI, "GB18030\0"},
	/* WHATWG Big5 is Big5-HKSCS, Shift_JIS is windows-31j, EUC-KR is windows-949 */
	[E_BIG5] = {"Big5", K_MULTI, "BIG5-HKSCS\0BIG5\0"},
	[E_EUCJP] = {"EUC-JP", K_MULTI, "EUC-JP-MS\0EUC-JP\0"},
	[E_2022JP] = {"ISO-2022-JP", K_MULTI, "ISO-2022-JP\0"},
	[E_SJIS] = {"Shift_JIS", K_MULTI, "WINDOWS-31J\0CP932\0SHIFT_JIS\0"},
	[E_EUCKR] = {"EUC-KR", K_MULTI, "CP949\0UHC\0EUC-KR\0"},
	[E_REPLACEMENT] = {"replacement", K_REPLACEMENT, ""},
	[E_UTF16BE] = {"UTF-16BE", K_UTF16BE, ""},
	[E_UTF16LE] = {"UTF-16LE", K_UTF16LE, ""},
	[E_USERDEF] = {"x-user-defined", K_USERDEF, ""},
};

struct label {
	const char *label;
	unsigned char enc;
};

/* Every label of the standard's table, lower case (lookup lowers its input). */
static const struct label labels[] = {
	{"unicode-1-1-utf-8", E_UTF8}, {"unicode11utf8", E_UTF8},
	{"unicode20utf8", E_UTF8}, {"utf-8", E_UTF8}, {"utf8", E_UTF8},
	{"x-unicode20utf8", E_UTF8},
	{"866", E_IBM866}, {"cp866", E_IBM866}, {"csibm866", E_IBM866},
	{"ibm866", E_IBM866},
	{"csisolatin2", E_8859_2}, {"iso-8859-2", E_8859_2},
	{"iso-ir-101", E_8859_2}, {"iso8859-2", E_8859_2}, {"iso88592", E_8859_2},
	{"iso_8859-2", E_8859_2}, {"iso_8859-2:1987", E_8859_2}, {"l2", E_8859_2},
	{"latin2", E_8859_2},
	{"csisolatin3", E_8859_3}, {"iso-8859-3", E_8859_3},
	{"iso-ir-109", E_8859_3}, {"iso8859-3", E_8859_3}, {"iso88593", E_8859_3},
	{"iso_8859-3", E_8859_3}, {"iso_8859-3:1988", E_8859_3}, {"l3", E_8859_3},
	{"latin3", E_8859_3},
	{"csisolatin4", E_8859_4}, {"iso-8859-4", E_8859_4},
	{"iso-ir-110", E_8859_4}, {"iso8859-4", E_8859_4}, {"iso88594", E_8859_4},
	{"iso_8859-4", E_8859_4}, {"iso_8859-4:1988", E_8859_4}, {"l4", E_8859_4},
	{"latin4", E_8859_4},
	{"csisolatincyrillic", E_8859_5}, {"cyrillic", E_8859_5},
	{"iso-8859-5", E_8859_5}, {"iso-ir-144", E_8859_5},
	{"iso8859-5", E_8859_5}, {"iso88595", E_8859_5}, {"iso_8859-5", E_8859_5},
	{"iso_8859-5:1988", E_8859_5},
	{"arabic", E_8859_6}, {"asmo-708", E_8859_6}, {"csiso88596e", E_8859_6},
	{"csiso88596i", E_8859_6}, {"csisolatinarabic", E_8859_6},
	{"ecma-114", E_8859_6}, {"iso-8859-6", E_8859_6},
	{"iso-8859-6-e", E_8859_6}, {"iso-8859-6-i", E_8859_6},
	{"iso-ir-127", E_8859_6}, {"iso8859-6", E_8859_6}, {"iso88596", E_8859_6},
	{"iso_8859-6", E_8859_6}, {"iso_8859-6:1987", E_8859_6},
	{"csisolatingreek", E_8859_7}, {"ecma-118", E_8859_7},
	{"elot_928", E_8859_7}, {"greek", E_8859_7}, {"greek8", E_8859_7},
	{"iso-8859-7", E_8859_7}, {"iso-ir-126", E_8859_7},
	{"iso8859-7", E_8859_7}, {"iso88597", E_8859_7}, {"iso_8859-7", E_8859_7},
	{"iso_8859-7:1987", E_8859_7}, {"sun_eu_greek", E_8859_7},
	{"csiso88598e", E_8859_8}, {"csisolatinhebrew", E_8859_8},
	{"hebrew", E_8859_8}, {"iso-8859-8", E_8859_8}, {"iso-8859-8-e", E_8859_8},
	{"iso-ir-138", E_8859_8}, {"iso8859-8", E_8859_8}, {"iso88598", E_8859_8},
	{"iso_8859-8", E_8859_8}, {"iso_8859-8:1988", E_8859_8},
	{"visual", E_8859_8},
	{"csiso88598i", E_8859_8I}, {"iso-8859-8-i", E_8859_8I},
	{"logical", E_8859_8I},
	{"csisolatin6", E_8859_10}, {"iso-8859-10", E_8859_10},
	{"iso-ir-157", E_8859_10}, {"iso8859-10", E_8859_10},
	{"iso885910", E_8859_10}, {"l6", E_8859_10}, {"latin6", E_8859_10},
	{"iso-8859-13", E_8859_13}, {"iso8859-13", E_8859_13},
	{"iso885913", E_8859_13},
	{"iso-8859-14", E_8859_14}, {"iso8859-14", E_8859_14},
	{"iso885914", E_8859_14},
	{"csisolatin9", E_8859_15}, {"iso-8859-15", E_8859_15},
	{"iso8859-15", E_8859_15}, {"iso885915", E_8859_15},
	{"iso_8859-15", E_8859_15}, {"l9", E_8859_15},
	{"iso-8859-16", E_8859_16},
	{"cskoi8r", E_KOI8R}, {"koi", E_KOI8R}, {"koi8", E_KOI8R},
	{"koi8-r", E_KOI8R}, {"koi8_r", E_KOI8R},
	{"koi8-ru", E_KOI8U}, {"koi8-u", E_KOI8U},
	{"csmacintosh", E_MAC}, {"mac", E_MAC}, {"macintosh", E_MAC},
	{"x-mac-roman", E_MAC},
	{"dos-874", E_W874}, {"iso-8859-11", E_W874}, {"iso8859-11", E_W874},
	{"iso885911", E_W874}, {"tis-620", E_W874}, {"windows-874", E_W874},
	{"cp1250", E_W1250}, {"windows-1250", E_W1250}, {"x-cp1250", E_W1250},
	{"cp1251", E_W1251}, {"windows-1251", E_W1251}, {"x-cp1251", E_W1251},
	{"ansi_x3.4-1968", E_W1252}, {"ascii", E_W1252}, {"cp1252", E_W1252},
	{"cp819", E_W1252}, {"csisolatin1", E_W1252}, {"ibm819", E_W1252},
	{"iso-8859-1", E_W1252}, {"iso-ir-100", E_W1252}, {"iso8859-1", E_W1252},
	{"iso88591", E_W1252}, {"iso_8859-1", E_W1252},
	{"iso_8859-1:1987", E_W1252}, {"l1", E_W1252}, {"latin1", E_W1252},
	{"us-ascii", E_W1252}, {"windows-1252", E_W1252}, {"x-cp1252", E_W1252},
	{"cp1253", E_W1253}, {"windows-1253", E_W1253}, {"x-cp1253", E_W1253},
	{"cp1254", E_W1254}, {"csisolatin5", E_W1254}, {"iso-8859-9", E_W1254},
	{"iso-ir-148", E_W1254}, {"iso8859-9", E_W1254}, {"iso88599", E_W1254},
	{"iso_8859-9", E_W1254}, {"iso_8859-9:1989", E_W1254}, {"l5", E_W1254},
	{"latin5", E_W1254}, {"windows-1254", E_W1254}, {"x-cp1254", E_W1254},
	{"cp1255", E_W1255}, {"windows-1255", E_W1255}, {"x-cp1255", E_W1255},
	{"cp1256", E_W1256}, {"windows-1256", E_W1256}, {"x-cp1256", E_W1256},
	{"cp1257", E_W1257}, {"windows-1257", E_W1257}, {"x-cp1257", E_W1257},
	{"cp1258", E_W1258}, {"windows-1258", E_W1258}, {"x-cp1258", E_W1258},
	{"x-mac-cyrillic", E_MACCYR}, {"x-mac-ukrainian", E_MACCYR},
	{"chinese", E_GBK}, {"csgb2312", E_GBK}, {"csiso58gb231280", E_GBK},
	{"gb2312", E_GBK}, {"gb_2312", E_GBK}, {"gb_2312-80", E_GBK},
	{"gbk", E_GBK}, {"iso-ir-58", E_GBK}, {"x-gbk", E_GBK},
	{"gb18030", E_GB18030},
	{"big5", E_BIG5}, {"big5-hkscs", E_BIG5}, {"cn-big5", E_BIG5},
	{"csbig5", E_BIG5}, {"x-x-big5", E_BIG5},
	{"cseucpkdfmtjapanese", E_EUCJP}, {"euc-jp", E_EUCJP},
	{"x-euc-jp", E_EUCJP},
	{"csiso2022jp", E_2022JP}, {"iso-2022-jp", E_2022JP},
	{"csshiftjis", E_SJIS}, {"ms932", E_SJIS}, {"ms_kanji", E_SJIS},
	{"shift-jis", E_SJIS}, {"shift_jis", E_SJIS}, {"sjis", E_SJIS},
	{"windows-31j", E_SJIS}, {"x-sjis", E_SJIS},
	{"cseuckr", E_EUCKR}, {"csksc56011987", E_EUCKR}, {"euc-kr", E_EUCKR},
	{"iso-ir-149", E_EUCKR}, {"korean", E_EUCKR}, {"ks_c_5601-1987", E_EUCKR},
	{"ks_c_5601-1989", E_EUCKR}, {"ksc5601", E_EUCKR}, {"ksc_5601", E_EUCKR},
	{"windows-949", E_EUCKR},
	{"csiso2022kr", E_REPLACEMENT}, {"hz-gb-2312", E_REPLACEMENT},
	{"iso-2022-cn", E_REPLACEMENT}, {"iso-2022-cn-ext", E_REPLACEMENT},
	{"iso-2022-kr", E_REPLACEMENT}, {"replacement", E_REPLACEMENT},
	{"unicodefffe", E_UTF16BE}, {"utf-16be", E_UTF16BE},
	{"csunicode", E_UTF16LE}, {"iso-10646-ucs-2", E_UTF16LE},
	{"ucs-2", E_UTF16LE}, {"unicode", E_UTF16LE}, {"unicodefeff", E_UTF16LE},
	{"utf-16", E_UTF16LE}, {"utf-16le", E_UTF16LE},
	{"x-user-defined", E_USERDEF},
};

static int is_ws(unsigned char c)
{
	return c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x20;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static const struct enc *enc_get(const char *label, size_t len)
{
	const unsigned char *s = (const unsigned char *)label;
	char key[24];
	size_t i;

	if (!label)
		return NULL;
	while (len > 0 && is_ws(s[0])) {
		s++;
		len--;
	}
	while (len > 0 && is_ws(s[len - 1]))
		len--;
	/* no label is longer than 19 bytes; longer input cannot match */
	if (len == 0 || len >= sizeof key)
		return NULL;
	for (i = 0; i < len; i++)
		key[i] = (char)lower(s[i]);
	key[len] = '\0';
	for (i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i].label, key) == 0)
			return &encs[labels[i].enc];
	return NULL;
}

const char *pqx_enc_canonical(const char *label, size_t len)
{
	const struct enc *e = enc_get(label, len);
	return e ? e->name : NULL;
}

/* ---- the <meta> prescan (HTML "prescan a byte stream to determine its encoding") ---- */

#define PRESCAN_LIMIT 1024

/* The algorithm "for extracting a character encoding from a meta element",
 * applied to a content attribute (or a Content-Type value). Returns the label's
 * span in lab and lablen, or 0 when there is none. */
static int extract_charset(const unsigned char *s, size_t n, const unsigned char **lab, size_t *lablen)
{
	size_t pos = 0;

	for (;;) {
		size_t i;
		for (i = pos; i + 7 <= n; i++) {
			size_t k;
			for (k = 0; k < 7 && lower(s[i + k]) == (unsigned char)"charset"[k]; k++)
				;
			if (k == 7)
				break;
		}
		if (i + 7 > n)
			return 0;
		pos = i + 7;
		while (pos < n && is_ws(s[pos]))
			pos++;
		if (pos >= n || s[pos] != '=')
			continue; /* "charsetfoo": look for a later "charset" */
		pos++;
		while (pos < n && is_ws(s[pos]))
			pos++;
		if (pos >= n)
			return 0;
		if (s[pos] == '"' || s[pos] == '\'') {
			const unsigned char *q = memchr(s + pos + 1, s[pos], n - pos - 1);
			if (!q)
				return 0;
			*lab = s + pos + 1;
			*lablen = (size_t)(q - (s + pos + 1));
			return 1;
		}
		i = pos;
		while (i < n && !is_ws(s[i]) && s[i] != ';')
			i++;
		*lab = s + pos;
		*lablen = i - pos;
		return 1;
	}
}

struct attr {
	/* A prescanned attribute can never be longer than the prescanned bytes,
	 * so these fixed buffers cannot truncate. */
	char name[PRESCAN_LIMIT + 1];
	char value[PRESCAN_LIMIT + 1];
	size_t nlen, vlen;
};

/* The spec's "get an attribute". Returns 1 with an attribute, 0 when the tag
 * ends (position at '>'), -1 when the bytes run out (prescan gives up). */
static int get_attr(const unsigned char *b, size_t n, size_t *pp, struct attr *a)
{
	size_t p = *pp;
	unsigned char c;

	a->nlen = a->vlen = 0;
	while (p < n && (is_ws(b[p]) || b[p] == '/'))
		p++;
	if (p >= n)
		return -1;
	if (b[p] == '>') {
		*pp = p;
		return 0;
	}
	for (;;) {
		if (p >= n)
			return -1;
		c = b[p];
		if (c == '=' && a->nlen > 0) {
			p++;
			goto value;
		}
		if (is_ws(c))
			break;
		if (c == '/' || c == '>')
			goto done;
		a->name[a->nlen++] = (char)lower(c);
		p++;
	}
	while (p < n && is_ws(b[p]))
		p++;
	if (p >= n)
		return -1;
	if (b[p] != '=')
		goto done;
	p++;
value:
	while (p < n && is_ws(b[p]))
		p++;
	if (p >= n)
		return -1;
	c = b[p];
	if (c == '"' || c == '\'') {
		unsigned char q = c;
		for (p++;; p++) {
			if (p >= n)
				return -1;
			if (b[p] == q) {
				p++;
				goto done;
			}
			a->value[a->vlen++] = (char)lower(b[p]);
		}
	}
	if (c == '>')
		goto done;
	for (;;) {
		if (p >= n)
			return -1;
		c = b[p];
		if (is_ws(c) || c == '>')
			goto done;
		a->value[a->vlen++] = (char)lower(c);
		p++;
	}
done:
	a->name[a->nlen] = '\0';
	a->value[a->vlen] = '\0';
	*pp = p;
	return 1;
}

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Result of the prescan: the encoding, plus the first label that was declared
 * but unknown, so the user can be told why it was ignored. */
struct prescan {
	const struct enc *enc;
	char label[48];       /* the label as declared, for messages */
	char unknown[48];     /* first unknown label seen, "" if none */
};

static void copy_label(char *dst, size_t size, const char *s, size_t n)
{
	size_t i, j = 0;
	/* labels go into user-facing messages: keep them printable and short */
	for (i = 0; i < n && j + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[j++] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
	}
	dst[j] = '\0';
}

static void prescan(const unsigned char *b, size_t n, struct prescan *r)
{
	size_t p;
	struct attr *a;

	r->enc = NULL;
	r->label[0] = r->unknown[0] = '\0';
	if (n > PRESCAN_LIMIT)
		n = PRESCAN_LIMIT;
	a = malloc(sizeof *a); /* 2 KB: kept off the stack of callers' threads */
	if (!a)
		return;
	for (p = 0; p < n; p++) {
		if (b[p] != '<')
			continue;
		if (n - p >= 4 && memcmp(b + p, "<!--", 4) == 0) {
			size_t k;
			for (k = p + 4; k < n; k++)
				if (b[k] == '>' && b[k - 1] == '-' && b[k - 2] == '-')
					break;
			if (k >= n)
				goto out;
			p = k;
		} else if (n - p >= 6 && lower(b[p + 1]) == 'm' && lower(b[p + 2]) == 'e'
		           && lower(b[p + 3]) == 't' && lower(b[p + 4]) == 'a'
		           && (is_ws(b[p + 5]) || b[p + 5] == '/')) {
			int seen_he = 0, seen_content = 0, seen_charset = 0;
			int got_pragma = 0, need_pragma = -1, rc;
			const struct enc *cs = NULL;
			int cs_set = 0; /* charset non-null (it may be "failure") */
			char cs_label[48] = "";
			p += 6;
			while ((rc = get_attr(b, n, &p, a)) == 1) {
				if (strcmp(a->name, "http-equiv") == 0) {
					if (seen_he++)
						continue;
					if (strcmp(a->value, "content-type") == 0)
						got_pragma = 1;
				} else if (strcmp(a->name, "content") == 0) {
					const unsigned char *lab;
					size_t ll;
					if (seen_content++)
						continue;
					if (!cs_set && extract_charset((const unsigned char *)a->value, a->vlen, &lab, &ll)) {
						cs = enc_get((const char *)lab, ll);
						cs_set = 1;
						need_pragma = 1;
						copy_label(cs_label, sizeof cs_label, (const char *)lab, ll);
					}
				} else if (strcmp(a->name, "charset") == 0) {
					if (seen_charset++)
						continue;
					cs = enc_get(a->value, a->vlen);
					cs_set = 1;
					need_pragma = 0;
					copy_label(cs_label, sizeof cs_label, a->value, a->vlen);
				}
			}
			if (rc < 0)
				goto out;
			if (need_pragma < 0 || (need_pragma == 1 && !got_pragma))
				continue;
			if (!cs) {
				if (!r->unknown[0])
					memcpy(r->unknown, cs_label, sizeof r->unknown);
				continue;
			}
			/* a page that says UTF-16 in ASCII bytes cannot be UTF-16 */
			if (cs->kind == K_UTF16LE || cs->kind == K_UTF16BE)
				cs = &encs[E_UTF8];
			else if (cs->kind == K_USERDEF)
				cs = &encs[E_W1252];
			r->enc = cs;
			memcpy(r->label, cs_label, sizeof r->label);
			goto out;
		} else if (n - p >= 2 && (is_alpha(b[p + 1])
		           || (b[p + 1] == '/' && n - p >= 3 && is_alpha(b[p + 2])))) {
			int rc;
			while (p < n && !is_ws(b[p]) && b[p] != '>')
				p++;
			if (p >= n)
				goto out;
			while ((rc = get_attr(b, n, &p, a)) == 1)
				;
			if (rc < 0)
				goto out;
		} else if (n - p >= 2 && (b[p + 1] == '!' || b[p + 1] == '/' || b[p + 1] == '?')) {
			const unsigned char *gt = memchr(b + p + 1, '>', n - p - 1);
			if (!gt)
				goto out;
			p = (size_t)(gt - b);
		}
	}
out:
	free(a);
}

const char *pqx_enc_prescan(const unsigned char *bytes, size_t len)
{
	struct prescan r;
	if (!bytes)
		return NULL;
	prescan(bytes, len, &r);
	return r.enc ? r.enc->name : NULL;
}

/* ---- decoders ---- */

static const unsigned char FFFD[3] = {0xEF, 0xBF, 0xBD};

/* windows-1252 per WHATWG: {length, UTF-8 bytes}. 0x00 is pre-replaced by
 * U+FFFD; 0x81 0x8D 0x8F 0x90 0x9D are the C1 controls, not errors. */
static const unsigned char w1252[256][4] = {
	{3,0xEF,0xBF,0xBD}, {1,0x01}, {1,0x02}, {1,0x03}, {1,0x04}, {1,0x05}, {1,0x06}, {1,0x07},
	{1,0x08}, {1,0x09}, {1,0x0A}, {1,0x0B}, {1,0x0C}, {1,0x0D}, {1,0x0E}, {1,0x0F},
	{1,0x10}, {1,0x11}, {1,0x12}, {1,0x13}, {1,0x14}, {1,0x15}, {1,0x16}, {1,0x17},
	{1,0x18}, {1,0x19}, {1,0x1A}, {1,0x1B}, {1,0x1C}, {1,0x1D}, {1,0x1E}, {1,0x1F},
	{1,0x20}, {1,0x21}, {1,0x22}, {1,0x23}, {1,0x24}, {1,0x25}, {1,0x26}, {1,0x27},
	{1,0x28}, {1,0x29}, {1,0x2A}, {1,0x2B}, {1,0x2C}, {1,0x2D}, {1,0x2E}, {1,0x2F},
	{1,0x30}, {1,0x31}, {1,0x32}, {1,0x33}, {1,0x34}, {1,0x35}, {1,0x36}, {1,0x37},
	{1,0x38}, {1,0x39}, {1,0x3A}, {1,0x3B}, {1,0x3C}, {1,0x3D}, {1,0x3E}, {1,0x3F},
	{1,0x40}, {1,0x41}, {1,0x42}, {1,0x43}, {1,0x44}, {1,0x45}, {1,0x46}, {1,0x47},
	{1,0x48}, {1,0x49}, {1,0x4A}, {1,0x4B}, {1,0x4C}, {1,0x4D}, {1,0x4E}, {1,0x4F},
	{1,0x50}, {1,0x51}, {1,0x52}, {1,0x53}, {1,0x54}, {1,0x55}, {1,0x56}, {1,0x57},
	{1,0x58}, {1,0x59}, {1,0x5A}, {1,0x5B}, {1,0x5C}, {1,0x5D}, {1,0x5E}, {1,0x5F},
	{1,0x60}, {1,0x61}, {1,0x62}, {1,0x63}, {1,0x64}, {1,0x65}, {1,0x66}, {1,0x67},
	{1,0x68}, {1,0x69}, {1,0x6A}, {1,0x6B}, {1,0x6C}, {1,0x6D}, {1,0x6E}, {1,0x6F},
	{1,0x70}, {1,0x71}, {1,0x72}, {1,0x73}, {1,0x74}, {1,0x75}, {1,0x76}, {1,0x77},
	{1,0x78}, {1,0x79}, {1,0x7A}, {1,0x7B}, {1,0x7C}, {1,0x7D}, {1,0x7E}, {1,0x7F},
	{3,0xE2,0x82,0xAC}, {2,0xC2,0x81}, {3,0xE2,0x80,0x9A}, {2,0xC6,0x92}, {3,0xE2,0x80,0x9E}, {3,0xE2,0x80,0xA6}, {3,0xE2,0x80,0xA0}, {3,0xE2,0x80,0xA1},
	{2,0xCB,0x86}, {3,0xE2,0x80,0xB0}, {2,0xC5,0xA0}, {3,0xE2,0x80,0xB9}, {2,0xC5,0x92}, {2,0xC2,0x8D}, {2,0xC5,0xBD}, {2,0xC2,0x8F},
	{2,0xC2,0x90}, {3,0xE2,0x80,0x98}, {3,0xE2,0x80,0x99}, {3,0xE2,0x80,0x9C}, {3,0xE2,0x80,0x9D}, {3,0xE2,0x80,0xA2}, {3,0xE2,0x80,0x93}, {3,0xE2,0x80,0x94},
	{2,0xCB,0x9C}, {3,0xE2,0x84,0xA2}, {2,0xC5,0xA1}, {3,0xE2,0x80,0xBA}, {2,0xC5,0x93}, {2,0xC2,0x9D}, {2,0xC5,0xBE}, {2,0xC5,0xB8},
	{2,0xC2,0xA0}, {2,0xC2,0xA1}, {2,0xC2,0xA2}, {2,0xC2,0xA3}, {2,0xC2,0xA4}, {2,0xC2,0xA5}, {2,0xC2,0xA6}, {2,0xC2,0xA7},
	{2,0xC2,0xA8}, {2,0xC2,0xA9}, {2,0xC2,0xAA}, {2,0xC2,0xAB}, {2,0xC2,0xAC}, {2,0xC2,0xAD}, {2,0xC2,0xAE}, {2,0xC2,0xAF},
	{2,0xC2,0xB0}, {2,0xC2,0xB1}, {2,0xC2,0xB2}, {2,0xC2,0xB3}, {2,0xC2,0xB4}, {2,0xC2,0xB5}, {2,0xC2,0xB6}, {2,0xC2,0xB7},
	{2,0xC2,0xB8}, {2,0xC2,0xB9}, {2,0xC2,0xBA}, {2,0xC2,0xBB}, {2,0xC2,0xBC}, {2,0xC2,0xBD}, {2,0xC2,0xBE}, {2,0xC2,0xBF},
	{2,0xC3,0x80}, {2,0xC3,0x81}, {2,0xC3,0x82}, {2,0xC3,0x83}, {2,0xC3,0x84}, {2,0xC3,0x85}, {2,0xC3,0x86}, {2,0xC3,0x87},
	{2,0xC3,0x88}, {2,0xC3,0x89}, {2,0xC3,0x8A}, {2,0xC3,0x8B}, {2,0xC3,0x8C}, {2,0xC3,0x8D}, {2,0xC3,0x8E}, {2,0xC3,0x8F},
	{2,0xC3,0x90}, {2,0xC3,0x91}, {2,0xC3,0x92}, {2,0xC3,0x93}, {2,0xC3,0x94}, {2,0xC3,0x95}, {2,0xC3,0x96}, {2,0xC3,0x97},
	{2,0xC3,0x98}, {2,0xC3,0x99}, {2,0xC3,0x9A}, {2,0xC3,0x9B}, {2,0xC3,0x9C}, {2,0xC3,0x9D}, {2,0xC3,0x9E}, {2,0xC3,0x9F},
	{2,0xC3,0xA0}, {2,0xC3,0xA1}, {2,0xC3,0xA2}, {2,0xC3,0xA3}, {2,0xC3,0xA4}, {2,0xC3,0xA5}, {2,0xC3,0xA6}, {2,0xC3,0xA7},
	{2,0xC3,0xA8}, {2,0xC3,0xA9}, {2,0xC3,0xAA}, {2,0xC3,0xAB}, {2,0xC3,0xAC}, {2,0xC3,0xAD}, {2,0xC3,0xAE}, {2,0xC3,0xAF},
	{2,0xC3,0xB0}, {2,0xC3,0xB1}, {2,0xC3,0xB2}, {2,0xC3,0xB3}, {2,0xC3,0xB4}, {2,0xC3,0xB5}, {2,0xC3,0xB6}, {2,0xC3,0xB7},
	{2,0xC3,0xB8}, {2,0xC3,0xB9}, {2,0xC3,0xBA}, {2,0xC3,0xBB}, {2,0xC3,0xBC}, {2,0xC3,0xBD}, {2,0xC3,0xBE}, {2,0xC3,0xBF},
};

/* U+FFFD in the same {length, bytes} form */
static const unsigned char W_FFFD[4] = {3, 0xEF, 0xBF, 0xBD};

struct utf8_scan {
	size_t errors;    /* maximal subparts that are not UTF-8 */
	size_t err_bytes; /* the bytes in them */
	size_t undefined; /* of err_bytes, those windows-1252 leaves undefined too */
	size_t fallback;  /* and those it reads */
	size_t nuls;
	size_t multibyte; /* valid non-ASCII sequences */
	size_t outlen_strict, outlen_fallback; /* exact output size in each mode */
	size_t first_err, first_err_out;     /* first invalid byte: input, output offset */
	size_t first_fb, first_fb_out;       /* first one windows-1252 reads */
	size_t first_undef, first_undef_out; /* first one it does not */
};

static int word_plain(const unsigned char *p)
{
	/* true when 8 bytes are ASCII and none is NUL: the common fast path */
	uint64_t w;
	memcpy(&w, p, 8);
	const uint64_t hi = 0x8080808080808080ull, lo = 0x0101010101010101ull;
	return (((w - lo) & ~w) | w) & hi ? 0 : 1;
}

/* The length of the run of plain bytes (ASCII, not NUL) at p, exactly: whole
 * 16-byte blocks (SSE2) or 8-byte words, then the block that ends the run is
 * cut at its first other byte by the block's mask (SSE2) or byte by byte. */
static size_t plain_run(const unsigned char *p, size_t n)
{
	size_t r = 0;
#if defined(__SSE2__)
	const __m128i zero = _mm_setzero_si128();
	while (r + 16 <= n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + r));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, zero)));
		if (m != 0)
			return r + (size_t)__builtin_ctz(m);
		r += 16;
	}
#endif
	while (r + 8 <= n && word_plain(p + r))
		r += 8;
	while (r < n && p[r] != 0 && p[r] < 0x80)
		r++;
	return r;
}

/* The five bytes windows-1252 does not define (WHATWG maps them to C1
 * controls, which the HTML parser would turn into U+FFFD anyway). */
static int w1252_undefined(unsigned char c)
{
	return c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D;
}

enum walk_mode {
	WALK_STRICT,   /* one U+FFFD per maximal subpart (WHATWG) */
	WALK_FALLBACK, /* each byte of a maximal subpart read as windows-1252 */
};

/* One walk serves the scan (dst NULL) and the decoding, so the two can never
 * disagree about where a sequence ends. Invalid input follows the WHATWG
 * decoder: a maximal subpart is invalid, the byte that broke a sequence is
 * looked at again. In WALK_STRICT each maximal subpart becomes one U+FFFD; in
 * WALK_FALLBACK each of its bytes is read as windows-1252, and the five bytes
 * windows-1252 leaves undefined become U+FFFD. The counts, and both output
 * sizes, are the same whichever mode writes. */
static void utf8_walk(const unsigned char *p, size_t n, unsigned char *dst, struct utf8_scan *st,
                      enum walk_mode mode)
{
	size_t i = 0, os = 0, of = 0; /* output sizes in the two modes */

	memset(st, 0, sizeof *st);
	while (i < n) {
		size_t o = mode == WALK_STRICT ? os : of;
		size_t run = i + plain_run(p + i, n - i);
		if (run > i) {
			if (dst)
				memcpy(dst + o, p + i, run - i);
			os += run - i;
			of += run - i;
			i = run;
			if (i >= n)
				break;
			o = mode == WALK_STRICT ? os : of;
		}
		unsigned char c = p[i];
		if (c == 0) {
			st->nuls++;
			if (dst)
				memcpy(dst + o, FFFD, 3);
			os += 3;
			of += 3;
			i++;
			continue;
		}
		int need;
		unsigned char lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F; /* no surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F; /* nothing above U+10FFFF */
		} else {
			need = 0; /* stray continuation, C0/C1 overlong lead, F5..FF */
		}
		size_t j = i + 1;
		int k = 0;
		if (need > 0) {
			for (; k < need && j < n && p[j] >= lo && p[j] <= hi; k++, j++) {
				lo = 0x80;
				hi = 0xBF;
			}
		}
		if (need > 0 && k == need) {
			if (dst)
				memcpy(dst + o, p + i, j - i);
			os += j - i;
			of += j - i;
			st->multibyte++;
			i = j;
			continue;
		}
		if (st->errors++ == 0) {
			st->first_err = i;
			st->first_err_out = o;
		}
		st->err_bytes += j - i;
		if (mode == WALK_STRICT && dst)
			memcpy(dst + o, FFFD, 3);
		os += 3;
		for (size_t b = i; b < j; b++) {
			const unsigned char *t = W_FFFD;
			size_t at = mode == WALK_STRICT ? o : of;
			if (w1252_undefined(p[b])) {
				if (st->undefined++ == 0) {
					st->first_undef = b;
					st->first_undef_out = at;
				}
			} else {
				if (st->fallback++ == 0) {
					st->first_fb = b;
					st->first_fb_out = at;
				}
				t = w1252[p[b]];
			}
			if (mode == WALK_FALLBACK && dst)
				memcpy(dst + of, t + 1, t[0]);
			of += t[0];
		}
		i = j;
	}
	st->outlen_strict = os;
	st->outlen_fallback = of;
}

/* The windows-1252 byte for one UTF-8 encoded character, or -1 when the
 * encoding has none (the URL encoder writes queries the way a browser does on a
 * windows-1252 page). */
int pqx_enc_w1252_byte(const char *utf8, size_t len)
{
	if (len == 1 && (unsigned char)utf8[0] < 0x80)
		return (unsigned char)utf8[0];
	for (int b = 0x80; b < 0x100; b++)
		if (w1252[b][0] == len && memcmp(w1252[b] + 1, utf8, len) == 0)
			return b;
	return -1;
}

/* One pass, into a buffer of the worst case (three bytes out for each byte in,
 * plus the slack of one 16-byte store), given back by realloc at the end. Plain
 * bytes go 16 at a time where SSE2 is there: each block is stored whole, and the
 * first byte in it that is not plain (NUL or from 0x80) cuts it and goes by the
 * table, whose entries are copied as three bytes whatever their length (the
 * next write covers the spare ones). NULs are counted on the way. */
static char *w1252_decode(const unsigned char *p, size_t n, size_t *outlen, size_t *nuls)
{
	size_t i = 0, o = 0, z = 0;
	unsigned char *dst;

	if (n > (SIZE_MAX - 32) / 3)
		return NULL;
	dst = malloc(3 * n + 17);
	if (!dst)
		return NULL;
#if defined(__SSE2__)
	const __m128i zero = _mm_setzero_si128();
#endif
	while (i < n) {
#if defined(__SSE2__)
		if (i + 16 <= n) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, zero)));
			_mm_storeu_si128((__m128i *)(void *)(dst + o), v);
			if (m == 0) {
				i += 16;
				o += 16;
				continue;
			}
			size_t k = (size_t)__builtin_ctz(m);
			i += k;
			o += k;
		}
#endif
		unsigned char c = p[i++];
		const unsigned char *t = w1252[c];
		z += c == 0;
		memcpy(dst + o, t + 1, 3);
		o += t[0];
	}
	dst[o] = '\0';
	*outlen = o;
	*nuls = z;
	unsigned char *fit = realloc(dst, o + 1);
	return (char *)(fit ? fit : dst);
}

static size_t put_cp(unsigned char *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (unsigned char)(0xC0 | (cp >> 6));
		d[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (unsigned char)(0xE0 | (cp >> 12));
		d[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		d[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	d[0] = (unsigned char)(0xF0 | (cp >> 18));
	d[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	d[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	d[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

static char *userdef_decode(const unsigned char *p, size_t n, size_t *outlen, size_t *nuls)
{
	size_t i, o = 0;
	if (n > ((size_t)-1 - 1) / 3)
		return NULL;
	unsigned char *dst = malloc(3 * n + 1);
	if (!dst)
		return NULL;
	for (i = 0; i < n; i++) {
		if (p[i] == 0) {
			memcpy(dst + o, FFFD, 3);
			o += 3;
			(*nuls)++;
		} else {
			o += put_cp(dst + o, p[i] < 0x80 ? p[i] : 0xF700u + p[i]);
		}
	}
	dst[o] = '\0';
	*outlen = o;
	return (char *)dst;
}

/* UTF-16 in code rather than iconv: WHATWG wants a lone surrogate replaced and
 * the next unit looked at again, and an odd final byte replaced, which needs
 * unit-sized (not byte-sized) resynchronisation. */
static char *utf16_decode(const unsigned char *p, size_t n, int be, size_t *outlen,
                          size_t *replaced, size_t *nuls)
{
	size_t i = 0, o = 0;
	/* 2 input bytes give at most 3 output bytes; a pair gives 4 for 4 */
	if (n / 2 > ((size_t)-1 - 8) / 3)
		return NULL;
	unsigned char *dst = malloc(n / 2 * 3 + 4);
	if (!dst)
		return NULL;
	while (i + 1 < n) {
		uint32_t u = be ? ((uint32_t)p[i] << 8 | p[i + 1]) : ((uint32_t)p[i + 1] << 8 | p[i]);
		i += 2;
		if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
			uint32_t u2 = be ? ((uint32_t)p[i] << 8 | p[i + 1]) : ((uint32_t)p[i + 1] << 8 | p[i]);
			if (u2 >= 0xDC00 && u2 <= 0xDFFF) {
				i += 2;
				o += put_cp(dst + o, 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00));
				continue;
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF) {
			(*replaced)++;
			u = 0xFFFD;
		} else if (u == 0) {
			(*nuls)++;
			u = 0xFFFD;
		}
		o += put_cp(dst + o, u);
	}
	if (i < n) {
		(*replaced)++;
		memcpy(dst + o, FFFD, 3);
		o += 3;
	}
	dst[o] = '\0';
	*outlen = o;
	return (char *)dst;
}

static iconv_t open_iconv(const struct enc *e)
{
	const char *name = e->iconv_names;
	while (*name) {
		iconv_t cd = iconv_open("UTF-8", name);
		if (cd != (iconv_t)-1)
			return cd;
		name += strlen(name) + 1;
	}
	return (iconv_t)-1;
}

/* Appends iconv output, replacing U+0000 (the only way a 0 byte appears in
 * UTF-8) so the result stays a C string. */
static void add_out(pqx_buf *b, const char *s, size_t n, size_t *nuls)
{
	const char *end = s + n, *z;
	while (s < end && (z = memchr(s, 0, (size_t)(end - s))) != NULL) {
		pqx_buf_add(b, s, (size_t)(z - s));
		pqx_buf_add(b, (const char *)FFFD, 3);
		(*nuls)++;
		s = z + 1;
	}
	pqx_buf_add(b, s, (size_t)(end - s));
}

static int iconv_decode(iconv_t cd, const struct enc *e, const unsigned char *p, size_t n,
                        pqx_buf *b, size_t *replaced, size_t *nuls)
{
	char chunk[16384];
	char *in = (char *)p;
	size_t inleft = n;
	/* windows-125x and 874 leave some of 0x80..0x9F unassigned; WHATWG's
	 * indexes map those to the C1 controls, glibc calls them EILSEQ */
	int c1_passthrough = strncmp(e->name, "windows-", 8) == 0;

	while (inleft > 0) {
		char *o = chunk;
		size_t oleft = sizeof chunk;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		int err = errno;
		add_out(b, chunk, (size_t)(o - chunk), nuls);
		if (r != (size_t)-1 || err == E2BIG)
			continue;
		if (err == EINVAL) {
			/* an incomplete sequence at the very end: one U+FFFD for it */
			pqx_buf_add(b, (const char *)FFFD, 3);
			(*replaced)++;
			break;
		}
		unsigned char c = (unsigned char)*in;
		if (c1_passthrough && c >= 0x80 && c <= 0x9F) {
			unsigned char d[2];
			put_cp(d, c);
			pqx_buf_add(b, (const char *)d, 2);
		} else {
			pqx_buf_add(b, (const char *)FFFD, 3);
			(*replaced)++;
		}
		in++;
		inleft--;
	}
	/* stateful encodings (ISO-2022-JP) may still owe a reset sequence */
	{
		char *o = chunk;
		size_t oleft = sizeof chunk;
		iconv(cd, NULL, NULL, &o, &oleft);
		add_out(b, chunk, (size_t)(o - chunk), nuls);
	}
	return b->oom ? -1 : 0;
}

/* ---- what the decoded text holds ---- */

/* A pass over the decoded text (valid UTF-8) for what decoding alone does not
 * show: the code points the HTML parser will replace by U+FFFD, and the marks
 * of double encoding. It stops only at the few bytes that can start either. */

/* gumbo's utf8_is_invalid_code_point: C0 controls other than TAB LF FF CR
 * (NUL is already U+FFFD), DEL, the C1 controls, and the noncharacters. Each
 * becomes U+FFFD in the tree. */
static int parser_replaces(uint32_t cp)
{
	return (cp >= 0x01 && cp <= 0x08) || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F) ||
	       (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
	       (cp & 0xFFFE) == 0xFFFE;
}

/* The code point at s[i] of valid UTF-8, and its length. */
static uint32_t cp_at(const unsigned char *s, size_t i, size_t *len)
{
	unsigned char c = s[i];
	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (c < 0xE0) {
		*len = 2;
		return (uint32_t)(c & 0x1F) << 6 | (s[i + 1] & 0x3F);
	}
	if (c < 0xF0) {
		*len = 3;
		return (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F);
	}
	*len = 4;
	return (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[i + 1] & 0x3F) << 12 |
	       (uint32_t)(s[i + 2] & 0x3F) << 6 | (s[i + 3] & 0x3F);
}

/* The code points windows-1252 gives bytes 0x80..0x9F (the five undefined
 * ones as the C1 control of the same number, as WHATWG and latin-1 do). */
static const uint16_t w1252_high[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* The byte 0x80..0xBF (a UTF-8 continuation byte) that windows-1252 or
 * latin-1 decodes to cp, or -1. */
static int cont_byte_of(uint32_t cp)
{
	if (cp >= 0x80 && cp <= 0xBF)
		return (int)cp;
	for (int b = 0; b < 32; b++)
		if (w1252_high[b] == cp)
			return 0x80 + b;
	return -1;
}

/* Double encoding: the UTF-8 bytes of a character were decoded as
 * windows-1252 (or latin-1) and the result encoded as UTF-8 again, so "ä"
 * (C3 A4) reads "Ã¤". Recognised are the whole 2- or 3-character patterns
 * whose first character is one that real text never follows with such
 * characters: Â Ã Å + one continuation (Ã¤ Ã© ÃŸ Â° Å“), â + € ‚ „ … and the
 * like + one more (â€ž â€“ â„¢), ï + » or ¿ + one more (ï»¿ ï¿½). Other
 * leads are left out because real text has them: "ß“" is German ("groß“").
 * Only text counts: not comments, not the inside of tags.
 * Returns the length in bytes of the pattern at s[i], or 0. */
static size_t double_encoded_at(const unsigned char *s, size_t n, size_t i)
{
	if (i + 2 >= n || s[i] != 0xC3)
		return 0;
	unsigned char lead = (unsigned char)(s[i + 1] + 0x40); /* U+00C2 is C3 82: byte C2 */
	int need;
	switch (lead) {
	case 0xC2: case 0xC3: case 0xC5: need = 1; break;
	case 0xE2: case 0xEF: need = 2; break;
	default: return 0;
	}
	size_t j = i + 2;
	for (int k = 0; k < need; k++) {
		if (j >= n)
			return 0;
		size_t l;
		int b = cont_byte_of(cp_at(s, j, &l));
		if (b < 0)
			return 0;
		if (k == 0 && ((lead == 0xC2 && b < 0xA0) || (lead == 0xE2 && b > 0x8F) ||
		               (lead == 0xEF && b != 0xBB && b != 0xBF)))
			return 0;
		j += l;
	}
	return j - i;
}

/* Whether offset i lies inside an HTML comment ("<!--" up to "-->"); asked
 * with increasing i, so the page is searched once in all. */
struct comments {
	const unsigned char *s;
	size_t n;
	size_t open, close; /* the next comment: its "<!--" and the end of its "-->" */
};

/* The offset of the next "<!--" at or after `from`, or n. It looks for the
 * '!' (rare in HTML outside comments and doctypes), not for every '<'. */
static size_t find_comment_open(const unsigned char *s, size_t n, size_t from)
{
	from++; /* the '!' is the second byte */
	while (from + 3 <= n) {
		const unsigned char *q = memchr(s + from, '!', n - from - 2);
		if (!q)
			break;
		from = (size_t)(q - s);
		if (s[from - 1] == '<' && s[from + 1] == '-' && s[from + 2] == '-')
			return from - 1;
		from++;
	}
	return n;
}

/* The offset just past the next "-->" whose first '-' is at or after
 * `from`, or n. */
static size_t find_comment_close(const unsigned char *s, size_t n, size_t from)
{
	from += 2; /* the '>' is the third byte */
	while (from < n) {
		const unsigned char *q = memchr(s + from, '>', n - from);
		if (!q)
			break;
		from = (size_t)(q - s);
		if (s[from - 1] == '-' && s[from - 2] == '-')
			return from + 1;
		from++;
	}
	return n;
}

static void next_comment(struct comments *c, size_t from)
{
	c->open = find_comment_open(c->s, c->n, from);
	/* from the second byte on, so "<!-->" is an (empty) comment too */
	c->close = c->open >= c->n ? c->n : find_comment_close(c->s, c->n, c->open + 2);
}

static int in_comment(struct comments *c, size_t i)
{
	while (c->open < c->n && i >= c->close)
		next_comment(c, c->close);
	return c->open < c->n && i >= c->open;
}

/* Where the parser does not decode character references: comments,
 * CDATA sections and the raw-text elements (gumbo decodes them in
 * <noscript>, <title> and <textarea>). Found lazily, like the comments. */
struct undecoded {
	const unsigned char *s;
	size_t n;
	size_t open, close; /* the next such region, [open, close) */
};

static int ascii_ieq(const unsigned char *a, const char *lit, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower(a[i]) != (unsigned char)lit[i])
			return 0;
	return 1;
}

/* The offset of "</name" (any case) at or after `from`, or n. */
static size_t find_end_tag(const unsigned char *s, size_t n, size_t from, const char *name, size_t nl)
{
	while (from + 2 + nl <= n) {
		const unsigned char *q = memchr(s + from, '<', n - from - 1 - nl);
		if (!q)
			break;
		from = (size_t)(q - s);
		if (s[from + 1] == '/' && ascii_ieq(s + from + 2, name, nl))
			return from;
		from++;
	}
	return n;
}

static void next_undecoded(struct undecoded *u, size_t from)
{
	static const char *const raw[] = {"script", "style", "xmp", "iframe", "noembed", "noframes",
	                                  "plaintext"};
	static const unsigned char rawlen[] = {6, 5, 3, 6, 7, 8, 9};
	const unsigned char *s = u->s;
	size_t n = u->n;
	while (from < n) {
		const unsigned char *q = memchr(s + from, '<', n - from);
		if (!q)
			break;
		size_t k = (size_t)(q - s);
		from = k + 1;
		if (n - k >= 4 && memcmp(s + k, "<!--", 4) == 0) {
			u->open = k;
			u->close = find_comment_close(s, n, k + 2);
			return;
		}
		if (n - k >= 9 && memcmp(s + k, "<![CDATA[", 9) == 0) {
			size_t e = k + 9;
			while (e + 3 <= n && memcmp(s + e, "]]>", 3) != 0)
				e++;
			u->open = k;
			u->close = e + 3 <= n ? e + 3 : n;
			return;
		}
		unsigned char c1 = k + 1 < n ? lower(s[k + 1]) : 0;
		if (c1 != 's' && c1 != 'x' && c1 != 'i' && c1 != 'n' && c1 != 'p')
			continue;
		for (size_t r = 0; r < sizeof raw / sizeof raw[0]; r++) {
			size_t nl = rawlen[r];
			if (n - k - 1 > nl && ascii_ieq(s + k + 1, raw[r], nl) &&
			    (is_ws(s[k + 1 + nl]) || s[k + 1 + nl] == '>' || s[k + 1 + nl] == '/')) {
				/* the start tag's attributes are decoded; its content is not */
				const unsigned char *gt = memchr(s + k, '>', n - k);
				u->open = gt ? (size_t)(gt - s) + 1 : n;
				u->close = r == 6 ? n : find_end_tag(s, n, u->open, raw[r], nl);
				return;
			}
		}
	}
	u->open = u->close = n;
}

static int in_undecoded(struct undecoded *u, size_t i)
{
	while (u->open < u->n && i >= u->close)
		next_undecoded(u, u->close);
	return u->open < u->n && i >= u->open;
}

/* A numeric character reference at s[i] that the parser turns into U+FFFD:
 * &#0;, a surrogate, or beyond U+10FFFF (the semicolon is optional). */
static int bad_reference_at(const unsigned char *s, size_t n, size_t i)
{
	size_t j = i + 1;
	if (j >= n || s[j] != '#')
		return 0;
	j++;
	int hex = j < n && (s[j] == 'x' || s[j] == 'X');
	if (hex)
		j++;
	uint32_t v = 0;
	size_t digits = 0;
	for (; j < n; j++, digits++) {
		unsigned char c = s[j];
		int d = c >= '0' && c <= '9' ? c - '0'
		      : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
		      : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			break;
		v = v * (hex ? 16u : 10u) + (uint32_t)d;
		if (v > 0x10FFFF)
			v = 0x110000; /* saturate: any longer number is out of range too */
	}
	return digits > 0 && (v == 0 || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF);
}

/* Whether offset i is inside a tag (an attribute value, mostly a URL whose
 * query the site itself double-encoded, harmless to the text): the nearest
 * '<' or '>' before it decides, looked for over a bounded distance. */
static int in_tag(const unsigned char *s, size_t i)
{
	size_t stop = i > 2048 ? i - 2048 : 0;
	while (i > stop) {
		i--;
		if (s[i] == '>')
			return 0;
		if (s[i] == '<') {
			unsigned char c = s[i + 1];
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/')
				return 1;
		}
	}
	return 0;
}

struct text_scan {
	size_t controls, first_control;
	uint32_t control_cp;
	size_t refs, first_ref;
	size_t doubles, first_double;
	char double_seq[32];
};

/* The pattern for a message: controls in it shown as <U+009F>. */
static void show_sequence(const unsigned char *s, size_t n, char *out, size_t size)
{
	size_t i = 0, o = 0;
	out[0] = '\0';
	while (i < n) {
		size_t l;
		uint32_t cp = cp_at(s, i, &l);
		if (parser_replaces(cp)) {
			if (o + 9 >= size)
				break;
			o += (size_t)snprintf(out + o, size - o, "<U+%04lX>", (unsigned long)cp);
		} else {
			if (o + l >= size)
				break;
			memcpy(out + o, s + i, l);
			o += l;
			out[o] = '\0';
		}
		i += l;
	}
}

#if !defined(__SSE2__)
/* Whether one of 8 bytes is below 0x20, at or above 0x7F, or '&'. (Carries
 * and borrows can only add a false "yes" next to a byte that says yes.) */
static int word_special(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	const uint64_t ones = 0x0101010101010101ull, hi = 0x8080808080808080ull;
	uint64_t below20 = (w - 0x20 * ones) & ~w & hi;
	uint64_t from7f = (w | (w + ones)) & hi;
	uint64_t x = w ^ ('&' * ones);
	uint64_t amp = (x - ones) & ~x & hi;
	return (below20 | from7f | amp) != 0;
}
#endif

/* 1: a byte that can start what scan_text looks for (in valid UTF-8 it is
 * ASCII or a lead byte, so each one starts a code point of its own) */
static const unsigned char scan_stop[256] = {
	[0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1,
	[0x08] = 1, [0x0B] = 1, [0x0E] = 1, [0x0F] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1,
	[0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1,
	[0x1A] = 1, [0x1B] = 1, [0x1C] = 1, [0x1D] = 1, [0x1E] = 1, [0x1F] = 1, [0x7F] = 1,
	[0xC2] = 1, [0xC3] = 1, [0xEF] = 1, [0xF0] = 1, [0xF1] = 1, [0xF2] = 1, [0xF3] = 1,
	[0xF4] = 1, ['&'] = 1,
};

/* The code point that starts at s[i] (a scan_stop byte). */
static void scan_at(const unsigned char *s, size_t n, size_t i, struct text_scan *t,
                    struct comments *com, struct undecoded *und)
{
	size_t l;
	if (s[i] == '&') {
		if (bad_reference_at(s, n, i) && !in_undecoded(und, i) && t->refs++ == 0)
			t->first_ref = i;
		return;
	}
	uint32_t cp = cp_at(s, i, &l);
	if (parser_replaces(cp)) {
		if (t->controls++ == 0) {
			t->first_control = i;
			t->control_cp = cp;
		}
	} else if (s[i] == 0xC3) {
		/* the pattern's own characters are looked at too: the C1
		 * control of a latin-1 route ("Ã" U+009F for "ß") is the
		 * parser's to replace */
		size_t d = double_encoded_at(s, n, i);
		if (d && !in_comment(com, i) && !in_tag(s, i) && t->doubles++ == 0) {
			t->first_double = i;
			show_sequence(s + i, d, t->double_seq, sizeof t->double_seq);
		}
	}
}

static void scan_text(const unsigned char *s, size_t n, struct text_scan *t)
{
	struct comments com = {s, n, 0, 0};
	struct undecoded und = {s, n, 0, 0};
	size_t i = 0;

	/* both trackers start as an empty region at 0, so the page is searched
	 * for comments and raw text only once a candidate asks */
	memset(t, 0, sizeof *t);
#if defined(__SSE2__)
	/* 32 bytes at a time: only bytes below 0x20 or from 0x7F up, and '&',
	 * are looked at one by one */
	/* signed compare: 0x80..0xFF are below 0x20 too */
	const __m128i c20 = _mm_set1_epi8(0x20), c7f = _mm_set1_epi8(0x7F), amp = _mm_set1_epi8('&');
#define FLAGGED(v) _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, c20), _mm_cmpeq_epi8(v, c7f)), \
                                _mm_cmpeq_epi8(v, amp))
	for (; i + 32 <= n; i += 32) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16));
		uint32_t bits = (uint32_t)_mm_movemask_epi8(FLAGGED(a)) |
		                (uint32_t)_mm_movemask_epi8(FLAGGED(b)) << 16;
		while (bits) {
			size_t k = i + (size_t)__builtin_ctz(bits);
			bits &= bits - 1;
			if (scan_stop[s[k]])
				scan_at(s, n, k, t, &com, &und);
		}
	}
#undef FLAGGED
#else
	for (; i + 8 <= n; i += 8) {
		if (!word_special(s + i))
			continue;
		for (size_t k = i; k < i + 8; k++)
			if (scan_stop[s[k]])
				scan_at(s, n, k, t, &com, &und);
	}
#endif
	for (; i < n; i++)
		if (scan_stop[s[i]])
			scan_at(s, n, i, t, &com, &und);
}

/* Line and column (in characters, 1-based) of offset `at` of the text, as the
 * parser's own positions count them. */
static void text_position(const unsigned char *s, size_t at, unsigned long *line, unsigned long *col)
{
	unsigned long l = 1, c = 1;
	const unsigned char *p = s, *end = s + at, *nl;
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		l++;
		p = nl + 1;
	}
	for (; p < end; p++)
		if ((*p & 0xC0) != 0x80)
			c++;
	*line = l;
	*col = c;
}

/* ---- the decision ---- */

/* Thresholds of the judgement on the bytes (counts of sequences):
 * an undeclared page, or one declared windows-1252, is UTF-8 with fallback
 * when its valid multi-byte sequences are at least MOSTLY_UTF8 times its
 * invalid ones; a page declared UTF-8 is windows-1252 when it has at least
 * NOT_UTF8_MIN invalid sequences and more than NOT_UTF8 times as many as valid
 * ones. Legacy text is rarely valid UTF-8 by accident (the windows-1252 pages
 * of the German corpus: 0 to 2 valid sequences against 6 to 2,641 invalid);
 * the margins leave room for a few stray bytes on a UTF-8 page, and for the
 * odd accidental pair ("ß“" is DF 93, valid UTF-8) on a legacy one. */
#define MOSTLY_UTF8 4
#define NOT_UTF8 4
#define NOT_UTF8_MIN 4

static void warn(pqx_decoded *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(pqx_decoded *out, const char *fmt, ...)
{
	size_t used = strlen(out->warning);
	va_list ap;

	if (used > 0 && used + 2 < sizeof out->warning) {
		memcpy(out->warning + used, "; ", 3);
		used += 2;
	}
	if (used + 1 >= sizeof out->warning)
		return;
	va_start(ap, fmt);
	vsnprintf(out->warning + used, sizeof out->warning - used, fmt, ap);
	va_end(ap);
}

static void set_err(char *err, size_t errlen, const char *fmt, const char *arg)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, arg);
}

/* Whether we can decode `e` here; opens the iconv descriptor when needed. */
static int usable(const struct enc *e, iconv_t *cd)
{
	if (e->kind == K_REPLACEMENT)
		return 0;
	if (e->kind == K_SINGLE || e->kind == K_MULTI) {
		*cd = open_iconv(e);
		return *cd != (iconv_t)-1;
	}
	return 1;
}

int pqx_enc_decode(const unsigned char *bytes, size_t len, const char *override,
                   const char *transport, pqx_decoded *out, char *err, size_t errlen)
{
	const unsigned char *p = bytes;
	size_t n = len;
	const struct enc *e = NULL;
	const char *source = NULL;
	iconv_t cd = (iconv_t)-1;
	char declared[48] = "", unsupported[48] = "", label[48];
	int declared_by = 0; /* 1 transport, 2 meta */
	struct utf8_scan st;
	int scanned = 0;

	memset(out, 0, sizeof *out);
	out->source = "default";
	if (err && errlen)
		err[0] = '\0';
	if (!bytes && len) {
		set_err(err, errlen, "%s", "no input bytes");
		return -1;
	}
	if (!bytes)
		p = (const unsigned char *)"";

	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		e = &encs[E_UTF8];
		p += 3;
		n -= 3;
	} else if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		e = &encs[E_UTF16LE];
		p += 2;
		n -= 2;
	} else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		e = &encs[E_UTF16BE];
		p += 2;
		n -= 2;
	}
	if (e)
		source = "bom";

	if (!e && override) {
		copy_label(label, sizeof label, override, strlen(override));
		e = enc_get(override, strlen(override));
		if (!e) {
			set_err(err, errlen, "unknown encoding label '%s'", label);
			return -1;
		}
		if (!usable(e, &cd)) {
			set_err(err, errlen, "encoding '%s' is not supported here", e->name);
			return -1;
		}
		source = "override";
	}

	if (!e && transport) {
		size_t tl = strlen(transport);
		const unsigned char *lab = (const unsigned char *)transport;
		size_t ll = tl;
		const struct enc *t = enc_get(transport, tl);
		/* accept a whole Content-Type value as well as a bare label */
		if (!t && extract_charset(lab, tl, &lab, &ll))
			t = enc_get((const char *)lab, ll);
		copy_label(label, sizeof label, (const char *)lab, ll);
		if (!t) {
			warn(out, "transport charset \"%s\" is unknown; ignored", label);
		} else if (!usable(t, &cd)) {
			memcpy(unsupported, label, sizeof unsupported);
		} else {
			e = t;
			source = "transport";
			declared_by = 1;
			memcpy(declared, label, sizeof declared);
		}
	}

	if (!e) {
		struct prescan r;
		prescan(p, n, &r);
		if (r.enc && usable(r.enc, &cd)) {
			e = r.enc;
			source = "meta";
			declared_by = 2;
			memcpy(declared, r.label, sizeof declared);
		} else if (r.enc) {
			if (!unsupported[0])
				memcpy(unsupported, r.label, sizeof unsupported);
		} else if (r.unknown[0]) {
			warn(out, "declared charset \"%s\" is unknown; ignored", r.unknown);
		}
	}

	/* The bytes are judged where the label is weak or missing. Text in a
	 * legacy encoding is practically never valid multi-byte UTF-8 by accident,
	 * and a UTF-8 page with a few stray windows-1252 bytes (typed into a form
	 * by hand, pasted from an old document) has many valid sequences and few
	 * invalid ones; the counts tell the two apart. Such a page is UTF-8 with
	 * windows-1252 fallback: each invalid byte is read as windows-1252. */
	int fallback = 0;
	if (!e || (declared_by && (e->kind == K_SINGLE || e->kind == K_W1252))) {
		utf8_walk(p, n, NULL, &st, WALK_FALLBACK);
		scanned = 1;
		int utf8 = st.errors == 0 && st.multibyte;
		int mostly = st.errors && st.multibyte >= MOSTLY_UTF8 * st.errors;
		if (!e) {
			e = utf8 || mostly ? &encs[E_UTF8] : &encs[E_W1252];
			source = utf8 || mostly ? "detected" : "default";
			fallback = mostly;
		} else if (utf8) {
			warn(out, "declared charset \"%s\" but the page is valid UTF-8; decoded as UTF-8", declared);
			e = &encs[E_UTF8];
			source = declared_by == 1 ? "transport-but-utf8" : "meta-but-utf8";
		} else if (mostly && e->kind == K_W1252) {
			warn(out, "declared charset \"%s\" but the page is UTF-8 apart from %zu byte%s; decoded as UTF-8",
			     declared, st.err_bytes, st.err_bytes == 1 ? "" : "s");
			e = &encs[E_UTF8];
			source = declared_by == 1 ? "transport-but-utf8" : "meta-but-utf8";
			fallback = 1;
		}
	} else if (e->kind == K_UTF8 && declared_by) {
		/* declared UTF-8: kept, unless the bytes plainly say windows-1252 */
		utf8_walk(p, n, NULL, &st, WALK_FALLBACK);
		scanned = 1;
		if (st.errors >= NOT_UTF8_MIN && st.errors > NOT_UTF8 * st.multibyte) {
			warn(out, "declared charset \"%s\" but the page is not UTF-8 (%zu invalid byte "
			     "sequences, %zu valid multi-byte one%s); decoded as windows-1252", declared,
			     st.errors, st.multibyte, st.multibyte == 1 ? "" : "s");
			e = &encs[E_W1252];
			source = declared_by == 1 ? "transport-but-not-utf8" : "meta-but-not-utf8";
		} else {
			fallback = 1;
		}
	} else if (e->kind == K_UTF8 && strcmp(source, "bom") == 0) {
		fallback = 1; /* a BOM is certain about UTF-8, not about every byte */
	}
	if (unsupported[0])
		warn(out, "declared charset \"%s\" is not supported here; decoded as %s", unsupported, e->name);

	size_t errors = 0, nuls = 0, olen = 0, fallback_bytes = 0;
	char *s = NULL;
	switch (e->kind) {
	case K_UTF8: {
		enum walk_mode mode = fallback ? WALK_FALLBACK : WALK_STRICT;
		if (!scanned)
			utf8_walk(p, n, NULL, &st, mode);
		size_t need = mode == WALK_STRICT ? st.outlen_strict : st.outlen_fallback;
		s = malloc(need + 1);
		if (s) {
			if (st.errors == 0 && st.nuls == 0)
				memcpy(s, p, n);
			else
				utf8_walk(p, n, (unsigned char *)s, &st, mode);
			s[need] = '\0';
			olen = need;
			nuls = st.nuls;
			if (fallback) {
				errors = st.undefined;
				fallback_bytes = st.fallback;
			} else {
				errors = st.errors;
			}
		}
		break;
	}
	case K_W1252:
		s = w1252_decode(p, n, &olen, &nuls);
		break;
	case K_USERDEF:
		s = userdef_decode(p, n, &olen, &nuls);
		break;
	case K_UTF16LE:
	case K_UTF16BE:
		s = utf16_decode(p, n, e->kind == K_UTF16BE, &olen, &errors, &nuls);
		break;
	default: {
		pqx_buf b = PQX_BUF_INIT;
		if (iconv_decode(cd, e, p, n, &b, &errors, &nuls) == 0) {
			olen = b.len;
			s = b.s ? b.s : calloc(1, 1);
		} else {
			pqx_buf_free(&b);
		}
		break;
	}
	}
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	if (!s) {
		set_err(err, errlen, "%s", "out of memory decoding the page");
		return -1;
	}

	struct text_scan ts;
	scan_text((const unsigned char *)s, olen, &ts);

	out->utf8 = s;
	out->len = olen;
	snprintf(out->encoding, sizeof out->encoding, "%s", e->name);
	out->source = source;
	out->nuls = nuls;
	out->controls = ts.controls;
	out->references = ts.refs;
	out->fallback_bytes = fallback_bytes;
	out->double_encoded = ts.doubles;
	out->replaced = errors + nuls + ts.controls + ts.refs;

	unsigned long line, col;
	const unsigned char *u = (const unsigned char *)s;
	if (nuls)
		warn(out, "%zu NUL byte%s replaced by U+FFFD", nuls, nuls == 1 ? "" : "s");
	if (e->kind == K_UTF8 && st.errors) {
		size_t base = (size_t)(p - bytes); /* the BOM, for offsets in the file */
		if (fallback_bytes) {
			text_position(u, st.first_fb_out, &line, &col);
			warn(out, "%zu byte%s not valid UTF-8 read as windows-1252 (the first at line %lu, "
			     "column %lu, offset %zu: 0x%02X)", fallback_bytes, fallback_bytes == 1 ? "" : "s",
			     line, col, base + st.first_fb, p[st.first_fb]);
		}
		if (fallback && errors) {
			text_position(u, st.first_undef_out, &line, &col);
			warn(out, "%zu byte%s valid neither in UTF-8 nor in windows-1252 replaced by U+FFFD "
			     "(the first at line %lu, column %lu, offset %zu: 0x%02X)", errors,
			     errors == 1 ? "" : "s", line, col, base + st.first_undef, p[st.first_undef]);
		} else if (!fallback) {
			text_position(u, st.first_err_out, &line, &col);
			warn(out, "%zu invalid UTF-8 sequence%s replaced by U+FFFD (the first at line %lu, "
			     "column %lu, offset %zu)", errors, errors == 1 ? "" : "s", line, col,
			     base + st.first_err);
		}
	} else if (errors) {
		warn(out, "%zu invalid %s sequence%s replaced by U+FFFD", errors, e->name, errors == 1 ? "" : "s");
	}
	if (ts.controls) {
		text_position(u, ts.first_control, &line, &col);
		warn(out, "%zu control character%s or noncharacter%s replaced by U+FFFD (the first, U+%04lX, "
		     "at line %lu, column %lu)", ts.controls, ts.controls == 1 ? "" : "s",
		     ts.controls == 1 ? "" : "s", (unsigned long)ts.control_cp, line, col);
	}
	if (ts.refs) {
		text_position(u, ts.first_ref, &line, &col);
		warn(out, "%zu character reference%s to U+0000, a surrogate or beyond U+10FFFF replaced by "
		     "U+FFFD (the first at line %lu, column %lu)", ts.refs, ts.refs == 1 ? "" : "s", line, col);
	}
	if (ts.doubles) {
		text_position(u, ts.first_double, &line, &col);
		warn(out, "the text looks double-encoded (UTF-8 read as windows-1252 and encoded again): "
		     "%zu sequence%s like \"%s\", the first at line %lu, column %lu", ts.doubles,
		     ts.doubles == 1 ? "" : "s", ts.double_seq, line, col);
	}
	return 0;
}

void pqx_decoded_free(pqx_decoded *d)
{
	if (!d)
		return;
	free(d->utf8);
	d->utf8 = NULL;
	d->len = 0;
}
