# tether: plain make, C17. Honours CC, CFLAGS, CPPFLAGS, LDFLAGS, PREFIX,
# DESTDIR. Objects go to $(B) (build/ by default; build-san/ for the
# sanitizer build), so both builds can live side by side.

VERSION	= 0.1.0
PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
LIBDIR	?= $(PREFIX)/lib
MANDIR	?= $(PREFIX)/share/man
# Shell completions, where Debian's shells look: zsh reads vendor-completions
# for /usr and site-functions for /usr/local.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ifeq ($(PREFIX),/usr)
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
else
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
endif
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
B	?= build

CC	?= cc
CFLAGS	?= -O2 -g
# WERROR= turns warnings back into warnings, for builds with flags this
# tree is not developed with (debian/rules, as distributions do; the
# package test still checks that the build has no warning).
WERROR	?= -Werror
WARN	= -Wall -Wextra $(WERROR) -Wshadow -Wpointer-arith -Wstrict-prototypes \
	  -Wmissing-prototypes -Wno-unused-parameter
STD	= -std=c17 -D_GNU_SOURCE -DTETHER_VERSION='"$(VERSION)"' \
	  -DTETHER_LIBDIR='"$(LIBDIR)"'
ifeq ($(SAN),1)
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	   -fno-omit-frame-pointer
endif
ALL_CFLAGS  = $(STD) $(WARN) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS)
# Full RELRO: every symbol bound at start and the GOT read-only after it,
# as Debian's hardening flags do for a package (a long-lived session host
# has no writable function pointers into libc for a bug to aim at).
RELRO	= -Wl,-z,relro -Wl,-z,now
ALL_LDFLAGS = $(RELRO) $(LDFLAGS) $(SANFLAGS)
# The static build (make static, below).
ifneq ($(STATIC),)
ALL_LDFLAGS += -static
endif
ifeq ($(STATIC),musl)
# musl-gcc sees only musl's headers: libvterm's and the kernel's (for
# netlink) are linked into $(B)/include. Debian's libvterm.a was built
# against glibc with _FORTIFY_SOURCE: src/fortify.c gives it the checked
# functions musl lacks.
VTERM_INC  = $(shell pkg-config --variable=includedir vterm 2>/dev/null || echo /usr/include)
KERNEL_INC = /usr/include
STATICINC  = $(B)/include/vterm.h
STATICOBJS = $(B)/fortify.o
ALL_CFLAGS += -I$(B)/include

$(STATICINC): | $(B)
	mkdir -p $(B)/include
	ln -sfn $(VTERM_INC)/vterm_keycodes.h $(B)/include/vterm_keycodes.h
	ln -sfn $(KERNEL_INC)/linux $(B)/include/linux
	ln -sfn $(KERNEL_INC)/asm-generic $(B)/include/asm-generic
	ln -sfn $(KERNEL_INC)/$$(gcc -print-multiarch)/asm $(B)/include/asm
	ln -sfn $(VTERM_INC)/vterm.h $@
endif
# libvterm is linked statically, so the binary copied to a server needs
# no library there.
LIBS	= $(shell pkg-config --variable=libdir vterm 2>/dev/null || echo /usr/lib/x86_64-linux-gnu)/libvterm.a -lpthread

LIBSRCS	= src/bridge.c src/buf.c src/client.c src/compat.c src/config.c src/deploy.c src/dial.c src/duration.c src/escape.c src/fmt.c src/host.c \
	  src/log.c src/logind.c src/netwatch.c src/outlog.c src/proto.c src/pty.c src/remote.c src/model.c src/ring.c src/safedir.c src/screen.c \
	  src/sock.c src/ssh.c src/tty.c \
	  src/xmalloc.c
LIBOBJS	= $(LIBSRCS:src/%.c=$(B)/%.o)
UNITS	= $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/*.c))
HELPERS	= $(patsubst tests/helpers/%.c,$(B)/tests/%,$(wildcard tests/helpers/*.c))

.PHONY: all check check-unit check-san check-valgrind test install uninstall clean format deps quickstart \
	bench fuzz fuzz-build fuzz-check fuzz-seeds static

all: $(B)/tether tether

tether: $(B)/tether
	@if [ "$(B)" = build ]; then ln -sf build/tether tether; fi

$(B)/tether: $(LIBOBJS) $(B)/tether.o $(STATICOBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/%.o: src/%.c src/*.h | $(B) $(STATICINC)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The binary `tether --install` copies to servers: linked statically, so
# that it runs on any Linux of the same architecture. With musl (Debian's
# musl-tools) when musl-gcc is there: a static glibc binary would still
# load the server's own NSS modules for getaddrinfo, which must match the
# glibc it was built with. Without musl-gcc, a static glibc binary. Built
# in build-static/ (STATIC=musl or glibc says which, to the recursion).
SB	= build-static
static:
	@if command -v musl-gcc >/dev/null 2>&1; then \
		$(MAKE) B=$(SB) SAN= STATIC=musl CC=musl-gcc $(SB)/tether; \
	else \
		echo "make static: no musl-gcc (apt-get install musl-tools);" \
		    "linking glibc statically"; \
		$(MAKE) B=$(SB) SAN= STATIC=glibc $(SB)/tether; \
	fi

$(B)/tests/%: tests/unit/%.c tests/tap.h $(LIBOBJS) | $(B)/tests
	$(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(LIBOBJS) $(LIBS)

$(B)/tests/%: tests/helpers/%.c $(LIBOBJS) | $(B)/tests
	$(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(LIBOBJS) $(LIBS)

$(B) $(B)/tests:
	mkdir -p $@

# Unit tests and end-to-end tests against this build (tests/e2e/deploy.sh
# installs the static build on the test server).
check: $(B)/tether $(UNITS) $(HELPERS) static
	tests/run $(B)

# Only the unit tests: what a package build runs (debian/rules), since
# the end-to-end tests need root, sshd and tmux.
check-unit: $(UNITS)
	@rc=0; for t in $(UNITS); do echo "# $$t"; $$t || rc=1; done; exit $$rc

# The same suite built with AddressSanitizer and UBSan.
check-san:
	$(MAKE) B=build-san SAN=1 check

# End-to-end tests with every tether, local and remote, under valgrind's
# memcheck (tests/lib.sh, _world_valgrind): fails on any invalid access,
# use of uninitialised memory or definite leak. Built without optimisation
# into build-vg/. Not part of `make test`: it is slow. VG_TESTS is the
# subset that works under valgrind; left out are the tests that find
# tether's processes by name (pgrep -x tether: under valgrind they are
# memcheck-amd64-), those whose floods or deadlines valgrind's 20-50x
# slowdown breaks (proto_resume, repaint, slow_link, stall, the faults),
# limits.sh (valgrind's own memory and descriptors break its RSS bound and
# ulimit -n checks) and deploy.sh (what it installs must be a static ELF,
# not the valgrind wrapper). About 4 minutes on 2 cores.
VG_TESTS ?= tests/e2e/cli_usage.sh tests/e2e/proto_badinput.sh \
	    tests/e2e/queries.sh tests/e2e/hostile.sh \
	    tests/e2e/hostile_remote.sh tests/e2e/remote_basic.sh \
	    tests/e2e/config.sh tests/e2e/hygiene.sh tests/e2e/fs_safety.sh \
	    tests/e2e/security.sh tests/e2e/logout.sh
check-valgrind:
	$(MAKE) B=build-vg CFLAGS="-O0 -g" build-vg/tether \
	    $(patsubst $(B)/%,build-vg/%,$(HELPERS))
	TETHER_VALGRIND=1 TESTS="$(VG_TESTS)" tests/run build-vg

# Everything: the README's test command and what CI runs. Installs
# missing Debian packages first (scripts/deps), then both builds' suites.
test: deps
	@rc=0; $(MAKE) check || rc=1; $(MAKE) check-san || rc=1; exit $$rc

# libFuzzer harnesses (fuzz/), built with clang into build-fuzz/: the
# project's sources with ASan, UBSan and coverage, libvterm as it is.
# `make fuzz` runs each for FUZZ_TIME seconds on a copy of its corpus in
# build-fuzz/corpus/ and fails on a crash; `make fuzz-check` (run by the
# test suite) replays the committed corpora and regressions and fuzzes
# each harness for FUZZ_CHECK_TIME seconds. FUZZ_NAMES picks harnesses.
FZ		= build-fuzz
FUZZ_CC		= clang
FUZZ_CFLAGS	= -g -O1 -fsanitize=fuzzer,address,undefined \
		  -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_NAMES	= frame hello host client escape screen
FUZZ_TIME	?= 60
FUZZ_CHECK_TIME	?= 5
FUZZ_OBJS	= $(LIBSRCS:src/%.c=$(FZ)/obj/%.o)

$(FZ)/obj/%.o: src/%.c src/*.h | $(FZ)/obj
	$(FUZZ_CC) $(STD) $(WARN) $(FUZZ_CFLAGS) -c -o $@ $<

$(FZ)/fuzz_%: fuzz/fuzz_%.c fuzz/*.h $(FUZZ_OBJS) | $(FZ)/obj
	$(FUZZ_CC) $(STD) $(WARN) $(FUZZ_CFLAGS) -Isrc -o $@ $< $(FUZZ_OBJS) \
	    $(LIBS) $(FUZZ_WRAP)

# The host's model at most 256x256 (fuzz/clamp.h).
$(FZ)/fuzz_host $(FZ)/fuzz_hello: FUZZ_WRAP = -Wl,--wrap=screen_resize

$(FZ)/obj:
	mkdir -p $@

fuzz-build: $(FUZZ_NAMES:%=$(FZ)/fuzz_%)

# Rewrite the protocol harnesses' seeds (fuzz/mkseeds.c).
fuzz-seeds: $(B)/buf.o $(B)/proto.o $(B)/xmalloc.o $(B)/log.o
	$(CC) $(ALL_CFLAGS) -Isrc -o $(B)/mkseeds fuzz/mkseeds.c $^
	mkdir -p fuzz/corpus
	$(B)/mkseeds fuzz

fuzz: fuzz-build
	FZ=$(FZ) FUZZ_TIME=$(FUZZ_TIME) fuzz/run.sh fuzz $(FUZZ_NAMES)

fuzz-check: fuzz-build
	FZ=$(FZ) FUZZ_TIME=$(FUZZ_CHECK_TIME) fuzz/run.sh check $(FUZZ_NAMES)

# Benchmarks against the peers on the test bed (root: network namespaces).
# BENCH_ARGS=--quick for a short run. Not part of `make test`.
bench: deps $(B)/tether static
	scripts/deps --bench
	TETHER=$(CURDIR)/$(B)/tether TETHER_STATIC=$(CURDIR)/$(SB)/tether \
	    bash bench/run.sh $(BENCH_ARGS)

# Install the Debian packages that building and testing need.
deps:
	scripts/deps

# The README's quick start: dependencies, build, and a first session.
quickstart: deps
	$(MAKE) all
	./tether attach demo

install: $(B)/tether
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
	    $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(B)/tether $(DESTDIR)$(BINDIR)/tether
	@# tether --install looks for it in ../lib/tether beside bin/tether.
	if [ -f $(SB)/tether ]; then \
		install -d $(DESTDIR)$(LIBDIR)/tether && \
		install -m 755 $(SB)/tether \
		    $(DESTDIR)$(LIBDIR)/tether/tether-static; \
	fi
	install -m 644 doc/tether.1 $(DESTDIR)$(MANDIR)/man1/tether.1
	install -m 644 completion/tether.bash \
	    $(DESTDIR)$(BASHCOMPDIR)/tether
	install -m 644 completion/_tether $(DESTDIR)$(ZSHCOMPDIR)/_tether
	install -m 644 completion/tether.fish \
	    $(DESTDIR)$(FISHCOMPDIR)/tether.fish

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/tether/tether-static
	rmdir $(DESTDIR)$(LIBDIR)/tether 2>/dev/null || true
	rm -f $(DESTDIR)$(BINDIR)/tether $(DESTDIR)$(MANDIR)/man1/tether.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/tether $(DESTDIR)$(ZSHCOMPDIR)/_tether \
	    $(DESTDIR)$(FISHCOMPDIR)/tether.fish

format:
	clang-format -i src/*.c src/*.h

clean:
	rm -rf build build-san build-vg build-fuzz build-static tether
