#!/bin/bash
# Resume after a blackhole during a flood on a slow link, tether against
# mosh, on the test bed:
#
#	TETHER=build/tether bash bench/floodresume.sh [--quick] [--rounds N]
#
# The server's side of the bed's veth pair is limited to 1 Mbit/s (tc tbf,
# as bench/ctrlc.sh does), and the remote program prints numbered lines
# ("n 17", each with a line of filler) as fast as it can, far more than
# the link carries: tether sends frames of the screen (issue 6), mosh its
# screen states. Once the counter shows, every packet is dropped for 5 s,
# and the figure is the time from the blackhole's end to the first counter
# line on the terminal's screen with a higher number than it showed before.
. "$(dirname "$0")/lib.sh"
bench_init floodresume "$@"

case " $* " in
*" --rounds "*) ;;
*) [ -n "$QUICK" ] && ROUNDS=1 ;;
esac

BH_SECS=5
CAP=60
TOOLS=(tether mosh)

. "$BENCH_TOP/bench/counter.sh"
# The counter as a flood: no pause between lines.
cat >"$TT/counter.sh" <<'EOC'
d=${0%/*}
echo $$ >"$d/$1.pid"
pad=$(printf '%070d' 0 | tr 0 -)
i=0
while :; do
	i=$((i + 1))
	printf 'n %d\n%s\n' "$i" "$pad"
done
EOC
chmod 644 "$TT/counter.sh"

in_server tc qdisc replace dev "$SSHBED_IF_SERVER" root tbf \
    rate 1mbit burst 16kb latency 100ms || bail "cannot limit the link with tc tbf"

LABEL="resume after 5 s blackhole, flood at 1 Mbit/s"
measure() {
	local tool=$1 t=fr-$1-$2 mark begin end v
	start_tool "$tool" "$t"
	if ! wait_until -t 60 shows_n "$t" 5; then
		show_screen "$t" "$tool: the counter did not show within 60 s"
		bench_add "$LABEL" "$tool" fail s lower
		stop_tool "$t"
		return
	fi
	sleep 3		# the flood under way, the link's rate known
	fault_blackhole_on
	sleep "$BH_SECS"
	mark=$(last_n "$t")
	begin=$(bench_now_ms)
	fault_blackhole_off
	end=$(bench_now_ms)
	note "$tool: ending the fault took $((end - begin)) ms"
	v=$(fresh_after "$t" "$mark" "$end" "$CAP")
	[ "$v" = fail ] && show_screen "$t" "$tool: no counter line above $mark within ${CAP}s"
	bench_add "$LABEL" "$tool" "$v" s lower
	stop_tool "$t"
}

for ((r = 1; r <= ROUNDS; r++)); do
	for ((i = 0; i < ${#TOOLS[@]}; i++)); do
		measure "${TOOLS[(i + r - 1) % ${#TOOLS[@]}]}" "$r"
	done
done

bench_text "Resume after a 5 s blackhole during a flood on a 1 Mbit/s link (tc tbf on" \
    "the server's side): a remote counter printing numbered lines as fast as it" \
    "can, in an 80x24 terminal (a tmux pane); the time from the end of the" \
    "blackhole to the first higher counter line on the screen. $ROUNDS round(s)," \
    "tools interleaved. $(date -u +%F), $(uname -r), $(mosh --version 2>/dev/null | head -n 1)," \
    "tether $("$TETHER" --version | cut -d' ' -f2)."
bench_table "$LABEL" s lower "${TOOLS[@]}"
bench_done
