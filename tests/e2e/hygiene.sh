#!/bin/bash
# Session hygiene: ls shows who is attached and how long each session has
# been idle; creating a session next to detached ones says so, once (local
# and over ssh); --ttl ends a session left detached, never an attached
# one; kill --detached ends only the detached ones (here and on a host);
# bad --ttl values are usage errors.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../sshbed.sh"
world_init

# secs DURATION: ls's IDLE or TTL (5s, 3m20s, 1h, 2d4h) in seconds.
secs() {
	local d=$1 total=0 n
	[ -n "$d" ] && [ "$d" != - ] || { echo -1; return; }
	while [[ $d =~ ^([0-9]+)([smhd])(.*)$ ]]; do
		n=${BASH_REMATCH[1]}
		case ${BASH_REMATCH[2]} in
		s) total=$((total + n)) ;;
		m) total=$((total + n * 60)) ;;
		h) total=$((total + n * 3600)) ;;
		d) total=$((total + n * 86400)) ;;
		esac
		d=${BASH_REMATCH[3]}
	done
	echo "$total"
}

# idle_at_least NAME S: NAME's IDLE column is S seconds or more.
idle_at_least() {
	[ "$(secs "$(ls_field "$1" 7)")" -ge "$2" ]
}

NOTICE_RE='\[tether: [0-9]+ other sessions? (on [^ ]+ )?(is|are) detached; tether ls'

# ------------------------------------------------ bad --ttl values
for v in 0 abc -5m 1.5h 5x 99999999999999999999999s 3651d ''; do
	run "$TETHER" new --ttl "$v" bad -- sleep 4000
	is "$RC" 254 "new --ttl '$v': usage error (254)"
	like "$ERR" '^tether: --ttl: ' "new --ttl '$v': says what is wrong"
	is "$(nlines "$ERR")" 1 "new --ttl '$v': one line"
done
run "$TETHER" attach --ttl abc bad
is "$RC" 254 "attach --ttl abc: usage error"
run "$TETHER" --ttl -5m -s bad nosuchhost.invalid
is "$RC" 254 "tether --ttl -5m host: usage error, before any ssh"
like "$ERR" '^tether: --ttl: invalid duration' "tether --ttl -5m host: says why"
ok "no session was made by the bad values" session_gone bad

# ------------------------------------------------ the notice, locally
run "$TETHER" new h1 -- sleep 4545
is "$RC" 0 "new h1"
is "$ERR" "" "new next to no other session: no notice"
run "$TETHER" new h2 -- sleep 4546
is "$ERR" "[tether: 1 other session is detached; tether ls lists it]" \
    "new next to a detached session: one line says so"

term_start l 80 24 "$TETHER" attach h3 -- "${INNER_SHELL[@]}"
wait_for_screen 'in\$' || bail "no shell in h3"
ok "attach creating h3 shows the notice in the terminal" \
    wait_for_screen '^\[tether: 2 other sessions are detached; tether ls lists them\]'
is "$(term_text | grep -c 'other session')" 1 "the notice is shown once"

# ------------------------------------------------ ls: STATE, IDLE, TTL
run "$TETHER" ls
header=$(printf '%s\n' "$OUT" | head -n 1 | awk -F '  +' '{ $1 = $1; print }' OFS='|')
is "$header" "NAME|STATE|PID|SIZE|CREATED|ATTACHED|IDLE|TTL|TITLE" "ls header"
is "$(ls_field h1 2)" detached "ls: h1 detached"
is "$(ls_field h3 2)" attached "ls: h3 attached"
like "$(ls_field h1 7)" '^[0-9]+[smhd]' "ls: IDLE is a duration"
is "$(ls_field h1 8)" - "ls: TTL is - without --ttl"
is "$(ls_field h1 9)" "sleep 4545" "ls: TITLE is still last"
ok "ls: a detached session's IDLE grows" wait_until idle_at_least h1 3
term_type 'echo typed-now'
wait_for_screen '^typed-now'
h1idle=$(secs "$(ls_field h1 7)")
h3idle=$(secs "$(ls_field h3 7)")
ok "ls: a keystroke makes a session less idle than an untouched one" \
    test "$h3idle" -lt "$h1idle"

# ------------------------------------------------ kill --detached, locally
run "$TETHER" kill --detached
is "$RC" 0 "kill --detached exits 0"
is "$OUT" "ended 2 detached sessions" "kill --detached says how many"
ok "h1 is gone" session_gone h1
ok "h2 is gone" session_gone h2
is "$(ls_field h3 2)" attached "the attached h3 is left alone"
ok "h3's client still runs" term_alive -t l
run "$TETHER" kill --detached
is "$OUT" "ended 0 detached sessions" "kill --detached with none: 0"
run "$TETHER" kill --detached somehost extra
is "$RC" 254 "kill --detached host NAME is a usage error"
like "$ERR" "^tether: unexpected argument 'extra'" "and says which argument"

# ------------------------------------------------ --ttl
# An attached session with the ttl, made first, must outlive the
# detached one made after it.
term_start a2 80 24 "$TETHER" attach --ttl 2s t2 -- "${INNER_SHELL[@]}"
wait_for_screen -t a2 'in\$' || bail "no shell in t2"
ok "t2's notice counts only detached sessions (none)" \
    test "$(term_text -t a2 | grep -c 'other session')" = 0
run "$TETHER" new --ttl 2s t1 -- sleep 4547
is "$RC" 0 "new --ttl 2s"
is "$(ls_field t1 8)" 2s "ls: TTL shows 2s"
is "$(ls_field t2 8)" 2s "ls: TTL of the attached one too"
ok "a detached session with --ttl 2s ends by itself" \
    wait_until -t 30 session_gone t1
is "$(ls_field t2 2)" attached "the attached one with the same ttl lives on"
term_use a2
term_type 'echo still-here'
ok "and still answers" wait_for_screen '^still-here'
term_keys Enter
term_keys -l '~.'
is "$(term_exit_status -t a2)" 0 "detaching t2"
ok "once detached for its ttl, t2 ends too" wait_until -t 30 session_gone t2

run "$TETHER" new --ttl 1h t3 -- sleep 4548
is "$(ls_field t3 8)" 1h "ls: TTL shows 1h"
run "$TETHER" new --ttl 90s t4 -- sleep 4549
is "$(ls_field t4 8)" 1m30s "ls: TTL 90s shows as 1m30s"
run "$TETHER" kill t3 t4 h3

# ------------------------------------------------ over ssh
sshbed_init
sshbed_install_tether
R=(--ssh "ssh -F $SSHBED_CONFIG" --remote-tether "$SSHBED_REMOTE_TETHER")

# rfield NAME COLUMN: a column of NAME's row in the last `rt ls`.
rfield() {
	printf '%s\n' "$OUT" | awk -F '  +' -v n="$1" -v c="$2" \
	    'NR > 1 && $1 == n { print $c }'
}

# remote_gone NAME: `tether ls host` no longer lists NAME.
remote_gone() {
	rt ls testhost
	[ -z "$(rfield "$1" 1)" ]
}

remote_term r0 rz0 testhost -- "${INNER_SHELL[@]}"
wait_for_screen 'in\$' || bail "no remote shell"
term_type 'echo first-remote'
wait_for_screen '^first-remote'
unlike "$(term_text)" 'other session' "remote: no notice next to no detached session"
term_keys Enter
term_keys -l '~.'
is "$(term_exit_status)" 0 "remote: detached rz0"

remote_term r1 rz1 testhost -- "${INNER_SHELL[@]}"
wait_for_screen 'in\$' || bail "no remote shell in rz1"
ok "remote: creating rz1 next to detached rz0 shows the notice, naming the host" \
    wait_for_screen '^\[tether: 1 other session on testhost is detached; tether ls testhost lists it\]'
is "$(term_text | grep -cE "$NOTICE_RE")" 1 "remote: the notice is shown once"

rt ls testhost
is "$RC" 0 "remote ls exits 0"
is "$(rfield rz0 2)" detached "remote ls: rz0 detached"
is "$(rfield rz1 2)" attached "remote ls: rz1 attached"
like "$(rfield rz0 7)" '^[0-9]+[smhd]' "remote ls: IDLE is a duration"
is "$(rfield rz0 8)" - "remote ls: TTL - without --ttl"

remote_term r2 rz2 --ttl 3s testhost -- "${INNER_SHELL[@]}"
wait_for_screen 'in\$' || bail "no remote shell in rz2"
rt ls testhost
is "$(rfield rz2 8)" 3s "remote --ttl reaches the host: ls shows 3s"
is "$(rfield rz2 2)" attached "remote: rz2 attached"
term_keys Enter
term_keys -l '~.'
is "$(term_exit_status)" 0 "remote: detached rz2"
ok "remote: rz2 ends by its ttl once detached" wait_until -t 30 remote_gone rz2

rt kill --detached testhost
is "$RC" 0 "kill --detached host exits 0"
is "$OUT" "ended 1 detached session" "kill --detached host says how many"
rt ls testhost
is "$(rfield rz0 1)" "" "remote: the detached rz0 is gone"
is "$(rfield rz1 2)" attached "remote: the attached rz1 is left alone"
ok "rz1's client still runs" term_alive -t r1
rt kill testhost rz1

done_testing
