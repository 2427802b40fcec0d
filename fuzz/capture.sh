#!/bin/bash
# Capture real terminal output for the screen harness's seed corpus
# (fuzz/corpus/screen): each program runs in a pty made by script(1), 24x80,
# TERM=xterm-256color, with keystrokes typed after a pause; the bytes it
# wrote, after a 4-byte setup header (see fuzz/fuzz_screen.c), become one
# seed. Run by hand: fuzz/capture.sh [DIR].
set -eu
cd "$(dirname "$0")/.."
dir=${1:-fuzz/corpus/screen}
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8

# capture NAME HEADER-HEX KEYS CMD: run CMD, type KEYS (\r etc. as printf
# escapes, ~ pauses 0.5 s), save HEADER + output as NAME.
capture() {
	local name=$1 header=$2 keys=$3 cmd=$4
	(
		sleep 1
		local IFS='~' part
		for part in $keys; do
			printf "$part"
			sleep 0.5
		done
	) | script -q -f -E never -O "$tmp/out" \
	    -c "stty rows 24 cols 80; $cmd" >/dev/null 2>&1 || true
	# script's own header and footer lines are not program output.
	sed -e '1{/^Script started/d}' -e '${/^Script done/d}' "$tmp/out" \
	    >"$tmp/body"
	{ printf "$header"; head -c 60000 "$tmp/body"; } >"$dir/$name"
}

printf 'line %s\n' $(seq 1 60) >"$tmp/file.txt"
capture ls-color '\x16\x4e\x85\x01' '' 'ls --color=always -la /usr/lib | head -n 40'
capture vim '\x16\x4e\x05\x02' ':set number\r~jjjx~:q!\r' \
    "vim -u NONE -N $tmp/file.txt"
capture less '\x16\x4e\x05\x03' ' ~b~/line 3\r~q' "less $tmp/file.txt"
capture top '\x16\x4e\x05\x04' 'q' 'top -b -n 1 | head -n 30; top -n 1 -d 0.1'
capture utf8 '\x16\x4e\x85\x05' '' \
    'printf "wide: 漢字 かな 한글\r\nemoji: 😀👍\r\ncombining: e\xcc\x81 a\xcc\x8a\r\n\x1b[38;5;196mred\x1b[48;2;0;0;255mblue\x1b[0m \x1b[1;3;4;9mstyles\x1b[m\r\n\x1b(0lqqk\r\nx  x\r\nmqqj\x1b(B\r\n\x1b]0;a title\x07"'
capture flood '\x06\x13\x05\x07' '' 'seq 1 4000 | sed "s/^/\x1b[1m/"'
capture regions '\x06\x13\x05\x06' '' \
    'printf "\x1b[2;5r\x1b[2Hone\r\ntwo\r\nthree\r\nfour\r\nfive\r\nsix\x1b[r\x1b[?1049h\x1b[Halt\x1b[?1000h\x1b[?2004h\x1b[?1049l\x1b[?7l%%0100d\x1b[?7h\x1b[4h\x1b[3 q"'
