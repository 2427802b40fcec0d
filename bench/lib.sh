#!/bin/bash
# Shared by the benchmark scripts (bench/NAME.sh). Source it first:
#
#	. "$(dirname "$0")/lib.sh"
#	bench_init NAME "$@"		# parses --quick, --rounds N; builds the bed
#	...
#	bench_add "echo median, idle" ssh 0.38 ms lower
#	bench_table "echo median, idle" "ms" lower ssh tether ...
#	bench_done
#
# Every figure is recorded with bench_add as one line of
# $BENCH_OUT/NAME.tsv: measurement, tool, run value (a number, or "fail"),
# unit, which way is better ("lower" or "higher"). bench_table turns the
# runs of one measurement into a Markdown table (median, spread of the
# runs, and tether's ratio to each tool, written so that > 1 means tether
# is better), appended to $BENCH_OUT/NAME.md. bench_done copies NAME.md
# and NAME.tsv into docs/benchmarks/ unless --quick. bench/run.sh runs every
# script and writes the summary and the chart.
#
# The test bed is the end-to-end tests' (tests/sshbed.sh, --netns): two
# network namespaces, a real sshd, the test user; tether is installed on
# the "server" for the test user. Requires root.
set -u
BENCH_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TETHER=${TETHER:-$BENCH_TOP/build/tether}
. "$BENCH_TOP/tests/lib.sh"
. "$BENCH_TOP/tests/sshbed.sh"

QUICK=
ROUNDS=3

# bench_init NAME [--quick] [--rounds N]: parse the common options, start
# the world and the bed. Sets BENCH_NAME, QUICK (1 or empty), ROUNDS,
# BENCH_OUT (where this run's files go), TT ($W/tt, readable by the test
# user) and R (tether's options for the bed: --ssh and --remote-tether).
bench_keep_debug() {
	[ -f "$W/tt/remote-debug.log" ] &&
	    cp "$W/tt/remote-debug.log" "$BENCH_OUT/remote-debug.log"
	return 0
}

bench_init() {
	BENCH_NAME=$1
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--quick) QUICK=1 ;;
		--rounds) ROUNDS=$2; shift ;;
		*) echo "usage: bench/$BENCH_NAME.sh [--quick] [--rounds N]" >&2
			exit 2 ;;
		esac
		shift
	done
	world_init
	# No debug logs in a measurement, on either side, unless asked for
	# (BENCH_DEBUG=1, to see why a figure is what it is: the remote
	# log is copied to BENCH_OUT/remote-debug.log at the end).
	if [ -z "${BENCH_DEBUG:-}" ]; then
		unset TETHER_DEBUG
		export SSHBED_NO_DEBUG=1
	else
		world_on_cleanup bench_keep_debug
	fi
	BENCH_OUT=${BENCH_OUT:-$W/bench}
	mkdir -p "$BENCH_OUT"
	: >"$BENCH_OUT/$BENCH_NAME.md"
	: >"$BENCH_OUT/$BENCH_NAME.tsv"
	# A copy: a rebuild during the run must not change what is measured.
	install -m 755 "$TETHER" "$W/tether.measured" ||
	    bail "cannot copy $TETHER"
	TETHER=$W/tether.measured
	sshbed_init --netns
	sshbed_install_tether
	TT=$W/tt
	R=(--ssh "ssh -F $SSHBED_CONFIG" --remote-tether "$SSHBED_REMOTE_TETHER")
}

# bench_add MEASUREMENT TOOL VALUE UNIT lower|higher: one run's figure.
bench_add() {
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" \
	    >>"$BENCH_OUT/$BENCH_NAME.tsv"
	note "$1: $2 $3 $4"
}

# bench_values MEASUREMENT TOOL: the runs' values, one per line.
bench_values() {
	awk -F'\t' -v m="$1" -v t="$2" '$1 == m && $2 == t { print $3 }' \
	    "$BENCH_OUT/$BENCH_NAME.tsv"
}

# median, spread: of numbers on standard input (other lines ignored).
median() {
	grep -E '^-?[0-9]+(\.[0-9]+)?$' | sort -g | awk '{ a[NR] = $1 }
	    END { if (NR == 0) print "fail";
		  else if (NR % 2) print a[(NR + 1) / 2];
		  else printf "%g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
spread() {
	grep -E '^-?[0-9]+(\.[0-9]+)?$' | sort -g | awk '
	    NR == 1 { lo = $1 } { hi = $1 } END { if (NR) print lo "-" hi }'
}

# bench_median MEASUREMENT TOOL
bench_median() {
	bench_values "$1" "$2" | median
}

# bench_table MEASUREMENT UNIT lower|higher TOOL...: a Markdown table of
# the measurement's runs, one row per tool, appended to NAME.md. The ratio
# column is tether's advantage: tool/tether when lower is better,
# tether/tool when higher is.
bench_table() {
	local m=$1 unit=$2 better=$3 t med tm ratio n
	shift 3
	tm=$(bench_median "$m" tether)
	{
		echo
		echo "**$m** ($unit, $better is better)"
		echo
		echo "| tool | median | spread | runs | tether's advantage |"
		echo "| --- | ---: | --- | ---: | ---: |"
		for t in "$@"; do
			med=$(bench_median "$m" "$t")
			n=$(bench_values "$m" "$t" | grep -cE '^-?[0-9]')
			ratio=-
			if [ "$med" != fail ] && [ "$tm" != fail ] && [ "$t" != tether ]; then
				ratio=$(awk -v a="$med" -v b="$tm" -v w="$better" 'BEGIN {
				    if (w == "lower") { if (b == 0) print "-"; else printf "%.2fx", a / b }
				    else { if (a == 0) print "-"; else printf "%.2fx", b / a } }')
			fi
			echo "| $t | $med | $(bench_values "$m" "$t" | spread) | $n | $ratio |"
		done
	} >>"$BENCH_OUT/$BENCH_NAME.md"
}

# bench_text LINE...: prose for NAME.md (each argument a line).
bench_text() {
	printf '%s\n' "$@" >>"$BENCH_OUT/$BENCH_NAME.md"
}

# bench_now_ms: milliseconds since the epoch; bench_now_us: microseconds.
# bench_only ARRAY: keep in the array named ARRAY only the tools listed in
# BENCH_TOOLS ("tether ssh", say), when it is set: for working on one figure.
bench_only() {
	local -n list=$1
	local t keep=()
	[ -n "${BENCH_TOOLS:-}" ] || return 0
	for t in "${list[@]}"; do
		case " $BENCH_TOOLS " in *" $t "*) keep+=("$t") ;; esac
	done
	list=("${keep[@]}")
}

bench_now_ms() { date +%s%3N; }
bench_now_us() { date +%s%6N; }

# bench_done: print NAME.md; keep it (and the TSV) in docs/benchmarks/
# unless --quick or BENCH_TOOLS (a partial run).
bench_done() {
	cat "$BENCH_OUT/$BENCH_NAME.md"
	if [ -z "$QUICK" ] && [ -z "${BENCH_TOOLS:-}" ]; then
		mkdir -p "$BENCH_TOP/docs/benchmarks"
		cp "$BENCH_OUT/$BENCH_NAME.md" "$BENCH_OUT/$BENCH_NAME.tsv" \
		    "$BENCH_TOP/docs/benchmarks/"
	fi
	_tap_done=1
}
