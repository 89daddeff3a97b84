/*
 * casefold.h: Unicode simple case folding of code points and UTF-8 text, for
 * the case-insensitive comparisons of pqx (the selector engine's
 * :pqx-contains(... i), the REPL's .find, pqx.text.fold_case). Plain C, no Lua.
 */
#ifndef PQX_CASEFOLD_H
#define PQX_CASEFOLD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* The simple case folding of cp (CaseFolding.txt statuses C and S): one code
 * point for one, so "PÄDOPHIL" folds to "pädophil", "ΣΟΦΊΑ" to "σοφία",
 * "ẞ" to "ß". The full foldings (status F: "ß" -> "ss", "ŉ" -> "ʼn") and the
 * Turkic ones (status T: "I" -> "ı") are not applied; cp is returned as is. */
uint32_t pqx_fold_cp(uint32_t cp);

/* Appends s[0..n) to out with every code point simply case-folded. Bytes that
 * are not part of a well-formed UTF-8 sequence are copied unchanged, so the
 * output has the same length in code points. Returns 0, or -1 when out->oom
 * is set. */
int pqx_casefold(const char *s, size_t n, pqx_buf *out);

#endif
