# khabar: one binary, built with pkg-config from Debian's packages.
#
#   make          build ./khabar
#   make serve    install deps, build, create data/khabar.db (demo) if absent, serve :8080
#   make test     install deps, build, run every test (unit, http, browser, fuzz, checks)
#   make unit-pg  the unit tests that need PostgreSQL, and the store's again, on a throwaway cluster
#   make asan     unit tests under AddressSanitizer + UBSan (make test runs it)
#   make http-asan  the HTTP tests against an ASan + UBSan server (make test runs it)
#   make tsan     the HTTP tests against a ThreadSanitizer server
#   make fuzz FUZZ_SECONDS=60   run each fuzz target longer

CC      ?= cc
PKGS    := libh2o-evloop libssl libcrypto libdeflate sqlite3 libpq libcmark-gfm libutf8proc jansson vips libxml-2.0 libcurl
# CFLAGS is yours to override (make CFLAGS=-O0); KB_CFLAGS is what khabar needs.
CFLAGS  ?= -O2 -g
KB_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wno-unused-parameter \
           -Wno-missing-field-initializers -MMD -MP -pthread \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread
B       ?= build

SRC     := $(sort $(wildcard src/*/*.c))
OBJ     := $(SRC:%.c=$(B)/%.o) $(B)/assets.o
ASSETS  := $(sort $(wildcard templates/*.html static/* demo/*))
UNIT    := $(sort $(wildcard tests/unit/test_*.c))
UNITBIN := $(UNIT:tests/unit/%.c=$(B)/tests/%)
# The unit tests that need a PostgreSQL server (make unit-pg starts one).
PGUNIT  := $(B)/tests/test_pg $(B)/tests/test_search_pg
# Unit tests that run in both: without KHABAR_PG their PostgreSQL part skips.
PGTOO   := $(B)/tests/test_copy
# The store-level unit tests (tests/unit/tempdb.h), which make unit-pg runs
# again on PostgreSQL. test_search stays SQLite's: it reads FTS5 itself
# (test_search_pg is PostgreSQL's index).
STOREUNIT := $(B)/tests/test_driver $(B)/tests/test_store $(B)/tests/test_newsroom \
	$(B)/tests/test_push $(B)/tests/test_tips $(B)/tests/test_pages $(B)/tests/test_live $(B)/tests/test_reads \
	$(B)/tests/test_ops $(B)/tests/test_digest
FUZZ    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 5

.PHONY: all deps serve test unit unit-pg http-pg browser-pg asan http-asan tsan FORCE http browser fuzz fuzz-build checks clean search-quality search-quality-pg
all: khabar

deps:
	@scripts/deps test

khabar: $(B)/main.o $(B)/libkhabar.a
	$(CC) $(CFLAGS) $(KB_CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/libkhabar.a: $(OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KB_CFLAGS) -c -o $@ $<

$(B)/main.o: src/main.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KB_CFLAGS) -c -o $@ $<

# Templates and static files are compiled into the binary; a theme folder
# given at run time overrides them.
$(B)/embed: scripts/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<
$(B)/assets.c: $(B)/embed $(ASSETS)
	$(B)/embed $(ASSETS) > $@
$(B)/assets.o: $(B)/assets.c
	$(CC) $(CFLAGS) $(KB_CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(B)/libkhabar.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KB_CFLAGS) -Isrc -o $@ $^ $(LDLIBS) -lcmocka -lz

$(B)/tests/search-quality: tests/search/quality.c $(B)/libkhabar.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KB_CFLAGS) -Isrc -o $@ $^ $(LDLIBS)

# Benchmark programs (bench/*.c) linked like the tests.
$(B)/bench/%: bench/%.c $(B)/libkhabar.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KB_CFLAGS) -Isrc -o $@ $^ $(LDLIBS)

# Recall of search over a generated corpus (tests/search/).
search-quality: $(B)/tests/search-quality
	@mkdir -p build/search
	@$(B)/tests/search-quality tests/search build/search

# The same corpus, queries and thresholds on PostgreSQL's index.
search-quality-pg: $(B)/tests/search-quality
	@mkdir -p build/search
	@scripts/with-pg $(B)/tests/search-quality tests/search build/search

unit: $(UNITBIN)
	@set -e; for t in $(filter-out $(PGUNIT),$(UNITBIN)); do $$t; done

# The same against PostgreSQL: a throwaway cluster for the run; the tests
# that need it, then the store's tests again, each on a database of its own.
unit-pg: $(UNITBIN)
	@scripts/with-pg sh -c 'set -e; for t in $(PGUNIT) $(PGTOO) $(STOREUNIT); do $$t; done'

ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
asan:
	@scripts/deps test
	@$(MAKE) --no-print-directory B=build/asan CC=clang CFLAGS="$(ASAN_FLAGS)" unit

# The HTTP suite against a sanitizer build of the server: a leak, an
# overflow or undefined behaviour on any request path ends that server with
# an error the test sees. (Leak checks stay off: the server's caches are
# freed by process exit.)
build/asan/khabar: FORCE
	@$(MAKE) --no-print-directory B=build/asan CC=clang CFLAGS="$(ASAN_FLAGS)" build/asan/libkhabar.a build/asan/main.o
	clang $(ASAN_FLAGS) $(KB_CFLAGS) -o $@ build/asan/main.o build/asan/libkhabar.a $(LDLIBS)
http-asan: build/asan/khabar
	@scripts/node-deps
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  KHABAR_BIN=build/asan/khabar KHABAR_SANITIZER=1 sh -c '$(HTTP_RUN)'
FORCE:

# The HTTP suite against a ThreadSanitizer build of the server (not in
# make test: it takes several minutes). Any report about khabar's own
# threads (workers, cache, push delivery, tips mail, clicks) fails it;
# tests/tsan.supp names the uninstrumented libraries left out.
TSAN_FLAGS := -O1 -g -fsanitize=thread
build/tsan/khabar: FORCE
	@$(MAKE) --no-print-directory B=build/tsan CC=clang CFLAGS="$(TSAN_FLAGS)" build/tsan/libkhabar.a build/tsan/main.o
	clang $(TSAN_FLAGS) $(KB_CFLAGS) -o $@ build/tsan/main.o build/tsan/libkhabar.a $(LDLIBS)
tsan: build/tsan/khabar
	@scripts/node-deps
	@rm -rf build/tsan/reports && mkdir -p build/tsan/reports
	TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp log_path=$(CURDIR)/build/tsan/reports/r" \
	  KHABAR_BIN=build/tsan/khabar KHABAR_SANITIZER=1 sh -c '$(HTTP_RUN)'
	@if grep -l "WARNING: ThreadSanitizer" build/tsan/reports/* 2>/dev/null; then \
	  echo "tsan: reports above, in build/tsan/reports/" >&2; exit 1; \
	else echo "tsan: no data races reported"; fi

# libFuzzer targets: each links the no-I/O modules (core, text) only, plus
# the one buffer parser it tests (listed below); core needs libcrypto.
FUZZ_LIBSRC := $(sort $(wildcard src/core/*.c src/text/*.c))
fuzz-build: $(FUZZ:tests/fuzz/%.c=$(B)/fuzz/%)
$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIBSRC)
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined -Isrc \
	  $(shell pkg-config --cflags libutf8proc libxml-2.0 libcmark-gfm libcrypto) -o $@ $^ \
	  $(shell pkg-config --libs libutf8proc libxml-2.0 libcmark-gfm libcrypto) -lcmark-gfm-extensions -lm
# Targets that need one more file than core and text.
$(B)/fuzz/fuzz_form: src/http/form.c src/render/escape.c
$(B)/fuzz/fuzz_webp: src/media/webp.c
$(B)/fuzz/fuzz_frontmatter: src/cli/frontmatter.c
$(B)/fuzz/fuzz_query: src/search/query.c
$(B)/fuzz/fuzz_template: src/render/template.c src/render/escape.c
$(B)/fuzz/fuzz_html: src/importer/html_md.c src/render/markdown.c src/render/escape.c src/render/paths.c
$(B)/fuzz/fuzz_mail: src/tips/mail.c
$(B)/fuzz/fuzz_header: src/http/header.c
$(B)/fuzz/fuzz_clienthello: src/http/tlsparse.c
$(B)/fuzz/fuzz_tsquery: src/search/query.c src/search/terms.c src/db/pg_text.c
fuzz: fuzz-build
	@scripts/fuzz $(FUZZ_SECONDS) $(FUZZ:tests/fuzz/%.c=$(B)/fuzz/%)

checks:
	@scripts/checks

# The suites' files run side by side: they mostly wait (on servers, timers,
# Chromium), so four at once take a third of the time on two cores.
NODE_TEST := node --test --test-concurrency=4
# The crash test counts publishes acknowledged in a fixed time, and the
# restart test stops a PostgreSQL cluster of its own under load, so they
# run one at a time, after the rest, never beside other servers.
HTTP_ALONE := tests/http/crash.test.mjs tests/http/restart.test.mjs
HTTP_SIDE := $(filter-out $(HTTP_ALONE),$(sort $(wildcard tests/http/*.test.mjs)))
HTTP_RUN := $(NODE_TEST) $(HTTP_SIDE) && node --test --test-concurrency=1 $(HTTP_ALONE)
http: khabar
	@scripts/node-deps
	$(HTTP_RUN)

# The HTTP suite against PostgreSQL: every site the suite makes (startSite,
# newDb) gets a database on a throwaway cluster; the few checks of SQLite
# files as such are skipped there.
http-pg: khabar
	@scripts/node-deps
	scripts/with-pg sh -c '$(HTTP_RUN)'

browser: khabar
	@scripts/node-deps
	node --test tests/browser/

# The browser suite against PostgreSQL, as http-pg.
browser-pg: khabar
	@scripts/node-deps
	scripts/with-pg sh -c 'node --test tests/browser/'

test: deps
	@$(MAKE) --no-print-directory khabar
	@$(MAKE) --no-print-directory checks
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-pg
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory search-quality
	@$(MAKE) --no-print-directory search-quality-pg
	@$(MAKE) --no-print-directory fuzz
	@$(MAKE) --no-print-directory http
	@$(MAKE) --no-print-directory http-asan
	@$(MAKE) --no-print-directory http-pg
	@$(MAKE) --no-print-directory browser
	@$(MAKE) --no-print-directory browser-pg

serve:
	@scripts/deps build
	@$(MAKE) --no-print-directory khabar
	@test -f data/khabar.db || (mkdir -p data && ./khabar demo --live --db data/khabar.db)
	./khabar serve --db data/khabar.db --listen 127.0.0.1:8080

clean:
	rm -rf build khabar

-include $(OBJ:.o=.d) $(B)/main.d
