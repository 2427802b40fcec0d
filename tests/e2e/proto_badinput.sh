#!/bin/bash
# Bad input at the protocol level (tests/helpers/tdrive.c): garbage, frame
# lengths out of range, unknown message types, data before HELLO, another
# protocol version, frames cut at every byte. Each gets the answer the
# protocol says (an ERROR naming the problem, or just the end of the
# connection), and afterwards the session still exists and its real client,
# a `tether attach` in a terminal, is unaffected: typed input still reaches
# the program and the program's output still reaches the screen.
# Then the same kinds of bad frames from a client that has attached, and a
# real `tether attach` facing a host of another protocol version.
. "$(dirname "$0")/../lib.sh"
world_init

TDRIVE=${TESTBIN:?TESTBIN is not set: run the tests with tests/run}/tdrive
[ -x "$TDRIVE" ] || bail "no $TDRIVE: build it with make (the check target)"

# drive FILE ARGS...: run tdrive ARGS with FILE on stdin, setting RC, OUT
# and ERR as run does.
drive() {
	local in=$1
	shift
	timeout -k 5 60 "$TDRIVE" "$@" <"$in" >"$W/run.out" 2>"$W/run.err"
	RC=$?
	OUT=$(cat "$W/run.out")
	ERR=$(cat "$W/run.err")
	{
		printf '$ tdrive %s< %s  => %s\n' "$(printf '%q ' "$@")" \
		    "${in##*/}" "$RC"
		[ -z "$OUT" ] || printf '%s\n' "$OUT" | sed 's/^/  out: /'
		[ -z "$ERR" ] || printf '%s\n' "$ERR" | sed 's/^/  err: /'
	} | cat -v >>"$W/commands.log"
}

# answer DESC FILE EXPECTED [SESSION]: FILE's bytes sent to SESSION (bad)
# get exactly the reply lines EXPECTED (tdrive raw prints one line per
# frame, then EOF when the host closed the connection).
answer() {
	drive "$2" raw "${4:-bad}"
	is "$RC" 0 "$1: tdrive raw succeeded"
	is "$OUT" "$3" "$1: the host answers $(head -n 1 <<<"$3")"
}

# enc NAME ARGS...: encode a frame into $W/NAME.bin (tdrive encode ARGS).
enc() {
	local f=$W/$1.bin
	shift
	"$TDRIVE" encode "$@" >"$f" || bail "tdrive encode $* failed"
}

# The session under attack, an interactive shell, and its real client.
run "$TETHER" new bad -- "${INNER_SHELL[@]}"
is "$RC" 0 "new bad"
term_start t1 80 24 "$TETHER" attach bad
ok "the real client shows the session's prompt" wait_for_screen '^in\$'

# still_fine WHAT: after WHAT, session bad exists with its real client
# attached, and a command typed into the client runs and shows its output.
n=0
still_fine() {
	n=$((n + 1))
	ok "after $1: session bad exists" session_exists bad
	ok "after $1: the real client is still attached" session_is bad attached
	term_type -t t1 "echo ok-$n | tr a-z A-Z"
	ok "after $1: typed input reaches the program, its output the screen" \
	    wait_for_screen -t t1 "^OK-$n\$"
}
still_fine "attaching"

# ------------------------------------------------ before HELLO

printf 'GET / HTTP/1.1\r\nHost: bad\r\n\r\n' >"$W/http.bin"
answer "an HTTP request" "$W/http.bin" $'ERROR code=3 bad frame length\nEOF'
still_fine "an HTTP request"

printf '\0\0\0\0' >"$W/len0.bin"
answer "frame length 0" "$W/len0.bin" $'ERROR code=3 bad frame length\nEOF'
enc hello hello --mode info
cat "$W/len0.bin" "$W/hello.bin" >"$W/len0hello.bin"
answer "frame length 0, then a HELLO" "$W/len0hello.bin" \
    $'ERROR code=3 bad frame length\nEOF'
printf '\0\x10\0\x01\x01' >"$W/len1m1.bin"
answer "frame length 1 MiB + 1" "$W/len1m1.bin" \
    $'ERROR code=3 bad frame length\nEOF'
printf '\xff\xff\xff\xff\x01' >"$W/lenmax.bin"
answer "frame length 2^32 - 1" "$W/lenmax.bin" \
    $'ERROR code=3 bad frame length\nEOF'
# The largest frame there may be is taken whole, then found not to be tether.
{ printf '\0\x10\0\0\x01'; head -c $((1048576 - 1)) /dev/zero; } >"$W/len1m.bin"
answer "a HELLO frame of exactly 1 MiB of zeros" "$W/len1m.bin" \
    $'ERROR code=3 not a tether client\nEOF'
still_fine "frame lengths out of range"

# Message types other than HELLO first: unknown ones (0, 15, 0x7f), optional
# ones (0x80, 0xff), and real ones that need a HELLO first. The INPUT would
# run a command in the shell if it were taken.
for t in 0 15 0x7f 0x80 0xff; do
	enc type$t u64 "$t" 0
	answer "type $t before HELLO" "$W/type$t.bin" \
	    $'ERROR code=3 expected HELLO first\nEOF'
done
enc ack ack 0
answer "ACK before HELLO" "$W/ack.bin" $'ERROR code=3 expected HELLO first\nEOF'
enc detach detach
answer "DETACH before HELLO" "$W/detach.bin" \
    $'ERROR code=3 expected HELLO first\nEOF'
pwned=$(for i in $(seq 200); do printf 'echo PWN""ED\r'; done)
enc input input 0 "$pwned"
answer "INPUT before HELLO" "$W/input.bin" \
    $'ERROR code=3 expected HELLO first\nEOF'
cat "$W/input.bin" "$W/hello.bin" >"$W/inputhello.bin"
answer "INPUT, then HELLO" "$W/inputhello.bin" \
    $'ERROR code=3 expected HELLO first\nEOF'
still_fine "data before HELLO"
unlike "$(term_text -t t1)" 'PWNED' \
    "input sent before HELLO never reached the program"

# Random garbage: the connection ends, with at most an ERROR, and nothing
# else comes back. (Whether the real client stays attached is checked after
# the loop: a local client that is detached exits, so it cannot hide that.)
bad_garbage=0
for i in $(seq 20); do
	head -c $((RANDOM % 4096 + 1)) /dev/urandom >"$W/garbage$i.bin"
	drive "$W/garbage$i.bin" raw bad
	if [ "$RC" -ne 0 ] || [ "$(tail -n 1 <<<"$OUT")" != EOF ] ||
	    grep -qv -e '^ERROR code=3 ' -e '^EOF$' <<<"$OUT"; then
		bad_garbage=$((bad_garbage + 1))
		diag "garbage $i: $(od -An -tx1 -N16 "$W/garbage$i.bin")...:"
		diag "$OUT"
	fi
done
is "$bad_garbage" 0 "20 blobs of random garbage: at most an ERROR, then the end"
still_fine "random garbage"

# ------------------------------------------------ HELLO itself

drive /dev/null hello bad --major 2
is "$RC" 0 "HELLO of major 2: tdrive succeeded"
like "$OUT" '^ERROR code=1 ' "HELLO of major 2: ERROR ERR_VERSION"
like "$OUT" 'version 1[^0-9].*version 2|version 2[^0-9].*version 1' \
    "HELLO of major 2: the message names both versions"
is "$(tail -n 1 <<<"$OUT")" EOF "HELLO of major 2: then the end"
drive /dev/null hello bad --major 0 --mode info
like "$OUT" '^ERROR code=1 .*version 0' "HELLO of major 0: ERROR ERR_VERSION"
drive /dev/null hello bad --major 65535 --mode kill
like "$OUT" '^ERROR code=1 .*version 65535' \
    "a KILL HELLO of major 65535: ERROR ERR_VERSION (and no kill)"
drive /dev/null hello bad --minor 77 --mode info
is "$OUT" $'INFO name=bad\nEOF' "HELLO of a newer minor version: served"
drive /dev/null hello bad --magic SSH- --mode info
is "$OUT" $'ERROR code=3 not a tether client\nEOF' "HELLO with bad magic"
drive /dev/null hello bad --mode 9
is "$OUT" $'ERROR code=3 malformed HELLO\nEOF' "HELLO with mode 9"
printf '\0\0\0\x09\x01TTHR\0\x01\0\0' >"$W/short.bin"
answer "HELLO that ends after the version" "$W/short.bin" \
    $'ERROR code=3 malformed HELLO\nEOF'
still_fine "bad HELLOs"

# ------------------------------------------------ cut frames

# A HELLO that arrives one byte at a time is put together.
drive /dev/null hello bad --mode info --split 1 --pause 2
is "$OUT" $'INFO name=bad\nEOF' "a HELLO sent one byte at a time is answered"
# An ATTACH HELLO cut after every byte, then the end: no answer, and the
# real client stays attached (checked after the loop, as for garbage).
enc attach hello --mode attach
len=$(wc -c <"$W/attach.bin")
bad_cut=0
for ((k = 1; k < len; k++)); do
	head -c "$k" "$W/attach.bin" >"$W/cut.bin"
	drive "$W/cut.bin" raw bad
	if [ "$RC" -ne 0 ] || [ "$OUT" != EOF ]; then
		bad_cut=$((bad_cut + 1))
		diag "HELLO cut after $k bytes: $OUT"
	fi
done
is "$bad_cut" 0 \
    "an ATTACH HELLO cut after each of its first $((len - 1)) bytes: just EOF"
still_fine "cut HELLOs"

# A silent connection is closed after the HELLO deadline (5 s).
drive /dev/null raw bad --keep
is "$OUT" $'ERROR code=3 no HELLO in time\nEOF' "a silent connection is closed"
still_fine "a silent connection"

# ------------------------------------------------ after HELLO

# Bad frames from a client that has attached, to a second session (such a
# client detaches any other, by design).
run "$TETHER" new bad2 -- "${INNER_SHELL[@]}"
is "$RC" 0 "new bad2"
enc attach2 hello --mode attach

# after_hello DESC EXPECTED FILE...: HELLO, then the files' bytes; after
# the WELCOME the replies, but for OUTPUT frames (the shell's prompt), are
# EXPECTED.
after_hello() {
	local desc=$1 want=$2
	shift 2
	cat "$W/attach2.bin" "$@" >"$W/after.bin"
	drive "$W/after.bin" raw bad2
	like "$(head -n 1 <<<"$OUT")" '^WELCOME resume=1 ' \
	    "$desc: welcomed first"
	is "$(tail -n +2 <<<"$OUT" | grep -v '^OUTPUT ')" "$want" \
	    "$desc: then $(head -n 1 <<<"$want")"
	ok "$desc: session bad2 still exists" session_exists bad2
}
# A fresh attach with HELLO_SCREEN: the repaint follows the WELCOME,
# before any output, in SCREEN frames whose last has nothing left.
enc pingonly ping 1
enc screen2 hello --mode attach --flags 1
cat "$W/screen2.bin" "$W/pingonly.bin" >"$W/fresh.bin"
drive "$W/fresh.bin" raw bad2
like "$(sed -n 2p <<<"$OUT")" '^SCREEN len=[1-9][0-9]* left=' \
    "fresh attach: a SCREEN frame follows the WELCOME"
like "$(grep -v '^OUTPUT ' <<<"$OUT" | grep -v '^SCREEN .* left=[1-9]' |
    sed -n 2,3p | tr '\n' '|')" '^SCREEN len=[0-9]+ left=0\|PONG 1\|$' \
    "fresh attach: the repaint ends with left=0, before anything else"
enc t42 u64 0x42 0
after_hello "unknown type 0x42" $'ERROR code=3 unexpected message\nEOF' \
    "$W/t42.bin"
enc t7f u64 0x7f 0
after_hello "unknown type 0x7f" $'ERROR code=3 unexpected message\nEOF' \
    "$W/t7f.bin"
enc t90 u64 0x90 0
enc ping ping 7
after_hello "optional type 0x90, then PING" $'PONG 7\nEOF' "$W/t90.bin" \
    "$W/ping.bin"
after_hello "frame length 0" $'ERROR code=3 bad frame length\nEOF' \
    "$W/len0.bin"
after_hello "frame length 1 MiB + 1" $'ERROR code=3 bad frame length\nEOF' \
    "$W/len1m1.bin"
after_hello "a second HELLO" $'ERROR code=3 unexpected message\nEOF' \
    "$W/attach2.bin"
enc bigack ack 1000000000
after_hello "ACK of output never sent" $'ERROR code=3 bad ACK\nEOF' \
    "$W/bigack.bin"
printf '\0\0\0\x04\x05abc' >"$W/shortack.bin"
after_hello "ACK with a short body" $'ERROR code=3 bad ACK\nEOF' \
    "$W/shortack.bin"
printf '\0\0\0\x02\x0b\x01' >"$W/shortping.bin"
after_hello "PING with a short body" $'ERROR code=3 bad PING\nEOF' \
    "$W/shortping.bin"
enc ahead input 1000 'echo PWN""ED2'$'\r'
after_hello "INPUT ahead of what the host expects" \
    $'ERROR code=3 input out of sequence\nEOF' "$W/ahead.bin"
enc inp input 0 'echo PWN""ED3'$'\r'
head -c 20 "$W/inp.bin" >"$W/inpcut.bin"
after_hello "an INPUT frame cut in its data" 'EOF' "$W/inpcut.bin"

# A real client attaches to bad2 and works; none of that input ran.
term_start t2 80 24 "$TETHER" attach bad2
ok "a real client attaches to bad2" wait_for_screen -t t2 '^in\$'
term_type -t t2 "echo bad2-ok | tr a-z A-Z"
ok "bad2 takes typed input and shows output" wait_for_screen -t t2 '^BAD2-OK$'
unlike "$(term_text -t t2)" 'PWNED' \
    "no rejected or cut INPUT reached bad2's program"

# ------------------------------------------------ another version's host

# A real `tether attach` facing a host of protocol version 2, which answers
# with its WELCOME or with an ERROR: exit 252 and one clear line.
# This build's protocol minor, as --version says it.
minor=$("$TETHER" --version | sed -n 's/.*protocol [0-9]*\.\([0-9]*\).*/\1/p')
for reply in welcome error; do
	rm -f "$W/fake.out"
	timeout -k 5 60 "$TDRIVE" fakehost v2 --major 2 --reply "$reply" \
	    >"$W/fake.out" 2>&1 &
	fake=$!
	wait_until test -S "$SOCKDIR/v2"
	run "$TETHER" attach v2
	is "$RC" 252 "attach to a version 2 host ($reply): exit 252"
	is "$(nlines "$ERR")" 1 "attach to a version 2 host ($reply): one line"
	like "$ERR" '^tether: .*version 2[^0-9].*version 1([^0-9]|$)' \
	    "attach to a version 2 host ($reply): the message names both"
	wait "$fake"
	is "$?" 0 "the version 2 host ($reply) saw the client through"
	is "$(cat "$W/fake.out")" "HELLO major=1 minor=$minor mode=1 flags=1"$'\nEOF' \
	    "the client said HELLO as version 1 ($reply), then hung up"
done

still_fine "everything"
run "$TETHER" kill bad bad2
is "$RC" 0 "kill bad and bad2"

done_testing
