#!/bin/bash
# Keystroke echo latency, tether against its peers, on the test bed (two
# network namespaces, a real sshd): bench/echoprobe types single keys into
# a client running on a pseudo-terminal of its own (80x24), to a remote
# `stty raw -echo isig; printf READY; exec cat`, and times each key's way
# back; the median and the 99th percentile of each run are recorded. Once
# on the bed as it is (with the packets per key that the client namespace
# sent and received), once with 50 ms added each way by bench/relay, a
# userspace delay line (the kernel has no netem) in the client namespace
# between the clients and the server, for TCP (ssh) and UDP (mosh), and
# once with 2% of the packets lost each way (nftables in the client
# namespace), with the share of the keys whose echo took over 100 ms.
#
#	TETHER=build/tether bash bench/echo.sh [--quick] [--rounds N]
#
# Default: 200 keys per run, 3 rounds (about 8 minutes); --quick: 40
# keys, 2 rounds, no lossy link (about 60 s). Tools alternate within each
# round: ssh, ssh+tmux, mosh, tether.
# `isig` is there so that the probe can end every tool the same way, by
# typing Ctrl-C (cat dies, the remote program ends, each client exits by
# itself); it changes nothing for the printable keys measured.
. "$(dirname "$0")/lib.sh"
bench_init echo "$@"

KEYS=200
WARM=5
DELAY=50
if [ -n "$QUICK" ]; then
	KEYS=40
	# --quick alone: 2 rounds; an explicit --rounds wins.
	case " $* " in
	*" --rounds "*) ;;
	*) ROUNDS=2 ;;
	esac
fi
tools=(ssh ssh+tmux mosh tether)
bench_only tools

# The two helpers, built here like the rest of the bed.
for p in echoprobe relay; do
	lib=
	[ "$p" = echoprobe ] && lib=-lutil
	# shellcheck disable=SC2086 # $lib: zero or one word
	cc -std=c17 -O2 -Wall -Wextra -Werror -o "$W/$p" \
	    "$BENCH_TOP/bench/$p.c" $lib || bail "cannot build bench/$p.c"
done

# The delay line for ssh: 127.0.0.1:2222 in the client namespace, to sshd;
# an ssh config that goes through it (the host key is still the server's).
RELAY_TCP=2222
# (Started without in_client, a function: in a subshell of its own, $!
# would not be the relay. Its standard output must not be ours either, or
# a $(...) that started it would wait for it.)
in_client_bg() {
	"${SSHBED_CLIENT_PREFIX[@]}" "$@" </dev/null >/dev/null &
}
in_client_bg "$W/relay" -d "$DELAY" tcp "127.0.0.1:$RELAY_TCP" \
    "$SSHBED_ADDR:$SSHBED_PORT" 2>"$W/relay-tcp.err"
relay_tcp_pid=$!
SLOW_CONFIG=$W/ssh_config_slow
sed -e "s/^\( *HostName \).*/\1127.0.0.1/" \
    -e "s/^\( *Port \).*/\1$RELAY_TCP/" \
    -e "/^ *HostName /a\\    HostKeyAlias $SSHBED_ADDR" \
    "$SSHBED_CONFIG" >"$SLOW_CONFIG"
chmod 644 "$SLOW_CONFIG"

# Up to a few seconds for the relay to listen: one ssh through it. Its
# time against the direct one is the check that the delay is there
# (several round trips: about 100 ms each instead of a fraction of one).
ssh_time() {
	local t0 t1
	t0=$(bench_now_us)
	in_client ssh -F "$1" testhost true </dev/null >/dev/null 2>>"$W/ssh-time.err" ||
	    return 1
	t1=$(bench_now_us)
	echo "$(((t1 - t0) / 1000))"
}
wait_until in_client bash -c "exec 3<>/dev/tcp/127.0.0.1/$RELAY_TCP" 2>/dev/null ||
    bail "the relay does not listen: $(head -c 300 "$W/relay-tcp.err")"
t_direct=$(ssh_time "$SSHBED_CONFIG") || bail "ssh testhost true failed: $(tail -c 300 "$W/ssh-time.err")"
t_slow=$(ssh_time "$SLOW_CONFIG") || bail "ssh through the relay failed: $(tail -c 300 "$W/ssh-time.err")"
note "ssh testhost true: ${t_direct} ms direct, ${t_slow} ms with +$DELAY ms each way"

REMOTE='stty raw -echo isig; printf READY; exec cat'
run_n=0
MOSH_PORT=60001

# The lossy link: LOSS percent of the TCP segments and UDP datagrams the
# client namespace sends, and of those it receives, dropped at random.
LOSS=2
loss_on() {
	in_client nft -f - <<-EOF
	table inet echoloss {
		chain o { type filter hook output priority 0; meta l4proto { tcp, udp } numgen random mod 100 < $LOSS drop; }
		chain i { type filter hook input priority 0; meta l4proto { tcp, udp } numgen random mod 100 < $LOSS drop; }
	}
	EOF
}
loss_off() {
	in_client nft delete table inet echoloss 2>/dev/null
	return 0
}
world_on_cleanup loss_off

# probe_one TOOL COND: one run (COND idle, slow or loss); prints "MEDIAN
# P99" in ms, then for idle "IN OUT", the packets per key the client
# namespace took and sent, for loss the percentage of keys whose echo took
# over 100 ms; or "fail" with the reason as a diagnostic.
probe_one() {
	local tool=$1 cond=$2 conf=$SSHBED_CONFIG rpid='' rc out
	local -a cmd
	run_n=$((run_n + 1))
	[ "$cond" = slow ] && conf=$SLOW_CONFIG
	case $tool in
	ssh) cmd=(ssh -F "$conf" -t testhost "$REMOTE") ;;
	ssh+tmux)
		# status off: the status line would repaint letters and digits.
		cmd=(ssh -F "$conf" -t testhost
		    "tmux -L echo$$-$run_n -f /dev/null new-session '$REMOTE' \\; set status off") ;;
	mosh)
		# A port of its own each run (a server that lingered cannot be
		# in the way); with the delay, a UDP relay on that port at
		# 127.0.0.1, which is where mosh sends (the address its ssh
		# went to). The locale: world_init's LC_ALL=C would make mosh
		# refuse; it passes the client's LC_ALL to mosh-server.
		MOSH_PORT=$((MOSH_PORT + 1))
		if [ "$cond" = slow ]; then
			in_client_bg "$W/relay" -d "$DELAY" udp "127.0.0.1:$MOSH_PORT" \
			    "$SSHBED_ADDR:$MOSH_PORT" 2>>"$W/relay-udp.err"
			rpid=$!
		fi
		cmd=(env LC_ALL=C.UTF-8 mosh --ssh="ssh -F $conf" -p "$MOSH_PORT"
		    testhost -- sh -c "$REMOTE") ;;
	tether)
		cmd=("$TETHER" --ssh "ssh -F $conf" --remote-tether "$SSHBED_REMOTE_TETHER"
		    -s "echo$run_n" testhost -- sh -c "$REMOTE") ;;
	esac
	# Packets only without the relay, which would count each twice.
	# Under loss, every latency, to count the slow ones.
	local -a opts=()
	[ "$cond" = idle ] && opts=(-P)
	[ "$cond" = loss ] && opts=(-o "$W/lat") && rm -f "$W/lat" && loss_on
	in_client "$W/echoprobe" -n "$KEYS" -W "$WARM" -k 10 -T 300 "${opts[@]}" \
	    -- "${cmd[@]}" >"$W/probe.out" 2>"$W/probe.err" </dev/null
	rc=$?
	[ "$cond" = loss ] && loss_off
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
	out=$(awk '$1 == "keys" && $3 == "median_us" {
	    printf "%.3f %.3f", $4 / 1000, $6 / 1000
	    for (i = 11; i < NF; i++)
		if ($i == "pkts_in")
			printf " %.2f %.2f", $(i + 1) / $2, $(i + 3) / $2
	    printf "\n" }' "$W/probe.out")
	if [ -n "$out" ] && [ "$cond" = loss ]; then
		out="$out $(awk '$1 > 100000 { n++ } END {
		    printf "%.1f", NR ? 100 * n / NR : 0 }' "$W/lat")"
	fi
	if [ -z "$out" ]; then
		echo fail
		diag "echo $tool ($cond) failed ($rc): $(head -c 300 "$W/probe.err")"
		return
	fi
	# Measured, but the client had to be killed: the figures stand.
	[ "$rc" -ne 0 ] && diag "echo $tool ($cond): $(head -c 300 "$W/probe.err")"
	echo "$out"
}

# Each run ends with its remote cat: ssh+tmux's tmux server, mosh-server
# and tether's session end with it, so no run leaves work behind for the
# next. Idle first, then delayed, within each round.
# (--quick: not the lossy link, to stay within its 5 minutes.)
conds=(idle slow loss)
[ -n "$QUICK" ] && conds=(idle slow)
for ((r = 1; r <= ROUNDS; r++)); do
	for cond in "${conds[@]}"; do
		label=idle
		[ "$cond" = slow ] && label="+$DELAY ms each way"
		[ "$cond" = loss ] && label="$LOSS% loss each way"
		for t in "${tools[@]}"; do
			v=$(probe_one "$t" "$cond")
			if [ "$v" = fail ]; then
				bench_add "echo median, $label" "$t" fail ms lower
				bench_add "echo p99, $label" "$t" fail ms lower
				[ "$cond" = idle ] &&
				    bench_add "packets per keystroke" "$t" fail packets lower
				[ "$cond" = loss ] &&
				    bench_add "echoes over 100 ms, $label" "$t" fail % lower
				continue
			fi
			read -r med p99 x1 x2 <<<"$v"
			bench_add "echo median, $label" "$t" "$med" ms lower
			bench_add "echo p99, $label" "$t" "$p99" ms lower
			# Both ways: to the client and from it.
			[ "$cond" = idle ] && [ -n "${x2:-}" ] &&
			    bench_add "packets per keystroke" "$t" \
			    "$(awk -v a="$x1" -v b="$x2" 'BEGIN { printf "%.2f", a + b }')" \
			    packets lower
			[ "$cond" = loss ] &&
			    bench_add "echoes over 100 ms, $label" "$t" "$x1" % lower
		done
	done
done
kill "$relay_tcp_pid" 2>/dev/null

bench_text "## Keystroke echo latency" "" \
    "Single printable keys typed one at a time (a random 10-30 ms pause after" \
    "each echo) into a client on an 80x24 pseudo-terminal, to a remote" \
    "\`stty raw -echo isig; printf READY; exec cat\`; each key timed from its" \
    "write to the client's terminal until it shows up in the client's output" \
    "(escape sequences skipped, so a repaint counts when the character is" \
    "drawn). $KEYS keys per run after $WARM uncounted ones; per run the median" \
    "and the 99th percentile (nearest rank$([ "$KEYS" -lt 100 ] && echo ": with $KEYS keys, the slowest"))," \
    "$ROUNDS rounds, tools alternating within each round. \"+$DELAY ms each way\":" \
    "a userspace relay (bench/relay.c) in the client namespace delays every" \
    "TCP chunk and UDP datagram by $DELAY ms in each direction (ssh testhost" \
    "true: ${t_direct} ms direct, ${t_slow} ms through it). ssh is \`ssh -t\`;" \
    "ssh+tmux runs the program in a new tmux session on the server; mosh is" \
    "mosh $(mosh --version 2>/dev/null | awk 'NR == 1 { print $2 }') with its default (adaptive) local echo: on a slow link it" \
    "draws a key before the server has echoed it, and then its figure is" \
    "that local echo's;" \
    "tether is \`tether -s NAME host -- CMD\`. $(date -u +%F), $(uname -r)," \
    "$(ssh -V 2>&1 | cut -d, -f1), tmux $(tmux -V | cut -d' ' -f2)," \
    "tether $("$TETHER" --version | cut -d' ' -f2)."
for label in idle "+$DELAY ms each way"; do
	for m in median p99; do
		bench_table "echo $m, $label" ms lower "${tools[@]}"
	done
done
if [ -z "$QUICK" ]; then
	bench_text "" "A lossy link: the same runs on the bed with $LOSS% of the TCP segments" \
	    "and UDP datagrams dropped at random each way (nftables in the client" \
	    "namespace), and the share of the keys whose echo took longer than" \
	    "100 ms, where a lost packet waited for TCP's (or mosh's) recovery."
	for m in median p99; do
		bench_table "echo $m, $LOSS% loss each way" ms lower "${tools[@]}"
	done
	bench_table "echoes over 100 ms, $LOSS% loss each way" % lower "${tools[@]}"
fi

bench_text "" "The network's cost of typing: the TCP segments and UDP datagrams" \
    "the client's network namespace received and sent while the counted" \
    "keys of each idle run were typed and echoed (and for 250 ms after the" \
    "last), per key, both ways together (from /proc/net/snmp; nothing else" \
    "uses that namespace then). Plain ssh's least is about 2: the key, and" \
    "its echo, which also acknowledges it; TCP's own acknowledgements ride" \
    "on the next key or echo."
bench_table "packets per keystroke" packets lower "${tools[@]}"
bench_done
