#!/bin/bash
# --help, --version, usage errors, invalid session names, TETHER_SESSION.
. "$(dirname "$0")/../lib.sh"
world_init

# --help / -h / --version / -V
for opt in --help -h; do
	run "$TETHER" "$opt"
	is "$RC" 0 "$opt exits 0"
	like "$OUT" '(^|[^a-z])usage' "$opt prints a usage on stdout"
	like "$OUT" 'attach' "$opt mentions attach"
done
for opt in --version -V; do
	run "$TETHER" "$opt"
	is "$RC" 0 "$opt exits 0"
	like "$OUT" '^tether [0-9]+\.[0-9]+\.[0-9]+' "$opt prints the version"
done

# Usage errors: exit 254, one line on stderr, nothing on stdout.
usage_error() {
	local desc=$1
	shift
	run "$TETHER" "$@"
	is "$RC" 254 "$desc: exit 254"
	is "$(nlines "$ERR")" 1 "$desc: one line on stderr"
	like "$ERR" '^tether: ' "$desc: message starts with tether:"
}
usage_error "unknown option" --bogus
usage_error "new without a name" new
usage_error "kill without a name" kill
usage_error "ls with two arguments" ls a b
usage_error "--ring too small" new --ring 1K r1 -- true
usage_error "--ring too large" new --ring 2G r1 -- true
usage_error "--ring not a size" new --ring lots r1 -- true
usage_error "-e with two characters" attach -e xy r1 -- true
ok "no session was made by the usage errors" session_gone r1

# Invalid names: exit 254, exactly one line "tether: invalid session name".
long=$(printf 'a%.0s' $(seq 65))
max=$(printf 'b%.0s' $(seq 64))
bad_names=("" "$long" "a/b" ".." ".x" "a b" $'a\001b' $'a\nb' $'a\tb'
    $'\033[31mred' "a*b" "caf$(printf '\303\251')")
for name in "${bad_names[@]}"; do
	shown=$(printf '%q' "$name")
	for cmd in new kill; do
		run "$TETHER" "$cmd" "$name"
		is "$RC" 254 "$cmd $shown: exit 254"
		is "$(nlines "$ERR")" 1 "$cmd $shown: one line on stderr"
		like "$ERR" '^tether: invalid session name' \
		    "$cmd $shown: says invalid session name"
	done
done
run "$TETHER" new -x
is "$RC" 254 "new -x: exit 254"
is "$(nlines "$ERR")" 1 "new -x: one line on stderr"
run "$TETHER" kill -- -x
is "$RC" 254 "kill -- -x: exit 254"
like "$ERR" '^tether: invalid session name' "kill -- -x: invalid session name"
ok "no socket was made for an invalid name" \
    test -z "$(ls -A "$SOCKDIR" 2>/dev/null)"

# The longest valid name, and every allowed punctuation character.
for name in "$max" "a._-+@:=,Z9"; do
	run "$TETHER" new "$name" -- sleep 1000
	is "$RC" 0 "new with valid name $name"
	ok "$name is listed" session_exists "$name"
	run "$TETHER" kill "$name"
	is "$RC" 0 "kill $name"
	ok "$name is gone" session_gone "$name"
done

# Unknown session.
run "$TETHER" kill nosuch
is "$RC" 253 "kill of an unknown session: exit 253"
is "$(nlines "$ERR")" 1 "kill of an unknown session: one line"
like "$ERR" '^tether: .*nosuch' "kill of an unknown session names it"

# Refuse to attach a session from inside itself.
run "$TETHER" new self -- sleep 1000
is "$RC" 0 "new self"
run env TETHER_SESSION=self "$TETHER" attach self
is "$RC" 254 "TETHER_SESSION=self attach self: exit 254"
is "$ERR" "tether: refusing to attach session self from inside itself" \
    "TETHER_SESSION=self attach self: the message"
is "$(session_state self)" detached "self is still detached"

# The same from a real program inside the session.
run "$TETHER" new inner -- sh -c '
	env > "$TETHER_TEST_WORLD/inner.env"
	"$TETHER" attach inner 2>"$TETHER_TEST_WORLD/inner.err" </dev/null
	echo $? >"$TETHER_TEST_WORLD/inner.rc.tmp"
	mv "$TETHER_TEST_WORLD/inner.rc.tmp" "$TETHER_TEST_WORLD/inner.rc"
	exec sleep 1000'
is "$RC" 0 "new inner"
wait_until test -e "$W/inner.rc"
ok "TETHER_SESSION=inner inside the session" \
    grep -qx 'TETHER_SESSION=inner' "$W/inner.env"
is "$(cat "$W/inner.rc" 2>/dev/null)" 254 "attach inner from inside: exit 254"
is "$(cat "$W/inner.err" 2>/dev/null)" \
    "tether: refusing to attach session inner from inside itself" \
    "attach inner from inside: the message"

# TETHER_SESSION of another session does not stop attaching this one
# (attach creates it; it needs a terminal: use a tmux pane).
term_start other 80 24 env TETHER_SESSION=self "$TETHER" attach other -- \
    sh -c 'echo OTHER-READY; exec sleep 1000'
ok "attach other from inside self works" wait_for_screen 'OTHER-READY'

run "$TETHER" kill self inner other
is "$RC" 0 "kill of three sessions"
run "$TETHER" ls
is "$RC" 0 "ls with no sessions: exit 0"
is "$OUT" "" "ls with no sessions: nothing on stdout"
is "$ERR" "no sessions" "ls with no sessions: 'no sessions' on stderr"

done_testing
