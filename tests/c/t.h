/*
 * t.h: the tiny test harness of the C unit tests. Every check prints one line,
 * "ok - NAME" or "not ok - NAME" (plus a diagnostic), which tests/run.sh counts.
 * A test program exits 0 when all its checks passed, 1 otherwise.
 */
#ifndef PQX_T_H
#define PQX_T_H

#include <stdio.h>
#include <string.h>

static int t_failed;

#define CHECK(cond, name) do { \
	if (cond) { printf("ok - %s\n", (name)); } \
	else { t_failed = 1; printf("not ok - %s\n#   %s:%d: %s\n", (name), __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(got, want, name) do { \
	const char *t_g_ = (got), *t_w_ = (want); \
	if (t_g_ && t_w_ && strcmp(t_g_, t_w_) == 0) { printf("ok - %s\n", (name)); } \
	else { t_failed = 1; printf("not ok - %s\n#   %s:%d\n#   got:  \"%s\"\n#   want: \"%s\"\n", (name), __FILE__, __LINE__, t_g_ ? t_g_ : "(null)", t_w_ ? t_w_ : "(null)"); } \
} while (0)

#define T_DONE() return t_failed

#endif
