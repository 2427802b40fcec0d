#!/bin/bash
# Run the libFuzzer harnesses built in $FZ (build-fuzz): fuzz/run.sh MODE
# NAME...; the Makefile's fuzz and fuzz-check targets call it.
#
#   fuzz	each harness fuzzes for FUZZ_TIME seconds (default 60) at
#		nice FUZZ_NICE (15), growing its own corpus in
#		$FZ/corpus/NAME from the committed fuzz/corpus/NAME, which
#		it only reads; crashes land in $FZ/crashes/NAME/.
#   check	every input in fuzz/regress/NAME/ is run once, then the
#		harness fuzzes for FUZZ_TIME seconds (default 5) from the
#		committed corpus into a scratch directory.
#
# Prints one line per harness (runs, execs/s, corpus size, result) and
# exits non-zero if any harness crashed, leaked, timed out or failed.
set -u
cd "$(dirname "$0")/.." || exit 2
mode=${1:?usage: fuzz/run.sh fuzz|check NAME...}
shift
FZ=${FZ:-build-fuzz}
NICE=${FUZZ_NICE:-15}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
case $mode in
fuzz) T=${FUZZ_TIME:-60} ;;
check) T=${FUZZ_TIME:-5} ;;
*) echo "fuzz/run.sh: unknown mode $mode" >&2; exit 2 ;;
esac

failed=0
for name in "$@"; do
	bin=$FZ/fuzz_$name
	log=$FZ/logs/$name.$mode.log
	mkdir -p "$FZ/logs" "$FZ/crashes/$name"
	if [ ! -x "$bin" ]; then
		echo "fuzz_$name: not built ($bin)"
		failed=1
		continue
	fi
	opts=(-timeout=25 -rss_limit_mb=2560 -print_final_stats=1
	    "-artifact_prefix=$FZ/crashes/$name/" "-max_total_time=$T")
	case $name in
	frame | hello | host | client) dict=fuzz/proto.dict ;;
	*) dict=fuzz/$name.dict ;;
	esac
	[ -f "$dict" ] && opts+=("-dict=$dict")
	dirs=()
	[ -d "fuzz/corpus/$name" ] && dirs+=("fuzz/corpus/$name")
	rc=0
	regress=()
	fixed=()
	: >"$log"
	if [ "$mode" = check ]; then
		# The regressions, each once: any failure is a failure. Those
		# named fixpoint-* were found with TETHER_FUZZ_FIXPOINT=1, and
		# run so.
		if [ -d "fuzz/regress/$name" ]; then
			for f in "fuzz/regress/$name"/*; do
				[ -f "$f" ] || continue
				case ${f##*/} in
				fixpoint-*) fixed+=("$f") ;;
				*) regress+=("$f") ;;
				esac
			done
		fi
		if [ ${#regress[@]} -gt 0 ]; then
			nice -n "$NICE" "$bin" -timeout=25 \
			    "-artifact_prefix=$FZ/crashes/$name/" \
			    "${regress[@]}" >>"$log" 2>&1 || rc=$?
		fi
		if [ ${#fixed[@]} -gt 0 ] && [ "$rc" -eq 0 ]; then
			TETHER_FUZZ_FIXPOINT=1 nice -n "$NICE" "$bin" \
			    -timeout=25 "-artifact_prefix=$FZ/crashes/$name/" \
			    "${fixed[@]}" >>"$log" 2>&1 || rc=$?
		fi
		out=$FZ/check/$name
		rm -rf "$out"
	else
		out=$FZ/corpus/$name
	fi
	mkdir -p "$out"
	if [ "$rc" -eq 0 ]; then
		nice -n "$NICE" "$bin" "${opts[@]}" "$out" "${dirs[@]}" \
		    >>"$log" 2>&1 || rc=$?
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	units=$(find "$out" -type f | wc -l)
	regs=$((${#regress[@]} + ${#fixed[@]}))
	[ "$regs" -gt 0 ] || regs=
	if [ "$rc" -eq 0 ]; then
		echo "fuzz_$name: ok: ${runs:-?} runs, ${speed:-?} execs/s," \
		    "${cov:-cov: ?}, corpus $units${regs:+, $regs regressions}"
	else
		failed=1
		echo "fuzz_$name: FAILED (status $rc): ${runs:-?} runs; log $log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' \
		    "$log" | head -n 10 | sed 's/^/    /'
	fi
done
exit "$failed"
