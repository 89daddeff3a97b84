/*
 * test_casefold.c: unit tests of src/casefold.c, the Unicode simple case
 * folding: single code points of every script the table covers, the limits of
 * simple folding (no ß -> ss, no Turkic dotless i), UTF-8 text in German,
 * French and Dutch, and malformed UTF-8 passed through byte for byte.
 * It must never depend on the Lua side or on files outside src/buf.c, src/casefold.c.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "casefold.h"
#include "t.h"

static pqx_buf b = PQX_BUF_INIT;

static const char *fold(const char *s)
{
	pqx_buf_reset(&b);
	pqx_casefold(s, strlen(s), &b);
	return pqx_buf_cstr(&b);
}

#define CP(from, to, name) CHECK(pqx_fold_cp(from) == (to), name)

int main(void)
{
	/* code points */
	CP('A', 'a', "ASCII A -> a");
	CP('z', 'z', "ASCII lowercase stays");
	CP('@', '@', "ASCII punctuation stays");
	CP(0xC4, 0xE4, "Latin-1 Ä -> ä");
	CP(0xD7, 0xD7, "× is not a letter");
	CP(0xDE, 0xFE, "Þ -> þ");
	CP(0xB5, 0x3BC, "micro sign -> Greek mu");
	CP(0x178, 0xFF, "Ÿ -> ÿ (outside Latin-1's own block)");
	CP(0x100, 0x101, "Latin Extended-A even/odd pair Ā -> ā");
	CP(0x139, 0x13A, "Latin Extended-A odd/even pair Ĺ -> ĺ");
	CP(0x17F, 's', "long s -> s");
	CP(0x1C4, 0x1C6, "Ǆ -> ǆ");
	CP(0x1C5, 0x1C6, "titlecase ǅ -> ǆ");
	CP(0x1E9E, 0xDF, "capital sharp s ẞ -> ß (status S)");
	CP(0xDF, 0xDF, "ß has no simple folding (ss is the full one)");
	CP(0x130, 0x130, "İ has no simple folding (only F and T)");
	CP('I', 'i', "I -> i, not the Turkic dotless ı");
	CP(0x1E00, 0x1E01, "Latin Extended Additional Ḁ -> ḁ");
	CP(0x391, 0x3B1, "Greek Α -> α");
	CP(0x3A3, 0x3C3, "Greek Σ -> σ");
	CP(0x3C2, 0x3C3, "final sigma ς -> σ");
	CP(0x386, 0x3AC, "Greek Ά -> ά");
	CP(0x1F88, 0x1F80, "Greek ᾈ -> ᾀ (status S)");
	CP(0x410, 0x430, "Cyrillic А -> а");
	CP(0x401, 0x451, "Cyrillic Ё -> ё");
	CP(0x460, 0x461, "Cyrillic Ѡ -> ѡ");
	CP(0x531, 0x561, "Armenian Ա -> ա");
	CP(0x10A0, 0x2D00, "Georgian Ⴀ -> ⴀ");
	CP(0x13F8, 0x13F0, "Cherokee small letter folds to capital");
	CP(0xFF21, 0xFF41, "fullwidth Ａ -> ａ");
	CP(0x10400, 0x10428, "Deseret (beyond the BMP)");
	CP(0x1E900, 0x1E922, "Adlam, the last run");
	CP(0x10FFFF, 0x10FFFF, "the last code point stays");
	CP(0x4E2D, 0x4E2D, "CJK has no case");

	/* UTF-8 text */
	CHECK_STR(fold("PÄDOPHIL"), "pädophil", "German PÄDOPHIL -> pädophil");
	CHECK_STR(fold("PÄDOPHIL"), fold("pädophil"), "German: both spellings fold alike");
	CHECK_STR(fold("ÜBERPRÜFUNG DER GRÖẞE"), "überprüfung der größe", "German Ü, Ö and capital ẞ");
	CHECK_STR(fold("STRASSE"), "strasse", "STRASSE -> strasse");
	CHECK_STR(fold("Straße"), "straße", "Straße -> straße: simple folding keeps ß");
	CHECK(strcmp(fold("STRASSE"), "straße") != 0, "so STRASSE and Straße differ (that needs full folding)");
	CHECK_STR(fold("ÉLÈVES ET ÇA, CŒUR, NOËL"), "élèves et ça, cœur, noël", "French É È Ç Œ Ë");
	CHECK_STR(fold("Île-de-France"), "île-de-france", "French Î");
	CHECK_STR(fold("IJSSELMEER"), "ijsselmeer", "Dutch IJ as two letters");
	CHECK_STR(fold("\xC4\xB2sselmeer"), "\xC4\xB3sselmeer", "Dutch ligature Ĳ -> ĳ");
	CHECK_STR(fold("CAFÉ ÉÉN TWEEËN"), "café één tweeën", "Dutch É and Ë");
	CHECK_STR(fold("ΟΔΥΣΣΕΥΣ"), "οδυσσευσ", "Greek capitals, final Σ folds to σ");
	CHECK_STR(fold("ГОСУДАРСТВЕННАЯ ДУМА"), "государственная дума", "Russian");
	CHECK_STR(fold(""), "", "empty string");

	/* malformed UTF-8 is copied, never dropped or replaced */
	CHECK_STR(fold("A\xC3"), "a\xC3", "truncated sequence at the end kept");
	CHECK_STR(fold("\x80Z"), "\x80z", "stray continuation byte kept");
	CHECK_STR(fold("\xC0\x81X"), "\xC0\x81x", "overlong sequence kept, not decoded");
	CHECK_STR(fold("\xED\xA0\x80Q"), "\xED\xA0\x80q", "encoded surrogate kept");
	CHECK_STR(fold("\xC3\x84\xFF\xC3\x84"), "\xC3\xA4\xFF\xC3\xA4", "a bad byte between letters");
	pqx_buf_reset(&b);
	CHECK(pqx_casefold("AB\0CD", 5, &b) == 0 && b.len == 5 && memcmp(b.s, "ab\0cd", 5) == 0,
	      "an embedded NUL is kept (lengths, not C strings)");
	pqx_buf_free(&b);
	T_DONE();
}
