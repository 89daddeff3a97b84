/*
 * url.h: URL reference resolution (RFC 3986 section 5) with the clean-up a
 * browser applies to an href before it follows it (WHATWG URL standard):
 * surrounding spaces trimmed, tabs and newlines dropped, `\` read as `/` in
 * http(s)/ftp/ws(s)/file URLs, spaces, controls, non-ASCII and other unsafe
 * bytes percent-encoded (UTF-8 bytes, upper-case hex, existing %XX kept),
 * scheme and host lower-cased, default ports dropped. Plain C, no Lua.
 */
#ifndef PQX_URL_H
#define PQX_URL_H

#include <stddef.h>

#include "buf.h"

enum pqx_url_status {
	PQX_URL_OK = 0,
	PQX_URL_NO_BASE = 1, /* ref is relative and base is missing or not absolute */
	PQX_URL_OOM = -1,
};

/* Flags of pqx_url_resolve */
#define PQX_URL_QUERY_W1252 1u /* encode non-ASCII in the query as windows-1252 bytes, as a
                                  browser does for a link on a windows-1252 page; characters
                                  windows-1252 lacks become %26%23NNNN%3B (&#NNNN;), as there */

/* Does s[0..len) start with a scheme (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":")? */
int pqx_url_is_absolute(const char *s, size_t len);

/* Resolves ref[0..reflen) against base[0..baselen) (base may be NULL) and appends
 * the absolute URL to out. `javascript:` references are appended as they are.
 * Returns PQX_URL_OK, PQX_URL_NO_BASE (out unchanged), or PQX_URL_OOM. */
int pqx_url_resolve(const char *base, size_t baselen, const char *ref, size_t reflen,
                    unsigned flags, pqx_buf *out);

#endif
