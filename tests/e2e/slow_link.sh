#!/bin/bash
# A slow link (issue 6): the server's side of the bed's veth pair limited to
# 1 Mbit/s with tc tbf. A remote cat of 100 MB, then Ctrl-C: the shell's
# prompt comes back, the client showed the skip marker, and `tether log`
# holds the output byte for byte up to where cat was interrupted. With
# --lossless every byte reaches the terminal, in order (a small ring, so
# that what is queued drains in seconds). On the unconstrained link a big
# output arrives byte-exact with no marker, and keys typed into a flood
# there never make it skip. Deadlines are generous: this
# checks behaviour, the benchmark suite measures the times.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../sshbed.sh"
world_init
sshbed_init --netns
sshbed_install_tether

R=(--ssh "ssh -F $SSHBED_CONFIG" --remote-tether "$SSHBED_REMOTE_TETHER")
TT=$W/tt
MARK='\[tether: skipped [0-9]+ (bytes|kB|MB) of output'

# Numbered lines, so that any gap or change shows: 1.4 million of 74 bytes.
awk 'BEGIN { for (i = 1; i <= 1400000; i++)
    printf "%08d the quick brown fox jumps over the lazy dog 0123456789abcdefghij\n", i }' \
    >"$TT/data"
chmod 644 "$TT/data"

# check_prefix FILE DESC: FILE's numbered lines are lines 1..N of the data,
# each exact, N > 0 (the last may be cut where cat was interrupted).
check_prefix() {
	local n
	grep -a '^[0-9]\{8\} ' "$1" | sed '$d' >"$W/got.lines"
	n=$(wc -l <"$W/got.lines")
	ok "$2: it holds output ($n whole lines)" test "$n" -gt 0
	head -n "$n" "$TT/data" >"$W/want.lines"
	ok "$2: lines 1..$n, each exact, in order" cmp -s "$W/got.lines" "$W/want.lines"
}

# A shell in a terminal that keeps 100000 lines of scrollback.
shell() {
	term_start "$1" 100 30 "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" "${R[@]}" \
	    "${@:2}" -s "$1" testhost -- env PS1='READY> ' sh -i
	_tmux set-option -t "$1" history-limit 100000 >/dev/null
	wait_for_screen -t "$1" '^READY> ' 60 || bail "$1: no prompt"
}

limit_link() {
	in_server tc qdisc replace dev "$SSHBED_IF_SERVER" root tbf rate 1mbit \
	    burst 16kb latency 100ms
}

unlimit_link() {
	in_server tc qdisc del dev "$SSHBED_IF_SERVER" root 2>/dev/null
}

# ------------------------------------------------ 1 Mbit/s, skipping
limit_link || bail "cannot limit the link with tc tbf"
shell slow --log-size 256M
term_type -t slow "cat $TT/data"
# The first window of the flood arrives as it is, then the client gets
# frames: wait for an early line, or for the first skip.
wait_for_output -t slow '^00000020 |\[tether: skipped' 60
sleep 3
term_keys -t slow C-c
ok "after Ctrl-C the prompt comes back" wait_for_screen -t slow '^READY> $' 90
ok "the client showed the skip marker" grep -aEq "$MARK" "$W/slow.out"
like "$(grep -aEo "$MARK[^]]*" "$W/slow.out" | head -n 1)" \
    "all of it: tether log testhost slow" \
    "the marker says the log has all of it, and how to see it"
# Frames drawn in place (a later frame of the same flood) leave nothing in
# the scrollback: it holds the marker of each frame that was not, and at
# the end of a run of them one that says how much more they skipped. That
# one comes when output follows the frames, or a second after the last
# one: the prompt may be in that frame, so it is waited for.
ok "after the frames drawn in place, a marker that counts them" \
    wait_for_screen -t slow -h \
    '^\[tether: skipped [0-9]+ (bytes|kB|MB) more of output' 60
term_screen -t slow -h >"$W/slow.scroll"
in_place=$(grep -ao $'\e\\[H\e\\[2K\e\\[B' "$W/slow.out" | wc -l)
whole=$(grep -ao $'\e\\[?25l\e\\[H\e\\[2J' "$W/slow.out" | wc -l)
ok "the flood came as frames drawn in place ($in_place, and $whole not)" \
    test "$in_place" -ge 2
is "$(grep -aEc "^$MARK " "$W/slow.scroll")" "$whole" \
    "the scrollback has the marker of each frame not drawn in place"
more=$(grep -aEc '^\[tether: skipped [0-9]+ (bytes|kB|MB) more of output' \
    "$W/slow.scroll")
ok "and no more second markers than first ones ($more)" \
    test "$more" -le "$whole"
like "$(grep -aE 'more of output' "$W/slow.scroll" | tail -n 1)" \
    "all of it: tether log testhost slow\\]\$" \
    "the second marker says the log has all of it, too"
term_type -t slow "echo still-here"
ok "the session works after the skip" wait_for_screen -t slow '^still-here$' 60

# The log, through the remote tether: plain and raw (into files: it can
# be the whole 100 MB), with the link fast again.
unlimit_link
in_client "$TETHER" log "${R[@]}" -p testhost slow >"$W/log.plain" 2>"$W/log.err"
is "$?" 0 "tether log host NAME -p succeeds"
check_prefix "$W/log.plain" "tether log -p"
in_client "$TETHER" log "${R[@]}" testhost slow >"$W/log.raw" 2>"$W/log.err"
is "$?" 0 "tether log host NAME (raw) succeeds"
tr -d '\r' <"$W/log.raw" >"$W/log.raw.lf"
check_prefix "$W/log.raw.lf" "tether log (raw)"
ok "the log is the owner's alone" \
    test "$(stat -c %a "$TT/state/tether/slow.log")" = 600
ok "its directory too" test "$(stat -c %a "$TT/state/tether")" = 700
run "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" log "${R[@]}" testhost nosuch
is "$RC" 253 "tether log of a session without a log: 253"

# top_line NAME: the highest numbered line of the data on NAME's screen, 0
# when there is none; shows_past NAME N: one above N is there.
top_line() {
	term_screen -t "$1" | grep -aoE '^[0-9]{8} ' |
	    awk '$1 + 0 > n { n = $1 + 0 } END { print n + 0 }'
}
shows_past() {
	[ "$(top_line "$1")" -gt "$2" ]
}

# An outage during a flood on the slow link: the client comes back (the
# ring no longer holds what it had, so with a repaint, whose history the
# link's rate bounds), and Ctrl-C still brings the prompt back.
# The terminal already showed a skip marker, of the first flood: wait for
# a new one, and for this flood's lines on the screen, before the outage.
limit_link || bail "cannot limit the link with tc tbf"
term_mark -t slow
term_type -t slow "clear; cat $TT/data"
wait_for_output -t slow -n '\[tether: skipped' 60
wait_until -t 60 shows_past slow 0
fault_blackhole_on || bail "cannot make a blackhole"
sleep 5
top=$(top_line slow)
fault_blackhole_off
ok "a flood through an outage: the client comes back (past line $top)" \
    wait_until -t 60 shows_past slow "$top"
term_keys -t slow C-c
ok "a flood through an outage: after Ctrl-C the prompt comes back" \
    wait_for_screen -t slow '^READY> $' 90
term_type -t slow "echo back-again"
ok "a flood through an outage: the session works" \
    wait_for_screen -t slow '^back-again$' 60
unlimit_link
term_keys -t slow Enter
term_keys -t slow -l '~.'
term_wait_dead -t slow

# ------------------------------------------------ a small log, and none
# The marker says when the log's bound took the oldest of the skipped
# output, or when there is no log at all.
limit_link
for size in 64K 0; do
	shell "log$size" --log-size "$size"
	term_type -t "log$size" "cat $TT/data"
	# The first jumps may be small enough for the log to hold: wait for
	# one it could not (how soon depends on the machine's speed).
	case $size in
	0) want="; the session's log does not have it" ;;
	*) want="; the log kept the newest [0-9]+ kB of it" ;;
	esac
	wait_for_output -t "log$size" "$want" 90 || true
	term_keys -t "log$size" C-c
	ok "--log-size $size: after Ctrl-C the prompt comes back" \
	    wait_for_screen -t "log$size" '^READY> $' 90
	markers=$(grep -aEo "$MARK[^]]*" "$W/log$size.out")
	case $size in
	0) unlike "$markers" "tether log" \
	    "no log: no marker sends the user to tether log"
	   like "$markers" "; the session's log does not have it\$" \
	    "no log: the marker says the log does not have it" ;;
	*) like "$markers" \
	    "; the log kept the newest [0-9]+ kB of it: tether log testhost log64K\$" \
	    "a 64K log: the marker says it kept only the newest part" ;;
	esac
	term_keys -t "log$size" Enter
	term_keys -t "log$size" -l '~.'
	term_wait_dead -t "log$size"
done

# ------------------------------------------------ 1 Mbit/s, --lossless
limit_link
shell lossless --lossless --ring 256K
term_type -t lossless "cat $TT/data"
wait_for_output -t lossless '^00000100 ' 60
sleep 3
term_keys -t lossless C-c
ok "lossless: after Ctrl-C the prompt comes back" \
    wait_for_screen -t lossless '^READY> $' 180
unlike "$(grep -aEc "$MARK" "$W/lossless.out")" '^[1-9]' \
    "lossless: no skip marker"
strip_ansi <"$W/lossless.out" >"$W/lossless.text"
check_prefix "$W/lossless.text" "lossless: the terminal got every byte"
term_keys -t lossless Enter
term_keys -t lossless -l '~.'
term_wait_dead -t lossless

# ------------------------------------------------ unconstrained: no skip
unlimit_link
MB=200
case $TETHER in *build-san*) MB=50 ;; esac
head -n $((MB * 1000000 / 74)) "$TT/data" >"$TT/big"
chmod 644 "$TT/big"
# (script's standard input a FIFO that stays open and silent: at the end
# of /dev/null it would type into the session.)
mkfifo "$W/quiet"
in_client script -qfec "stty cols 200 rows 50; exec $(printf '%q ' "$TETHER" \
    "${R[@]}" -s fast testhost -- cat "$TT/big")" "$W/fast.out" \
    0<>"$W/quiet" >/dev/null 2>"$W/fast.err"
is "$?" 0 "a fast link: $MB MB through script(1), exit 0"
nok "a fast link: no skip marker" grep -aEq "$MARK" "$W/fast.out"
tr -d '\r' <"$W/fast.out" | grep -a '^[0-9]\{8\} ' >"$W/fast.lines"
ok "a fast link: every line arrived, exact and in order" \
    cmp -s "$W/fast.lines" "$TT/big"

# Keys typed during an endless flood on the fast link never make it skip:
# each key's echo arrives. The first key starts the flood, so that the
# host is hurried by a key while the flood starts and it does not know the
# link's rate yet (a few MB waited then, and such a jump hid the echo of
# the next key in bench/ctrlc.sh). The flood's line has no letters, so the
# letters left once escape sequences are removed are READY and the echoes.
KEYS=QWERTYUIOPZXCV
LINE=$(printf '%.78s' '.-:=+*~^,_.-:=+*~^,_.-:=+*~^,_.-:=+*~^,_.-:=+*~^,_.-:=+*~^,_.-:=+*~^,_.-:=+*~^,_')
mkfifo "$W/keys"
in_client timeout 120 script -qfec "stty cols 100 rows 30; exec $(printf '%q ' "$TETHER" \
    "${R[@]}" -s keys testhost -- sh -c "stty raw -echo isig; printf READY; head -c 1 >/dev/null; yes '$LINE' & p=\$!; trap 'kill \$p; exit 0' INT; cat; kill \$p")" \
    "$W/keys.out" 0<>"$W/keys" >/dev/null 2>"$W/keys.err" &
keys_pid=$!
ok "keys in a fast flood: the program is ready" \
    wait_until -t 60 grep -aq READY "$W/keys.out"
printf '%s' "${KEYS:0:1}" >"$W/keys"
ok "keys in a fast flood: the flood runs" \
    wait_until -t 60 grep -aq '\.-:=+\*~^,_' "$W/keys.out"
for ((i = 1; i < ${#KEYS}; i++)); do
	printf '%s' "${KEYS:i:1}" >"$W/keys"
	sleep 0.1
done
sleep 1
printf '\003' >"$W/keys"
wait "$keys_pid"
is "$?" 0 "keys in a fast flood: Ctrl-C ends it, exit 0"
nok "keys in a fast flood: no skip marker" grep -aEq "$MARK" "$W/keys.out"
# (script(1) puts a line of its own first and last.)
got=$(perl -0777 -pe 's/\AScript started[^\n]*\n//; s/\n?Script done[^\n]*\n?\z//' \
    "$W/keys.out" | strip_ansi | tr -cd 'A-Z')
is "$got" "READY${KEYS:1}" "keys in a fast flood: every key's echo arrived, in order"

# ------------------------------------------------ a session without a log
# The remote log directory let others in: a new remote session runs
# without a log, and its user is told so in the terminal (a NOTICE; the
# bridge's standard error would not reach them), before the program's
# output.
chmod 770 "$TT/state/tether"
term_start nolog 100 30 "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" "${R[@]}" \
    -s nolog testhost -- sh -c 'echo NOLOG-OUTPUT; exec sleep 300'
ok "no log: the program runs" wait_for_screen -t nolog '^NOLOG-OUTPUT' 60
like "$(term_screen -t nolog)" \
    "\\[tether: no output log for session nolog: unsafe log directory $TT/state/tether: mode 0770 lets others in" \
    "no log: the terminal says so, and why"
like "$(term_screen -t nolog | tr '\n' ' ')" '\[tether: no output log[^]]*\] *NOLOG-OUTPUT' \
    "no log: before the program's output"
chmod 700 "$TT/state/tether"
term_keys -t nolog Enter
term_keys -t nolog -l '~.'
term_wait_dead -t nolog
in_client ssh -F "$SSHBED_CONFIG" testhost "$SSHBED_REMOTE_TETHER kill nolog" >/dev/null 2>&1
done_testing
