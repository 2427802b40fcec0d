#!/bin/bash
# Sessions are private to their user: another local user can neither list
# nor attach them, through tether or straight at the socket (the host
# checks the peer's uid, so that even a socket opened up by mistake is
# safe, and even root is refused a session that is not its own); and an
# unsafe socket directory (another owner, a symlink, a file, group or
# other permission bits) is refused with one line and exit 255, creating
# nothing.
. "$(dirname "$0")/../lib.sh"
world_init

OTHER=tethertest	# the same test user as tests/sshbed.sh
PY=/usr/bin/python3

# ------------------------------------------------ helpers

# A raw protocol client: connect to a socket, send HELLO of a mode (1
# attach, 2 info, 3 kill), print what comes back, one line per frame.
cat >"$W/probe.py" <<'EOF'
import errno, socket, struct, sys

path, mode = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(path)
except OSError as e:
    print("connect-failed", errno.errorcode.get(e.errno, e.errno))
    sys.exit(0)
body = b"TTHR" + struct.pack(">HHBIQQHH", 1, 0, mode, 0, 0, 0, 24, 80)
try:
    s.sendall(struct.pack(">IB", len(body) + 1, 1) + body)
except OSError as e:
    print("send-failed", errno.errorcode.get(e.errno, e.errno))
s.settimeout(5)
data = b""
while True:
    try:
        chunk = s.recv(65536)
    except socket.timeout:
        print("still-open")
        break
    except OSError as e:
        print("recv-failed", errno.errorcode.get(e.errno, e.errno))
        break
    if not chunk:
        break
    data += chunk
off = 0
while off + 5 <= len(data):
    n, t = struct.unpack(">IB", data[off:off + 5])
    b = data[off + 5:off + 4 + n]
    if t == 3:
        ln, = struct.unpack(">I", b[1:5])
        print("ERROR", b[0], b[5:5 + ln].decode(errors="replace"))
    else:
        print("frame", t)
    off += 4 + n
EOF
chmod 644 "$W/probe.py"

# other_env XDGDIR: AS_OTHER becomes the command prefix that runs a command
# as the other user, in a clean environment that still marks it as this
# world's, with XDG_RUNTIME_DIR=XDGDIR (lib.sh's run execs its command, so
# this is an array, not a function).
AS_OTHER=()
other_env() {
	AS_OTHER=(setpriv --reuid="$OUID" --regid="$OGID" --clear-groups
	    env -i PATH=/usr/bin:/bin HOME="$W/tt" LC_ALL=C
	    XDG_RUNTIME_DIR="$1" TETHER_TEST_WORLD="$W"
	    TETHER_DEBUG="$W/tt/debug.log"
	    ASAN_OPTIONS="log_path=$W/tt/asan"
	    UBSAN_OPTIONS="print_stacktrace=1:log_path=$W/tt/ubsan")
}

# no_procs CMDLINE: no process of this world has this command line.
no_procs() {
	local pid
	for pid in $(pgrep -fx -- "$1"); do
		grep -qzxF "TETHER_TEST_WORLD=$W" "/proc/$pid/environ" \
		    2>/dev/null && return 1
	done
	return 0
}

# ------------------------------------------------ the first user's session
run "$TETHER" new sec -- sh -c 'echo SECRET-OUTPUT; exec sleep 6161'
is "$RC" 0 "the first user makes a session"
ok "it is listed for its owner" session_exists sec
if [ -x "$PY" ]; then
	run "$PY" "$W/probe.py" "$SOCKDIR/sec" 2
	like "$OUT" '^frame 13$' \
	    "the raw probe speaks the protocol (INFO for the owner)"
else
	skip "no $PY for the raw probe"
fi

# ------------------------------------------------ another local user
if [ "$(id -u)" != 0 ]; then
	skip "another user is needed: run as root to create one" 29
elif ! command -v setpriv >/dev/null || ! command -v useradd >/dev/null ||
    [ ! -x "$PY" ]; then
	skip "setpriv, useradd and $PY are needed for another user's view" 29
elif ! test_user "$OTHER"; then
	skip "cannot create the user $OTHER" 29
else
	OUID=$(id -u "$OTHER")
	OGID=$(id -g "$OTHER")
	# $W traversable (not listable) by the other user, who owns $W/tt;
	# the first user's XDG directory stays 0700.
	chmod 711 "$W"
	mkdir -p "$W/tt/bin" "$W/tt/xdg"
	chown "$OUID:$OGID" "$W/tt" "$W/tt/xdg"
	chmod 755 "$W/tt"
	chmod 700 "$W/tt/xdg"
	install -m 755 "$TETHER" "$W/tt/bin/tether"
	OT=$W/tt/bin/tether

	# Through tether, pointed at the first user's directory.
	other_env "$XDG"
	for cmd in "ls" "attach sec" "kill sec"; do
		# shellcheck disable=SC2086
		run "${AS_OTHER[@]}" "$OT" $cmd
		is "$RC" 255 "other user: tether $cmd on the first user's directory: exit 255"
		is "$(nlines "$ERR")" 1 "other user: tether $cmd: one line on stderr"
		like "$ERR" '^tether: ' "other user: tether $cmd: a tether message"
		unlike "$OUT$ERR" 'SECRET|6161' "other user: tether $cmd: shows nothing of the session"
	done
	ok "the session is untouched (still detached)" session_is sec detached
	is "$(ls_field sec 6)" - "and was never attached"

	# Straight at the socket: the directory is closed to others.
	run "${AS_OTHER[@]}" "$PY" "$W/probe.py" "$SOCKDIR/sec" 1
	is "$OUT" "connect-failed EACCES" "other user: the socket cannot be reached"

	# Open the directory and the socket up: the host itself refuses.
	chmod 711 "$XDG" "$SOCKDIR"
	chmod 666 "$SOCKDIR/sec"
	for mode in 1 2 3; do
		run "${AS_OTHER[@]}" "$PY" "$W/probe.py" "$SOCKDIR/sec" "$mode"
		like "$OUT" '^ERROR 2 permission denied' \
		    "peer uid check: HELLO mode $mode from another uid gets ERROR denied"
		unlike "$OUT" '^frame |still-open' \
		    "peer uid check: mode $mode: nothing else, and the connection is closed"
	done
	run "${AS_OTHER[@]}" "$OT" ls
	is "$RC" 255 "other user: tether ls on the opened directory: exit 255"
	like "$ERR" '^tether: unsafe socket directory .*owned by uid 0' \
	    "other user: it is not theirs"
	chmod 700 "$XDG" "$SOCKDIR"
	chmod 600 "$SOCKDIR/sec"
	ok "the session survived (still listed)" session_is sec detached
	nok "its program is still running" no_procs "sleep 6161"

	# Even root is refused a session that is not its own.
	other_env "$W/tt/xdg"
	run "${AS_OTHER[@]}" "$OT" new theirs -- sleep 6262
	is "$RC" 0 "the other user makes a session of their own"
	run "${AS_OTHER[@]}" "$OT" ls
	like "$OUT" '^theirs ' "the other user lists it"
	run "$PY" "$W/probe.py" "$W/tt/xdg/tether/theirs" 2
	like "$OUT" '^ERROR 2 permission denied' \
	    "root connecting to the other user's session gets ERROR denied"
	run "${AS_OTHER[@]}" "$OT" kill theirs
	is "$RC" 0 "the other user ends their session"
fi

# ------------------------------------------------ unsafe socket directories
# unsafe_dir DESC XDGDIR WHY-ERE: every command refuses XDGDIR/tether.
unsafe_dir() {
	local desc=$1 xdg=$2 why=$3 cmd before
	before=$(cd "$xdg" && ls -lAR --time-style=+ . 2>&1)
	for cmd in "new u1 -- sleep 6363" "attach u1 -- sleep 6363" "ls" \
	    "kill u1"; do
		# shellcheck disable=SC2086
		run env XDG_RUNTIME_DIR="$xdg" "$TETHER" $cmd
		is "$RC" 255 "$desc: tether ${cmd%% --*}: exit 255"
		is "$(nlines "$ERR")" 1 "$desc: tether ${cmd%% --*}: one line"
		like "$ERR" "^tether: unsafe socket directory $xdg/tether: $why" \
		    "$desc: tether ${cmd%% --*}: says why"
		is "$OUT" "" "$desc: tether ${cmd%% --*}: nothing on stdout"
	done
	ok "$desc: no session was started" no_procs "sleep 6363"
	is "$(cd "$xdg" && ls -lAR --time-style=+ . 2>&1)" "$before" \
	    "$desc: nothing was created or changed"
}

if [ "$(id -u)" = 0 ] && [ -n "${OUID:-}" ]; then
	mkdir -m 700 "$W/x-owner" "$W/x-owner/tether"
	chown "$OUID:$OGID" "$W/x-owner/tether"
	unsafe_dir "owned by another user" "$W/x-owner" \
	    "owned by uid $OUID, not by you \\(uid 0\\)"
else
	skip "a directory owned by another user needs root" 18
fi

mkdir -m 700 "$W/x-link" "$W/x-link/real"
ln -s real "$W/x-link/tether"
unsafe_dir "a symlink" "$W/x-link" "it is a symbolic link"

mkdir -m 700 "$W/x-file"
: >"$W/x-file/tether"
chmod 600 "$W/x-file/tether"
unsafe_dir "a file" "$W/x-file" "not a directory"

for mode in 777 750 701; do
	mkdir -m 700 "$W/x-$mode" "$W/x-$mode/tether"
	chmod "$mode" "$W/x-$mode/tether"
	unsafe_dir "mode $mode" "$W/x-$mode" "mode 0$mode lets others in"
done

run "$TETHER" kill sec
is "$RC" 0 "kill sec"

done_testing
