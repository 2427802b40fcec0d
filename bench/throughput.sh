#!/bin/bash
# Bulk output throughput, tether against its peers, on the test bed (two
# network namespaces, a real sshd): a remote `cat` of base64 lines into a
# 200x50 client terminal that reads as fast as it can (script(1), its
# output thrown away). The time is from the start of the client to its
# exit, which follows the end of the output. Every tool is run in turn,
# round after round, so that a noisy machine slows them all alike; the
# median and the spread of each are printed, with the ratio of tether's
# median to each peer's.
#
#	TETHER=build/tether bash bench/throughput.sh [--quick] [--rounds N]
#
# Default: 200 MB, 3 rounds; --quick: 20 MB. Writes a Markdown table to
# stdout and to docs/benchmarks/throughput.md (unless --quick). This is the
# first measurement of the benchmark suite (issue 5); `make bench` runs it.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
export TETHER=${TETHER:-$top/build/tether}
. "$top/tests/lib.sh"
. "$top/tests/sshbed.sh"

MB=200
ROUNDS=3
QUICK=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1; MB=20 ;;
	--rounds) ROUNDS=$2; shift ;;
	*) echo "usage: bench/throughput.sh [--quick] [--rounds N]" >&2; exit 2 ;;
	esac
	shift
done

world_init
sshbed_init --netns
sshbed_install_tether
TT=$W/tt
R=(--ssh "ssh -F $SSHBED_CONFIG" --remote-tether "$SSHBED_REMOTE_TETHER")

# The data: base64 lines of 76 characters, MB megabytes, made once.
head -c $((MB * 1000000 * 3 / 4)) /dev/urandom | base64 >"$TT/data"
chmod 644 "$TT/data"
BYTES=$(stat -c %s "$TT/data")

# The tools, each a command line for the client side.
tools=(ssh ssh+tmux tether)
cmd_ssh=(ssh -F "$SSHBED_CONFIG" -t testhost cat "$TT/data")
cmd_tmux=(ssh -F "$SSHBED_CONFIG" -t testhost
    "tmux -L bench$$ -f /dev/null new-session cat $TT/data")
cmd_tether=("$TETHER" "${R[@]}" -s bench testhost -- cat "$TT/data")

# time_one TOOL: seconds (with milliseconds) for one run, or "fail".
time_one() {
	local -a cmd
	case $1 in
	ssh) cmd=("${cmd_ssh[@]}") ;;
	ssh+tmux) cmd=("${cmd_tmux[@]}") ;;
	tether) cmd=("${cmd_tether[@]}") ;;
	esac
	local start end rc
	start=$(date +%s%N)
	in_client script -qfec "stty cols 200 rows 50; exec $(printf '%q ' "${cmd[@]}")" \
	    /dev/null >/dev/null 2>"$W/run.err" </dev/null
	rc=$?
	end=$(date +%s%N)
	if [ "$rc" -ne 0 ]; then
		echo fail
		diag "$1 failed ($rc): $(head -c 300 "$W/run.err")"
		return
	fi
	echo "$(( (end - start) / 1000000 ))"
}

declare -A ms
for ((r = 1; r <= ROUNDS; r++)); do
	for t in "${tools[@]}"; do
		v=$(time_one "$t")
		ms[$t]="${ms[$t]:-} $v"
		note "round $r: $t ${v} ms"
	done
done

# median LIST, min, max of milliseconds.
median() { tr ' ' '\n' | grep -E '^[0-9]+$' | sort -n | awk '{ a[NR] = $1 }
	END { if (NR == 0) print "fail"; else print a[int((NR + 1) / 2)] }'; }
spread() { tr ' ' '\n' | grep -E '^[0-9]+$' | sort -n | awk '
	NR == 1 { lo = $1 } { hi = $1 } END { if (NR) print lo "-" hi }'; }

rate() { awk -v b="$BYTES" -v ms="$1" 'BEGIN { printf "%.1f", b / ms / 1000 }'; }

out=$W/table.md
{
	echo "Bulk output: $((BYTES / 1000000)) MB of base64 lines from a remote cat into a"
	echo "200x50 terminal (script(1)), on two network namespaces with a real sshd;"
	echo "$ROUNDS rounds, tools interleaved. $(date -u +%F), $(uname -r),"
	echo "$(ssh -V 2>&1), tmux $(tmux -V | cut -d' ' -f2), tether $("$TETHER" --version | cut -d' ' -f2)."
	echo
	echo "| tool | median MB/s | median ms | spread ms | tether's throughput / tool's |"
	echo "| --- | ---: | ---: | --- | ---: |"
	tm=$(echo "${ms[tether]}" | median)
	for t in "${tools[@]}"; do
		m=$(echo "${ms[$t]}" | median)
		if [ "$m" = fail ]; then
			echo "| $t | fail | | | |"
			continue
		fi
		ratio=-
		[ "$tm" != fail ] && ratio=$(awk -v a="$m" -v b="$tm" 'BEGIN { printf "%.2f", a / b }')
		echo "| $t | $(rate "$m") | $m | $(echo "${ms[$t]}" | spread) | $ratio |"
	done
} >"$out"
cat "$out"
if [ -z "$QUICK" ]; then
	mkdir -p "$top/docs/benchmarks"
	cp "$out" "$top/docs/benchmarks/throughput.md"
fi
_tap_done=1
