#!/bin/bash
# Resuming at the protocol level (tests/helpers/tdrive.c): output and input
# cross abrupt drops of the connection exactly once, byte for byte.
#
# Output: a program writes 50 MB of numbered lines (seq, on a raw pty so
# that the bytes are seq's own); a driver attaches, records output, drops the
# connection abruptly (no DETACH, output in flight lost) and a driver
# resumes from the offset that was recorded. What the drivers recorded
# together must equal what seq writes, compared with cmp. A resume that is
# not exact (RESUME_BEHIND, a SKIP) makes a driver fail, saying what was lost.
#
# What is exact by design and what is not (src/host.c): while a client is
# attached, the host reads the pty only while unacknowledged output is below
# the ring size, so the program is paced by the client's ACKs; a client that
# falls silent keeps holding output for the stall timeout (2 s). But a
# connection that is closed is forgotten at once: until the next client
# attaches, nothing paces the program, and what it writes overwrites the
# oldest bytes of the ring. So
#  - a takeover (the new connection attaches while the old one is still
#    there, silent, as after a link died unnoticed) is exact for any drop
#    point, given a reconnect within the stall timeout: tested with 5 to 8
#    drops in a row by separate processes, and with 10 drops within one;
#  - a close followed by a reconnect is exact only if the program writes
#    less than the ring meanwhile, which no test can promise: on a loaded
#    machine, a driver already waiting for its cue can still take some
#    hundred milliseconds to reconnect, and seq writes 10 MB and more
#    meanwhile. The drivers that close first therefore stop the program
#    (SIGSTOP) at the drop and continue it once the next one is welcomed;
#    before the drop they acknowledge output only up to (drop - ring), so
#    that the host holds nothing undelivered and the pty's last bytes, read
#    meanwhile, overwrite nothing that is still needed (--hold).
#
# Input: a driver sends a file's bytes as INPUT frames and drops without
# waiting for INPUT_ACK (the last frame cut in the middle); the next one
# resends from WELCOME.in_next or from its last acknowledged offset; the
# program (cat on a raw pty) must receive every byte exactly once.
. "$(dirname "$0")/../lib.sh"
world_init

TDRIVE=${TESTBIN:?TESTBIN is not set: run the tests with tests/run}/tdrive
[ -x "$TDRIVE" ] || bail "no $TDRIVE: build it with make (the check target)"

MIB=1048576
LINES=6500000			# seq 1 6500000: 50888896 bytes
seq 1 "$LINES" >"$W/expected" || bail "cannot write $W/expected"
TOTAL=$(wc -c <"$W/expected")
note "seq 1 $LINES writes $TOTAL bytes"

# A random number in [lo, hi) (bash's RANDOM is 15 bits; two make 30).
rand() {
	echo $(($1 + (RANDOM * 32768 + RANDOM) % ($2 - $1)))
}

# seq_session NAME RING: a session whose program puts its pty in raw mode
# (no \r added, no echo), leaves its pid, says it is ready, waits for one
# byte of input and then writes the numbered lines.
seq_session() {
	local name=$1 ring=$2
	run "$TETHER" new --ring "$ring" "$name" -- sh -c "stty raw -echo &&
	    echo \$\$ >'$W/$name.pid' && : >'$W/$name.ready' &&
	    head -c 1 >/dev/null && exec seq 1 $LINES"
	is "$RC" 0 "new $name with a $ring ring"
	wait_until test -e "$W/$name.ready"
}

# driver_bg LOG ARGS...: a tdrive in the background (a deadline of 120 s);
# its pid and log are appended to DRIVERS and DRIVER_LOGS.
DRIVERS=()
DRIVER_LOGS=()
driver_bg() {
	local log=$1
	shift
	log_note "background: tdrive $*"
	timeout -k 5 120 "$TDRIVE" "$@" >"$log" 2>&1 &
	DRIVERS+=($!)
	DRIVER_LOGS+=("$log")
}

# check_drivers NAME: the background drivers all succeeded.
check_drivers() {
	local i rc failed=0
	for ((i = 0; i < ${#DRIVERS[@]}; i++)); do
		wait "${DRIVERS[i]}"
		rc=$?
		if [ "$rc" -ne 0 ]; then
			failed=1
			diag "${DRIVER_LOGS[i]##*/} exited $rc:"
			diag_file "${DRIVER_LOGS[i]}"
		fi
	done
	is "$failed" 0 "$1: every driver resumed exactly and succeeded"
	DRIVERS=()
	DRIVER_LOGS=()
}

# same_output NAME: what NAME's drivers recorded equals seq's output.
same_output() {
	local desc="$1: the output recorded across the drops is seq's"
	if cmp "$W/expected" "$W/$1.out" >"$W/cmp.out" 2>&1; then
		pass "$desc"
	else
		fail "$desc"
		diag_file "$W/cmp.out"
		diag "recorded $(wc -c <"$W/$1.out") of $TOTAL bytes"
	fi
	rm -f "$W/$1.out"
}

# ------------------------------------------------ drops by separate processes

# chain NAME RING HOLD MODE LEN...: one driver per LEN, each reading LEN
# bytes and dropping, then one reading to the end. Every driver but the
# first is started in advance and waits for its cue, given at the drop
# before it. MODE freeze: each drop closes the connection, with the program
# stopped until the next driver is welcomed; linger: each drop falls silent
# first, and the connection is closed once the next driver has attached.
# HOLD: how far before each drop ACKs stop.
chain() {
	local name=$1 ring=$2 hold=$3 mode=$4 i n at=0 bad=0
	local args first lens want pid
	shift 4
	lens=("$@")
	n=$((${#lens[@]} + 1))
	seq_session "$name" "$ring"
	pid=$(cat "$W/$name.pid")
	# Driver i reads lens[i - 1] bytes; cues and logs are numbered by i.
	for ((i = 1; i <= n; i++)); do
		args=(read "$name" --state "$W/$name.state" --out "$W/$name.out"
		    --attached "$W/$name.attached.$i")
		if [ "$i" -eq 1 ]; then
			args+=(--send g)
		else
			args+=(--wait "$W/$name.cue.$i"
			    --ready "$W/$name.ready.$i")
			[ "$mode" = freeze ] && args+=(--thaw "$pid")
		fi
		if [ "$i" -lt "$n" ]; then
			args+=(--max "${lens[i - 1]}" --hold "$hold"
			    --signal "$W/$name.cue.$((i + 1))")
			[ "$mode" = freeze ] && args+=(--freeze "$pid")
			[ "$mode" = linger ] &&
			    args+=(--linger "$W/$name.attached.$((i + 1))")
		fi
		if [ "$i" -eq 1 ]; then
			first=("${args[@]}")
		else
			driver_bg "$W/$name.$i.log" "${args[@]}"
		fi
	done
	# The first driver starts once all the others are waiting.
	for ((i = 2; i <= n; i++)); do
		wait_until test -e "$W/$name.ready.$i"
	done
	driver_bg "$W/$name.1.log" "${first[@]}"
	check_drivers "$name"
	for ((i = 2; i <= n; i++)); do
		at=$((at + lens[i - 2]))
		want="welcome resume=exact out_start=$at skipped=0 in_next=1"
		if ! grep -qx "$want" "$W/$name.$i.log"; then
			bad=1
			diag "driver $i did not resume at $at"
		fi
	done
	is "$bad" 0 "$name: each of $((n - 1)) reconnects resumed exactly"
	ok "$name: the last driver saw the program exit with status 0" \
	    grep -qx "exit code 0 at $TOTAL" "$W/$name.$n.log"
	same_output "$name"
	wait_until session_gone "$name"
	ok "$name: the session ended with its program" session_gone "$name"
}

# One drop somewhere after the first 8 MiB, with an 8 MiB ring. Every drop
# leaves more than a ring to come, so that the program is still there.
chain one 8M $((8 * MIB)) freeze "$(rand $((8 * MIB)) $((TOTAL - 9 * MIB)))"
note "one: dropped at $(sed -n 's/^stopped at //p' "$W/one.1.log")"

# 5 to 8 drops, each after 4 to 4.5 MiB, with a 4 MiB ring.
lens=()
for ((i = $(rand 5 9); i > 0; i--)); do
	lens+=("$(rand $((4 * MIB)) $((4 * MIB + MIB / 2)))")
done
note "many: drops after ${lens[*]} bytes"
chain many 4M $((4 * MIB)) freeze "${lens[@]}"

# 5 to 8 silent drops taken over, after any number of bytes up to 4.5 MiB,
# with the default ring and ordinary ACKs; the program is never stopped.
lens=()
for ((i = $(rand 5 9); i > 0; i--)); do
	lens+=("$(rand 1 $((4 * MIB + MIB / 2)))")
done
note "silent: drops after ${lens[*]} bytes"
chain silent 8M 0 linger "${lens[@]}"

# ------------------------------------------------ takeovers in one process

# Ten drops at random points, anywhere (the first within the first 64 KiB),
# each by a new connection of the same driver attaching before the old one
# is dropped. With the default ring and ordinary ACKs: exact for any timing.
seq_session take 8M
drops=$( (rand 1 65536; for ((i = 0; i < 9; i++)); do
	rand 1 $((TOTAL - 9 * MIB)); done) | sort -n -u | paste -s -d, -)
ntake=$(tr , '\n' <<<"$drops" | wc -l)
note "take: drops at $drops"
run "$TDRIVE" read take --out "$W/take.out" --send g --drops "$drops" \
    --takeover
is "$RC" 0 "take: the driver read to the end across $ntake takeovers"
[ "$RC" -eq 0 ] || diag "$ERR"
is "$(grep -c '^welcome resume=exact' <<<"$OUT")" "$ntake" \
    "take: every takeover resumed exactly"
like "$OUT" "exit code 0 at $TOTAL" "take: the program's exit status 0 arrived"
same_output take

# ------------------------------------------------ input exactly once

# cat on a raw pty records every byte it gets; 3 MB of random bytes (all
# 256 values) are sent in three parts by three drivers.
head -c 3000000 /dev/urandom >"$W/data" || bail "cannot make test data"
run "$TETHER" new catin -- sh -c "stty raw -echo &&
    : >'$W/catin.ready' && exec cat >'$W/catin.got'"
is "$RC" 0 "new catin"
wait_until test -e "$W/catin.ready"
ST=$W/catin.state

# in_state KEY: a value from the input driver's state file.
in_state() {
	sed -n "s/^$1 //p" "$ST"
}

# 1: frames up to 1000000 bytes, then 7 bytes of the next frame, and the
# connection dropped without waiting for any INPUT_ACK.
run "$TDRIVE" input catin --state "$ST" --data "$W/data" --max 1000000 \
    --cut 7
is "$RC" 0 "input 1: sent 1000000 bytes and a cut frame, then dropped"
is "$(in_state in_sent)" 1000000 "input 1: the state says 1000000 sent"
note "input 1: acknowledged before the drop: $(in_state in_acked)"

# 2: once the host has seen the drop (the session is detached), reconnect.
# WELCOME.in_next says where the host wants input from: at least what it
# acknowledged, at most the 1000000 bytes of whole frames (the cut frame's
# bytes must not count; frames a dropped peer left unread may be discarded,
# the resend covers them). Resend from the last acknowledged offset, so that
# the host has to drop a duplicate prefix, in frames that straddle in_next;
# then drop again, with a cut frame.
wait_until session_is catin detached
acked=$(in_state in_acked)
run "$TDRIVE" input catin --state "$ST" --data "$W/data" --max 2000000 \
    --cut 100 --resend acked --chunk 3001
is "$RC" 0 "input 2: resent from the acknowledged $acked, dropped at 2000000"
[ "$RC" -eq 0 ] || diag "$ERR"
next=$(sed -n 's/^welcome .* in_next=\([0-9]*\)$/\1/p' <<<"$OUT")
ok "input 2: WELCOME.in_next $next is in [$acked, 1000000]: no cut frame" \
    test -n "$next" -a "${next:-0}" -ge "$acked" -a "${next:-0}" -le 1000000
like "$OUT" "^sent $acked\\.\\.2000000\$" "input 2: it resent from $acked"

# 3: reconnect at once (the host may not have read all of the previous
# connection, whose rest it then ignores), resend from WELCOME.in_next and
# send the rest; wait for every INPUT_ACK.
run "$TDRIVE" input catin --state "$ST" --data "$W/data"
is "$RC" 0 "input 3: resent from WELCOME.in_next and sent the rest"
[ "$RC" -eq 0 ] || diag "$ERR"
next=$(sed -n 's/^welcome .* in_next=\([0-9]*\)$/\1/p' <<<"$OUT")
note "input 3: WELCOME.in_next $next"
like "$OUT" "^sent $next\\.\\.3000000\$" "input 3: it resent from in_next"
like "$OUT" "^acked 3000000\$" "input 3: the host acknowledged all 3000000"

got_all() {
	[ "$(wc -c <"$W/catin.got")" -ge 3000000 ]
}
wait_until got_all
if cmp "$W/data" "$W/catin.got" >"$W/cmp.out" 2>&1; then
	pass "input: the program received every byte exactly once"
else
	fail "input: the program received every byte exactly once"
	diag_file "$W/cmp.out"
	diag "received $(wc -c <"$W/catin.got") of 3000000 bytes"
fi
run "$TETHER" kill catin
is "$RC" 0 "kill catin"

done_testing
