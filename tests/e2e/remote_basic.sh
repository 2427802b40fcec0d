#!/bin/bash
# tether [user@]host against a real sshd on loopback: attach or create,
# detach and reattach, exit status, a second terminal taking over, ls and
# kill on the host, reconnects after ssh or the bridge is killed (output
# and input exact), -L forwarding and agent forwarding across reconnects,
# remote command quoting, and bad input.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../sshbed.sh"
world_init
sshbed_init
sshbed_install_tether

R=(--ssh "ssh -F $SSHBED_CONFIG" --remote-tether "$SSHBED_REMOTE_TETHER")
TT=$W/tt	# the test user's directory, visible to both sides on loopback

# The pid of the ssh that the client in terminal $1 runs now.
ssh_of() {
	pgrep -P "$(term_pid -t "$1")" -x ssh | head -n 1
}

# Terminal $1's client runs an ssh other than $old (polled: wait_until
# evaluates its arguments once).
new_ssh() {
	local p
	p=$(ssh_of "$1")
	[ -n "$p" ] && [ "$p" != "$old" ]
}

# The bridge serving session $1 on the server.
bridge_of() { sshbed_session_pids bridge "$1"; }

# --- attach or create, environment, detach, reattach
remote_term t1 basic testhost -- "${INNER_SHELL[@]}"
wait_for_screen 'in\$' || bail "no remote shell"
term_type 'echo "who=$(whoami) s=$TETHER_SESSION t=$TERM"'
wait_for_screen 'who=tethertest s=basic t=xterm-256color'
pass "the session runs on the host as the ssh user, with TERM passed on"
rt ls testhost
is "$RC" 0 "ls host exits 0"
like "$OUT" '^basic +attached ' "ls host shows the session attached"

term_keys Enter
term_keys -l '~.'
is "$(term_exit_status)" 0 "~. ends the client with status 0"
wait_for_output 'detached from basic'
rt ls testhost
like "$OUT" '^basic +detached ' "the session keeps running, detached"

remote_term t2 basic testhost
wait_for_screen 'who=tethertest s=basic' || true
wait_for_screen 'in\$'
term_type 'echo back-again'
wait_for_screen '^back-again'
pass "a new terminal reattaches to the session and sees its output"
term_type 'exit 7'
is "$(term_exit_status)" 7 "the client exits with the program's status"
unlike "$(term_text)" 'tether: ' "nothing extra printed when the program exits"
rt ls testhost
unlike "$OUT" '^basic ' "the session is gone from ls host"

# --- the default session belongs to the local terminal window
term_start w1 80 24 "${OUTER_SHELL[@]}"
wait_for_screen 'out\$'
cmd=$(printf '%q ' "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" "${R[@]}" testhost)
term_type "$cmd"
wait_for_screen '^\$ $|[$#] $'
term_type 'echo "default=$TETHER_SESSION"'
wait_for_screen '^default='
name=$(term_screen | sed -n 's/^default=//p' | tail -n 1)
like "$name" "^$(hostname | cut -d. -f1 | cut -c1-24)-tmux-[0-9]+\$" \
    "the default name is this machine's and the window's: $name"
term_keys Enter
term_keys -l '~?'
wait_for_screen '~r - reconnect now'
pass "~? lists the escapes, ~r among them"
term_keys Enter
term_keys -l '~r'
wait_until grep -q 'reconnect asked for' "$W/debug.log"
term_type 'echo "after-r"'
wait_for_screen '^after-r'
pass "~r reconnects and the session goes on"
term_keys Enter
term_keys -l '~.'
wait_for_screen 'out\$ $'
term_type "clear; $cmd"
wait_for_screen '^after-r'
pass "the same window comes back to the same session"
term_keys Enter
term_keys -l '~.'
wait_for_screen 'out\$ $'
rt ls testhost
is "$(printf '%s\n' "$OUT" | grep -c "^$name ")" 1 "ls host shows it by name, once"
rt kill testhost "$name"

# --- a second terminal takes the session over
remote_term t3 dup testhost -- "${INNER_SHELL[@]}"
wait_for_screen 'in\$'
remote_term t4 dup testhost
wait_for_screen -t t3 'attached elsewhere; detached'
is "$(term_exit_status -t t3)" 0 "the first client is detached cleanly (status 0)"
term_use t4
term_type 'echo took-over'
wait_for_screen '^took-over'
pass "the second terminal has the session"
rt ls testhost
is "$(printf '%s\n' "$OUT" | grep -c '^dup ')" 1 "one session dup, not two"

# --- kill on the host
rt kill testhost dup
is "$RC" 0 "kill host NAME exits 0"
is "$(term_exit_status -t t4)" 129 "its client ends with the program's status (SIGHUP)"
rt ls testhost
unlike "$OUT" '^dup ' "the killed session is gone"
rt kill testhost nosuch
is "$RC" 253 "kill host of an unknown session: 253"

# --- reconnect after ssh is killed, and after the bridge is killed
remote_term t5 rc testhost -- "${INNER_SHELL[@]}"
wait_for_screen 'in\$'
term_type "stty -echo; for i in \$(seq 1 60); do echo \"n \$i\"; sleep 0.1; done & cat > $TT/rc.input"
wait_for_output '^n 5$'
old=$(ssh_of t5)
kill -9 "$old"
term_keys -l 'typed-after-ssh-died'
term_keys Enter
wait_for_output '^n 60$' 60
ok "a new ssh replaced the killed one" wait_until new_ssh t5
wait_until grep -qx 'typed-after-ssh-died' "$TT/rc.input"
is "$(grep -c . "$TT/rc.input")" 1 "keystrokes after the kill reached the program once"
seq 1 60 | sed 's/^/n /' >"$W/want"
term_text | grep -a '^n [0-9]*$' >"$W/got"
ok "every line arrived once, in order, through the reconnect" cmp "$W/want" "$W/got"

term_keys C-d	# ends the cat
term_type "stty echo; for i in \$(seq 61 120); do echo \"n \$i\"; sleep 0.1; done"
wait_for_output '^n 65$'
# (The killed connection's bridge exits once its sshd is gone, which a
# loaded machine takes a moment to notice.)
one_bridge() { [ "$(nlines "$(bridge_of rc)")" = 1 ]; }
ok "one bridge serves the session" wait_until one_bridge
b=$(bridge_of rc)
kill -9 $b
wait_for_output '^n 120$' 60
seq 1 120 | sed 's/^/n /' >"$W/want"
term_text | grep -a '^n [0-9]*$' >"$W/got"
ok "every line arrived once, in order, after the bridge was killed" cmp "$W/want" "$W/got"
ok "one bridge again, no copy left behind" wait_until one_bridge
note "client debug log: $(grep -c 'reconnected' "$W/debug.log" 2>/dev/null) reconnects"
# ^D only once the shell is back at its prompt: typed while the loop still
# runs, the pty's line discipline may drop it when readline takes over.
last_line_is_prompt() { [ "$(term_screen | grep . | tail -n 1 | sed 's/ *$//')" = 'in$' ]; }
wait_until last_line_is_prompt
term_keys C-d
is "$(term_exit_status)" 0 "the session ends normally after reconnects"

# --- the remote command is passed without any shell injection
args=('a b' '$(touch '"$TT"'/pwned)' "it's" $'new\nline' '*' '`id`' ';' '"q"')
term_start t6 80 24 "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" "${R[@]}" -s quote \
    testhost -- /usr/bin/printf '%s|' "${args[@]}"
is "$(term_exit_status -t t6)" 0 "a command with quotes, \$() and newlines runs"
want=$(printf '%s|' "${args[@]}")
got=$(term_output -t t6 | tr -d '\r')
is "$got" "$want" "every argument arrives as one word, unchanged"
ok "nothing in the arguments was run by a shell" test ! -e "$TT/pwned"

# --- -L forwarding works again after a reconnect
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
lport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
in_server python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
while True:
    c, _ = s.accept(); c.sendall(b"forwarded-ok\n"); c.close()
' "$port" &
fetch() {
	in_client python3 -c '
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
sys.stdout.write(c.recv(100).decode())' "$lport" 2>/dev/null | grep -q forwarded-ok
}
remote_term t7 fwd -L "$lport:127.0.0.1:$port" testhost -- "${INNER_SHELL[@]}"
wait_for_screen 'in\$'
ok "-L forwards a port" wait_until fetch
old=$(ssh_of t7)
kill -9 "$old"
wait_until new_ssh t7
ok "-L forwards again after the reconnect" wait_until fetch

# --- agent forwarding survives a reconnect
ssh-keygen -q -t ed25519 -N '' -C agent-key-comment -f "$W/agentkey"
eval "$(ssh-agent -a "$W/agent.sock" -s)" >/dev/null
SSH_AUTH_SOCK=$W/agent.sock ssh-add -q "$W/agentkey" 2>/dev/null
term_start t8 80 24 "${SSHBED_CLIENT_PREFIX[@]}" env SSH_AUTH_SOCK="$W/agent.sock" \
    "$TETHER" "${R[@]}" -A -s agent testhost -- "${INNER_SHELL[@]}"
wait_for_screen 'in\$'
term_type 'ssh-add -l; echo "sock=$SSH_AUTH_SOCK"'
wait_for_screen 'agent-key-comment'
wait_for_screen 'sock=.*/tether/[.]agent/agent$'
pass "the session's SSH_AUTH_SOCK is the stable per-session path"
old=$(ssh_of t8)
kill -9 "$old"
wait_until new_ssh t8
term_type 'clear; ssh-add -l || echo agent-broken'
wait_for_screen 'agent-key-comment'
unlike "$(term_screen)" 'agent-broken' "the agent still answers after the reconnect"
kill "$SSH_AGENT_PID" 2>/dev/null

# --- an authentication failure on a reconnect stops the retries
remote_term t9 authgone testhost -- "${INNER_SHELL[@]}"
wait_for_screen 'in\$'
cp "$TT/ssh/authorized_keys" "$W/authorized_keys.saved"
: >"$TT/ssh/authorized_keys"
kill -9 "$(ssh_of t9)"
is "$(term_exit_status -t t9 60)" 249 "a reconnect refused by the server ends the client (249)"
wait_for_output -t t9 'Permission denied'
pass "with ssh's own message"
cp "$W/authorized_keys.saved" "$TT/ssh/authorized_keys"
rt ls testhost
like "$OUT" '^authgone +detached ' "the session itself keeps running"
rt kill testhost authgone

# --- bad input
rt -s 'a/b' testhost
is "$RC" 254 "invalid session name: 254"
like "$ERR" 'invalid session name' "says invalid session name"
for h in '-oProxyCommand=touch '"$TT"'/proxied' 'a;b' '$(id)' 'x y' 'u@-oFoo'; do
	rt "$h"
	is "$RC" 254 "hostile host '$h' is refused (254)"
	is "$(nlines "$ERR")" 1 "hostile host '$h': one line"
done
ok "no ProxyCommand ran" test ! -e "$TT/proxied"
rt -s x nosuch.invalid
is "$RC" 250 "unknown host: 250"
like "$ERR" 'resolve' "unknown host: ssh's reason is shown"
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rt -s x -p "$closed" -o HostName=127.0.0.1 testhost
is "$RC" 250 "connection refused: 250"
like "$ERR" 'refused' "connection refused: ssh's reason is shown"
ssh-keygen -q -t ed25519 -N '' -f "$W/wrongkey"
sed "s|IdentityFile .*|IdentityFile $W/wrongkey|" "$SSHBED_CONFIG" >"$W/wrong_config"
run "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" --ssh "ssh -F $W/wrong_config" \
    --remote-tether "$SSHBED_REMOTE_TETHER" -s x testhost
is "$RC" 249 "authentication failure: 249, no retrying"
like "$ERR" 'Permission denied' "authentication failure: ssh's own message"
run "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" --ssh "ssh -F $SSHBED_CONFIG" \
    --remote-tether /nonexistent/tether -s x testhost
is "$RC" 248 "remote tether missing: 248"
like "$ERR" 'no tether on testhost' "remote tether missing: says how to fix it"
is "$(nlines "$ERR")" 1 "remote tether missing: one line"

done_testing
