#!/bin/bash
# The ssh test bed (tests/sshbed.sh) itself: on loopback, then across two
# network namespaces with its faults. Needs root and sshd (skipped without).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../sshbed.sh"
world_init

# A long-lived ssh connection NAME on file descriptor FD: every line written
# to it comes back as "got LINE" in $W/NAME.out.
conn_start() {
	local name=$1 fd=$2
	rm -f "$W/$name.in"
	mkfifo "$W/$name.in"
	"${SSHBED_SSH[@]}" testhost 'while read -r l; do echo "got $l"; done' \
	    <"$W/$name.in" >"$W/$name.out" 2>"$W/$name.err" &
	eval "CONN_$name=\$!"
	eval "exec $fd>\"\$W/\$name.in\""
}
conn_send() {
	printf '%s\n' "$3" >&"$2"
}
conn_got() {
	grep -qx "got $2" "$W/$1.out"
}
conn_stop() {
	local pid
	eval "pid=\$CONN_$1"
	eval "exec $2>&-"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}
# ssh_ok: a new connection works; ssh_fails: one that gives up after 2 s
# does not.
ssh_ok() {
	run "${SSHBED_SSH[@]}" -o "ConnectTimeout=$TIMEOUT" testhost echo REMOTE-OK
	[ "$RC" = 0 ] && [ "$OUT" = REMOTE-OK ]
}
ssh_fails() {
	run "${SSHBED_SSH[@]}" -o ConnectTimeout=2 testhost echo REMOTE-OK
	[ "$RC" != 0 ]
}
remote_env_checks() {
	local mode=$1
	run "${SSHBED_SSH[@]}" testhost whoami
	is "$RC" 0 "$mode: ssh testhost whoami exits 0"
	is "$OUT" tethertest "$mode: the remote command runs as tethertest"
	run "${SSHBED_SSH[@]}" testhost \
	    'printf "%s\n" "$TETHER_TEST_WORLD" "$XDG_RUNTIME_DIR" "$(stat -c %U:%a "$XDG_RUNTIME_DIR")" "$TETHER_DEBUG" "$ASAN_OPTIONS" "$UBSAN_OPTIONS"'
	is "$(sed -n 1p <<<"$OUT")" "$W" "$mode: remote TETHER_TEST_WORLD is the world"
	is "$(sed -n 2p <<<"$OUT")" "$W/tt/xdg" "$mode: remote XDG_RUNTIME_DIR"
	is "$(sed -n 3p <<<"$OUT")" tethertest:700 "$mode: XDG_RUNTIME_DIR is the user's, 0700"
	is "$(sed -n 4p <<<"$OUT")" "$W/tt/remote-debug.log" "$mode: remote TETHER_DEBUG"
	like "$(sed -n 5p <<<"$OUT")" "(^|:)log_path=$W/tt/asan\$" "$mode: remote ASAN_OPTIONS"
	like "$(sed -n 6p <<<"$OUT")" "(^|:)log_path=$W/tt/ubsan\$" "$mode: remote UBSAN_OPTIONS"
	sshbed_install_tether
	run "${SSHBED_SSH[@]}" testhost "$SSHBED_REMOTE_TETHER" --version
	is "$RC" 0 "$mode: the installed tether runs remotely"
	like "$OUT" '^tether [0-9]+\.' "$mode: remote tether --version"
	run "${SSHBED_SSH[@]}" testhost tether --version
	like "$OUT" '^tether [0-9]+\.' "$mode: tether is on the remote PATH"
}
restart_checks() {
	local mode=$1 old
	conn_start R 8
	conn_send R 8 before
	ok "$mode: a connection works before sshd_restart" wait_until conn_got R before
	old=$(sshd_pid)
	ok "$mode: sshd_restart" sshd_restart
	isnt "$(sshd_pid)" "$old" "$mode: a new listener"
	conn_send R 8 after
	ok "$mode: the connection survives sshd_restart" wait_until conn_got R after
	ok "$mode: a new ssh works after sshd_restart" ssh_ok
	conn_stop R 8
}

# ---------------------------------------------------------------- loopback
sshbed_init
is "$SSHBED_HOST" testhost "SSHBED_HOST"
is "$SSHBED_USER" tethertest "SSHBED_USER"
is "$SSHBED_ADDR" 127.0.0.1 "loopback: SSHBED_ADDR"
like "$SSHBED_PORT" '^[0-9]+$' "loopback: SSHBED_PORT"
ok "loopback: $SSHBED_CONFIG has Host testhost" grep -qx 'Host testhost' "$SSHBED_CONFIG"
is "$(getent shadow tethertest | cut -d: -f2)" '*' "the test user's password field is *"
remote_env_checks loopback
restart_checks loopback
conn_start L 8
conn_send L 8 x
ok "loopback: one more connection" wait_until conn_got L x
conn_pids=$(_sshbed_conn_pids)
isnt "$conn_pids" "" "loopback: it has its own sshd processes"
pid=$(sshd_pid)
sshbed_fini
ok "loopback: sshbed_fini stops sshd" wait_until proc_dead "$pid"
for p in $conn_pids; do
	ok "loopback: sshbed_fini ends the connection's sshd $p" \
	    wait_until proc_dead "$p"
done
conn_stop L 8

# ---------------------------------------------------------------- netns
sshbed_init --netns
like "$(ip netns list)" "^$SSHBED_NS_CLIENT( |\$)" "netns: the client namespace exists"
like "$(ip netns list)" "^$SSHBED_NS_SERVER( |\$)" "netns: the server namespace exists"
is "$SSHBED_PORT" 22 "netns: SSHBED_PORT"
remote_env_checks netns
run "${SSHBED_SSH[@]}" testhost 'echo ${SSH_CONNECTION%% *}'
is "$OUT" "$SSHBED_CLIENT_ADDR" "netns: the server sees the client's address"

# A terminal whose program runs in the client namespace.
term_start t 80 24 ip netns exec "$SSHBED_NS_CLIENT" ssh -F "$SSHBED_CONFIG" \
    -t testhost 'echo REMOTE-$(whoami)-$(tty | cut -c1-8); read -r x; exit 3'
ok "netns: ssh -t in a terminal in the client namespace, no prompt" \
    wait_for_screen 'REMOTE-tethertest-/dev/pts'
term_keys Enter
ok "netns: it ends when the remote command ends" term_wait_dead

# Silent loss.
conn_start P 7
conn_send P 7 one
ok "netns: a connection works before the blackhole" wait_until conn_got P one
ok "netns: fault_blackhole_on" fault_blackhole_on
conn_send P 7 two
ok "netns: a new ssh does not connect during the blackhole" ssh_fails
nok "netns: nothing gets through an existing connection during it" conn_got P two
ok "netns: fault_blackhole_off" fault_blackhole_off
ok "netns: the existing connection delivers after the blackhole" \
    wait_until conn_got P two
ok "netns: a new ssh works after the blackhole" ssh_ok

# Link down and up.
ok "netns: fault_link_down" fault_link_down
ok "netns: a new ssh fails while the link is down" ssh_fails
ok "netns: fault_link_up" fault_link_up
ok "netns: a new ssh works after link up" ssh_ok
conn_send P 7 three
ok "netns: the existing connection survives a short link down" \
    wait_until conn_got P three

# Roaming.
old=$SSHBED_CLIENT_ADDR
ok "netns: fault_roam" fault_roam
isnt "$SSHBED_CLIENT_ADDR" "$old" "netns: the client has a new address"
addrs=$(ip -n "$SSHBED_NS_CLIENT" -4 -o addr show dev "$SSHBED_IF_CLIENT")
like "$addrs" " inet $SSHBED_CLIENT_ADDR/24" "netns: the new address is there"
unlike "$addrs" " inet $old/" "netns: the old address is gone"
conn_send P 7 four
run "${SSHBED_SSH[@]}" -o "ConnectTimeout=$TIMEOUT" testhost 'echo ${SSH_CONNECTION%% *}'
is "$OUT" "$SSHBED_CLIENT_ADDR" "netns: a new ssh after roaming comes from the new address"
nok "netns: the connection from the old address is cut off" conn_got P four
ok "netns: that ssh client did not see an end (no RST, no FIN)" \
    proc_alive "$CONN_P"
conn_stop P 7
ok "netns: a second roam" fault_roam
ok "netns: a new ssh works after it" ssh_ok
ok "netns: fault_clear" fault_clear
ok "netns: a new ssh works after fault_clear" ssh_ok

restart_checks netns

nc=$SSHBED_NS_CLIENT
ns=$SSHBED_NS_SERVER
pid=$(sshd_pid)
sshbed_fini
unlike "$(ip netns list)" "^($nc|$ns)( |\$)" "netns: sshbed_fini deletes the namespaces"
ok "netns: sshbed_fini stops sshd" wait_until proc_dead "$pid"

done_testing
