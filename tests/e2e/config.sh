#!/bin/bash
# The configuration file: errors with file and line on real invocations,
# --config FILE and --config none, tether config, an escape character from
# the file used by a real attached client, and against a real sshd a Host
# section that applies to its host only, with the command line winning.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../sshbed.sh"
world_init
sshbed_init
sshbed_install_tether

CFG=$XDG_CONFIG_HOME/tether/config
mkdir -p "$(dirname "$CFG")"

# config_error DESC WANT ARGS...: tether ARGS fails with exit 254 and the
# one line WANT on stderr.
config_error() {
	local desc=$1 want=$2
	shift 2
	run "$TETHER" "$@"
	is "$RC" 254 "$desc: exit 254"
	is "$ERR" "$want" "$desc: the message"
	is "$OUT" "" "$desc: nothing on stdout"
}

# --- no file: the defaults; the world's XDG_CONFIG_HOME is its own
run "$TETHER" config
is "$RC" 0 "tether config without a file: exit 0"
like "$OUT" '^escapechar ~$' "the default escape character"
like "$OUT" '^ringsize 8M$' "the default ring size"
is "$(nlines "$OUT")" 10 "one line per keyword"
like "$OUT" '^ttl none$' "no ttl by default"

# --- errors name the file and the line, and nothing runs
cat >"$CFG" <<'EOF'
# tether settings
RingSize 16M

Foo bar
EOF
config_error "unknown keyword in the default file" \
    "tether: $CFG:4: unknown keyword 'Foo'" new c1 -- sleep 1000
ok "no session was made" session_gone c1
config_error "the same for attach" \
    "tether: $CFG:4: unknown keyword 'Foo'" attach c1 -- true
config_error "the same for a remote host" \
    "tether: $CFG:4: unknown keyword 'Foo'" testhost
run "$TETHER" --help
is "$RC" 0 "--help works whatever the file says"
run "$TETHER" --config none new c1 -- sleep 1000
is "$RC" 0 "--config none reads no file"
run "$TETHER" --config none ls
like "$OUT" '^c1 ' "and the session runs"
run "$TETHER" --config none kill c1
is "$RC" 0 "kill with --config none"

printf 'Host web\n  History 100001\n' >"$CFG"
config_error "a value out of range, in a Host section that does not match" \
    "tether: $CFG:2: history '100001' must be a number of lines from 0 to 100000" \
    attach c1 -- true
printf 'Timeout\n' >"$CFG"
config_error "a missing value" "tether: $CFG:1: Timeout needs a value" config
printf 'RingSize=8M\nHost\n' >"$CFG"
config_error "Host with no pattern" "tether: $CFG:2: Host needs a pattern" ls
printf 'Lossless sometimes\n' >"$CFG"
config_error "a bad flag" "tether: $CFG:1: 'sometimes' must be yes or no" \
    config
config_error "--config FILE that is missing" \
    "tether: cannot read $W/nosuch: No such file or directory" \
    --config "$W/nosuch" config
config_error "--config without a file" \
    "tether: --config needs a file (or none); see tether --help" --config
printf 'History 10\n' >"$CFG"
chmod 666 "$CFG"
config_error "a file others may write" \
    "tether: bad owner or permissions on $CFG" config
chmod 644 "$CFG"
run "$TETHER" config
is "$RC" 0 "once it is 0644 it is read"
like "$OUT" '^history 10$' "with its value"
ok "no session was made by the errors" session_gone c1

# --- tether config and --config FILE
cat >"$W/other" <<'EOF'
escapechar=^A
Host db* !dbx
    RingSize 64M
    Timeout 30
Host *
    RingSize 1G
    Lossless yes
EOF
run "$TETHER" --config "$W/other" config
like "$OUT" '^escapechar \^A$' "--config FILE is read instead"
like "$OUT" '^history 2000$' "and the default file is not"
like "$OUT" '^ringsize 8M$' "local settings: no Host section applies"
run "$TETHER" --config "$W/other" config user@db1
like "$OUT" '^ringsize 64M$' "a matching Host section overrides"
like "$OUT" '^timeout 30$' "with its other values"
like "$OUT" '^lossless yes$' "and those of a later matching section"
run "$TETHER" --config "$W/other" config dbx
like "$OUT" '^ringsize 1G$' "a negated pattern excludes a host"
run "$TETHER" --config "$W/other" config --ring 128M -e none db1
like "$OUT" '^ringsize 128M$' "the command line wins over the file"
like "$OUT" '^escapechar none$' "for every option"
run "$TETHER" --config "$W/other" config --ring 1K db1
is "$RC" 254 "an option is checked as the file's value is"
is "$ERR" "tether: ring size '1K' must be between 64K and 1G; see tether --help" \
    "with the same message"

# --- a local client uses the file's escape character
printf 'EscapeChar ^]\nHost testhost\n  EscapeChar ^B\n' >"$CFG"
run "$TETHER" new esc -- "${INNER_SHELL[@]}"
is "$RC" 0 "new esc"
term_start t1 80 24 "$TETHER" attach esc
wait_for_screen 'in\$' || bail "no shell in the session"
term_keys Enter
term_keys -l '~.'
term_type '; echo still-here'	# (the shell gets the ~.)
wait_for_screen '^still-here'
ok "~. does not detach when the file says ^]" term_alive
term_keys Enter
term_keys 'C-]' .
is "$(term_exit_status)" 0 "^]. detaches (status 0)"
wait_for_output 'detached from esc'
ok "the session keeps running" session_exists esc
term_start t2 80 24 "$TETHER" attach -e '~' esc
wait_for_screen 'still-here'
term_keys Enter
term_keys 'C-]' .
term_type 'echo after-ctrl-bracket'
wait_for_screen '^after-ctrl-bracket'
ok "with -e ~ on the command line, ^]. does not detach" term_alive
term_keys Enter
term_keys -l '~.'
is "$(term_exit_status)" 0 "and ~. does"
run "$TETHER" kill esc

# --- a remote host: the Host section for it, the command line winning
sed "s/^Host $SSHBED_HOST\$/Host $SSHBED_HOST other/" "$SSHBED_CONFIG" \
    >"$W/ssh2_config"
cat >"$CFG" <<EOF
SSHCommand ssh -F $W/ssh2_config
RemoteTether /nonexistent/tether
Host $SSHBED_HOST
    RemoteTether $SSHBED_REMOTE_TETHER
    EscapeChar ^]
    RingSize 64K
EOF
run "$TETHER" config "$SSHBED_HOST"
like "$OUT" "^remotetether $SSHBED_REMOTE_TETHER\$" "config shows the host's path"
run "$TETHER" config other
like "$OUT" '^remotetether /nonexistent/tether$' "and the top level's for another"

run "$TETHER" ls "$SSHBED_HOST"
is "$RC" 0 "ls host: SSHCommand and RemoteTether from the file work"
run "$TETHER" ls other
is "$RC" 248 "ls on a host the section does not match: no tether there"
like "$ERR" 'no tether on other' "saying so"
run "$TETHER" ls --remote-tether "$SSHBED_REMOTE_TETHER" other
is "$RC" 0 "the command line's --remote-tether wins for it"
run "$TETHER" ls --remote-tether /nonexistent/x "$SSHBED_HOST"
is "$RC" 248 "and for the matching host too"

term_start t3 80 24 "$TETHER" -s rcfg "$SSHBED_HOST" -- "${INNER_SHELL[@]}"
wait_for_screen 'in\$' || bail "no remote shell"
term_type 'echo "who=$(whoami)"'
wait_for_screen '^who=tethertest'
pass "a remote session runs with the file's settings only"
ok "the Host section's RingSize reaches the server" \
    pgrep -u "$SSHBED_USER" -f "tether bridge .*--ring 65536 .*-- rcfg"
term_keys Enter
term_keys -l '~.'
term_type '; echo remote-still-here'
wait_for_screen '^remote-still-here'
ok "~. does not end the remote client" term_alive
term_keys Enter
term_keys 'C-]' .
is "$(term_exit_status)" 0 "the section's ^]. detaches from the host"
run "$TETHER" kill "$SSHBED_HOST" rcfg
is "$RC" 0 "kill host NAME with the file's settings"

# --- TTL: the file's default for new sessions, and --ttl none wins
printf 'TTL 1h\n' >"$CFG"
ttl_of() { "$TETHER" ls | awk -v n="$1" '$1 == n { print $9 }'; }	# (CREATED is two words)
run "$TETHER" new cttl -- sleep 1000
is "$RC" 0 "new with the file's TTL"
is "$(ttl_of cttl)" 1h "ls shows the file's TTL 1h"
run "$TETHER" new --ttl none cnone -- sleep 1000
is "$RC" 0 "new --ttl none"
is "$(ttl_of cnone)" - "--ttl none overrides the file's TTL"
run "$TETHER" kill cttl cnone
is "$RC" 0 "both end"

done_testing
