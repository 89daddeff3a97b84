# pqx build. `make` builds build/pqx; `make test` runs every test layer and ends
# with "N passed, N failed"; `make sanitize` and `make gcstress` run the same
# suite on instrumented builds. Dependencies come from Debian packages
# (tools/deps.sh installs them).

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BUILD     ?= build
CC        ?= cc
PKGS      := lua5.4 gumbo libpcre2-8 sqlite3 libedit zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# Lua and gumbo are linked from Debian's own static archives (the same unmodified
# library code, from the same -dev packages) and everything is bound at start-up
# (-z now). Both matter because every page runs in a forked worker: with the shared
# libraries each worker resolved about 70 PLT entries again (50 of them gumbo calling
# its own exported functions), and each of those calls went through a PLT stub.
# Measured on 300 bench pages, parse-only: 21 page faults fewer per page and about
# 3% fewer instructions. STATIC_LIBS=0 links the shared libraries instead.
STATIC_LIBS ?= 1
STATIC_PKGS := lua5.4 gumbo
ifeq ($(STATIC_LIBS),1)
PKG_LIBS   := -Wl,-Bstatic $(shell pkg-config --libs-only-l $(STATIC_PKGS) 2>/dev/null) -Wl,-Bdynamic \
              $(shell pkg-config --libs $(filter-out $(STATIC_PKGS),$(PKGS)) 2>/dev/null) -ldl
else
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
endif
OPT       ?= -O2 -g
CFLAGS    += -std=c11 -Wall -Wextra -Werror $(OPT) -D_DEFAULT_SOURCE -DPQX_VERSION='"$(VERSION)"' \
             -Isrc -I$(BUILD) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS    += $(PKG_LIBS) -lm
LDFLAGS   += -Wl,-z,now -Wl,-z,relro $(EXTRA_LDFLAGS)

# plain C parts (no Lua), unit-tested on their own
CORE_SRC  := src/buf.c src/arena.c src/encoding.c src/parse.c src/text.c src/select.c \
             src/sha256.c src/store.c src/casefold.c src/url.c src/warc.c
# Lua bindings and the command line
APP_SRC   := $(wildcard src/vm.c src/doc.c src/json.c src/re.c src/page.c src/run.c src/repl.c \
             src/test.c src/report.c src/main.c)
LUA_LIB   := $(sort $(wildcard lua/pqx/*.lua))

CORE_OBJ  := $(CORE_SRC:src/%.c=$(BUILD)/%.o)
APP_OBJ   := $(APP_SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/embedded.o
UNIT_TESTS := $(patsubst tests/c/%.c,$(BUILD)/tests/%,$(wildcard tests/c/test_*.c))

.PHONY: all test unit sanitize gcstress valgrind bench bench-sites bench-select install uninstall clean deps example schema \
        fuzz fuzz-build fuzz-targets fuzz-seeds

all: $(BUILD)/pqx

$(BUILD)/pqx: $(CORE_OBJ) $(APP_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)
	$(CC) $(CFLAGS) -c -o $@ $<

# the embedded library is compiled to Lua bytecode at build time, so embed links Lua
$(BUILD)/embed: tools/embed.c | $(BUILD)
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror $(shell pkg-config --cflags lua5.4) -o $@ $< \
	  $(shell pkg-config --libs lua5.4)

$(BUILD)/embedded.c: $(BUILD)/embed $(LUA_LIB)
	$(BUILD)/embed $@ lua $(LUA_LIB)

$(BUILD)/embedded.o: $(BUILD)/embedded.c src/embedded.h
	$(CC) $(CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(BUILD):
	mkdir -p $(BUILD)/tests

# C unit tests link the plain C objects only (they must not need Lua)
$(BUILD)/tests/test_%: tests/c/test_%.c $(CORE_OBJ) tests/c/t.h | $(BUILD)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(LDLIBS)

unit: $(UNIT_TESTS)

# the benchmark's corpus generator and its floor (bare stock gumbo); no pqx code in either
BENCH_TOOLS := $(BUILD)/bench-gen $(BUILD)/bench-floor
$(BUILD)/bench-gen: tools/bench/gen.c | $(BUILD)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -o $@ $<

$(BUILD)/bench-floor: tools/bench/floor.c | $(BUILD)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -D_DEFAULT_SOURCE $(shell pkg-config --cflags gumbo) \
	  -o $@ $< $(shell pkg-config --libs gumbo)

$(BUILD)/bench_select: tools/bench_select.c $(CORE_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# the whole suite: C unit, Lua API, golden and CLI layers
test: $(BUILD)/pqx unit $(BENCH_TOOLS)
	@BUILD=$(BUILD) sh tests/run.sh

# the suite under AddressSanitizer + UndefinedBehaviorSanitizer
sanitize:
	$(MAKE) BUILD=build-san OPT="-O1 -g -fno-omit-frame-pointer" \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" test

# the suite with a full garbage collection on every binding entry
gcstress:
	$(MAKE) BUILD=build-gc EXTRA_CFLAGS="-DPQX_GC_STRESS" test

valgrind: $(BUILD)/pqx unit
	@BUILD=$(BUILD) PQX_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --suppressions=$(CURDIR)/tests/valgrind.supp" sh tests/run.sh

# src/schema_new.h (a new file's schema) again from the migrations, after a schema step
# (from a pqx of its own, built with PQX_SCHEMA_BOOTSTRAP: the header it replaces is stale)
schema:
	$(MAKE) BUILD=$(BUILD)/schema-boot EXTRA_CFLAGS=-DPQX_SCHEMA_BOOTSTRAP $(BUILD)/schema-boot/pqx
	python3 tools/gen_schema.py $(BUILD)/schema-boot/pqx
	$(MAKE) $(BUILD)/pqx

bench-select: $(BUILD)/bench_select
	$(BUILD)/bench_select examples/*/*.html

# pqx end to end against bare gumbo on a generated Senate corpus (a measurement, not a test)
bench: $(BUILD)/pqx $(BENCH_TOOLS)
	sh tools/bench/bench.sh $(BUILD)

# pages per second and peak memory of each script on its own example pages
bench-sites: $(BUILD)/pqx
	sh tools/bench.sh $(BUILD)/pqx

# ---- fuzzing: libFuzzer targets under ASan + UBSan (clang; `sh tools/deps.sh fuzz`)
# `make fuzz-build` builds build-fuzz/fuzz-* and the seed corpora; `make fuzz` runs
# each target for FUZZ_SECONDS (default 60) and prints executions, coverage and
# findings. FUZZ_TARGETS narrows the run (e.g. FUZZ_TARGETS="decode select").
FUZZ_BUILD   ?= build-fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= decode select text page
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_ALL     := decode select text page
FUZZ_APP_OBJ := $(filter-out $(BUILD)/main.o,$(APP_OBJ))

fuzz-build:
	@sh fuzz/toolchain.sh $(FUZZ_CC)
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) OPT="-O1 -g -fno-omit-frame-pointer" \
	  EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" EXTRA_LDFLAGS="$(FUZZ_SAN)" fuzz-targets

# (inside fuzz-build, with BUILD=build-fuzz and the fuzz flags)
fuzz-targets: $(FUZZ_ALL:%=$(BUILD)/fuzz-%) fuzz-seeds

$(BUILD)/fuzz-page: fuzz/fuzz_page.c fuzz/fuzz.h $(CORE_OBJ) $(FUZZ_APP_OBJ)
	$(CC) $(CFLAGS) -DPQX_FUZZ_ROOT='"$(CURDIR)"' -fsanitize=fuzzer $(LDFLAGS) -o $@ $< \
	  $(CORE_OBJ) $(FUZZ_APP_OBJ) $(LDLIBS)

$(BUILD)/fuzz-%: fuzz/fuzz_%.c fuzz/fuzz.h $(CORE_OBJ)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(LDLIBS)

fuzz-seeds:
	sh fuzz/seeds.sh $(BUILD)/seeds

fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run.sh $(FUZZ_TARGETS)

install: $(BUILD)/pqx
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/pqx $(DESTDIR)$(PREFIX)/bin/pqx
	install -m 644 docs/pqx.1 $(DESTDIR)$(PREFIX)/share/man/man1/pqx.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/pqx $(DESTDIR)$(PREFIX)/share/man/man1/pqx.1

deps:
	sh tools/deps.sh

example: $(BUILD)/pqx
	$(BUILD)/pqx run --format json scripts/be-senate.lua examples/be-senate/5-8916.html

clean:
	rm -rf build build-san build-gc build-fuzz
