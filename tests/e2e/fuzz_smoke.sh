#!/bin/bash
# The libFuzzer harnesses (fuzz/) as part of the suite: `make fuzz-check`
# for each, which builds it into build-fuzz/ with clang, runs every saved
# regression input (fuzz/regress/NAME/) once and fuzzes for a few seconds
# (FUZZ_CHECK_TIME, 5) from the committed corpus. Skipped without clang's
# libFuzzer, and in the sanitizer run (the fuzz build is the same for both
# runs, and has ASan and UBSan already).
. "$(dirname "$0")/../lib.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
case $TETHER in
*/build-san/*) plan skip_all "fuzz-check runs once, in the plain build's run" ;;
esac
command -v clang >/dev/null 2>&1 || plan skip_all "no clang (scripts/deps)"
probe=$(mktemp -d "${TMPDIR:-/tmp}/tether-fuzz.XXXXXX") || bail "mktemp"
trap 'rm -rf "$probe"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }' \
    >"$probe/probe.c"
clang -fsanitize=fuzzer,address,undefined -o "$probe/probe" "$probe/probe.c" \
    >/dev/null 2>&1 || plan skip_all "clang has no libFuzzer here"

names=(frame hello host client escape screen)
plan ${#names[@]}
for name in "${names[@]}"; do
	out=$(make -s -C "$top" fuzz-check FUZZ_NAMES="$name" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "fuzz_$name: regressions and a short run pass"
		note "$(printf '%s\n' "$out" | grep "^fuzz_$name")"
	else
		fail "fuzz_$name: regressions and a short run pass"
		diag "$out"
	fi
done
exit $((_tap_failed > 0))
