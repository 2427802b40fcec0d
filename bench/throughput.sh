#!/bin/bash
# Bulk output throughput, tether against its peers, on the test bed (two
# network namespaces, a real sshd; see bench/lib.sh).
#
#	TETHER=build/tether bash bench/throughput.sh [--quick] [--rounds N]
#
# The data: base64 lines of 76 characters (bench/bulkdata.c: each line
# carries its own number and a checksum), 200 MB (--quick: 20 MB), read by
# a remote `cat`. Three measurements, all in every round, tools in turn
# (each round starts with the next tool, so no tool always runs first):
#
#   bulk output throughput: into a 200x50 client terminal that reads as
#	fast as it can (script(1), output thrown away), timed from the start
#	of the remote program (so not logging in, not making a session) to
#	the client's exit: plain `ssh -t`, ssh + tmux, ssh + screen, ssh +
#	dtach, mosh and tether.
#   bytes delivered, lines garbled or repeated: the same run for ssh, mosh
#	and tether, the terminal's stream checked line by line by bulkdata
#	(not timed: the check costs CPU of its own).
#   bulk output throughput, local terminal: the client inside a detached
#	tmux of its own (200x50), a real terminal emulator that parses every
#	byte, timed likewise: ssh and tether.
#
# Tables go to $BENCH_OUT/throughput.md (and docs/benchmarks/ unless
# --quick), every run's figure to $BENCH_OUT/throughput.tsv.
. "$(dirname "$0")/lib.sh"
bench_init throughput "$@"

MB=200
[ -n "$QUICK" ] && MB=20
LINES=$((MB * 1000000 / 77))	# 76 characters and a newline each

cc -std=c17 -O2 -Wall -Wextra -Werror -o "$W/bulkdata" "$BENCH_TOP/bench/bulkdata.c" ||
    bail "cannot compile bench/bulkdata.c"
"$W/bulkdata" gen "$LINES" >"$TT/data" || bail "cannot write $TT/data"
chmod 644 "$TT/data"
BYTES=$(stat -c %s "$TT/data")
note "data: $LINES lines, $BYTES bytes"

# script(1) reads its standard input and, at its end, echoes an EOF ("^@")
# into the terminal before the client has switched echo off: a FIFO opened
# for reading and writing never ends, so nothing is typed at all.
mkfifo "$W/stdin"

# A tmux server of our own for the local-terminal runs (its default socket
# and options would not be ours), kept up by a placeholder session.
LT_SOCK=$W/localterm.sock
tmux -S "$LT_SOCK" -f /dev/null new-session -d -s keep -x 200 -y 50 'exec sleep 100000' ||
    bail "cannot start the local terminal's tmux"

SSH=(ssh -F "$SSHBED_CONFIG")
n=0	# runs so far: names each run's sessions and sockets

# tool_cmd TOOL: set CMD to TOOL's client command line for one run. The
# remote program notes when it starts, in milliseconds, in $TT/start.N
# (the namespaces share the clock), then becomes the cat: the timings
# start there, so that logging in and making a session are not counted.
tool_cmd() {
	n=$((n + 1))
	rm -f "$TT/start.$n"
	local prog="date +%s%3N >$TT/start.$n && exec cat $TT/data"
	case $1 in
	ssh) CMD=("${SSH[@]}" -t testhost "$prog") ;;
	ssh+tmux) CMD=("${SSH[@]}" -t testhost
	    "tmux -L bench$n -f /dev/null new-session '$prog'") ;;
	ssh+screen) CMD=("${SSH[@]}" -t testhost
	    "screen -c /dev/null -S bench$n sh -c '$prog'") ;;
	# -E: no detach character, -z: no suspend key, -r none: no redraw.
	ssh+dtach) CMD=("${SSH[@]}" -t testhost
	    "dtach -c $TT/dtach$n -E -z -r none sh -c '$prog'") ;;
	# mosh wants a UTF-8 locale on both ends (it passes its own on).
	mosh) CMD=(env LC_ALL=C.UTF-8 LANG=C.UTF-8 mosh --ssh="${SSH[*]}"
	    testhost -- sh -c "$prog") ;;
	tether) CMD=("$TETHER" "${R[@]}" -s "bench$n" testhost -- sh -c "$prog") ;;
	*) bail "tool_cmd: unknown tool $1" ;;
	esac
}

# started: when the remote program of the last run started (ms), or "".
started() {
	local v
	v=$(cat "$TT/start.$n" 2>/dev/null)
	[[ $v =~ ^[0-9]+$ ]] && echo "$v"
}

# in_script SINK: run CMD in a 200x50 terminal of script(1) on the client
# side, its stream into SINK (a file); its exit status.
in_script() {
	in_client script -qfec "stty cols 200 rows 50; exec $(printf '%q ' "${CMD[@]}")" \
	    /dev/null <>"$W/stdin" >"$1" 2>"$W/run.err"
}

# mbps MS: BYTES in MS milliseconds, in MB/s.
mbps() {
	awk -v b="$BYTES" -v ms="$1" 'BEGIN { printf "%.1f\n", b / ms / 1000 }'
}

# timed TOOL: one run into /dev/null, timed from the start of the remote
# program to the client's exit; records its MB/s.
timed() {
	local t0 t1 rc
	tool_cmd "$1"
	in_script /dev/null
	rc=$?
	t1=$(bench_now_ms)
	t0=$(started)
	if [ "$rc" -ne 0 ] || [ -z "$t0" ]; then
		diag "throughput: $1 failed (status $rc$([ -n "$t0" ] || echo ", no start time")): $(head -c 300 "$W/run.err")"
		bench_add "bulk output throughput" "$1" fail MB/s higher
		return
	fi
	bench_add "bulk output throughput" "$1" "$(mbps $((t1 - t0)))" MB/s higher
}

# checked TOOL: one run, the terminal's stream checked by bulkdata.
checked() {
	local rc res
	tool_cmd "$1"
	in_script "$W/stream"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		diag "delivery: $1 failed ($rc): $(head -c 300 "$W/run.err")"
		bench_add "bytes delivered" "$1" fail % higher
		bench_add "lines garbled or repeated" "$1" fail lines lower
		return
	fi
	# The stream is kept in a file (at most a few hundred MB, gone with
	# the world) so that the check does not compete with the run.
	res=$("$W/bulkdata" check "$LINES" <"$W/stream")
	rm -f "$W/stream"
	note "$1: $res"
	local pct=${res#delivered=}
	pct=${pct%% *}
	local rep=${res#*repeated=} gar=${res#*garbled=}
	rep=${rep%% *}
	bench_add "bytes delivered" "$1" "$pct" % higher
	bench_add "lines garbled or repeated" "$1" $((rep + gar)) lines lower
}

# localterm TOOL: one run inside a detached tmux window of 200x50, timed
# from the start of the remote program until the client has exited (it
# signals a tmux channel as it ends).
localterm() {
	local t0 t1 rc
	tool_cmd "$1"
	rm -f "$W/lt.rc"
	tmux -S "$LT_SOCK" new-session -d -s "run$n" -x 200 -y 50 \
	    "$(printf '%q ' "${SSHBED_CLIENT_PREFIX[@]}" "${CMD[@]}") 2>$W/run.err; echo \$? >$W/lt.rc; tmux -S $LT_SOCK wait-for -S done$n" ||
	    bail "cannot start a window in the local terminal's tmux"
	# A signal that came before the wait is remembered by tmux.
	timeout 600 tmux -S "$LT_SOCK" wait-for "done$n"
	t1=$(bench_now_ms)
	t0=$(started)
	rc=$(cat "$W/lt.rc" 2>/dev/null)
	if [ "$rc" != 0 ] || [ -z "$t0" ]; then
		diag "local terminal: $1 failed (status ${rc:-none}$([ -n "$t0" ] || echo ", no start time")): $(head -c 300 "$W/run.err")"
		bench_add "bulk output throughput, local terminal" "$1" fail MB/s higher
		return
	fi
	bench_add "bulk output throughput, local terminal" "$1" "$(mbps $((t1 - t0)))" MB/s higher
}

# each FUNC ROUND TOOL...: FUNC for every TOOL, starting with the ROUNDth.
each() {
	local f=$1 r=$2 i k
	shift 2
	for ((i = 0; i < $#; i++)); do
		k=$(((r + i) % $# + 1))
		"$f" "${!k}"
	done
}

tools=(ssh ssh+tmux ssh+screen ssh+dtach mosh tether)
checked_tools=(ssh mosh tether)
lt_tools=(ssh tether)
bench_only tools
bench_only checked_tools
bench_only lt_tools
for ((r = 0; r < ROUNDS; r++)); do
	note "round $((r + 1)) of $ROUNDS"
	each timed "$r" "${tools[@]}"
	each checked "$r" "${checked_tools[@]}"
	each localterm "$r" "${lt_tools[@]}"
done

bench_text "## Bulk output throughput" "" \
    "$MB MB ($BYTES bytes: $LINES base64 lines of 76 characters) from a remote" \
    "\`cat\` on the test bed (two network namespaces, a real sshd), $ROUNDS rounds," \
    "tools in turn. Timed from the start of the remote program (so logging in" \
    "and making a session are not counted) to the exit of the client." \
    "" \
    "Into a 200x50 terminal that reads as fast as it can (script(1), its output" \
    "thrown away). \`ssh\` is plain \`ssh -t\`; ssh+tmux, ssh+screen and ssh+dtach" \
    "run the \`cat\` in a new tmux, screen or dtach session over \`ssh -t\`. mosh" \
    "sends screen states, not the byte stream: its figure is the time until its" \
    "client exits after the last screen, and it never delivers every line (see" \
    "below)."
bench_table "bulk output throughput" MB/s higher "${tools[@]}"
bench_text "" \
    "Delivery: the same runs (not timed) with the terminal's stream checked line" \
    "by line (bench/bulkdata.c): the share of the $LINES lines that arrived" \
    "intact and in order, and the lines that arrived garbled or more than once" \
    "(mosh's are the pieces of lines its screen updates redraw)."
bench_table "bytes delivered" % higher "${checked_tools[@]}"
bench_table "lines garbled or repeated" lines lower "${checked_tools[@]}"
bench_text "" \
    "Through a real terminal emulator: the client inside a detached local tmux" \
    "window of 200x50 of its own, which parses every byte, timed until the" \
    "client has exited."
bench_table "bulk output throughput, local terminal" MB/s higher "${lt_tools[@]}"
bench_done
