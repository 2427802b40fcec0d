#!/bin/bash
# File-system safety of what tether creates: the socket and the output log
# are for their owner alone (files 0600, directories 0700); a log directory
# (or its parent) that someone else could change, or that is a link, is
# refused with one line and exit 255, while the session itself still runs
# (without a log, which tether new says in one line); a log file planted
# as a link is never followed or written through, and neither a link nor
# a FIFO is read by tether log; a full disk pauses the log, says so in it,
# and the session and its client carry on.
. "$(dirname "$0")/../lib.sh"
world_init

OTHER=tethertest	# the test user of tests/sshbed.sh and security.sh

# mode PATH: the octal mode and type of PATH (never following a link).
mode() { stat -c '%A %a' -- "$1"; }

# program_runs MARK: a process of this world runs "sleep MARK".
program_runs() {
	local pid
	for pid in $(pgrep -fx -- "sleep $1"); do
		grep -qzxF "TETHER_TEST_WORLD=$W" "/proc/$pid/environ" \
		    2>/dev/null && return 0
	done
	return 1
}

# log_has NAME ERE [STATE]: tether log -p NAME (with XDG_STATE_HOME=STATE)
# has a line matching ERE.
log_has() {
	env XDG_STATE_HOME="${3:-$XDG_STATE_HOME}" "$TETHER" log -p "$1" \
	    2>/dev/null </dev/null | grep -Eq -- "$2"
}

# ------------------------------------------------ modes of what is created
run "$TETHER" new m1 -- sh -c 'echo M1-OUTPUT; exec sleep 7070'
is "$RC" 0 "a session starts"
ok "its output reaches the log" wait_until log_has m1 '^M1-OUTPUT$'
like "$(mode "$SOCKDIR")" '^drwx------ 700$' "the socket directory is 0700"
like "$(mode "$SOCKDIR/m1")" '^srw------- 600$' "the socket is 0600"
like "$(mode "$XDG_STATE_HOME/tether")" '^drwx------ 700$' \
    "the log directory is 0700"
like "$(mode "$XDG_STATE_HOME/tether/m1.log")" '^-rw------- 600$' \
    "the log is 0600"
like "$(mode "$TETHER_DEBUG")" '^-rw------- 600$' "the debug log is 0600"
run "$TETHER" kill m1
is "$RC" 0 "kill m1"

# Even with a umask that opens everything up.
run sh -c 'umask 000; exec "$0" new m2 -- sh -c "echo M2; exec sleep 7071"' \
    "$TETHER"
is "$RC" 0 "a session started with umask 000"
ok "its output reaches the log" wait_until log_has m2 '^M2$'
like "$(mode "$SOCKDIR/m2")" '^srw------- 600$' "umask 000: the socket is 0600"
like "$(mode "$XDG_STATE_HOME/tether/m2.log")" '^-rw------- 600$' \
    "umask 000: the log is 0600"
run "$TETHER" kill m2

# ------------------------------------------------ a log planted as a link
mkdir -m 700 "$W/elsewhere"
printf 'PRECIOUS\n' >"$W/elsewhere/precious"
chmod 600 "$W/elsewhere/precious"
ln -s "$W/elsewhere/precious" "$XDG_STATE_HOME/tether/pl.log"
ln -s "$W/elsewhere/precious" "$XDG_STATE_HOME/tether/pl.log.1"
run "$TETHER" new pl -- sh -c 'echo PL-OUTPUT; exec sleep 7072'
is "$RC" 0 "a session whose log name is taken by a link starts"
ok "its output reaches a log of its own" wait_until log_has pl '^PL-OUTPUT$'
is "$(cat "$W/elsewhere/precious")" PRECIOUS \
    "the file the link pointed at is untouched"
like "$(mode "$XDG_STATE_HOME/tether/pl.log")" '^-rw------- 600$' \
    "the link was replaced by a private file"
run "$TETHER" kill pl

# tether log reads neither a link nor a FIFO put in a log's place.
ln -s "$W/elsewhere/precious" "$XDG_STATE_HOME/tether/rl.log"
run "$TETHER" log rl
is "$RC" 255 "tether log of a log that is a link: exit 255"
is "$(nlines "$ERR")" 1 "tether log of a link: one line"
like "$ERR" "^tether: unsafe log $XDG_STATE_HOME/tether/rl.log: " \
    "tether log of a link: says why"
unlike "$OUT" PRECIOUS "tether log of a link: does not follow it"
mkfifo -m 600 "$XDG_STATE_HOME/tether/ff.log"
run "$TETHER" log ff
is "$RC" 255 "tether log of a log that is a FIFO: exit 255 (no hang)"
like "$ERR" "^tether: unsafe log $XDG_STATE_HOME/tether/ff.log: " \
    "tether log of a FIFO: says why"
rm -f "$XDG_STATE_HOME/tether/rl.log" "$XDG_STATE_HOME/tether/ff.log"

# ------------------------------------------------ unsafe log directories
# unsafe_log DESC STATE WHY-ERE: with XDG_STATE_HOME=STATE, a session still
# starts and runs (with no log), tether log refuses in one line, exit 255,
# and nothing is written into STATE.
n=0
unsafe_log() {
	local desc=$1 state=$2 why=$3 before mark
	n=$((n + 1))
	mark=$((7100 + n))
	before=$(cd "$state" && ls -lAR --time-style=+ . 2>&1)
	run env XDG_STATE_HOME="$state" "$TETHER" new "u$n" -- sh -c \
	    "echo U-OUTPUT; exec sleep $mark"
	is "$RC" 0 "$desc: the session still starts"
	is "$(nlines "$ERR")" 1 "$desc: tether new says one line"
	like "$ERR" "^tether: no output log for session u$n: unsafe log directory $state/tether: $why" \
	    "$desc: that it runs without a log, and why"
	ok "$desc: and runs (without a log)" wait_until program_runs "$mark"
	run env XDG_STATE_HOME="$state" "$TETHER" log "u$n"
	is "$RC" 255 "$desc: tether log: exit 255"
	is "$(nlines "$ERR")" 1 "$desc: tether log: one line"
	like "$ERR" "^tether: unsafe log directory $state/tether: $why" \
	    "$desc: tether log: says why"
	is "$OUT" "" "$desc: tether log: nothing on stdout"
	is "$(cd "$state" && ls -lAR --time-style=+ . 2>&1)" "$before" \
	    "$desc: nothing was created or written"
	run "$TETHER" kill "u$n"
	is "$RC" 0 "$desc: the session is killed as usual"
}

mkdir -m 700 "$W/s-link" "$W/s-link/real"
ln -s real "$W/s-link/tether"
unsafe_log "log directory a symlink" "$W/s-link" "it is a symbolic link"

mkdir -m 700 "$W/s-file"
: >"$W/s-file/tether"
unsafe_log "log directory a file" "$W/s-file" "not a directory"

for m in 770 755 701; do
	mkdir -m 700 "$W/s-$m" "$W/s-$m/tether"
	chmod "$m" "$W/s-$m/tether"
	unsafe_log "log directory mode $m" "$W/s-$m" "mode 0$m lets others in"
done

mkdir -m 700 "$W/s-gw"
chmod 770 "$W/s-gw"
unsafe_log "log directory's parent group-writable" "$W/s-gw" \
    "its parent $W/s-gw \\(mode 0770\\) lets others replace it"

if [ "$(id -u)" != 0 ]; then
	skip "another user is needed: run as root" 16
elif ! command -v useradd >/dev/null || ! test_user "$OTHER"; then
	skip "cannot create the user $OTHER" 16
else
	OUID=$(id -u "$OTHER")
	mkdir -m 700 "$W/s-owner" "$W/s-owner/tether"
	chown "$OUID" "$W/s-owner/tether"
	unsafe_log "log directory owned by another user" "$W/s-owner" \
	    "owned by uid $OUID, not by you \\(uid 0\\)"

	# The parent reached through a link, into another user's directory.
	mkdir -m 700 "$W/theirs" "$W/s-plink"
	chown "$OUID" "$W/theirs"
	ln -s "$W/theirs" "$W/s-plink/state"
	unsafe_log "log directory's parent a link to another user's" \
	    "$W/s-plink/state" "its parent $W/s-plink/state is owned by uid $OUID"
fi

# The socket directory's parent is held to the same rule.
mkdir -m 700 "$W/r-gw"
chmod 775 "$W/r-gw"
run env XDG_RUNTIME_DIR="$W/r-gw" "$TETHER" new r1 -- sleep 7199
is "$RC" 255 "socket directory's parent group-writable: exit 255"
like "$ERR" "^tether: unsafe socket directory $W/r-gw/tether: its parent" \
    "socket directory's parent group-writable: says why"
nok "socket directory's parent group-writable: no session" program_runs 7199
is "$(ls -A "$W/r-gw")" "" "nothing was created in it"

# ------------------------------------------------ a full disk
# The cleanup hook: the world's directory cannot go while it is mounted.
unmount_full() { umount -l "$W/full" 2>/dev/null; }

if [ "$(id -u)" != 0 ]; then
	skip "mounting a small file system needs root" 9
else
	mkdir -m 700 "$W/full"
	if ! mount -t tmpfs -o size=1m,mode=700 tetherfull "$W/full"; then
		skip "cannot mount a tmpfs" 9
	else
		world_on_cleanup unmount_full
		export XDG_STATE_HOME=$W/full
		# 3 MB of output into a 1 MB file system, a prompt, then a
		# line a second (what the log tries again with).
		term_start df 80 24 env XDG_STATE_HOME="$W/full" "$TETHER" \
		    attach df -- sh -c \
		    'head -c 3000000 /dev/zero | tr "\0" x | fold -w 79
		     echo; echo FILLED; read x; echo "AFTER-$x"
		     while :; do echo TICK; sleep 1; done'
		ok "disk full: the output reaches the client" \
		    wait_for_screen '^FILLED$' 60
		term_type go
		ok "disk full: the session still takes input and answers" \
		    wait_for_screen '^AFTER-go$'
		ok "disk full: the session is alive" session_exists df
		is "$(df --output=avail -B1 "$W/full" | tail -1 | tr -d ' ')" 0 \
		    "disk full: the file system is full"
		run "$TETHER" log -p df
		is "$RC" 0 "disk full: tether log works"
		like "$OUT" '\[tether: the log is paused here: No space left on device; output from here on is missing until it resumes\]' \
		    "disk full: the log ends with a note that says so"
		like "$(printf '%s\n' "$OUT" | tail -n 1)" '^\[tether: the log is paused' \
		    "disk full: the note is the log's last line"
		# Room again: the log resumes and says what it missed.
		rm -f "$W/full/tether/df.log.1"
		: >"$W/full/tether/df.log"
		ok "disk full, then room: the log resumes and notes the gap" \
		    wait_until -t 30 log_has df \
		    '^\[tether: the log was paused \(a write failed\); [0-9]+ bytes'
		ok "disk full, then room: later output is logged" \
		    wait_until log_has df '^TICK$'
		run "$TETHER" kill df
		export XDG_STATE_HOME=$W/state
	fi
fi

done_testing
