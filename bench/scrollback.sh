#!/bin/bash
# The output of an outage in the local terminal's scrollback, tether
# against mosh and ssh+tmux (autossh), on the test bed (two network
# namespaces, a real sshd):
#
#	TETHER=build/tether bash bench/scrollback.sh [--quick] [--rounds N]
#
# The local terminal is a tmux pane of 80x24 with 100000 lines of history.
# A remote counter prints a numbered line ("n 17") 5 times a second and
# logs each number with the time it printed it, on the server. Once the
# counter shows, the link is blackholed for 10 s (every packet dropped
# silently, both ways: tests/sshbed.sh's fault_blackhole_on/off); the lines
# the counter printed while the blackhole was fully in place (after
# fault_blackhole_on returned, before fault_blackhole_off began) are the
# outage's lines. As soon as the tool's screen shows the outage's last line
# (or a later one), the pane's whole history and screen (capture-pane
# -S -100000) are searched for each outage line; the figure is the share
# found, in percent.
#
# The tools:
#
#   tether	tether testhost -- COUNTER: it delivers every byte missed.
#   mosh	mosh testhost -- COUNTER: it sends screen states, so what a
#		terminal gets after an outage is the current screen only.
#   ssh+tmux	autossh -M 0 (ServerAlive 1 s x 3, AUTOSSH_GATETIME=0)
#		running "tmux new -A -s c COUNTER" on the server: after the
#		outage a new ssh reattaches, and tmux repaints its screen.
#
# For mosh and ssh+tmux the figure is how many of the outage's lines are
# still on the remote screen when the repaint comes: at most a screenful
# (23 of the outage's 50 lines), fewer the longer the resume takes, and it
# only falls afterwards: both draw the following lines by scrolling a
# region that leaves out the last row (mosh) or the status line (tmux), and
# this terminal (tmux, like some others) keeps no history of lines scrolled
# out of a region smaller than the screen, so what was on the screen is
# soon gone for good. A tool that has not resumed within 60 s (ssh+tmux: 150 s, in
# --quick 60 s) records "fail". Rounds: 3 by default, tools interleaved
# (the order rotates from round to round); --quick: 1. Table in
# $BENCH_OUT/scrollback.md (docs/benchmarks/ unless --quick).
. "$(dirname "$0")/lib.sh"
bench_init scrollback "$@"

# --quick: one round, unless --rounds was given.
case " $* " in
*" --rounds "*) ;;
*) [ -n "$QUICK" ] && ROUNDS=1 ;;
esac

BH_SECS=10
HISTORY=100000
CAP=60
CAP_TMUX=150
[ -n "$QUICK" ] && CAP_TMUX=60
TOOLS=(tether mosh ssh+tmux)
M="outage lines in scrollback"

# Panes made from now on keep this much history.
_tmux set -g history-limit "$HISTORY"

. "$BENCH_TOP/bench/counter.sh"

# measure TOOL ROUND: one run; records the figure with bench_add.
measure() {
	local tool=$1 t=$1-$2 on off first last n cap=$CAP
	[ "$tool" = ssh+tmux ] && cap=$CAP_TMUX
	t=${t//+/-}
	start_tool "$tool" "$t"
	if ! wait_until -t 60 shows_n "$t" 5; then
		show_screen "$t" "$tool: the counter did not show within 60 s"
		bench_add "$M" "$tool" fail % higher
		stop_tool "$t"
		return
	fi
	if [ "$(_tmux display -p -t "$t" '#{history_limit}')" != "$HISTORY" ]; then
		diag "$tool: the local terminal's history is not $HISTORY lines"
		bench_add "$M" "$tool" fail % higher
		stop_tool "$t"
		return
	fi
	fault_blackhole_on
	on=$EPOCHREALTIME
	sleep "$BH_SECS"
	off=$EPOCHREALTIME
	fault_blackhole_off
	# The outage's lines, from the counter's log.
	awk -v a="$on" -v b="$off" '$2 > a && $2 < b { print $1 }' \
	    "$TT/$t.log" >"$W/$t.outage"
	first=$(head -n 1 "$W/$t.outage")
	last=$(tail -n 1 "$W/$t.outage")
	if [ -z "$last" ]; then
		diag "$tool: the counter's log has no line from the outage"
		bench_add "$M" "$tool" fail % higher
		stop_tool "$t"
		return
	fi
	# Searched as soon as the screen shows the outage's last line (or a
	# later one): the best moment for mosh and tmux, whose repaint holds
	# at most a screenful, which later lines then push out.
	if ! wait_until -t "$cap" shows_n "$t" "$last"; then
		show_screen "$t" "$tool: no line $last within ${cap}s of the outage's end"
		bench_add "$M" "$tool" fail % higher
		stop_tool "$t"
		return
	fi
	# Each outage line that the history or the screen shows, once.
	n=$(_tmux capture-pane -p -J -S -"$HISTORY" -t "$t" |
	    awk 'NR == FNR { want["n " $1] = 1; next }
		 ($0 in want) { seen[$0] = 1 }
		 END { print length(seen) }' "$W/$t.outage" -)
	note "$tool: $n of the outage's $(wc -l <"$W/$t.outage") lines ($first..$last) in the local terminal"
	bench_add "$M" "$tool" "$(awk -v n="$n" -v all="$(wc -l <"$W/$t.outage")" \
	    'BEGIN { printf "%.1f\n", 100 * n / all }')" % higher
	stop_tool "$t"
}

for ((r = 1; r <= ROUNDS; r++)); do
	# Rotate the order of the tools from round to round.
	for ((i = 0; i < ${#TOOLS[@]}; i++)); do
		measure "${TOOLS[(i + r - 1) % ${#TOOLS[@]}]}" "$r"
	done
done

bench_text "Output of an outage in the local terminal: a remote counter printing 5" \
    "lines a second in an 80x24 terminal (a tmux pane) with $HISTORY lines of history;" \
    "a ${BH_SECS} s blackhole (nftables drop, both ways); the share of the lines" \
    "printed during it that the terminal's history and screen show once the" \
    "terminal has caught up (shows the outage's last line or a later one)." \
    "Two network namespaces with a real sshd; $ROUNDS round(s), tools interleaved." \
    "$(date -u +%F), $(uname -r), $(ssh -V 2>&1), $(mosh --version 2>/dev/null | head -n 1)," \
    "tmux $(tmux -V | cut -d' ' -f2) with autossh $(autossh -V 2>&1 | awk '{ print $2 }')" \
    "(-M 0, ServerAliveInterval 1, ServerAliveCountMax 3, tmux new -A on the server)," \
    "tether $("$TETHER" --version | cut -d' ' -f2). Issue 5's target: 100%."
bench_table "$M" % higher "${TOOLS[@]}"
bench_done
