#!/bin/bash
# The limits of docs/SECURITY.md, where tether enforces them: session
# names, sizes of ring, log and history, --env values, window sizes from a
# real terminal (TIOCGWINSZ) and from the protocol (HELLO, RESIZE), the
# connections a session takes before HELLO and how long they may wait,
# the host's memory after 300 MB of output with nobody attached, and
# running out of file descriptors (tether new under ulimit -n; a host at
# EMFILE refuses clients in one line and the session survives).
. "$(dirname "$0")/../lib.sh"
world_init

PY=/usr/bin/python3
[ -x "$PY" ] || plan skip_all "$PY is needed for the raw protocol client"

# A raw protocol client: proto.py SOCKET ACTION...
#   attach ROWS COLS [RESIZE ROWS COLS]...: HELLO attach, then RESIZEs,
#       then wait for the file named by $HOLD to exist
#   hold N: N connections that never say HELLO; print what each is told
#       (by the time the host drops them), and what an N+1th is told
cat >"$W/proto.py" <<'EOF'
import os, socket, struct, sys, time

path, action = sys.argv[1], sys.argv[2]

def frame(t, body):
    return struct.pack(">IB", len(body) + 1, t) + body

def hello(mode, rows, cols):
    return frame(1, b"TTHR" + struct.pack(">HHBIQQHH", 1, 0, mode, 0, 0, 0,
                                          rows, cols))

def told(s, limit):
    s.settimeout(limit)
    data = b""
    try:
        while True:
            c = s.recv(65536)
            if not c:
                break
            data += c
    except socket.timeout:
        return "still-open"
    except OSError as e:
        return "error " + str(e.errno)
    if len(data) >= 10 and data[4] == 3:
        n, = struct.unpack(">I", data[6:10])
        return "ERROR %d %s" % (data[5], data[10:10 + n].decode())
    return "closed" if not data else "frame %d" % data[4]

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s

if action == "attach":
    s = conn()
    s.sendall(hello(1, int(sys.argv[3]), int(sys.argv[4])))
    args = sys.argv[5:]
    while args:
        time.sleep(0.2)      # pacing only: the test polls for each result
        s.sendall(frame(8, struct.pack(">HH", int(args[1]), int(args[2]))))
        args = args[3:]
    deadline = time.time() + 60
    while not os.path.exists(os.environ["HOLD"]) and time.time() < deadline:
        time.sleep(0.05)
elif action == "hold":
    n = int(sys.argv[3])
    held = [conn() for i in range(n)]
    extra = conn()
    print("extra:", told(extra, 10))
    sys.stdout.flush()
    for s in held:
        print("held:", told(s, 30))
EOF

# host_pid NAME: the pid of NAME's session host (ls's PID column), checked
# to be a process of this world, so that nothing else is ever touched.
host_pid() {
	local pid
	pid=$(ls_field "$1" 3)
	[ -n "$pid" ] && grep -qzxF "TETHER_TEST_WORLD=$W" \
	    "/proc/$pid/environ" 2>/dev/null && echo "$pid"
}

# size NAME: the SIZE column (COLSxROWS) of NAME in tether ls.
size() { ls_field "$1" 4; }
size_is() { [ "$(size "$1")" = "$2" ]; }

# ------------------------------------------------ command-line limits
name64=$(printf 'n%.0s' $(seq 64))
run "$TETHER" new "$name64" -- sleep 8001
is "$RC" 0 "a session name of 64 bytes is taken"
run "$TETHER" kill "$name64"
run "$TETHER" new "${name64}x" -- sleep 8001
is "$RC" 254 "a session name of 65 bytes: exit 254"
like "$ERR" '^tether: invalid session name: session name is longer than 64 bytes$' \
    "a session name of 65 bytes: says why"

for arg in "--ring 63K" "--ring 1025M" "--log-size 63K" "--log-size 17G" \
    "--history 100001"; do
	# shellcheck disable=SC2086
	run "$TETHER" new $arg lim -- sleep 8002
	is "$RC" 254 "tether new $arg: exit 254"
	is "$(nlines "$ERR")" 1 "tether new $arg: one line"
done
ok "none of them started a session" session_gone lim

long=$(printf 'a%.0s' $(seq 201))
run "$TETHER" bridge --env "LANG=$long" -- envs
is "$RC" 254 "--env with a value of 201 bytes: exit 254"
like "$ERR" "^tether: --env 'LANG=a{59}\.\.\.' is longer than the limit" \
    "--env with a value of 201 bytes: says why"
ok "and starts no session" session_gone envs

# ------------------------------------------------ window sizes
# A real terminal claiming 65535x65535, then one claiming 0x0.
term_start t1 80 24 sh -c \
    'stty rows 65535 cols 65535; "$0" new huge -- sleep 8003; echo NEW=$?; exec sleep 100000' \
    "$TETHER"
ok "new from a 65535x65535 terminal succeeds" wait_for_screen '^NEW=0$'
is "$(size huge)" 1024x1024 "its session is clamped to 1024x1024"
term_start t2 80 24 sh -c \
    'stty rows 0 cols 0; "$0" new none -- sleep 8004; echo NEW=$?; exec sleep 100000' \
    "$TETHER"
ok "new from a 0x0 terminal succeeds" wait_for_screen '^NEW=0$'
is "$(size none)" 80x24 "its session gets 80x24"

# The same through the protocol: HELLO, then RESIZEs.
export HOLD=$W/hold1
"$PY" "$W/proto.py" "$SOCKDIR/none" attach 65535 65535 \
    resize 0 0 resize 1 1 resize 65535 100 >/dev/null 2>&1 &
ok "HELLO with 65535x65535: clamped to 1024x1024" \
    wait_until size_is none 1024x1024
ok "then RESIZE 0x0 is ignored, RESIZE 1x1 clamped to 2x2" \
    wait_until size_is none 2x2
ok "then RESIZE 65535x100: 100x1024" wait_until size_is none 100x1024
touch "$HOLD"
wait
ok "the session lives on" session_exists none
run "$TETHER" kill huge none
is "$RC" 0 "kill huge none"

# ------------------------------------------------ what ls prints of a title
# A program's title is its own: ls prints its control characters (C0,
# and C1 as UTF-8) as '?', never to the terminal that runs ls.
run "$TETHER" new ttl -- sh -c \
    'printf "\033]0;T1\302\233""2J\302\2330m\007"; echo TITLED; exec sleep 8009'
is "$RC" 0 "a session that sets a title with C1 controls in it"
# (The model drops C1 controls as tmux does, so they may not reach ls at
# all; if they do, ls makes them '?'.)
title_ok() { [[ $(ls_field ttl 9) =~ ^T1(\?\?)?2J(\?\?)?0m$ ]]; }
ok "ls shows the title without its controls" wait_until title_ok
run "$TETHER" ls
unlike "$OUT" $'\302\233' "ls prints no C1 control"
run "$TETHER" kill ttl

# ------------------------------------------------ connections before HELLO
run "$TETHER" new pend -- sleep 8005
is "$RC" 0 "a session for the pending connections"
"$PY" "$W/proto.py" "$SOCKDIR/pend" hold 16 >"$W/hold.out" 2>&1 &
holder=$!
# A 17th takes the place of the one that has waited longest (so that a
# slowloris cannot lock the owner out: tests/e2e/hostile.sh).
wait "$holder"
is "$(grep -c '^held: ERROR 4 too many connections to this session$' \
    "$W/hold.out")" 1 "a 17th connection drops the oldest of the 16"
is "$(grep -c '^held: ERROR 3 no HELLO in time$' "$W/hold.out")" 15 \
    "the other 15 are dropped with 'no HELLO in time'"
ok "and so is the 17th" \
    grep -qx 'extra: ERROR 3 no HELLO in time' "$W/hold.out"
ok "the session answers again" wait_until session_is pend detached
nok "and its program still runs" session_gone pend
run "$TETHER" kill pend

# ------------------------------------------------ memory with no client
# 300 MB of output with nobody attached, at the default sizes (ring 8 MiB,
# history 2000 lines, 80x24). The bound of docs/SECURITY.md: twice the
# ring (its pages are mapped twice), the model (two grids of 32-byte
# cells, history of at most 64 bytes a cell) and 16 MiB for the rest.
ring=$((8 * 1024 * 1024))
bound=$(((2 * ring + 2 * 80 * 24 * 32 + 2000 * 80 * 64 + 16 * 1048576) / 1024))
run "$TETHER" new mem -- sh -c \
    'head -c 300000000 /dev/zero | tr "\0" x | fold -w 100; echo; echo ALL-WRITTEN; exec sleep 8006'
is "$RC" 0 "a session that writes 300 MB"
hpid=$(host_pid mem)
log_done() { "$TETHER" log -p mem 2>/dev/null | tail -n 1 | grep -qx ALL-WRITTEN; }
ok "all of it was written (the log ends with its last line)" \
    wait_until -t 180 log_done
peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$hpid/status")
ok "the host's peak resident size (${peak} kB) is under ${bound} kB" \
    test "${peak:-999999999}" -lt "$bound"
run "$TETHER" kill mem

# ------------------------------------------------ file descriptors
run sh -c 'ulimit -n 12; exec "$0" new fd1 -- sleep 8007' "$TETHER"
is "$RC" 255 "tether new under ulimit -n 12: exit 255"
is "$(nlines "$ERR")" 1 "tether new under ulimit -n 12: one line"
like "$ERR" '^tether: .*Too many open files' "it says why"
ok "and leaves no session behind" session_gone fd1

# A host at EMFILE: its soft limit lowered to its lowest free descriptor.
run "$TETHER" new fd2 -- sh -c 'echo FD2-READY; exec sleep 8008'
is "$RC" 0 "a session for the host at EMFILE"
hpid=$(host_pid fd2)
[ -n "$hpid" ] || bail "no host pid for fd2"
low=0
while [ -e "/proc/$hpid/fd/$low" ]; do
	low=$((low + 1))
done
prlimit --pid "$hpid" --nofile="$low": ||
    diag "prlimit --pid $hpid --nofile=$low: failed"
term_start a1 80 24 sh -c '"$0" attach fd2; echo "ATTACH=$?"; exec sleep 100000' \
    "$TETHER"
ok "attach to a host at EMFILE: one line that says why" \
    wait_for_screen '^tether: the session host has run out of file descriptors; try again later$'
ok "attach to a host at EMFILE: exit 255" wait_for_screen '^ATTACH=255$'
run "$TETHER" kill fd2
is "$RC" 255 "kill of a host at EMFILE: exit 255"
like "$ERR" '^tether: cannot kill session fd2: the session host has run out of file descriptors' \
    "kill of a host at EMFILE: says why"
prlimit --pid "$hpid" --nofile=1024: ||
    diag "prlimit --pid $hpid --nofile=1024: failed"
term_start a2 80 24 "$TETHER" attach fd2
ok "with descriptors again, the session is as it was" \
    wait_for_screen '^FD2-READY$'
run "$TETHER" kill fd2
is "$RC" 0 "kill fd2"

done_testing
