/*
 * encoding.h: bytes to UTF-8 before gumbo sees a page. Plain C, no Lua.
 * Decides the encoding in WHATWG order (BOM, override, transport label, <meta>
 * prescan of the first 1024 bytes, UTF-8 detection, windows-1252 default),
 * records the decision and its reason, and decodes with U+FFFD for invalid input
 * (on a UTF-8 page that is not an override, with windows-1252 for stray bytes).
 * A pass over the decoded text counts what the HTML parser will replace and
 * the marks of double encoding.
 */
#ifndef PQX_ENCODING_H
#define PQX_ENCODING_H

#include <stddef.h>

typedef struct pqx_decoded {
	char *utf8;            /* malloc'd, NUL-terminated, valid UTF-8, contains no NUL byte */
	size_t len;
	char encoding[40];     /* canonical WHATWG name: "UTF-8", "windows-1252", "ISO-8859-2", ... */
	const char *source;    /* static: "bom", "override", "transport", "meta",
	                          "meta-but-utf8" (declared single-byte, valid multi-byte UTF-8,
	                          or declared windows-1252 and UTF-8 but for a few bytes),
	                          "transport-but-utf8" (the same, for a transport label),
	                          "meta-but-not-utf8", "transport-but-not-utf8" (declared UTF-8,
	                          mostly invalid: decoded as windows-1252),
	                          "detected" (undeclared, valid non-ASCII UTF-8), "default" */
	size_t replaced;       /* U+FFFD the text gains: invalid sequences (bytes, in fallback),
	                          NULs, and the controls and references the HTML parser
	                          replaces */
	size_t nuls;           /* NUL bytes replaced by U+FFFD (also counted in replaced) */
	size_t controls;       /* C0/C1 controls, DEL and noncharacters that gumbo turns into
	                          U+FFFD (also counted in replaced) */
	size_t references;     /* numeric character references gumbo turns into U+FFFD
	                          (&#0;, surrogates, beyond U+10FFFF; also in replaced) */
	size_t fallback_bytes; /* bytes of a UTF-8 page that are not UTF-8 and were read as
	                          windows-1252 (not counted in replaced) */
	size_t double_encoded; /* double-encoding sequences ("Ã¤", "â€ž") outside comments */
	char warning[512];     /* "" or a note for the user, e.g. declared label not supported */
} pqx_decoded;

/* WHATWG Encoding-standard label lookup (case-insensitive, ASCII white space trimmed).
 * Returns the canonical name, or NULL for an unknown label. */
const char *pqx_enc_canonical(const char *label, size_t len);

/* Decodes `bytes`. override/transport may be NULL. An unknown or unsupported
 * override is an error (returns -1, message in err). A declared (<meta>) label that
 * is unknown or that the system cannot decode is not an error: the sniffer goes on
 * and says so in out->warning. Returns 0 on success. */
int pqx_enc_decode(const unsigned char *bytes, size_t len, const char *override,
                   const char *transport, pqx_decoded *out, char *err, size_t errlen);

void pqx_decoded_free(pqx_decoded *d);

/* The WHATWG <meta> prescan alone, over the first 1024 bytes: the canonical
 * name declared (UTF-16 labels already mapped to UTF-8, x-user-defined to
 * windows-1252), or NULL when nothing usable is declared. */
const char *pqx_enc_prescan(const unsigned char *bytes, size_t len);

/* The windows-1252 byte that encodes the one UTF-8 character utf8[0..len),
 * or -1 when windows-1252 has no such character. */
int pqx_enc_w1252_byte(const char *utf8, size_t len);

#endif
