#!/bin/bash
# tether host across two network namespaces, through real faults: silent
# blackholes (10 s and 60 s), the client's link down and up, the client
# roaming to a new address (twice), a network change while the session host
# is too busy to answer, the client stopped for 30 s (a sleeping laptop),
# sshd restarted with its connections dropped. For each, a remote
# program prints a numbered line every 100 ms; the session must survive,
# every line must reach the client's terminal once and in order, and a
# line typed during the fault must reach the program exactly once. A
# program that ends during a blackhole must still show its last line and
# exit status once the client is back.
#
# The time from the end of each fault to the first fresh line is recorded
# (TAP notes and tests/out/resume-times.log); nothing asserts it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../sshbed.sh"
world_init
sshbed_init --netns
sshbed_install_tether

R=(--ssh "ssh -F $SSHBED_CONFIG" --remote-tether "$SSHBED_REMOTE_TETHER")
TT=$W/tt
OUTLOG=${TETHER_TEST_OUT:-$PWD/tests/out}/resume-times.log
mkdir -p "$(dirname "$OUTLOG")"

# counter NAME: a terminal whose remote program counts, and keeps what is
# typed (without echo) in $TT/NAME.input.
counter() {
	term_start "$1" 80 24 "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" "${R[@]}" \
	    -s "$1" testhost -- sh -c "stty -echo; i=0; while :; do
	    i=\$((i+1)); echo \"n \$i\"; sleep 0.1; done & exec cat >$TT/$1.input"
	wait_for_output -t "$1" '^n 10$' 60 || bail "$1: the counter did not start"
}

# last_n NAME: the highest counter line the terminal has shown.
last_n() {
	term_text -t "$1" | grep -a '^n [0-9]*$' | tail -n 1 | cut -d' ' -f2
}

# The time since the epoch, in milliseconds.
now_ms() {
	date +%s%3N
}

# after_fault NAME DESC: the fault just ended. Record how long the output
# took to resume, then check the session and its output and input.
after_fault() {
	local t=$1 desc=$2 end mark first n
	end=$(now_ms)
	mark=$(last_n "$t")
	while [ "$(last_n "$t")" = "$mark" ] && [ $(($(now_ms) - end)) -lt 120000 ]; do
		sleep 0.02
	done
	first=$(now_ms)
	note "$desc: output resumed $((first - end)) ms after the fault ended"
	printf '%s\t%s\t%d ms\n' "$(date -u +%FT%TZ)" "$desc" \
	    $((first - end)) >>"$OUTLOG"
	n=$(($(last_n "$t") + 20))
	wait_for_output -t "$t" "^n $n\$" 60
	ok "$desc: the client is still attached" term_alive -t "$t"
	term_text -t "$t" | grep -a '^n [0-9]*$' >"$W/got"
	seq 1 "$(tail -n 1 "$W/got" | cut -d' ' -f2)" | sed 's/^/n /' >"$W/want"
	ok "$desc: every line arrived once and in order" cmp -s "$W/want" "$W/got"
	wait_until grep -qx "typed-during-$t" "$TT/$t.input"
	is "$(grep -cx "typed-during-$t" "$TT/$t.input")" 1 \
	    "$desc: the line typed during the fault reached the program once"
	run "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" ls "${R[@]}" testhost
	is "$(printf '%s\n' "$OUT" | grep -c "^$t ")" 1 \
	    "$desc: one session, attached" 
	like "$OUT" "^$t +attached " "$desc: the session is attached again"
}

# type_during NAME: type a line while the link is down.
type_during() {
	term_keys -t "$1" -l "typed-during-$1"
	term_keys -t "$1" Enter
}

# finish NAME: quit the client (~.) and end the session.
finish() {
	term_keys -t "$1" Enter
	term_keys -t "$1" -l '~.'
	term_wait_dead -t "$1"
	run "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" kill "${R[@]}" testhost "$1"
}

# A silent blackhole: 10 s, then 60 s.
for secs in 10 60; do
	t=bh$secs
	counter "$t"
	fault_blackhole_on
	sleep 1
	type_during "$t"
	sleep $((secs - 1))
	if [ "$secs" = 60 ]; then
		like "$(_tmux display -p -t "$t" '#{pane_title}')" 'link down' \
		    "blackhole: the terminal title says the link is down"
	fi
	fault_blackhole_off
	after_fault "$t" "blackhole ${secs}s"
	finish "$t"
done

# The program ends during a blackhole: its last line and exit status were
# written into a dead connection, so the host keeps them until the client
# is back, and the reconnected client shows them and exits with them.
term_start pe 80 24 "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" "${R[@]}" -s pe \
    testhost -- sh -c "i=0; while [ \$i -lt 30 ]; do i=\$((i+1));
    echo \"n \$i\"; sleep 0.05; done;
    while [ ! -e $TT/pe.go ]; do sleep 0.05; done; echo PE-LAST; exit 9"
wait_for_output -t pe '^n 30$' 60 || bail "pe: the program did not start"
fault_blackhole_on
sleep 1
touch "$TT/pe.go"
sleep 5
fault_blackhole_off
is "$(term_exit_status -t pe 60)" 9 \
    "program ended in a blackhole: the client exits with its status"
ok "program ended in a blackhole: its last line reached the terminal" \
    wait_for_output -t pe '^PE-LAST$'
run "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" ls "${R[@]}" testhost
unlike "$OUT" '^pe ' "program ended in a blackhole: then the session is gone"

# The client's link goes down for 10 s.
counter ld
fault_link_down
sleep 1
type_during ld
sleep 9
fault_link_up
after_fault ld "link down 10s"
finish ld

# The client roams: new address, the old one gone.
counter roam
fault_roam
type_during roam
after_fault roam "roam"
finish roam
# The old connection came from the address that is gone: the client gave
# it up as soon as the change settled, without a PING to wait for.
like "$(grep -a 'link lost' "$W/debug.log")" \
    "link lost \(the connection's local address is gone\)" \
    "roam: the connection from the vanished address is given up at once"

# A client roams twice. The second time, its connection is a reconnect's,
# which tether dial made and handed to ssh: given up at once too.
counter roam2
fault_roam
type_during roam2
after_fault roam2 "roam, reconnected"
mark=$(last_n roam2)
fault_roam
ok "roam again: the output resumes" \
    wait_for_output -t roam2 "^n $((mark + 20))\$" 60
is "$(grep -ac "link lost (the connection's local address is gone)" \
    "$W/debug.log")" 3 \
    "roam again: the reconnected connection is given up at once, too"
finish roam2

# The network changes (an address added: no roam) while the session host
# cannot answer (stopped for 2 s, as a loaded server's may be for a
# moment). The client's PING goes unanswered past the probe's few round
# trips, but the server's kernel acknowledged it: the path works, so the
# client waits for the answer instead of reconnecting.
counter busy
hpid=$(sshbed_session_pids host busy)
ok "busy host: found the session host" test -n "$hpid"
lost=$(grep -ac 'link lost' "$W/debug.log")
mark=$(last_n busy)
kill -STOP "$hpid"
ip -n "$SSHBED_NS_CLIENT" addr add 192.0.2.9/32 dev lo
sleep 2
kill -CONT "$hpid"
ok "busy host: the output resumes" \
    wait_for_output -t busy "^n $((mark + 20))\$" 60
ip -n "$SSHBED_NS_CLIENT" addr del 192.0.2.9/32 dev lo
like "$(cat "$W/debug.log")" \
    "no answer yet, but every byte sent was acknowledged: the path works" \
    "busy host: the client saw its PING acknowledged"
is "$(grep -ac 'link lost' "$W/debug.log")" "$lost" \
    "busy host: and did not give up the connection"
type_during busy
after_fault busy "busy host"
finish busy

# The client is stopped for 30 s, then continued.
counter stop
pid=$(term_pid -t stop)
kill -STOP "$pid"
sleep 30
type_during stop	# read by the client once it runs again
kill -CONT "$pid"
after_fault stop "client stopped 30s"
finish stop

# sshd is restarted and its established connections are dropped (as a
# reboot of sshd's host, short of the machine, would).
counter sshd
listener=$(sshd_pid)
conns=$(pgrep -P "$listener")
conns="$conns $(for p in $conns; do pgrep -P "$p"; done)"
sshd_stop
# shellcheck disable=SC2086
kill -KILL $conns
type_during sshd
sleep 2
sshd_start
after_fault sshd "sshd restarted"
finish sshd

done_testing
