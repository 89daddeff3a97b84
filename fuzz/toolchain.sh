#!/bin/sh
# toolchain.sh [CC]: exits 0 when CC (default clang) can build a libFuzzer
# target under ASan and UBSan; otherwise says what is missing and exits 1.
cc=${1:-clang}
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz: $cc not found (as root: sh tools/deps.sh fuzz)" >&2
	exit 1
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' >"$dir/t.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined -o "$dir/t" "$dir/t.c" 2>"$dir/err"; then
	echo "fuzz: $cc cannot link a libFuzzer target (the fuzzer and sanitizer runtime," \
	  "Debian package libclang-rt-dev, is missing: as root, sh tools/deps.sh fuzz):" >&2
	sed 's/^/  /' "$dir/err" | head -5 >&2
	exit 1
fi
exit 0
