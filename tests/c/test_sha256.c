/*
 * test_sha256.c: SHA-256 against the FIPS 180 example vectors, plus the streaming
 * interface fed in awkward piece sizes so every buffering path runs. Needs no files.
 */
#include <stdlib.h>

#include "sha256.h"
#include "t.h"

static void hex_of(const char *msg, size_t len, char out[65])
{
	pqx_sha256_hex(msg, len, out);
}

/* The processor's SHA instructions and the portable code agree on every length
 * around the block edges and on a large buffer of every byte value; then the
 * vectors below run on the portable code too. */
static void compare_paths(void)
{
	int accel = pqx_sha256_use_accel(1);
	printf("# SHA instructions %s\n", accel ? "in use" : "not available: portable code only");
	size_t n = 200000;
	unsigned char *b = malloc(n);
	if (!b)
		exit(1);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		b[i] = (unsigned char)x;
	}
	int same = 1;
	for (size_t len = 0; len <= 300 && same; len++) {
		char h1[65], h2[65];
		pqx_sha256_use_accel(1);
		pqx_sha256_hex(b + len % 7, len, h1);
		pqx_sha256_use_accel(0);
		pqx_sha256_hex(b + len % 7, len, h2);
		same = strcmp(h1, h2) == 0;
		if (!same)
			printf("#   length %zu: %s vs %s\n", len, h1, h2);
	}
	CHECK(same, "sha256: accelerated and portable agree on lengths 0-300 at odd alignments");
	char h1[65], h2[65];
	pqx_sha256_use_accel(1);
	pqx_sha256_hex(b, n, h1);
	pqx_sha256_use_accel(0);
	pqx_sha256_hex(b, n, h2);
	CHECK_STR(h1, h2, "sha256: accelerated and portable agree on 200000 bytes");
	free(b);
}

int main(void)
{
	char hex[65];
	unsigned char d[32];
	compare_paths();
	for (int pass = 0; pass < 2; pass++) {
		/* pass 0: the default (accelerated where available); pass 1: portable */
		pqx_sha256_use_accel(pass == 0);

		hex_of("", 0, hex);
		CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256 empty");
		hex_of("abc", 3, hex);
		CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256 abc");
		const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
		hex_of(m448, strlen(m448), hex);
		CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "sha256 448-bit message");
		const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		                   "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
		hex_of(m896, strlen(m896), hex);
		CHECK_STR(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1", "sha256 896-bit message");

		size_t n = 1000000;
		char *a = malloc(n);
		if (!a)
			return 1;
		memset(a, 'a', n);
		hex_of(a, n, hex);
		CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "sha256 one million a");

		/* Pieces of 1, 7, 63, 64, 65 bytes cross the block boundary every way. */
		static const size_t steps[] = {1, 7, 63, 64, 65, 4096};
		for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
			pqx_sha256_ctx c;
			pqx_sha256_init(&c);
			for (size_t off = 0; off < n; off += steps[s])
				pqx_sha256_update(&c, a + off, n - off < steps[s] ? n - off : steps[s]);
			pqx_sha256_final(&c, d);
			pqx_sha256_tohex(d, hex);
			char name[64];
			snprintf(name, sizeof name, "sha256 one million a in pieces of %zu", steps[s]);
			CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", name);
		}
		free(a);

		/* Lengths 55, 56 and 64 put the padding on either side of a block edge
		 * (expected digests from coreutils sha256sum). */
		char buf[129];
		memset(buf, 'x', sizeof buf);
		static const struct { size_t len; const char *hex; } edges[] = {
			{55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
			{56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
			{64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
			{119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
			{128, "24da1b81d0b16df6428eee73c69fcb2a93c76bc6df706f0c6670fe6bfe800464"},
		};
		for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
			char one[65], split[65];
			pqx_sha256_hex(buf, edges[i].len, one);
			pqx_sha256_ctx c;
			pqx_sha256_init(&c);
			pqx_sha256_update(&c, buf, edges[i].len / 2);
			pqx_sha256_update(&c, buf + edges[i].len / 2, edges[i].len - edges[i].len / 2);
			pqx_sha256_final(&c, d);
			pqx_sha256_tohex(d, split);
			char name[64];
			snprintf(name, sizeof name, "sha256 %zu x's", edges[i].len);
			CHECK_STR(one, edges[i].hex, name);
			snprintf(name, sizeof name, "sha256 split equals one-shot at length %zu", edges[i].len);
			CHECK_STR(split, one, name);
		}
	}
	T_DONE();
}
