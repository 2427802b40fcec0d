#!/bin/bash
# The life of a session as a user sees it, through the real client on real
# terminals (tmux panes): attach-or-create, TETHER_SESSION, resize and
# SIGWINCH, the escapes, job control, exit statuses, terminal restoring,
# ls, kill, a second client, reattaching after a killed client, stale
# sockets and racing creators.
. "$(dirname "$0")/../lib.sh"
world_init

# A script that prints the terminal's main modes, sorted, on one line: the
# same before and after tether means the terminal was given back.
cat >"$W/modes.sh" <<'EOF'
stty -a | tr -s ' ;' '\n\n' |
    grep -Ex -- '-?(icanon|echo|isig|iexten|icrnl|opost|ixon)' |
    sort | tr '\n' ' '
EOF
MODES="\$(sh $W/modes.sh)"

# A script that reports each SIGWINCH with the size it then sees.
cat >"$W/winch.sh" <<'EOF'
trap 'echo "WINCH $(stty size)"' WINCH
echo WINCH-READY
while :; do sleep 0.05; done
EOF

# outer NAME [COLS ROWS]: a terminal running an interactive bash, ready.
outer() {
	term_start "$1" "${2:-80}" "${3:-24}" "${OUTER_SHELL[@]}"
	wait_for_screen '^out\$ '
}

# screen_value ERE: the first capture group of the first line of the
# current terminal's screen matching ^ERE$ (sed -E syntax).
screen_value() {
	term_screen | sed -nE "s/^$1\$/\\1/p" | head -n 1
}

# line_after LINE: the screen line that follows the first line LINE.
line_after() {
	term_screen | awk -v s="$1" 'f { print; exit } $0 == s { f = 1 }'
}

# term_clear: clear the current (outer) terminal and wait until it is.
term_clear() {
	term_type 'clear'
	wait_until eval '[ "$(term_screen | grep -c .)" -le 1 ]'
}

# client_pid: the tether client started by the current (outer) terminal.
client_pid() {
	pgrep -P "$(term_pid)" -x tether | head -n 1
}

# session_procs NAME ARGV0 ARGS...: pids of the session's processes whose
# command line is exactly the one given.
session_procs() {
	local name=$1 pid want
	shift
	want=$(printf '%s\n' "$@")
	for pid in $(pgrep -x -- "${1##*/}"); do
		[ "$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline")" = "$want" ] ||
		    continue
		grep -qzxF "TETHER_TEST_WORLD=$W" "/proc/$pid/environ" 2>/dev/null &&
		    grep -qzxF "TETHER_SESSION=$name" "/proc/$pid/environ" &&
		    proc_alive "$pid" && echo "$pid"
	done
}

# ------------------------------------------------ attach creates, escapes
outer a
term_type "echo \"M0[$MODES]\""
wait_for_screen '^M0\[.*\]$'
m0=$(screen_value 'M0\[(.*)\]')
like "$m0" '(^| )icanon( |$)' "the outer terminal starts canonical"
like "$m0" '(^| )echo( |$)' "the outer terminal starts with echo"

ok "no session s1 yet" session_gone s1
term_type "\"\$TETHER\" attach s1 -- env 'PS1=in\$ ' bash --norc --noprofile -i; echo \"RC1=\$?\"; echo \"M1[$MODES]\""
ok "attach NAME -- cmd creates the session" wait_for_screen '^in\$ '
ok "s1 is listed as attached" wait_until session_is s1 attached

term_type 'echo "TS=$TETHER_SESSION"'
ok "TETHER_SESSION is set inside the session" wait_for_screen '^TS=s1$'
term_type '"$TETHER" attach s1; echo "INRC=$?"'
ok "attaching s1 from inside s1 is refused" wait_for_screen '^INRC=254$'
ok "with the message" wait_for_screen \
    '^tether: refusing to attach session s1 from inside itself$'
term_type 'echo "SZ1[$(stty size)]"'
ok "the session's pty has the terminal's size" wait_for_screen '^SZ1\[24 80\]$'

# Resize: the program gets SIGWINCH and sees the new size.
term_type "bash $W/winch.sh"
wait_for_screen '^WINCH-READY$'
term_resize 100 30
ok "SIGWINCH reaches the program, which sees 30x100" \
    wait_for_screen '^WINCH 30 100$'
ok "ls shows the new size" wait_until eval 'test "$(ls_field s1 4)" = 100x30'
# Ctrl-C interrupts the program in the session.
term_keys C-c
term_type 'echo "INT=$?"'
ok "Ctrl-C interrupts the program" wait_for_screen '^INT=130$'
term_type 'echo "SZ2[$(stty size)]"'
ok "stty size inside is 30 100 after the resize" \
    wait_for_screen '^SZ2\[30 100\]$'
term_resize 80 24

# Job control of the session's shell: Ctrl-Z, fg, Ctrl-C.
term_type 'sleep 4242'
wait_until eval 'test -n "$(session_procs s1 sleep 4242)"'
sleep_pid=$(session_procs s1 sleep 4242)
sleep_pid=${sleep_pid:-0}
term_keys C-z
ok "Ctrl-Z stops the sleep" wait_until proc_stopped "$sleep_pid"
ok "the inner shell reports it stopped" wait_for_screen 'Stopped +sleep 4242'
term_type 'fg'
ok "fg continues it" wait_until eval "! proc_stopped $sleep_pid"
ok "it is still running" proc_alive "$sleep_pid"
term_keys C-c
ok "Ctrl-C ends it" wait_until proc_dead "$sleep_pid"
term_type 'echo "FG=$?"'
ok "the shell saw it interrupted" wait_for_screen '^FG=130$'

# Escapes are recognised only after Enter.
term_keys Enter
term_keys -l '~?'
ok "~? prints the list of escapes" wait_for_screen 'Supported escape sequences'
ok "the list has ~." wait_for_screen '~\. - detach'
term_type 'echo READ1; read -r v; echo "GOT1[$v]"'
wait_for_screen '^READ1$'
term_keys -l '~~x'
term_keys Enter
ok "~~ sends one ~" wait_for_screen '^GOT1\[~x\]$'
term_type 'echo READ2; read -r v; echo "GOT2[$v]"'
wait_for_screen '^READ2$'
term_keys -l '~x'
term_keys Enter
ok "~ and another character sends both" wait_for_screen '^GOT2\[~x\]$'
term_type 'echo READ3; read -r v; echo "GOT3[$v]"'
wait_for_screen '^READ3$'
term_keys -l 'a~.b'
term_keys Enter
ok "~. inside a line is not an escape" wait_for_screen '^GOT3\[a~\.b\]$'
ok "still attached" term_alive
ok "the client is still running" test -n "$(client_pid)"
term_keys Enter
term_keys -l '~.'
ok "~. detaches" wait_for_screen '^RC1=0$'
ok "with the message" wait_for_screen '^\[tether: detached from s1\]$'
ok "the terminal is restored after ~." wait_for_screen '^M1\[.*\]$'
is "$(screen_value 'M1\[(.*)\]')" "$m0" "modes after ~. are the modes before"
ok "s1 is detached and still there" wait_until session_is s1 detached

# Reattach with -e ^A: ~ is ordinary, ^A . detaches.
term_clear
term_type "\"\$TETHER\" attach -e ^A s1; echo \"RC2=\$?\"; echo \"M2[$MODES]\""
ok "attach again reattaches (recent output shown)" \
    wait_for_screen '^GOT3\[a~\.b\]$'
ok "s1 is attached again" wait_until session_is s1 attached
term_type 'echo READ4; read -r v; echo "GOT4[$v]"'
wait_for_screen '^READ4$'
term_keys -l '~.'
term_keys Enter
ok "with -e ^A, ~. is sent as typed" wait_for_screen '^GOT4\[~\.\]$'
term_keys Enter
term_keys C-a
term_keys -l '.'
ok "with -e ^A, ^A. detaches" wait_for_screen '^RC2=0$'
wait_for_screen '^M2\[.*\]$'
is "$(screen_value 'M2\[(.*)\]')" "$m0" "modes restored after ^A."

# -e none: nothing is an escape; leave by ending the program (exit 7).
term_clear
term_type "\"\$TETHER\" attach -e none s1; echo \"RC3=\$?\"; echo \"M3[$MODES]\""
wait_until session_is s1 attached
term_type 'echo READ5; read -r v; echo "GOT5[$v]"'
wait_for_screen '^READ5$'
term_keys -l '~.'
term_keys Enter
ok "with -e none, ~. is sent as typed" wait_for_screen '^GOT5\[~\.\]$'
term_type 'exit 7'
ok "the client exits with the program's status 7" wait_for_screen '^RC3=7$'
wait_for_screen '^M3\[.*\]$'
is "$(screen_value 'M3\[(.*)\]')" "$m0" "modes restored after the program exited"
ok "s1 is gone from ls" wait_until session_gone s1
ok "its socket is gone" test ! -e "$SOCKDIR/s1"

# ------------------------------------------------ exit statuses
outer b 100 40
term_type "\"\$TETHER\" attach ex -- sh -c 'echo READY; read line; echo \"BYE \$line\"; exit 7'; echo \"RC=\$?\"; echo \"MB[$MODES]\""
wait_for_screen '^READY$'
term_type 'seven'
ok "exit 7: the client exits 7" wait_for_screen '^RC=7$'
is "$(line_after 'BYE seven')" "RC=7" "exit 7: nothing printed after the output"
wait_for_screen '^MB\[.*\]$'
is "$(screen_value 'MB\[(.*)\]')" "$m0" "exit 7: the terminal is restored"
ok "exit 7: the session is gone" wait_until session_gone ex

# A program that ends at once still reports its output and status to the
# client that created it.
term_clear
term_type 'for i in 1 2 3 4 5 6 7 8; do "$TETHER" attach quick$i -- sh -c "echo QUICK-\$1; exit 3" sh $i; echo "QRC=$?"; done; echo QUICK-DONE'
wait_for_screen '^QUICK-DONE$'
is "$(term_screen -h | grep -cx 'QUICK-[1-8]')" 8 \
    "a program that exits at once: its output reaches the client (8 times)"
is "$(term_screen -h | grep -cx 'QRC=3')" 8 \
    "a program that exits at once: the client exits with its status (8 times)"
unlike "$(term_screen -h)" 'tether:' "and tether says nothing"

# Killed by a signal: 128+N.
term_clear
term_type "\"\$TETHER\" attach sg -- sh -c 'echo \$\$ >$W/sg.pid; echo SG-READY; exec sleep 4343'; echo \"RC=\$?\"; echo \"MS[$MODES]\""
wait_for_screen '^SG-READY$'
kill -TERM "$(cat "$W/sg.pid")"
ok "program killed by SIGTERM: the client exits 143" wait_for_screen '^RC=143$'
wait_for_screen '^MS\[.*\]$'
is "$(screen_value 'MS\[(.*)\]')" "$m0" "killed program: the terminal is restored"
ok "killed program: the session is gone" wait_until session_gone sg

# The client itself killed by SIGTERM or SIGHUP gives the terminal back.
for sig in TERM HUP; do
	term_clear
	term_type "\"\$TETHER\" attach ct$sig -- sh -c 'echo CT-READY-$sig; exec sleep 4444'; echo \"RC$sig=\$?\"; echo \"MC$sig[$MODES]\""
	wait_for_screen "^CT-READY-$sig\$"
	wait_until eval 'test -n "$(client_pid)"'
	kill -"$sig" "$(client_pid)"
	want=$((128 + $(kill -l "$sig")))
	ok "client killed by SIG$sig: exits $want" \
	    wait_for_screen "^RC$sig=$want\$"
	wait_for_screen "^MC$sig\\[.*\\]\$"
	is "$(screen_value "MC$sig\\[(.*)\\]")" "$m0" \
	    "client killed by SIG$sig: the terminal is restored"
	ok "client killed by SIG$sig: the session stays" \
	    wait_until session_is "ct$sig" detached
	run "$TETHER" kill "ct$sig"
done

# ------------------------------------------------ ls
run "$TETHER" new lsx -- sleep 4545
is "$RC" 0 "new lsx"
run "$TETHER" ls
is "$RC" 0 "ls exits 0"
header=$(printf '%s\n' "$OUT" | head -n 1 | awk -F '  +' '{ $1 = $1; print }' OFS='|')
is "$header" "NAME|STATE|PID|SIZE|CREATED|ATTACHED|IDLE|TTL|TITLE" "ls header columns"
is "$(ls_field lsx 2)" detached "ls: STATE detached"
hpid=$(ls_field lsx 3)
like "$hpid" '^[0-9]+$' "ls: PID is a number"
ok "ls: PID is the session host's" grep -qzx "TETHER_TEST_WORLD=$W" \
    "/proc/$hpid/environ"
is "$(session_procs lsx sleep 4545 | xargs -r ps -o ppid= -p | tr -d ' ')" \
    "$hpid" "ls: the program is the host's child"
is "$(ls_field lsx 4)" 80x24 "ls: SIZE of a session made without a terminal"
like "$(ls_field lsx 5)" '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$' \
    "ls: CREATED is a date and time"
is "$(ls_field lsx 6)" - "ls: ATTACHED is - when never attached"
is "$(ls_field lsx 9)" "sleep 4545" "ls: TITLE is the command while the program set none"
term_start l 90 20 "$TETHER" attach lsx
wait_until session_is lsx attached
is "$(ls_field lsx 2)" attached "ls: STATE attached"
is "$(ls_field lsx 4)" 90x20 "ls: SIZE follows the attached terminal"
like "$(ls_field lsx 6)" '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$' \
    "ls: ATTACHED is a date and time once attached"

# ------------------------------------------------ kill
run "$TETHER" kill lsx
is "$RC" 0 "kill of an attached session exits 0"
ok "the attached client exits with SIGHUP's status" \
    test "$(term_exit_status -t l)" = 129
ok "lsx is gone" session_gone lsx

run "$TETHER" new kh -- sh -c "trap 'echo HUP >$W/kh.hup; exit 0' HUP; touch $W/kh.ready; while :; do sleep 0.1; done"
wait_until test -e "$W/kh.ready"
run "$TETHER" kill kh
is "$RC" 0 "kill exits 0"
ok "the program got SIGHUP" test -e "$W/kh.hup"
ok "the session is gone when kill returns" session_gone kh
ok "and its socket" test ! -e "$SOCKDIR/kh"

outer k
term_type "\"\$TETHER\" attach ki -- sh -c 'trap \"\" HUP; echo \$\$ >$W/ki.pid; echo KI-READY; while :; do sleep 0.1; done'; echo \"RC=\$?\""
wait_for_screen '^KI-READY$'
kipid=$(cat "$W/ki.pid")
run "$TETHER" kill ki
is "$RC" 0 "kill of a program that ignores SIGHUP exits 0"
ok "that program is gone when kill returns" proc_dead "$kipid"
ok "it was killed with SIGKILL (the client exits 137)" \
    wait_for_screen '^RC=137$'
ok "the session is gone" session_gone ki

# The output log: a line the program printed, then went quiet, is there;
# plain text drops the escapes; a session without a log says so (253).
run "$TETHER" new lg -- sh -c "printf 'log \\033[1mline\\033[0m one\\n'; sleep 1000"
ok "the log has the quiet program's line" \
    wait_until sh -c '"$TETHER" log lg | grep -aq "line"'
run "$TETHER" log -p lg
is "$OUT" "log line one" "tether log -p: plain text"
ok "the log is the owner's alone" \
    test "$(stat -c %a "$XDG_STATE_HOME/tether/lg.log")" = 600
run "$TETHER" new nolog --log-size 0 -- sleep 1000
run "$TETHER" log nolog
is "$RC" 253 "tether log of a session without a log: 253"
run "$TETHER" new badlog --log-size 12
is "$RC" 254 "--log-size below 64K is a usage error (254)"
run "$TETHER" kill lg nolog

# A killed session whose client is stopped keeps the end for it, without
# spinning: it once polled with a zero timeout for its SIGKILL deadline.
run "$TETHER" new kz -- sleep 1000
term_start z 80 24 "$TETHER" attach kz
wait_until session_is kz attached
kzhost=$(session_pid kz)
kill -STOP "$(term_pid -t z)"
run "$TETHER" kill kz
is "$RC" 0 "kill with the client stopped exits 0"
cpu() { awk '{ print $14 + $15 }' "/proc/$kzhost/stat"; }
c0=$(cpu)
sleep 1
c1=$(cpu)
ok "the host waits for the stopped client without spinning ($((c1 - c0)) ticks in 1 s)" \
    test $((c1 - c0)) -lt 20
kill -CONT "$(term_pid -t z)"
ok "the client then gets the end and exits" term_wait_dead -t z
ok "and the session is gone" wait_until session_gone kz

# ------------------------------------------------ a second client
outer d1
term_type "\"\$TETHER\" attach dup -- env 'PS1=in\$ ' bash --norc --noprofile -i; echo \"RC=\$?\"; echo \"MD[$MODES]\""
wait_for_screen '^in\$ '
term_start d2 80 24 "$TETHER" attach dup
ok "the second client attaches" wait_for_screen -t d2 '^in\$ '
term_use d1
ok "the first prints that it was detached" \
    wait_for_screen '^\[tether: dup attached elsewhere; detached\]$'
ok "the first exits 0" wait_for_screen '^RC=0$'
wait_for_screen '^MD\[.*\]$'
is "$(screen_value 'MD\[(.*)\]')" "$m0" "the first restores its terminal"
term_use d2
term_type 'echo "D2-$((40 + 2))"'
ok "the second client works" wait_for_screen '^D2-42$'
ok "dup is attached" session_is dup attached
run "$TETHER" kill dup

# ------------------------------------------------ reattach after SIGKILL
# 30000 lines of seq: far more than the history a fresh client is given
# (2000 lines, the default), which lands in its terminal's scrollback
# above the repainted screen.
term_start f1 80 24 "$TETHER" attach big -- sh -c \
    "while [ ! -e $W/big.go ]; do sleep 0.05; done; seq 1 30000; echo BIG-END; exec sleep 4646"
wait_until session_is big attached
touch "$W/big.go"
ok "the first client shows the output" wait_for_screen '^BIG-END$'
kill -KILL "$(term_pid)"
ok "the first client is killed" term_wait_dead
ok "the session is detached" wait_until session_is big detached
term_start f2 80 24 "$TETHER" attach big
ok "a new client shows the recent output" wait_for_screen '^BIG-END$'
term_screen -h | sed '/^$/d' >"$W/big.screen"
k=$(head -n 1 "$W/big.screen")
like "$k" '^[0-9]+$' "its scrollback starts with a whole line of the output"
# Lines k..30000 then BIG-END.
is "$(awk -v k="$k" '
	$0 == "BIG-END" { print (n == 30001 - k ? "ok" : "count " n); exit }
	$0 != k + n { print "line " NR ": " $0; exit } { n++ }' "$W/big.screen")" ok \
    "then every line from there to the end"
# The screen holds 22 lines of seq, BIG-END and the cursor's empty line;
# the 2000 lines of history end just above.
is "$k" $((30000 - 22 - 2000 + 1)) "the history is the 2000 lines above the screen"
run "$TETHER" kill big

# ------------------------------------------------ stale sockets
run "$TETHER" new st1 -- sleep 4747
hpid=$(session_pid st1)
kill -KILL "$hpid"
wait_until proc_dead "$hpid"
ok "a killed host leaves its socket" test -S "$SOCKDIR/st1"
run "$TETHER" ls
is "$RC" 0 "ls with a stale socket exits 0"
unlike "$OUT" '^st1 ' "ls does not list the dead session"
ok "ls removed the stale socket" test ! -e "$SOCKDIR/st1"
# shellcheck disable=SC2046
kill $(session_procs st1 sleep 4747) 2>/dev/null

run "$TETHER" new st2 -- sleep 4848
old=$(session_pid st2)
kill -KILL "$old"
wait_until proc_dead "$old"
ok "a killed host leaves its socket (2)" test -S "$SOCKDIR/st2"
term_start g 80 24 "$TETHER" attach st2 -- sh -c 'echo ST2-NEW; exec sleep 4949'
ok "attach over a stale socket creates a new session" \
    wait_for_screen '^ST2-NEW$'
new=$(session_pid st2)
like "$new" '^[0-9]+$' "st2 is listed"
isnt "$new" "$old" "with a new host"
ok "and it is attached" session_is st2 attached
# shellcheck disable=SC2046
kill $(session_procs st2 sleep 4848) 2>/dev/null
run "$TETHER" kill st2

# ------------------------------------------------ racing creators
# attach and new at the same moment: one session, consistent outcomes.
for r in 1 2 3 4 5; do
	go=$W/race$r.go
	term_start "race$r" 80 24 sh -c 'while [ ! -e "$1" ]; do sleep 0.01; done; shift; exec "$@"' \
	    sh "$go" "$TETHER" attach "race$r" -- sh -c 'echo FROM-ATTACH; exec sleep 5050'
	(
		while [ ! -e "$go" ]; do sleep 0.01; done
		"$TETHER" new "race$r" -- sh -c 'echo FROM-NEW; exec sleep 5050'
		echo $? >"$W/race$r.rc"
	) >/dev/null 2>"$W/race$r.err" </dev/null &
	touch "$go"
	wait_until test -s "$W/race$r.rc"
	wait_for_screen '^FROM-(NEW|ATTACH)$'
	nrc=$(cat "$W/race$r.rc")
	if term_screen | grep -qx FROM-NEW; then
		is "$nrc" 0 "race $r: new won, and exited 0"
	else
		is "$nrc" 251 "race $r: attach won, new says it exists (251)"
	fi
	is "$("$TETHER" ls 2>/dev/null | awk -v n="race$r" '$1 == n' | wc -l)" 1 \
	    "race $r: exactly one session"
	is "$(session_procs "race$r" sleep 5050 | wc -l)" 1 \
	    "race $r: exactly one program"
	ok "race $r: the attach client is attached" session_is "race$r" attached
	run "$TETHER" kill "race$r"
done

# Four `new` at once: one creates, three are told it exists.
for i in 1 2 3 4; do
	(
		while [ ! -e "$W/rn.go" ]; do sleep 0.01; done
		"$TETHER" new rn -- sleep 5151
		echo $? >"$W/rn$i.rc"
	) >/dev/null 2>&1 </dev/null &
done
touch "$W/rn.go"
wait_until eval 'test -s "$W/rn1.rc" && test -s "$W/rn2.rc" && test -s "$W/rn3.rc" && test -s "$W/rn4.rc"'
is "$(cat "$W"/rn?.rc | sort | tr '\n' ' ')" "0 251 251 251 " \
    "four racing new: one 0, three 251"
is "$(session_procs rn sleep 5151 | wc -l)" 1 "four racing new: one program"
run "$TETHER" kill rn
wait

# ------------------------------------------------ the end, kept for a lost client
# A client lost without a word (here: killed) is owed what it missed: if
# the program ends before it comes back, the session stays, listed as
# exited, with the last output and the exit status for the next client.
term_start o1 80 24 "$TETHER" attach owed -- sh -c \
    "while [ ! -e $W/owed.go ]; do sleep 0.05; done; echo LAST-WORDS; exit 7"
wait_until session_is owed attached
kill -KILL "$(term_pid)"
ok "owed: the client is killed" term_wait_dead
wait_until session_is owed detached
touch "$W/owed.go"
ok "owed: the program ended, the session stays, listed as exited" \
    wait_until session_is owed exited
term_start o2 80 24 "$TETHER" attach owed
ok "owed: the next client shows the last output" wait_for_output '^LAST-WORDS$'
is "$(term_exit_status)" 7 "owed: and exits with the program's status"
ok "owed: then the session is gone" wait_until session_gone owed

# A client that detached (~.) is owed nothing: the session ends with it.
term_start o3 80 24 "$TETHER" attach nowed -- sh -c \
    "while [ ! -e $W/nowed.go ]; do sleep 0.05; done; exit 3"
wait_until session_is nowed attached
term_keys Enter '~.'
is "$(term_exit_status)" 0 "not owed: the client detached"
touch "$W/nowed.go"
ok "not owed: the session is gone when its program ends" \
    wait_until session_gone nowed

# The client that creates a session gets all of its output as bytes, from
# the first, even when the program writes much more than a fresh client's
# tail (64 kB) before that client's HELLO arrives: the host keeps it.
seq 1 400000 >"$W/seq.want"
# (script's standard input a FIFO that stays open and silent.)
mkfifo "$W/burst.in"
script -qfec "$(printf '%q ' "$TETHER" attach burst -- seq 1 400000)" \
    "$W/burst.out" 0<>"$W/burst.in" >/dev/null 2>&1
is "$?" 0 "a burst at creation: the client exits with the program"
tr -d '\r' <"$W/burst.out" | grep -a '^[0-9][0-9]*$' >"$W/seq.got"
ok "a burst at creation: every line of 2.7 MB arrived, in order" \
    cmp -s "$W/seq.got" "$W/seq.want"

done_testing
