# Shared library for tether's end-to-end tests (bash, TAP output).
#
# A test script does:
#
#	. "$(dirname "$0")/../lib.sh"
#	world_init
#	... assertions ...
#	done_testing
#
# world_init gives the script its own world: a private XDG_RUNTIME_DIR (so
# its own socket directory), a private tmux server whose panes are the real
# terminals tether runs in, a debug log, and a cleanup trap that ends every
# process of that world and removes it. Logs are printed (as TAP "# "
# diagnostics) only when a test failed.
#
# Timeouts here are failure deadlines only: every wait polls until what it
# waits for has happened, and gives up only after a generous deadline.
#
# Environment: TETHER (the binary, from tests/run), TETHER_TEST_TIMEOUT
# (default deadline in seconds, 20), TETHER_TEST_KEEP=1 keeps the world's
# directory, TETHER_VALGRIND=1 runs every tether of the world under
# valgrind's memcheck (see _world_valgrind; `make check-valgrind`).

set -u

: "${TETHER:?TETHER is not set: run the tests with tests/run BUILDDIR}"
case $TETHER in
/*) ;;
*) TETHER=$PWD/$TETHER ;;
esac
export TETHER

TIMEOUT=${TETHER_TEST_TIMEOUT:-20}

# ---------------------------------------------------------------- TAP

_tap_n=0
_tap_failed=0
_tap_planned=
_tap_done=

# plan N | plan skip_all REASON
plan() {
	if [ "$1" = skip_all ]; then
		shift
		echo "1..0 # SKIP $*"
		_tap_done=1
		exit 0
	fi
	_tap_planned=$1
	echo "1..$1"
}

# diag MSG...: a diagnostic on stderr (shown by prove); each line "# ".
diag() {
	local line
	printf '%s\n' "$*" | while IFS= read -r line; do
		printf '# %s\n' "$line" >&2
	done
}

# diag_file FILE [MAXLINES]: a file's (last) lines as diagnostics, with
# control characters made visible.
diag_file() {
	local f=$1 max=${2:-80}
	[ -e "$f" ] || { diag "($f: missing)"; return; }
	if [ ! -s "$f" ]; then
		diag "($f: empty)"
		return
	fi
	tail -n "$max" "$f" | cat -v | while IFS= read -r line; do
		printf '#   %s\n' "$line" >&2
	done
}

# note MSG...: a comment on stdout (shown by prove -v only).
note() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# Set _WHERE to the first caller outside this file: "script line N".
_tap_where() {
	local i
	_WHERE=?
	for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
		if [ "${BASH_SOURCE[i]}" != "${BASH_SOURCE[0]}" ]; then
			_WHERE="${BASH_SOURCE[i]##*/} line ${BASH_LINENO[i - 1]}"
			return
		fi
	done
}

pass() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $*"
	return 0
}

fail() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
	_tap_where
	diag "Failed test '$*' ($_WHERE)"
	return 1
}

# ok DESC CMD [ARGS...]: passes when CMD succeeds.
ok() {
	local desc=$1
	shift
	if "$@"; then
		pass "$desc"
	else
		fail "$desc"
	fi
}

# nok DESC CMD [ARGS...]: passes when CMD fails.
nok() {
	local desc=$1
	shift
	if "$@"; then
		fail "$desc"
	else
		pass "$desc"
	fi
}

# is GOT EXPECTED DESC
is() {
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3"
		diag "     got: '$(printf '%s' "$1" | cat -v)'"
		diag "expected: '$(printf '%s' "$2" | cat -v)'"
		return 1
	fi
}

# isnt GOT UNEXPECTED DESC
isnt() {
	if [ "$1" != "$2" ]; then
		pass "$3"
	else
		fail "$3"
		diag "got '$(printf '%s' "$1" | cat -v)', which it should not be"
		return 1
	fi
}

# like GOT ERE DESC
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		pass "$3"
	else
		fail "$3"
		diag "     got: '$(printf '%s' "$1" | cat -v)'"
		diag "expected to match: /$2/"
		return 1
	fi
}

# unlike GOT ERE DESC
unlike() {
	if ! printf '%s\n' "$1" | grep -Eq -- "$2"; then
		pass "$3"
	else
		fail "$3"
		diag "     got: '$(printf '%s' "$1" | cat -v)'"
		diag "expected not to match: /$2/"
		return 1
	fi
}

# skip REASON [COUNT]
skip() {
	local i
	for ((i = 0; i < ${2:-1}; i++)); do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # skip $1"
	done
}

# bail REASON: stop the whole script (the cleanup trap still runs).
bail() {
	echo "Bail out! $*"
	_tap_failed=$((_tap_failed + 1))
	_world_dump_logs
	_tap_done=1
	exit 255
}

# done_testing: check for sanitizer reports, print the plan if none was
# given, dump the world's logs if anything failed, exit 0 or 1.
done_testing() {
	_world_check_sanitizers
	[ -n "$_tap_planned" ] || echo "1..$_tap_n"
	_tap_done=1
	if [ "$_tap_failed" -ne 0 ]; then
		_world_dump_logs
		exit 1
	fi
	exit 0
}

# ---------------------------------------------------------------- world

W=
XDG=
SOCKDIR=
TMUX_SOCK=
TERM_CUR=
_terms=()

# world_init: make this script's private world and its cleanup trap.
world_init() {
	W=$(mktemp -d "${TMPDIR:-/tmp}/tether-test.XXXXXX") ||
	    bail "cannot make a temporary directory"
	chmod 700 "$W"
	XDG=$W/xdg
	mkdir -m 700 "$XDG"
	SOCKDIR=$XDG/tether
	TMUX_SOCK=$W/tmux.sock
	mkdir "$W/tmp"

	unset TMUX TMUX_PANE TETHER_SESSION PROMPT_COMMAND
	export XDG_RUNTIME_DIR=$XDG
	export XDG_STATE_HOME=$W/state	# output logs: $W/state/tether
	export XDG_CONFIG_HOME=$W/config	# no tether config but the test's
	export TETHER_DEBUG=$W/debug.log
	export TETHER_TEST_WORLD=$W	# marks every process of this world
	export TERM=xterm-256color
	export HISTFILE=$W/bash_history
	export PS1='$ '
	export LC_ALL=C
	export SHELL=/bin/sh
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$W/asan"
	export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:log_path=$W/ubsan"
	: >"$W/commands.log"
	[ -z "${TETHER_VALGRIND:-}" ] || _world_valgrind

	trap '_world_cleanup' EXIT
	trap 'diag "interrupted"; exit 130' INT
	trap 'diag "terminated"; exit 143' TERM HUP
	# prove gone (killed by a timeout): clean up quietly instead of dying
	# of SIGPIPE with the world still running. A trap, unlike ignoring
	# the signal, is not inherited by the programs under test.
	trap 'exec >/dev/null 2>&1; exit 141' PIPE

	cat >"$W/tmux.conf" <<-'EOF'
	set -g remain-on-exit on
	set -g status off
	set -g history-limit 50000
	set -g default-terminal xterm-256color
	set -g default-shell /bin/bash
	set -g escape-time 0
	set -g exit-empty off
	set -g destroy-unattached off
	set -g aggressive-resize off
	EOF
	# A placeholder session keeps the server (and its options) up.
	tmux -S "$TMUX_SOCK" -f "$W/tmux.conf" new-session -d -s _world \
	    -x 80 -y 24 'exec sleep 100000' ||
	    bail "cannot start a tmux server"
}

# TETHER becomes a wrapper that runs the real binary under memcheck, one
# log per process in $W/vg (forks are followed without --trace-children,
# which would follow the session's program and ssh instead: not ours).
# The directory is open to all, because the sshbed's remote tether, run as
# the test user, is this wrapper too. Only definite leaks count; the exit
# status 97 makes an error fail whatever test looks at the status, and
# _world_check_sanitizers fails on any report in the logs.
_world_valgrind() {
	local supp
	supp=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/valgrind.supp
	mkdir -m 1777 "$W/vg"
	cat >"$W/vg/tether" <<-EOF
	#!/bin/sh
	exec valgrind --tool=memcheck --leak-check=full \\
	    --errors-for-leak-kinds=definite --show-leak-kinds=definite \\
	    --error-exitcode=97 --track-fds=no --num-callers=30 \\
	    --suppressions=$supp --log-file=$W/vg/log.%p \\
	    $TETHER "\$@"
	EOF
	chmod 755 "$W/vg/tether"
	TETHER=$W/vg/tether
	TIMEOUT=${TETHER_TEST_TIMEOUT:-120}
}

# Every pid (but ours) whose environment carries this world's marker.
_world_pids() {
	local p pid
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = "$$" ] && continue
		[ "$pid" = "$BASHPID" ] && continue
		grep -qzxF "TETHER_TEST_WORLD=$W" "$p/environ" 2>/dev/null &&
		    echo "$pid"
	done
}

# world_on_cleanup FUNC / world_on_dump FUNC: have the cleanup trap call
# FUNC after the world's processes were killed and before its directory is
# removed (e.g. tests/sshbed.sh's teardown), or have FUNC print more logs
# when the world's logs are dumped.
_world_cleanup_hooks=()
_world_dump_hooks=()
world_on_cleanup() { _world_cleanup_hooks+=("$1"); }
world_on_dump() { _world_dump_hooks+=("$1"); }

_world_cleanup() {
	local rc=$? pids i h
	[ -n "$W" ] || return "$rc"
	if [ -z "$_tap_done" ]; then
		diag "test script ended early (status $rc) after $_tap_n tests"
		_world_dump_logs
	fi
	tmux -S "$TMUX_SOCK" kill-server >/dev/null 2>&1
	for i in 1 2 3 4 5; do
		pids=$(_world_pids)
		[ -n "$pids" ] || break
		# shellcheck disable=SC2086
		kill -9 $pids 2>/dev/null
		sleep 0.1
	done
	for h in "${_world_cleanup_hooks[@]}"; do
		"$h"
	done
	if [ "${TETHER_TEST_KEEP:-}" = 1 ]; then
		diag "world kept in $W"
	else
		rm -rf "$W"
	fi
	return "$rc"
}

# Print the world's logs as diagnostics (called when something failed).
_world_dump_logs() {
	local t
	[ -n "$W" ] || return 0
	for t in "${_terms[@]}"; do
		diag "--- terminal $t (screen)"
		term_screen -t "$t" >"$W/dump.screen" 2>&1
		diag_file "$W/dump.screen" 40
		diag "--- terminal $t: $(tmux -S "$TMUX_SOCK" display -p -t "$t" \
		    'dead=#{pane_dead} status=#{pane_dead_status} signal=#{pane_dead_signal}' 2>&1)"
	done
	diag "--- commands run (last lines)"
	diag_file "$W/commands.log" 60
	diag "--- TETHER_DEBUG log (last lines)"
	diag_file "$W/debug.log" 80
	if [ -d "$SOCKDIR" ]; then
		diag "--- socket directory"
		ls -la "$SOCKDIR" >"$W/dump.ls" 2>&1
		diag_file "$W/dump.ls"
	fi
	for t in "${_world_dump_hooks[@]}"; do
		"$t"
	done
}

# A valgrind log with an error in it: a summary counting errors (a process
# that ended normally), or any error report (one that was killed).
_VG_ERRORS='ERROR SUMMARY: [1-9]|== (Invalid |Conditional jump|Use of uninit|Syscall param|Mismatched free|Source and destination overlap|Argument .* of function|.* definitely lost in)'

# One test point: no AddressSanitizer/UBSan report, nor a valgrind error,
# from any process.
_world_check_sanitizers() {
	local f found=
	for f in "$W"/asan.* "$W"/ubsan.* "$W"/tt/asan.* "$W"/tt/ubsan.*; do
		[ -e "$f" ] || continue
		found=1
	done
	for f in "$W"/vg/log.*; do
		[ -e "$f" ] || continue
		grep -Eq -- "$_VG_ERRORS" "$f" && found=1
	done
	if [ -z "$found" ]; then
		pass "no sanitizer reports"
		return
	fi
	fail "no sanitizer reports"
	for f in "$W"/asan.* "$W"/ubsan.* "$W"/tt/asan.* "$W"/tt/ubsan.*; do
		[ -e "$f" ] || continue
		diag "--- $f"
		diag_file "$f" 60
	done
	for f in "$W"/vg/log.*; do
		grep -Eq -- "$_VG_ERRORS" "$f" 2>/dev/null || continue
		diag "--- $f"
		diag_file "$f" 120
		# Kept for the report (the world is removed).
		[ -z "${TETHER_VALGRIND_LOGS:-}" ] ||
		    cp "$f" "$TETHER_VALGRIND_LOGS/${0##*/}.${f##*/}"
	done
}

# ---------------------------------------------------------------- commands

RC=0
OUT=
ERR=

# run CMD [ARGS...]: run a command (stdin from /dev/null, a deadline of
# 60 s), setting RC, OUT and ERR; logged to the world's commands.log.
run() {
	timeout -k 5 60 "$@" >"$W/run.out" 2>"$W/run.err" </dev/null
	RC=$?
	OUT=$(cat "$W/run.out")
	ERR=$(cat "$W/run.err")
	{
		printf '$ %s  => %s\n' "$(printf '%q ' "$@")" "$RC"
		[ -z "$OUT" ] || printf '%s\n' "$OUT" | sed 's/^/  out: /'
		[ -z "$ERR" ] || printf '%s\n' "$ERR" | sed 's/^/  err: /'
	} | cat -v >>"$W/commands.log"
	return 0
}

# log_note MSG: a line into the commands log (context for failure dumps).
log_note() {
	printf '## %s\n' "$*" >>"$W/commands.log"
}

# nlines STRING: how many lines STRING has (0 when empty).
nlines() {
	if [ -z "$1" ]; then
		echo 0
	else
		printf '%s\n' "$1" | wc -l
	fi
}

# wait_until [-t SECONDS] CMD [ARGS...]: poll until CMD succeeds.
wait_until() {
	local limit=$TIMEOUT deadline
	if [ "$1" = -t ]; then
		limit=$2
		shift 2
	fi
	deadline=$((SECONDS + limit))
	while :; do
		"$@" && return 0
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.05
	done
	diag "gave up after ${limit}s waiting for: $*"
	return 1
}

# ---------------------------------------------------------------- sessions

# ls_field NAME COLUMN: one column (1 NAME, 2 STATE, 3 PID, 4 SIZE,
# 5 CREATED, 6 ATTACHED, 7 IDLE, 8 TTL, 9 TITLE) of NAME's ls row.
ls_field() {
	"$TETHER" ls 2>/dev/null </dev/null |
	    awk -F '  +' -v n="$1" -v c="$2" 'NR > 1 && $1 == n { print $c }'
}

session_pid() { ls_field "$1" 3; }
session_state() { ls_field "$1" 2; }

# session_exists NAME
session_exists() {
	[ -n "$(ls_field "$1" 1)" ]
}

session_gone() {
	! session_exists "$1"
}

# session_is NAME STATE: NAME is listed as attached/detached.
session_is() {
	[ "$(session_state "$1")" = "$2" ]
}

# proc_state PID: the one-letter state (R, S, T, Z...) or nothing if gone.
proc_state() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	echo "${s%% *}"
}

# proc_alive PID: exists and is not a zombie.
proc_alive() {
	local s
	s=$(proc_state "$1")
	[ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

proc_dead() {
	! proc_alive "$1"
}

proc_stopped() {
	[ "$(proc_state "$1")" = T ]
}

# test_user NAME: make the local user NAME (a shell, no password), once per
# machine, under tests/sshbed.sh's lock, as that makes its own test user
# (the tests that need another user share sshbed's, tethertest).
test_user() {
	local fd rc=0
	exec {fd}>>/run/lock/tether-sshbed.lock || return 1
	flock -w 120 "$fd" || { exec {fd}>&-; return 1; }
	if ! getent passwd "$1" >/dev/null; then
		useradd -m -s /bin/bash -p '*' -c 'tether tests' "$1" || rc=1
	fi
	exec {fd}>&-
	return "$rc"
}

# procs_with_env VAR=VALUE: live pids of this world whose environment has it.
procs_with_env() {
	local pid
	for pid in $(_world_pids); do
		grep -qzxF "$1" "/proc/$pid/environ" 2>/dev/null || continue
		proc_alive "$pid" && echo "$pid"
	done
}

# ---------------------------------------------------------------- terminals

_tmux() {
	tmux -S "$TMUX_SOCK" "$@"
}

# term_start NAME COLS ROWS CMD [ARGS...]: a detached tmux session running
# CMD (exec'd, so #{pane_pid} is CMD's pid) in a real COLSxROWS pty. All the
# pane's output is also recorded in $W/NAME.out (see wait_for_output). NAME
# becomes the current terminal of the other term_* functions.
term_start() {
	local name=$1 cols=$2 rows=$3 go
	shift 3
	go=$W/$name.go
	rm -f "$go"
	: >"$W/$name.out"
	# The pane waits for $go, so that recording starts before CMD does.
	_tmux new-session -d -s "$name" -x "$cols" -y "$rows" \
	    "while [ ! -e $(printf %q "$go") ]; do sleep 0.02; done; exec $(printf '%q ' "$@")" ||
	    { diag "tmux new-session $name failed"; return 1; }
	_tmux pipe-pane -t "$name" -o "exec cat >>$(printf %q "$W/$name.out")"
	touch "$go"
	_terms+=("$name")
	TERM_CUR=$name
	log_note "terminal $name ${cols}x$rows: $*"
}

# term_use NAME: make NAME the current terminal.
term_use() {
	TERM_CUR=$1
}

# The -t NAME option of the term_* functions picks a terminal other than
# the current one.
_term_target() {
	_T=$TERM_CUR
	_SHIFT=0
	if [ "${1:-}" = -t ]; then
		_T=$2
		_SHIFT=2
	fi
}

# term_keys [-t NAME] [-l] KEYS...: tmux send-keys (-l: literal string).
term_keys() {
	_term_target "$@"
	shift "$_SHIFT"
	log_note "keys to $_T: $*"
	_tmux send-keys -t "$_T" "$@"
}

# term_type [-t NAME] STRING: type STRING literally, then Enter.
term_type() {
	_term_target "$@"
	shift "$_SHIFT"
	term_keys -t "$_T" -l "$1" && term_keys -t "$_T" Enter
}

# term_screen [-t NAME] [-h]: the visible screen (-h: with scrollback).
term_screen() {
	_term_target "$@"
	shift "$_SHIFT"
	if [ "${1:-}" = -h ]; then
		_tmux capture-pane -p -J -S - -t "$_T"
	else
		_tmux capture-pane -p -J -t "$_T"
	fi
}

# term_output [-t NAME]: everything the terminal's program wrote, raw.
term_output() {
	_term_target "$@"
	cat "$W/$_T.out"
}

# term_text [-t NAME]: the same, with escape sequences and CRs removed.
term_text() {
	_term_target "$@"
	strip_ansi <"$W/$_T.out"
}

# strip_ansi: remove CSI, OSC and other escape sequences, CRs, and the
# shifts SO and SI (a repaint starts with SI).
strip_ansi() {
	perl -pe 's/\e\[[0-9;?<=>!]*[ -\/]*[@-~]//g; s/\e\][^\a\e]*(\a|\e\\)//g;
	    s/\e[()][0-9A-Za-z]//g; s/\e[=>78cDEHMNOZ]//g; s/[\r\x0e\x0f]//g'
}

# wait_for_screen [-t NAME] [-h] ERE [SECONDS]: poll the screen (-h: and its
# scrollback) until a line matches ERE.
wait_for_screen() {
	local hist= re limit deadline
	_term_target "$@"
	shift "$_SHIFT"
	local t=$_T
	if [ "${1:-}" = -h ]; then
		hist=-h
		shift
	fi
	re=$1
	limit=${2:-$TIMEOUT}
	deadline=$((SECONDS + limit))
	while :; do
		term_screen -t "$t" $hist >"$W/wait.screen" 2>&1
		grep -Eq -- "$re" "$W/wait.screen" && return 0
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.1
	done
	diag "gave up after ${limit}s waiting for /$re/ on terminal $t, which shows:"
	diag_file "$W/wait.screen" 30
	return 1
}

# term_mark [-t NAME]: remember how much the terminal's program has written
# so far; wait_for_output -n then looks only at what comes after.
term_mark() {
	_term_target "$@"
	stat -c %s "$W/$_T.out" >"$W/$_T.mark" 2>/dev/null || echo 0 >"$W/$_T.mark"
}

# wait_for_output [-t NAME] [-n] ERE [SECONDS]: poll the terminal's recorded
# output (escape sequences removed) until a line matches ERE; with -n, only
# the output written since the last term_mark.
wait_for_output() {
	local re limit deadline from=1
	_term_target "$@"
	shift "$_SHIFT"
	local t=$_T
	if [ "${1:-}" = -n ]; then
		from=$(($(cat "$W/$t.mark" 2>/dev/null || echo 0) + 1))
		shift
	fi
	re=$1
	limit=${2:-$TIMEOUT}
	deadline=$((SECONDS + limit))
	while :; do
		tail -c +"$from" "$W/$t.out" 2>/dev/null | strip_ansi |
		    grep -aEq -- "$re" && return 0
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.1
	done
	diag "gave up after ${limit}s waiting for /$re/ in the output of $t; its end:"
	tail -c +"$from" "$W/$t.out" 2>&1 | strip_ansi >"$W/wait.out" 2>&1
	diag_file "$W/wait.out" 30
	return 1
}

# term_pid [-t NAME]: the pid of the pane's program.
term_pid() {
	_term_target "$@"
	_tmux display -p -t "$_T" '#{pane_pid}'
}

# term_tty [-t NAME]: the pane's tty device.
term_tty() {
	_term_target "$@"
	_tmux display -p -t "$_T" '#{pane_tty}'
}

# term_dead [-t NAME]: has the pane's program exited?
term_dead() {
	_term_target "$@"
	[ "$(_tmux display -p -t "$_T" '#{pane_dead}')" = 1 ]
}

term_alive() {
	! term_dead "$@"
}

# term_wait_dead [-t NAME] [SECONDS]: wait until the pane's program exits.
term_wait_dead() {
	_term_target "$@"
	shift "$_SHIFT"
	wait_until -t "${1:-$TIMEOUT}" term_dead -t "$_T"
}

# term_exit_status [-t NAME] [SECONDS]: wait for the program to exit, then
# print its exit status, or "signal N" if a signal killed it.
_term_status_ready() {
	[ -n "$(_tmux display -p -t "$1" '#{pane_dead_status}#{pane_dead_signal}')" ] &&
	    return 0
	# A SIGCHLD that tmux missed leaves the program a zombie, unreaped
	# until the next one: nudge the server.
	kill -CHLD "$(_tmux display -p '#{pid}')" 2>/dev/null
	return 1
}

term_exit_status() {
	local st sig
	_term_target "$@"
	shift "$_SHIFT"
	local t=$_T
	term_wait_dead -t "$t" "${1:-$TIMEOUT}" || { echo running; return 1; }
	# tmux may see the pty close before it has reaped the program.
	wait_until _term_status_ready "$t" || {
		diag "$(_tmux list-panes -a -F '#{session_name} pid=#{pane_pid} dead=#{pane_dead} status=#{pane_dead_status}')"
		diag "$(ps -o pid,stat,args -p "$(_tmux display -p -t "$t" '#{pane_pid}')")"
	}
	st=$(_tmux display -p -t "$t" '#{pane_dead_status}')
	sig=$(_tmux display -p -t "$t" '#{pane_dead_signal}')
	if [ -n "$sig" ] && [ "$sig" != 0 ]; then
		echo "signal $sig"
	else
		echo "$st"
	fi
}

# term_resize [-t NAME] COLS ROWS
term_resize() {
	_term_target "$@"
	shift "$_SHIFT"
	log_note "resize $_T to $1x$2"
	_tmux resize-window -t "$_T" -x "$1" -y "$2"
}

# term_kill [-t NAME]: close the tmux session (its pty is hung up).
term_kill() {
	_term_target "$@"
	_tmux kill-session -t "$_T" 2>/dev/null
}

# A command line for an interactive bash inside a session, prompt "in$ ".
INNER_SHELL=(env 'PS1=in$ ' bash --norc --noprofile -i)
# One for the pane's own (outer) shell, prompt "out$ ".
OUTER_SHELL=(env 'PS1=out$ ' bash --norc --noprofile -i)
