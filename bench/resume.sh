#!/bin/bash
# Resume after network faults, tether against mosh and autossh (+ tmux), on
# the test bed (two network namespaces, a real sshd):
#
#	TETHER=build/tether bash bench/resume.sh [--quick] [--rounds N]
#
# Each tool runs in a real terminal (a tmux pane on the client side) with a
# remote counter that prints a numbered line ("n 17") 5 times a second.
# Once the counter shows, one fault is applied and ended, and the figure is
# the time from the fault's end (the bed's fault_*_off function returned)
# to the first counter line on the terminal's screen with a higher number
# than the screen showed before (the screen, not the output stream: mosh
# repaints the screen rather than replaying lines). The faults, from
# tests/sshbed.sh, as in tests/e2e/remote_faults.sh:
#
#   blackhole	every packet dropped silently, both ways, for 10 s;
#   link	the client's link down for 5 s, then up (the client
#		sees "network unreachable");
#   roam	the client's address changes (the old one is deleted, so its
#		connections die silently); timed from the end of fault_roam.
#
# The tools:
#
#   tether	tether testhost -- COUNTER
#   mosh	mosh testhost -- COUNTER (UDP; it roams by design)
#   autossh	autossh -M 0 with ServerAlive 1 s x 3 running
#		"tmux new -A -s c COUNTER" on the server, the usual recipe:
#		ssh notices the dead link after about 3 s, autossh starts a new
#		ssh, whose tmux attaches to the counter, still running, and
#		repaints the screen. AUTOSSH_GATETIME=0, or autossh would give up
#		when the first ssh dies within 30 s of its start.
#
# Which figures mean what: mosh's are the reference for all three faults
# (it is built for exactly this). autossh's say when an ssh user with that
# recipe sees output again; they depend on ssh's keepalive (about 3 s to
# notice), on TCP's SYN retransmission (a connection attempted during the
# blackhole gets through only at the next retry after it: 1, 3, 7, 15 s
# after the first SYN) and on autossh's back-off after failed starts (the
# link fault: each start fails at once with "network unreachable"), so
# they vary widely from run to run. A tool that shows no fresh line within
# CAP seconds records "fail" (with a diag): 60 s for tether and mosh, 150 s
# for autossh (its back-off can reach minutes; in --quick, 60 s).
#
# Each fault is run for every tool, round after round (the order of the
# tools rotates from round to round), at least 3 rounds by default;
# --quick runs 1 round, with the same outages. Tables in
# $BENCH_OUT/resume.md (docs/benchmarks/ unless --quick).
. "$(dirname "$0")/lib.sh"
bench_init resume "$@"

# --quick: one round, unless --rounds was given.
case " $* " in
*" --rounds "*) ;;
*) [ -n "$QUICK" ] && ROUNDS=1 ;;
esac

BH_SECS=10
LINK_SECS=5
CAP=60
CAP_AUTOSSH=150
[ -n "$QUICK" ] && CAP_AUTOSSH=60
TOOLS=(tether mosh autossh)

. "$BENCH_TOP/bench/counter.sh"

# measure FAULT TOOL ROUND: one run. Records the figure with bench_add.
declare -A LABEL=(
	[blackhole]="resume after 10 s blackhole"
	[link]="resume after link down/up"
	[roam]="resume after address change"
)
measure() {
	local fault=$1 tool=$2 t=$1-$2-$3 mark begin end v cap=$CAP
	[ "$tool" = autossh ] && cap=$CAP_AUTOSSH
	start_tool "$tool" "$t"
	if ! wait_until -t 60 shows_n "$t" 5; then
		show_screen "$t" "$fault/$tool: the counter did not show within 60 s"
		bench_add "${LABEL[$fault]}" "$tool" fail s lower
		stop_tool "$t"
		return
	fi
	# The mark is taken just before the fault ends (nothing can arrive
	# during a blackhole or with the link down), so a resume faster than
	# the poll is not missed; for the roam, which breaks a live link,
	# right after it (a line in flight is not a resume).
	case $fault in
	blackhole)
		fault_blackhole_on
		sleep "$BH_SECS"
		mark=$(last_n "$t")
		begin=$(bench_now_ms)
		fault_blackhole_off
		end=$(bench_now_ms) ;;
	link)
		fault_link_down
		sleep "$LINK_SECS"
		mark=$(last_n "$t")
		begin=$(bench_now_ms)
		fault_link_up
		end=$(bench_now_ms) ;;
	roam)
		begin=$(bench_now_ms)
		fault_roam
		end=$(bench_now_ms)
		mark=$(last_n "$t") ;;
	esac
	# Ending the fault takes tens of ms (nft, ip, waiting for the link),
	# during which a tool may already get through.
	note "$fault/$tool: ending the fault took $((end - begin)) ms"
	v=$(fresh_after "$t" "$mark" "$end" "$cap")
	if [ "$v" = fail ]; then
		show_screen "$t" "$fault/$tool: no counter line above $mark within ${cap}s of the fault's end"
	fi
	bench_add "${LABEL[$fault]}" "$tool" "$v" s lower
	stop_tool "$t"
}

for ((r = 1; r <= ROUNDS; r++)); do
	for fault in blackhole link roam; do
		# Rotate the order of the tools from round to round.
		for ((i = 0; i < ${#TOOLS[@]}; i++)); do
			measure "$fault" "${TOOLS[(i + r - 1) % ${#TOOLS[@]}]}" "$r"
		done
	done
done

bench_text "Resume after network faults: a remote counter printing 5 lines a second" \
    "in an 80x24 terminal (a tmux pane); the time from the end of the fault to the" \
    "first higher counter line on the screen. Two network namespaces with a real" \
    "sshd; $ROUNDS round(s), tools interleaved. $(date -u +%F), $(uname -r)," \
    "$(ssh -V 2>&1), $(mosh --version 2>/dev/null | head -n 1), autossh" \
    "$(autossh -V 2>&1 | awk '{ print $2 }') + tmux $(tmux -V | cut -d' ' -f2)," \
    "tether $("$TETHER" --version | cut -d' ' -f2). Faults: blackhole ${BH_SECS} s" \
    "(nftables drop, both ways), link down ${LINK_SECS} s, address change. autossh:" \
    "-M 0, ServerAliveInterval 1, ServerAliveCountMax 3, tmux new -A on the" \
    "server. No fresh line within ${CAP} s (autossh ${CAP_AUTOSSH} s) is \"fail\"." \
    "The fault's end is when the bed's function to end it returned; ending it" \
    "takes 20-90 ms (deleting nftables tables, setting the link up and waiting" \
    "for it), during which a tool may already get through: figures near 0 mean" \
    "at once. Issue 5's targets: blackhole <= 0.5 s and within 0.3 s of mosh;" \
    "link down/up <= 1 s; address change <= 1 s."
bench_table "resume after 10 s blackhole" s lower "${TOOLS[@]}"
bench_table "resume after link down/up" s lower "${TOOLS[@]}"
bench_table "resume after address change" s lower "${TOOLS[@]}"
bench_done
