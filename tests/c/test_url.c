/*
 * test_url.c: unit tests of src/url.c: the reference resolution examples of
 * RFC 3986 section 5.4 (normal and abnormal), the browser clean-up of href text
 * (white space, backslashes, "http:g"), percent-encoding of spaces, non-ASCII and
 * unsafe bytes, windows-1252 queries, and the no-base failure.
 * It must never depend on the Lua side.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "t.h"
#include "url.h"

static const char *BASE = "http://a/b/c/d;p?q";

static char got[1024];

static const char *resolve_f(const char *base, const char *ref, unsigned flags)
{
	pqx_buf b = PQX_BUF_INIT;
	int rc = pqx_url_resolve(base, base ? strlen(base) : 0, ref, strlen(ref), flags, &b);
	if (rc == PQX_URL_NO_BASE)
		snprintf(got, sizeof got, "(no base)");
	else if (rc != PQX_URL_OK)
		snprintf(got, sizeof got, "(error %d)", rc);
	else
		snprintf(got, sizeof got, "%s", pqx_buf_cstr(&b));
	pqx_buf_free(&b);
	return got;
}

static const char *resolve(const char *base, const char *ref)
{
	return resolve_f(base, ref, 0);
}

int main(void)
{
	/* RFC 3986 5.4.1 normal examples */
	static const char *const normal[][2] = {
		{"g:h", "g:h"}, {"g", "http://a/b/c/g"}, {"./g", "http://a/b/c/g"},
		{"g/", "http://a/b/c/g/"}, {"/g", "http://a/g"}, {"//g", "http://g/"},
		{"?y", "http://a/b/c/d;p?y"}, {"g?y", "http://a/b/c/g?y"},
		{"#s", "http://a/b/c/d;p?q#s"}, {"g#s", "http://a/b/c/g#s"},
		{"g?y#s", "http://a/b/c/g?y#s"}, {";x", "http://a/b/c/;x"},
		{"g;x", "http://a/b/c/g;x"}, {"g;x?y#s", "http://a/b/c/g;x?y#s"},
		{"", "http://a/b/c/d;p?q"}, {".", "http://a/b/c/"}, {"./", "http://a/b/c/"},
		{"..", "http://a/b/"}, {"../", "http://a/b/"}, {"../g", "http://a/b/g"},
		{"../..", "http://a/"}, {"../../", "http://a/"}, {"../../g", "http://a/g"},
	};
	/* RFC 3986 5.4.2 abnormal examples ("http:g" as the RFC's loose parsers and
	 * browsers read it; "//g" gets the "/" path an http URL always has) */
	static const char *const abnormal[][2] = {
		{"../../../g", "http://a/g"}, {"../../../../g", "http://a/g"},
		{"/./g", "http://a/g"}, {"/../g", "http://a/g"}, {"g.", "http://a/b/c/g."},
		{".g", "http://a/b/c/.g"}, {"g..", "http://a/b/c/g.."}, {"..g", "http://a/b/c/..g"},
		{"./../g", "http://a/b/g"}, {"./g/.", "http://a/b/c/g/"}, {"g/./h", "http://a/b/c/g/h"},
		{"g/../h", "http://a/b/c/h"}, {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
		{"g;x=1/../y", "http://a/b/c/y"}, {"g?y/./x", "http://a/b/c/g?y/./x"},
		{"g?y/../x", "http://a/b/c/g?y/../x"}, {"g#s/./x", "http://a/b/c/g#s/./x"},
		{"g#s/../x", "http://a/b/c/g#s/../x"}, {"http:g", "http://a/b/c/g"},
	};
	char name[200];
	for (size_t i = 0; i < sizeof normal / sizeof normal[0]; i++) {
		snprintf(name, sizeof name, "RFC 3986 5.4.1: \"%s\"", normal[i][0]);
		CHECK_STR(resolve(BASE, normal[i][0]), normal[i][1], name);
	}
	for (size_t i = 0; i < sizeof abnormal / sizeof abnormal[0]; i++) {
		snprintf(name, sizeof name, "RFC 3986 5.4.2: \"%s\"", abnormal[i][0]);
		CHECK_STR(resolve(BASE, abnormal[i][0]), abnormal[i][1], name);
	}

	/* percent-encoding as browsers do */
	const char *bb = "https://www.bayern.landtag.de/webangebot2/";
	CHECK_STR(resolve(bb, "Drucksache 18 1234.pdf"),
	          "https://www.bayern.landtag.de/webangebot2/Drucksache%2018%201234.pdf", "space in path");
	CHECK_STR(resolve(bb, "/suche?q=Gr\xc3\xb6\xc3\x9f" "e Anfrage"),
	          "https://www.bayern.landtag.de/suche?q=Gr%C3%B6%C3%9Fe%20Anfrage", "non-ASCII in query: UTF-8");
	CHECK_STR(resolve(bb, "/d/M\xc3\xbcller.pdf#S\xc3\xa4tze"),
	          "https://www.bayern.landtag.de/d/M%C3%BCller.pdf#S%C3%A4tze", "non-ASCII in path and fragment");
	CHECK_STR(resolve(bb, "a%20b%2fc"), "https://www.bayern.landtag.de/webangebot2/a%20b%2fc",
	          "existing %XX kept as written");
	CHECK_STR(resolve(bb, "100%.pdf?x=5%"), "https://www.bayern.landtag.de/webangebot2/100%25.pdf?x=5%25",
	          "a bare % becomes %25");
	CHECK_STR(resolve(bb, "a\"b<c>d`e{f}g?h\"i'j<k>"),
	          "https://www.bayern.landtag.de/webangebot2/a%22b%3Cc%3Ed%60e%7Bf%7Dg?h%22i%27j%3Ck%3E",
	          "unsafe ASCII in path and query");
	CHECK_STR(resolve(bb, "x?a=1&b[]=2;c=^|"), "https://www.bayern.landtag.de/webangebot2/x?a=1&b[]=2;c=%5E%7C",
	          "reserved characters and brackets in the query stay, ^ and | do not");
	CHECK_STR(resolve_f(bb, "/suche?q=Gr\xc3\xb6\xc3\x9f" "e \xe2\x82\xac \xe2\x86\x92#\xc3\xa4", PQX_URL_QUERY_W1252),
	          "https://www.bayern.landtag.de/suche?q=Gr%F6%DFe%20%80%20%26%238594%3B#%C3%A4",
	          "windows-1252 page: query in windows-1252, &#N; for the rest, fragment in UTF-8");

	/* browser clean-up of href text */
	CHECK_STR(resolve(bb, "  \n ../parlament/\nindex.html\t "), "https://www.bayern.landtag.de/parlament/index.html",
	          "surrounding space trimmed, newlines and tabs dropped");
	CHECK_STR(resolve(bb, "..\\dokumente\\a.pdf?x=\\y"), "https://www.bayern.landtag.de/dokumente/a.pdf?x=%5Cy",
	          "backslash is a slash before the query of an http URL");
	CHECK_STR(resolve("HTTPS://WWW.Landtag.NRW.de:443", "x"), "https://www.landtag.nrw.de/x",
	          "scheme and host lower-cased, default port dropped");
	CHECK_STR(resolve("http://example.org:8080/a/b", "../c"), "http://example.org:8080/c", "other port kept");
	CHECK_STR(resolve(NULL, "http://example.org"), "http://example.org/", "http URL gets its / path");
	CHECK_STR(resolve("http://a/b", "https:g"), "https:g", "another scheme: absolute as written");
	CHECK_STR(resolve("http://a/b", "mailto:Anna M\xc3\xbcller <a@b.de>"),
	          "mailto:Anna%20M%C3%BCller%20%3Ca@b.de%3E", "mailto: encoded, not resolved");
	CHECK_STR(resolve("http://a/b", " javascript:void(toggle('x y'))"), "javascript:void(toggle('x y'))",
	          "javascript: as it is");
	CHECK_STR(resolve("http://a/b#frag", "#"), "http://a/b#", "empty fragment replaces the base's");
	CHECK_STR(resolve("http://a/b#frag", ""), "http://a/b", "empty ref: base without fragment");
	CHECK_STR(resolve("http://a", "b"), "http://a/b", "merge with an empty base path");
	CHECK_STR(resolve("http://user:pw d@a/", "x"), "http://user:pw%20d@a/x", "userinfo encoded");
	CHECK_STR(resolve("http://[::1]:80/", "x"), "http://[::1]/x", "IPv6 host, default port dropped");
	CHECK_STR(resolve(NULL, "http://Stra\xc3\x9f" "e.DE/"), "http://stra\xc3\x9f" "e.de/", "non-ASCII host stays UTF-8");
	CHECK_STR(resolve("file:///home/u/a.html", "b.html"), "file:///home/u/b.html", "file URL");
	CHECK_STR(resolve("urn:isbn:123", "x"), "urn:x", "non-hierarchical base: RFC merge");

	/* no base */
	CHECK_STR(resolve(NULL, "g"), "(no base)", "relative ref without base");
	CHECK_STR(resolve("/local/path", "g"), "(no base)", "base not absolute");
	CHECK_STR(resolve(NULL, "https://www.landtag.nrw.de/a b"), "https://www.landtag.nrw.de/a%20b",
	          "absolute ref needs no base");
	CHECK(pqx_url_is_absolute("https://x", 9) && !pqx_url_is_absolute("/x", 2) &&
	      !pqx_url_is_absolute("1a:b", 4) && !pqx_url_is_absolute("a/b:c", 5), "is_absolute");
	T_DONE();
}
