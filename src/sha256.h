/*
 * sha256.h: SHA-256 (FIPS 180-4) for content and record hashes. Pure computation:
 * it owns no memory beyond the caller's context and never allocates, reads files
 * or fails. Hex output is lower case, the form stored in the database.
 */
#ifndef PQX_SHA256_H
#define PQX_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct pqx_sha256_ctx {
	uint32_t h[8];
	uint64_t total;           /* bytes hashed so far */
	unsigned char block[64];
	size_t fill;              /* bytes waiting in block */
} pqx_sha256_ctx;

/* Streaming form, for input that arrives in pieces. */
void pqx_sha256_init(pqx_sha256_ctx *c);
void pqx_sha256_update(pqx_sha256_ctx *c, const void *data, size_t len);
void pqx_sha256_final(pqx_sha256_ctx *c, unsigned char out[32]);

void pqx_sha256(const void *data, size_t len, unsigned char out[32]);
void pqx_sha256_hex(const void *data, size_t len, char out[65]);   /* NUL-terminated */
void pqx_sha256_tohex(const unsigned char digest[32], char out[65]);

/* Whether the processor's SHA instructions are used (the default where they
 * exist): on = 0 forces the portable code, on = 1 goes back to the default.
 * Returns 1 when the instructions are in use. For tests and measurements. */
int pqx_sha256_use_accel(int on);

#endif
