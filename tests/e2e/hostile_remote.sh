#!/bin/bash
# Hostile arguments to `tether host` against a real sshd on loopback: host
# arguments that look like ssh options, session names a shell would read
# specially, a remote command line full of shell syntax, and terminal and
# locale variables carrying shell syntax. Nothing is run that was not
# asked for, on either side; each word arrives as exactly that word.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../sshbed.sh"
world_init
sshbed_init
sshbed_install_tether

R=(--ssh "ssh -F $SSHBED_CONFIG" --remote-tether "$SSHBED_REMOTE_TETHER")
TT=$W/tt	# the test user's directory, visible to both sides on loopback
# A file anything injected would create, on either side.
PWN=$TT/pwned
INJ="touch $PWN"

# rt ARGS...: run the local tether with the bed's ssh options.
rt() {
	run "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" "${R[@]}" "$@"
}
# rtsub ls|kill|log ARGS...: the same for a subcommand.
rtsub() {
	run "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" "$1" "${R[@]}" "${@:2}"
}

# refused DESC: the last command was a usage error: 254, one line.
refused() {
	is "$RC" 254 "$1: exit 254"
	is "$(nlines "$ERR")" 1 "$1: one line"
	like "$ERR" '^tether: ' "$1: a tether message"
}

# ------------------------------------------------ host arguments

# A host must never reach ssh where ssh could take it for an option.
for h in "user@-oProxyCommand=$INJ" "-oProxyCommand=$INJ@x" '--foo' \
    "x;$INJ" "\$($INJ)" "\`$INJ\`" $'x\ny' 'x y' '@x' 'x@' ''; do
	rt -s hn "$h"
	refused "host $(printf %q "$h")"
	rtsub ls "$h"
	refused "ls host $(printf %q "$h")"
	rtsub kill "$h" hn
	refused "kill host $(printf %q "$h")"
done
rt --foo testhost
refused "an unknown long option"
rt -s hn -- "-oProxyCommand=$INJ"
refused "a host after --"
ok "no ProxyCommand or injected command ran" test ! -e "$PWN"

# ------------------------------------------------ session names

for s in "a;$INJ" "\$($INJ)" "\`$INJ\`" '../x' '..' '/tmp/x' $'a\nb' \
    $'\xff' '' "$(printf 'n%.0s' $(seq 100))"; do
	rt -s "$s" testhost
	refused "session name $(printf %q "$s")"
	rtsub kill testhost "$s"
	refused "kill session $(printf %q "$s")"
	rtsub log testhost "$s"
	refused "log session $(printf %q "$s")"
done
ok "no injected command ran" test ! -e "$PWN"
run "${SSHBED_SSH[@]}" testhost "ls -A $TT/xdg/tether 2>/dev/null | grep -v '^\\.' || true"
is "$OUT" "" "no session or socket was made on the host"

# ------------------------------------------------ the remote command line

# Each word reaches the remote program as exactly that word.
args=("a b" "it's" '"dq"' "\$($INJ)" "\`$INJ\`" "; $INJ" "| $INJ"
    "&& $INJ" $'new\nline' $'tab\there' '*' '~' '$HOME' '\back\slash'
    '' ' ' '-oProxyCommand=x' '--' "'" "''" '\' '!!' '#c' '{a,b}' '>x')
term_start t1 80 24 "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" "${R[@]}" \
    -s argv testhost -- /usr/bin/printf '<%s>\n' "${args[@]}"
is "$(term_exit_status -t t1)" 0 "a command line full of shell syntax runs"
want=$(printf '<%s>\n' "${args[@]}")
got=$(term_output -t t1 | tr -d '\r')
is "$got" "$want" "each of ${#args[@]} words arrives as that word"
ok "nothing in them was run by a shell" test ! -e "$PWN"
ok "nor was a file '>x' written" test ! -e "$TT/x"

# ------------------------------------------------ terminal and locale

# The variables the client passes on (TERM, COLORTERM, LANG, LC_ALL,
# LC_CTYPE) arrive as themselves in the session, and run nothing.
term_start t2 80 24 env "TERM=xterm;$INJ" "COLORTERM=\$($INJ)" \
    "LANG=\`$INJ\`" "LC_ALL=C'\"; $INJ" $'LC_CTYPE=C\n'"$INJ" \
    "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" "${R[@]}" -s envs testhost \
    -- /bin/sh -c 'for v in TERM COLORTERM LANG LC_ALL LC_CTYPE; do
	printf "%s=<%s>\n" "$v" "$(printenv "$v")"; done'
is "$(term_exit_status -t t2)" 0 "a session started with hostile TERM and locale runs"
got=$(term_output -t t2 | tr -d '\r')
# A value with a control character (the newline) is left out: the remote
# tether refuses one, which used to fail the whole connection (254).
want=$(printf '%s\n' "TERM=<xterm;$INJ>" "COLORTERM=<\$($INJ)>" \
    "LANG=<\`$INJ\`>" "LC_ALL=<C'\"; $INJ>" "LC_CTYPE=<>")
is "$got" "$want" "each variable arrives in the session unchanged, or not at all"
ok "and nothing in them ran" test ! -e "$PWN"

done_testing
