/*
 * url.c: resolving the links of a page into absolute URLs (see url.h).
 * The algorithm is RFC 3986 section 5.2 (parse, merge, remove_dot_segments,
 * recompose); around it sits what browsers do to the href text of real pages
 * (the WHATWG URL standard), because that is what a link on a page means:
 * surrounding white space, embedded newlines from wrapped attributes, `\` in
 * place of `/`, raw spaces and umlauts, "http:foo" relative to an http page.
 * The output is always a valid URI: every byte outside the unreserved and
 * delimiter characters is percent-encoded, a `%` that does not start a %XX
 * escape becomes %25 (browsers keep such a `%` bare, which no URI parser
 * accepts). Hosts are lower-cased but not converted to punycode: a non-ASCII
 * host stays UTF-8 (an IRI host), never percent-encoded, which would change it.
 * Never: allocate per byte, read past a length, or depend on Lua.
 */
#include "url.h"

#include <string.h>

#include "encoding.h"

typedef struct piece {
	const char *s;
	size_t n;
	int defined; /* RFC 3986 distinguishes an empty component from an absent one */
} piece;

typedef struct parts {
	piece scheme, authority, path, query, fragment;
} parts;

static int is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_hex(unsigned char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; }

/* length of the scheme (without ':') or 0 */
static size_t scheme_len(const char *s, size_t n)
{
	if (!n || !is_alpha((unsigned char)s[0]))
		return 0;
	for (size_t i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ':')
			return i;
		if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.')
			return 0;
	}
	return 0;
}

int pqx_url_is_absolute(const char *s, size_t len)
{
	return scheme_len(s, len) > 0;
}

static int scheme_is(const piece *p, const char *name)
{
	size_t n = strlen(name);
	if (!p->defined || p->n != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)p->s[i]) != (unsigned char)name[i])
			return 0;
	return 1;
}

/* WHATWG "special" schemes: hierarchical, `\` is `/`, default ports apply */
static int special_port(const piece *scheme, const char **port)
{
	static const char *const sp[][2] = {
		{"http", "80"}, {"https", "443"}, {"ws", "80"}, {"wss", "443"}, {"ftp", "21"}, {"file", ""},
	};
	for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++)
		if (scheme_is(scheme, sp[i][0])) {
			if (port)
				*port = sp[i][1];
			return 1;
		}
	return 0;
}

/* RFC 3986 appendix B: ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))? */
static void split(const char *s, size_t n, parts *p)
{
	memset(p, 0, sizeof *p);
	size_t i = 0, sl = scheme_len(s, n);
	if (sl) {
		p->scheme = (piece){s, sl, 1};
		i = sl + 1;
	}
	if (i + 1 < n && s[i] == '/' && s[i + 1] == '/') {
		size_t a = i + 2, e = a;
		while (e < n && s[e] != '/' && s[e] != '?' && s[e] != '#')
			e++;
		p->authority = (piece){s + a, e - a, 1};
		i = e;
	}
	size_t e = i;
	while (e < n && s[e] != '?' && s[e] != '#')
		e++;
	p->path = (piece){s + i, e - i, 1};
	i = e;
	if (i < n && s[i] == '?') {
		e = ++i;
		while (e < n && s[e] != '#')
			e++;
		p->query = (piece){s + i, e - i, 1};
		i = e;
	}
	if (i < n && s[i] == '#')
		p->fragment = (piece){s + i + 1, n - i - 1, 1};
}

/* What a browser does to an href before parsing: leading and trailing C0 controls
 * and spaces go, tabs and newlines anywhere go, and in a special scheme `\` before
 * the query is `/`. scheme_of: the scheme to judge "special" by when s has none. */
static void clean(const char *s, size_t n, const piece *scheme_of, pqx_buf *out)
{
	while (n && (unsigned char)s[0] <= 0x20)
		s++, n--;
	while (n && (unsigned char)s[n - 1] <= 0x20)
		n--;
	size_t sl = scheme_len(s, n);
	piece own = {s, sl, 1};
	int special = special_port(sl ? &own : scheme_of, NULL);
	int in_query = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '?' || c == '#')
			in_query = 1;
		if (c == '\\' && special && !in_query)
			c = '/';
		pqx_buf_addc(out, c);
	}
	pqx_buf_cstr(out);
}

/* RFC 3986 5.2.4, on a private copy (the algorithm rewrites its input buffer) */
static void remove_dots(char *in, size_t n, pqx_buf *out)
{
	char *p = in, *end = in + n;
	while (p < end) {
		size_t left = (size_t)(end - p);
		if (left >= 3 && memcmp(p, "../", 3) == 0) {
			p += 3;
		} else if (left >= 2 && memcmp(p, "./", 2) == 0) {
			p += 2;
		} else if (left >= 3 && memcmp(p, "/./", 3) == 0) {
			p += 2;
		} else if (left == 2 && memcmp(p, "/.", 2) == 0) {
			p[1] = '/';
			p += 1;
		} else if ((left >= 4 && memcmp(p, "/../", 4) == 0) || (left == 3 && memcmp(p, "/..", 3) == 0)) {
			if (left == 3) {
				p[2] = '/';
				p += 2;
			} else {
				p += 3;
			}
			while (out->len && out->s[out->len - 1] != '/')
				out->len--;
			if (out->len)
				out->len--;
		} else if ((left == 1 && p[0] == '.') || (left == 2 && memcmp(p, "..", 2) == 0)) {
			p = end;
		} else {
			char *q = p + 1;
			while (q < end && *q != '/')
				q++;
			pqx_buf_add(out, p, (size_t)(q - p));
			p = q;
		}
	}
}

enum comp { C_USERINFO, C_HOST, C_PATH, C_QUERY, C_FRAGMENT };

/* The bytes encoded in each component: what a browser encodes (the WHATWG
 * percent-encode sets: controls, space, non-ASCII, `"<>` everywhere, `` ` `` and
 * `{}` in the path and fragment, `'` in a special scheme's query), plus the other
 * characters RFC 3986 allows nowhere (`\ ^ |` and the braces), so that the result
 * is a valid URI. `[` and `]` stay in queries ("a[]=1"), as browsers keep them. */
static int must_encode(unsigned char c, enum comp k, int special)
{
	if (c <= 0x20 || c == 0x7F)
		return 1;
	if (c >= 0x80)
		return k != C_HOST;
	if (k == C_HOST)
		return 0;
	if (strchr("\"<>\\^`{|}", c))
		return 1;
	return k == C_QUERY && special && c == '\'';
}

static void add_pct(pqx_buf *out, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3] = {'%', hex[c >> 4], hex[c & 15]};
	pqx_buf_add(out, e, 3);
}

/* length of the UTF-8 character at s (1 for a stray byte) */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t want = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1;
	if (want > n)
		return 1;
	for (size_t i = 1; i < want; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 1;
	return want;
}

static unsigned long utf8_cp(const unsigned char *s, size_t len)
{
	if (len == 1)
		return s[0];
	unsigned long cp = s[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++)
		cp = (cp << 6) | (s[i] & 0x3F);
	return cp;
}

static void add_encoded(pqx_buf *out, const char *str, size_t n, enum comp k, int special,
                        int w1252)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '%') {
			if (i + 2 < n && is_hex(s[i + 1]) && is_hex(s[i + 2]))
				pqx_buf_addc(out, '%');
			else
				pqx_buf_add(out, "%25", 3);
			continue;
		}
		if (k == C_HOST) {
			pqx_buf_addc(out, (char)lower(c));
			continue;
		}
		if (c >= 0x80 && k == C_QUERY && w1252) {
			size_t len = utf8_len(s + i, n - i);
			int b = pqx_enc_w1252_byte((const char *)s + i, len);
			if (b >= 0) {
				add_pct(out, (unsigned char)b);
			} else if (len > 1) {
				pqx_buf_addf(out, "%%26%%23%lu%%3B", utf8_cp(s + i, len));
			} else {
				add_pct(out, c);
			}
			i += len - 1;
			continue;
		}
		if (must_encode(c, k, special))
			add_pct(out, c);
		else
			pqx_buf_addc(out, (char)c);
	}
}

/* authority: userinfo encoded, host lower-cased, a default or empty port dropped */
static void add_authority(pqx_buf *out, const piece *a, const piece *scheme, int special)
{
	const char *s = a->s, *end = a->s + a->n;
	const char *at = NULL;
	for (const char *q = s; q < end; q++)
		if (*q == '@')
			at = q; /* the last @ ends the userinfo, as browsers read it */
	if (at) {
		add_encoded(out, s, (size_t)(at - s), C_USERINFO, special, 0);
		pqx_buf_addc(out, '@');
		s = at + 1;
	}
	const char *colon = NULL;
	const char *q = s;
	if (q < end && *q == '[') {
		while (q < end && *q != ']')
			q++;
	}
	for (; q < end; q++)
		if (*q == ':')
			colon = q;
	const char *host_end = colon ? colon : end;
	add_encoded(out, s, (size_t)(host_end - s), C_HOST, special, 0);
	if (colon && colon + 1 < end) {
		const char *port = colon + 1, *dflt = NULL;
		special_port(scheme, &dflt);
		while (port + 1 < end && *port == '0')
			port++; /* ":080" is port 80 */
		size_t pl = (size_t)(end - port);
		if (!(dflt && strlen(dflt) == pl && memcmp(dflt, port, pl) == 0)) {
			pqx_buf_addc(out, ':');
			add_encoded(out, port, pl, C_PATH, special, 0);
		}
	}
}

int pqx_url_resolve(const char *base, size_t baselen, const char *ref, size_t reflen,
                    unsigned flags, pqx_buf *out)
{
	pqx_buf b = PQX_BUF_INIT, r = PQX_BUF_INIT, path = PQX_BUF_INIT, merged = PQX_BUF_INIT;
	int rc = PQX_URL_OK;
	parts bp = {0}, rp, t;
	piece none = {0};

	if (base) {
		clean(base, baselen, &none, &b);
		split(b.s, b.len, &bp);
	}
	clean(ref, reflen, &bp.scheme, &r);
	split(r.s, r.len, &rp);

	if (scheme_is(&rp.scheme, "javascript")) {
		pqx_buf_add(out, r.s, r.len);
		goto done;
	}
	/* "http:page.html" on an http page is relative, as browsers read it (RFC 3986
	 * 5.2.2 allows this for backward compatibility; strict parsers keep "http:g") */
	if (rp.scheme.defined && !rp.authority.defined && bp.scheme.defined &&
	    special_port(&rp.scheme, NULL) && rp.scheme.n == bp.scheme.n) {
		int same = 1;
		for (size_t i = 0; i < rp.scheme.n; i++)
			same &= lower((unsigned char)rp.scheme.s[i]) == lower((unsigned char)bp.scheme.s[i]);
		if (same)
			rp.scheme.defined = 0;
	}

	memset(&t, 0, sizeof t);
	if (rp.scheme.defined) {
		t = rp;
	} else {
		if (!bp.scheme.defined) {
			rc = PQX_URL_NO_BASE;
			goto done;
		}
		t.scheme = bp.scheme;
		if (rp.authority.defined) {
			t.authority = rp.authority;
			t.path = rp.path;
			t.query = rp.query;
		} else if (rp.path.n == 0) {
			t.authority = bp.authority;
			t.path = bp.path;
			t.query = rp.query.defined ? rp.query : bp.query;
		} else {
			t.authority = bp.authority;
			t.query = rp.query;
			if (rp.path.s[0] == '/') {
				t.path = rp.path;
			} else {
				/* RFC 3986 5.2.3 merge */
				if (bp.authority.defined && bp.path.n == 0) {
					pqx_buf_addc(&merged, '/');
				} else {
					size_t k = bp.path.n;
					while (k && bp.path.s[k - 1] != '/')
						k--;
					pqx_buf_add(&merged, bp.path.s, k);
				}
				pqx_buf_add(&merged, rp.path.s, rp.path.n);
				t.path = (piece){merged.s, merged.len, 1};
			}
		}
		t.fragment = rp.fragment;
	}

	int special = special_port(&t.scheme, NULL);
	/* remove_dot_segments works on a copy: it rewrites its input */
	pqx_buf tmp = PQX_BUF_INIT;
	pqx_buf_add(&tmp, t.path.s ? t.path.s : "", t.path.n);
	if (t.path.n && (t.authority.defined || t.path.s[0] == '/'))
		remove_dots(tmp.s, tmp.len, &path);
	else
		pqx_buf_add(&path, tmp.s, tmp.len);
	if (tmp.oom)
		path.oom = 1;
	pqx_buf_free(&tmp);

	for (size_t i = 0; i < t.scheme.n; i++)
		pqx_buf_addc(out, (char)lower((unsigned char)t.scheme.s[i]));
	pqx_buf_addc(out, ':');
	if (t.authority.defined) {
		pqx_buf_add(out, "//", 2);
		add_authority(out, &t.authority, &t.scheme, special);
	}
	if (special && t.authority.defined && path.len == 0)
		pqx_buf_addc(out, '/');
	add_encoded(out, path.s, path.len, C_PATH, special, 0);
	if (t.query.defined) {
		pqx_buf_addc(out, '?');
		add_encoded(out, t.query.s, t.query.n, C_QUERY, special, (flags & PQX_URL_QUERY_W1252) != 0);
	}
	if (t.fragment.defined) {
		pqx_buf_addc(out, '#');
		add_encoded(out, t.fragment.s, t.fragment.n, C_FRAGMENT, special, 0);
	}

done:
	if (b.oom || r.oom || path.oom || merged.oom)
		out->oom = 1;
	pqx_buf_free(&b);
	pqx_buf_free(&r);
	pqx_buf_free(&path);
	pqx_buf_free(&merged);
	if (out->oom)
		return PQX_URL_OOM;
	return rc;
}
