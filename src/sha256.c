/*
 * sha256.c: SHA-256 as FIPS 180-4 specifies it (see sha256.h). The portable
 * compression function is written for clarity; it must never depend on host byte
 * order or alignment, so words are assembled byte by byte. On x86-64 processors
 * with the SHA extensions (Intel since Goldmont/Ice Lake, AMD since Zen) a second
 * compression function uses them: every page of a run is hashed, and there it
 * costs about a tenth of the portable one. Both give the same digest (the unit
 * test compares them on every length from 0 to 300 bytes and on a large buffer).
 */
#include "sha256.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#define PQX_SHA_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t h[8], const unsigned char p[64])
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

#ifdef PQX_SHA_X86
/* n blocks with the SHA extensions. The eight state words live in two registers
 * in the order the sha256rnds2 instruction wants: ABEF and CDGH (high to low). */
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_shani(uint32_t h[8], const unsigned char *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i abcd = _mm_loadu_si128((const __m128i *)&h[0]);
	__m128i efgh = _mm_loadu_si128((const __m128i *)&h[4]);
	abcd = _mm_shuffle_epi32(abcd, 0xB1);                 /* B A D C (low to high) */
	efgh = _mm_shuffle_epi32(efgh, 0x1B);                 /* H G F E */
	__m128i abef = _mm_alignr_epi8(abcd, efgh, 8);        /* F E B A */
	__m128i cdgh = _mm_blend_epi16(efgh, abcd, 0xF0);     /* H G D C */
	for (; n > 0; n--, p += 64) {
		__m128i save_abef = abef, save_cdgh = cdgh;
		__m128i w[4];
		for (int i = 0; i < 4; i++)
			w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
		for (int r = 0; r < 16; r++) {
			/* w[r % 4] holds message words 4r .. 4r+3 */
			__m128i cur = w[r & 3];
			__m128i wk = _mm_add_epi32(cur, _mm_loadu_si128((const __m128i *)&K[4 * r]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
			if (r < 12) {
				/* words 4r+16 .. 4r+19 from the four groups before them */
				__m128i t = _mm_sha256msg1_epu32(w[r & 3], w[(r + 1) & 3]);
				t = _mm_add_epi32(t, _mm_alignr_epi8(w[(r + 3) & 3], w[(r + 2) & 3], 4));
				w[r & 3] = _mm_sha256msg2_epu32(t, w[(r + 3) & 3]);
			}
		}
		abef = _mm_add_epi32(abef, save_abef);
		cdgh = _mm_add_epi32(cdgh, save_cdgh);
	}
	__m128i t = _mm_shuffle_epi32(abef, 0x1B);            /* A B E F */
	cdgh = _mm_shuffle_epi32(cdgh, 0xB1);                 /* G H C D */
	abcd = _mm_blend_epi16(t, cdgh, 0xF0);                /* A B C D */
	efgh = _mm_alignr_epi8(cdgh, t, 8);                   /* E F G H */
	_mm_storeu_si128((__m128i *)&h[0], abcd);
	_mm_storeu_si128((__m128i *)&h[4], efgh);
}

static int shani_present(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return 0;
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	return (b & bit_SHA) != 0;
}
#endif

static void compress_portable(uint32_t h[8], const unsigned char *p, size_t n)
{
	for (; n > 0; n--, p += 64)
		compress(h, p);
}

/* -1 until the processor has been asked, then 0 or 1 */
static int accel = -1;

static void compress_blocks(uint32_t h[8], const unsigned char *p, size_t n)
{
#ifdef PQX_SHA_X86
	if (accel < 0)
		accel = shani_present();
	if (accel) {
		compress_shani(h, p, n);
		return;
	}
#endif
	compress_portable(h, p, n);
}

int pqx_sha256_use_accel(int on)
{
#ifdef PQX_SHA_X86
	accel = on ? shani_present() : 0;
	return accel;
#else
	(void)on;
	return 0;
#endif
}

void pqx_sha256_init(pqx_sha256_ctx *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(c->h, iv, sizeof iv);
	c->total = 0;
	c->fill = 0;
}

void pqx_sha256_update(pqx_sha256_ctx *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	c->total += len;
	if (c->fill) {
		size_t take = 64 - c->fill < len ? 64 - c->fill : len;
		memcpy(c->block + c->fill, p, take);
		c->fill += take;
		p += take;
		len -= take;
		if (c->fill < 64)
			return;
		compress_blocks(c->h, c->block, 1);
		c->fill = 0;
	}
	/* Whole blocks straight from the caller's memory: no copy needed. */
	if (len >= 64) {
		compress_blocks(c->h, p, len / 64);
		p += len / 64 * 64;
		len %= 64;
	}
	if (len) {
		memcpy(c->block, p, len);
		c->fill = len;
	}
}

void pqx_sha256_final(pqx_sha256_ctx *c, unsigned char out[32])
{
	uint64_t bits = c->total * 8;
	c->block[c->fill++] = 0x80;
	if (c->fill > 56) {
		memset(c->block + c->fill, 0, 64 - c->fill);
		compress_blocks(c->h, c->block, 1);
		c->fill = 0;
	}
	memset(c->block + c->fill, 0, 56 - c->fill);
	for (int i = 0; i < 8; i++)
		c->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	compress_blocks(c->h, c->block, 1);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
	/* The context held message bytes; do not leave them lying around. */
	memset(c, 0, sizeof *c);
}

void pqx_sha256(const void *data, size_t len, unsigned char out[32])
{
	pqx_sha256_ctx c;
	pqx_sha256_init(&c);
	pqx_sha256_update(&c, data, len);
	pqx_sha256_final(&c, out);
}

void pqx_sha256_tohex(const unsigned char digest[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[64] = '\0';
}

void pqx_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char d[32];
	pqx_sha256(data, len, d);
	pqx_sha256_tohex(d, out);
}
