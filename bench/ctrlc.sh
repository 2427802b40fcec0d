#!/bin/bash
# Slow and lossy links (issue 6), on the test bed (two network namespaces,
# a real sshd), with bench/echoprobe driving each client on a
# pseudo-terminal of its own (80x24):
#
# 1. Ctrl-C to the prompt during a flood: the server's side of the veth
#    pair limited with tc tbf (1 Mbit/s, and 10 Mbit/s; output is what the
#    limit slows, keys go the other way), a remote interactive shell with
#    the prompt "READY> ", `PS1='DONE''> '; cat` of a 100 MB file of text
#    lines; once they show, 3 s more, then Ctrl-C: the time until "DONE>"
#    (the new prompt, which nothing before the Ctrl-C shows) appears in
#    the client's output (escape sequences skipped, so a repaint counts
#    when it draws the prompt). ssh (`ssh -t`), ssh+tmux (the shell in a
#    new tmux session on the server), mosh and tether. Plain ssh has to
#    show everything already queued (socket buffers, its channel window)
#    before the prompt: as long as that backlog takes the link (the issue
#    expected minutes; on this bed about 1 MB, 8 s at 1 Mbit/s). Every run
#    is stopped at a cap (60 s; --quick 20 s) and then recorded as ">CAP"
#    (e.g. ">60"): not a number (run.sh and lib.sh count it as a run
#    without a figure), and this script's own tables show "> 60" for it
#    (a median of runs some of which were capped is a lower bound then).
#    A client that fails otherwise records "fail" with a diag.
# 2. Keystroke echo while the session floods its terminal: tether (and
#    plain ssh for reference), unconstrained link; the remote side is
#    `stty raw -echo isig; printf READY; yes LINE & cat`, where LINE is
#    punctuation only and the keys typed are capital letters other than
#    B and M (neither in the flood nor in tether's skip marker "[tether:
#    skipped 12 MB of output ...]"), so only the echo of the key can be
#    taken for it. The same without `yes` in the same round is the
#    baseline: "echo median, no flood"; per round, flood median / no-flood
#    median is recorded as "echo median, flood / no flood" (issue 6: tether
#    within 2x). How much of the flood the client showed while the keys
#    were typed is recorded as "flood shown during the echo test" (MB/s).
#
#	TETHER=build/tether bash bench/ctrlc.sh [--quick] [--rounds N]
#
# Default: 3 rounds, both rates, 200 keys per echo run (about 3.5
# minutes; up to 12 if plain ssh and ssh+tmux hit their caps); --quick:
# 1 round, 1 Mbit/s only, a 20 s cap, 50 keys (about 40 s). Tools
# alternate within each round, in an order rotated from round to round.
. "$(dirname "$0")/lib.sh"
bench_init ctrlc "$@"

CAP=60
FLOWSECS=3
RATES=(1 10)
KEYS=200
WARM=5
if [ -n "$QUICK" ]; then
	CAP=20
	RATES=(1)
	KEYS=50
	# --quick alone: 1 round; an explicit --rounds wins.
	case " $* " in
	*" --rounds "*) ;;
	*) ROUNDS=1 ;;
	esac
fi
TOOLS=(ssh ssh+tmux mosh tether)
ECHO_TOOLS=(ssh tether)
# BENCH_TOOLS="tether mosh" (say): only those, while working on one figure.
if [ -n "${BENCH_TOOLS:-}" ]; then
	read -ra TOOLS <<<"$BENCH_TOOLS"
	ECHO_TOOLS=()
	for t in "${TOOLS[@]}"; do
		case $t in ssh | tether) ECHO_TOOLS+=("$t") ;; esac
	done
fi

cc -std=c17 -O2 -Wall -Wextra -Werror -o "$W/echoprobe" \
    "$BENCH_TOP/bench/echoprobe.c" -lutil || bail "cannot build bench/echoprobe.c"

# The flood: numbered text lines, 74 bytes each, 1.4 million of them
# (103.6 MB), readable by the test user on the server.
DATA=$TT/data
awk 'BEGIN { for (i = 1; i <= 1400000; i++)
    printf "%08d the quick brown fox jumps over the lazy dog 0123456789abcdefghij\n", i }' \
    >"$DATA" || bail "cannot write $DATA"
chmod 644 "$DATA"
DATA_MB=$(awk -v b="$(stat -c %s "$DATA")" 'BEGIN { printf "%.1f", b / 1e6 }')

SHELLCMD="env PS1='READY> ' sh -i"
# The command typed sets another prompt first: "DONE> " is then the one
# after the Ctrl-C, which no repaint of an earlier screen can draw (the
# command line itself shows DONE''> ). The file is sent 30 times (3 GB):
# a tool that skips output (tether, tmux) would otherwise let cat finish
# its 100 MB before the Ctrl-C and measure nothing. One cat for all of
# them, not a loop of cats: between two cats of `while :; do cat F; done`
# both dash and bash can lose a Ctrl-C and go on looping (a pty test of
# the shells alone, a 10 kB file: 7 of 20 runs for dash, 11 of 20 for
# bash; none with one cat), which cost tether a run of 60 s in a full run
# once it drained the pty fast enough for cat to restart every second.
CATCMD="PS1='DONE''> '; cat$(for ((i = 0; i < 30; i++)); do printf ' %s' "$DATA"; done)"

# limit_link MBIT: the server's egress (the output's way) to MBIT Mbit/s,
# as tests/e2e/slow_link.sh does; unlimit_link: back to the bare veth.
limit_link() {
	in_server tc qdisc replace dev "$SSHBED_IF_SERVER" root tbf \
	    rate "${1}mbit" burst 16kb latency 100ms
}
unlimit_link() {
	in_server tc qdisc del dev "$SSHBED_IF_SERVER" root 2>/dev/null
	return 0
}

# link_quiet: wait (up to 20 s) until the server's egress carries nothing
# for half a second, so that a run's backlog cannot slow the next one.
link_quiet() {
	local a b i
	a=$(in_server tc -s qdisc show dev "$SSHBED_IF_SERVER" | awk '/Sent/ { print $2; exit }')
	for ((i = 0; i < 40; i++)); do
		sleep 0.5
		b=$(in_server tc -s qdisc show dev "$SSHBED_IF_SERVER" | awk '/Sent/ { print $2; exit }')
		[ "$a" = "$b" ] && return 0
		a=$b
	done
	diag "the link was still busy after 20 s"
	return 0
}

run_n=0
MOSH_PORT=60001

# client_cmd TOOL NAME PROGRAM...: the client command line for TOOL into
# the array CMD, running PROGRAM (one shell command string for ssh and
# ssh+tmux; words for mosh and tether) on the server; NAME for the tmux
# socket and tether's session.
client_cmd() {
	local tool=$1 name=$2
	shift 2
	case $tool in
	ssh) CMD=(ssh -F "$SSHBED_CONFIG" -t testhost "$*") ;;
	ssh+tmux)
		# status off: the status line is not part of the output measured.
		# (In double quotes for the login shell: a $ must stay for tmux's.)
		local c=$*
		c=${c//\$/\\\$}
		CMD=(ssh -F "$SSHBED_CONFIG" -t testhost
		    "tmux -L $name -f /dev/null new-session \"$c\" \\; set status off") ;;
	mosh)
		# A port of its own each run: a server that lingers cannot be in
		# the way. mosh wants a UTF-8 locale (world_init's LC_ALL=C would
		# make it refuse); it passes it on to mosh-server.
		MOSH_PORT=$((MOSH_PORT + 1))
		CMD=(env LC_ALL=C.UTF-8 mosh --ssh="ssh -F $SSHBED_CONFIG"
		    -p "$MOSH_PORT" testhost -- "$@") ;;
	tether)
		CMD=("$TETHER" "${R[@]}" -s "$name" testhost -- "$@") ;;
	esac
}

# cleanup_tool TOOL NAME: what a run may leave on the server when its
# client was killed (a cap, a failure): tether's session, the tmux server.
# Normally the shell's `exit` has ended both already.
cleanup_tool() {
	case $1 in
	tether) in_client "$TETHER" kill "${R[@]}" testhost "$2" \
	    </dev/null >/dev/null 2>&1 ;;
	ssh+tmux) in_client ssh -F "$SSHBED_CONFIG" testhost \
	    "tmux -L $2 kill-server" </dev/null >/dev/null 2>&1 ;;
	esac
	return 0
}

# ctrlc_one TOOL RATE: one run; prints seconds (3 decimals), ">CAP" or
# "fail" (with a diag).
ctrlc_one() {
	local tool=$1 rate=$2 name rc line v
	local -a CMD
	run_n=$((run_n + 1))
	name=ctrlc$run_n
	if [ "$tool" = ssh ] || [ "$tool" = ssh+tmux ]; then
		client_cmd "$tool" "$name" "$SHELLCMD"
	else
		client_cmd "$tool" "$name" sh -c "$SHELLCMD"
	fi
	in_client "$W/echoprobe" -i "$CATCMD\\r" -f 'quick brown fox' \
	    -F "$FLOWSECS" -C "$CAP" -w 'READY>' -p 'DONE>' -e 'exit\r' \
	    -T $((CAP + 90)) \
	    -c '[tether: skipped' -o "$W/$name.timeline" -- "${CMD[@]}" \
	    >"$W/ctrlc.out" 2>"$W/ctrlc.err" </dev/null
	rc=$?
	cleanup_tool "$tool" "$name"
	line=$(grep -m 1 '^interrupt_us ' "$W/ctrlc.out")
	case $line in
	'interrupt_us capped '*) v=">$CAP" ;;
	'interrupt_us '[0-9]*)
		v=$(awk '{ printf "%.3f", $2 / 1e6 }' <<<"$line") ;;
	*)
		echo fail
		diag "ctrl-c $tool ($rate Mbit/s) failed ($rc): $(head -c 300 "$W/ctrlc.err")"
		return ;;
	esac
	# The bytes shown after Ctrl-C, and tether's skip markers: context
	# (on standard error: standard output is the figure).
	note >&2 "ctrl-c $tool at $rate Mbit/s: $v s; $(cut -d' ' -f3- <<<"$line" |
	    sed 's/count/skip markers/')$(awk 'NR == 1 { c = $3 }
	    $3 > c { printf "; a skip marker %.3f s after the Ctrl-C", $1 / 1e6; exit }' \
	    "$W/$name.timeline" 2>/dev/null)"
	[ "$rc" -ne 0 ] && [ "$v" != ">$CAP" ] &&
	    diag "ctrl-c $tool ($rate Mbit/s): $(head -c 300 "$W/ctrlc.err")"
	echo "$v"
}

for ((r = 1; r <= ROUNDS; r++)); do
	# The order rotates by one tool each round.
	order=("${TOOLS[@]:$(((r - 1) % ${#TOOLS[@]}))}" "${TOOLS[@]:0:$(((r - 1) % ${#TOOLS[@]}))}")
	for rate in "${RATES[@]}"; do
		limit_link "$rate" || bail "cannot limit the link with tc tbf"
		for t in "${order[@]}"; do
			link_quiet
			v=$(ctrlc_one "$t" "$rate")
			bench_add "ctrl-c to prompt, $rate Mbit/s" "$t" "$v" s lower
		done
	done
done
unlimit_link

# ------------------------------------------------ echo during a flood
KEYSET=ACDEFGHIJKLNOPQRSTUVWXYZ
LINE=$(printf '%.78s' '.-:=+*~^,_.-:=+*~^,_.-:=+*~^,_.-:=+*~^,_.-:=+*~^,_.-:=+*~^,_.-:=+*~^,_.-:=+*~^,_')
QUIET='stty raw -echo isig; printf READY; exec cat'
# The flood stops with cat: Ctrl-C (isig) ends cat, the trap ends yes (a
# background job of a non-interactive shell ignores SIGINT itself).
FLOOD="stty raw -echo isig; printf READY; yes '$LINE' & p=\$!; trap 'kill \$p; exit 0' INT HUP TERM; cat; kill \$p"

# echo_one TOOL COND: one run (COND quiet or flood); prints "MEDIAN_MS
# MBPS SKIPS" or "fail" (with a diag).
echo_one() {
	local tool=$1 cond=$2 name rc out prog=$QUIET
	local -a CMD
	run_n=$((run_n + 1))
	name=echo$run_n
	[ "$cond" = flood ] && prog=$FLOOD
	if [ "$tool" = ssh ] || [ "$tool" = ssh+tmux ]; then
		client_cmd "$tool" "$name" "$prog"
	else
		client_cmd "$tool" "$name" sh -c "$prog"
	fi
	in_client "$W/echoprobe" -n "$KEYS" -W "$WARM" -k 10 -T 300 \
	    -K "$KEYSET" -c '[tether: skipped' -x -- "${CMD[@]}" \
	    >"$W/echo.out" 2>"$W/echo.err" </dev/null
	rc=$?
	cleanup_tool "$tool" "$name"
	out=$(awk '$1 == "keys" && $3 == "median_us" && $11 == "count" && $13 == "bytes" && $15 == "secs" {
	    printf "%.3f %.2f %d\n", $4 / 1000, ($16 > 0 ? $14 / $16 / 1e6 : 0), $12 }' \
	    "$W/echo.out")
	if [ -z "$out" ]; then
		echo fail
		diag "echo $tool ($cond) failed ($rc): $(head -c 300 "$W/echo.err")"
		return
	fi
	[ "$rc" -ne 0 ] && diag "echo $tool ($cond): $(head -c 300 "$W/echo.err")"
	echo "$out"
}

for ((r = 1; r <= ROUNDS; r++)); do
	declare -A quiet=()
	for cond in quiet flood; do
		for t in "${ECHO_TOOLS[@]}"; do
			read -r med mbps skips <<<"$(echo_one "$t" "$cond")"
			m="echo median, no flood"
			[ "$cond" = flood ] && m="echo median, during a flood"
			if [ "$med" = fail ]; then
				bench_add "$m" "$t" fail ms lower
				[ "$cond" = flood ] &&
				    bench_add "echo median, flood / no flood" "$t" fail x lower
				continue
			fi
			bench_add "$m" "$t" "$med" ms lower
			if [ "$cond" = quiet ]; then
				quiet[$t]=$med
				continue
			fi
			bench_add "flood shown during the echo test" "$t" "$mbps" MB/s higher
			[ "$skips" -gt 0 ] && note >&2 "echo $t (flood): $skips skip markers"
			if [ -n "${quiet[$t]:-}" ]; then
				bench_add "echo median, flood / no flood" "$t" \
				    "$(awk -v a="$med" -v b="${quiet[$t]}" 'BEGIN {
				    if (b > 0) printf "%.2f", a / b; else print "fail" }')" x lower
			else
				bench_add "echo median, flood / no flood" "$t" fail x lower
			fi
		done
	done
	unset quiet
done

# ------------------------------------------------ the tables

# ctrlc_table MEASUREMENT TOOL...: like bench_table, but a capped run
# (">CAP") counts as longer than any measured one: the median and the
# spread show "> X" where they fall on capped runs (X the lower bound),
# and so does the ratio.
ctrlc_table() {
	local m=$1 t
	shift
	{
		echo
		echo "**$m** (s, lower is better; \">\": the run was stopped at the cap)"
		echo
		echo "| tool | median | spread | runs | tether's advantage |"
		echo "| --- | ---: | --- | ---: | ---: |"
		for t in "$@"; do
			{ bench_values "$m" tether | sed 's/^/T /'
			  bench_values "$m" "$t" | sed 's/^/V /'; } |
			awk -v tool="$t" '
			# med(N, CAPPED, A): "value" or "> bound" of a sorted A of N
			# numbers, with CAPPED runs above them all (at CAP).
			function med(n, capped, a,    all, k1, k2) {
				all = n + capped
				if (all == 0) return "fail"
				k1 = int((all + 1) / 2); k2 = int(all / 2) + 1
				if (all % 2) k2 = k1
				if (k2 <= n) return sprintf("%g", (a[k1] + a[k2]) / 2)
				if (k1 <= n) return sprintf("> %g", (a[k1] + cap) / 2)
				return "> " cap
			}
			function sort(n, a,    i, j, v) {
				for (i = 2; i <= n; i++) {
					v = a[i]
					for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]
					a[j + 1] = v
				}
			}
			$2 ~ /^>/ { cap = substr($2, 2) + 0; if ($1 == "T") tc++; else vc++; next }
			$2 ~ /^[0-9.]+$/ { if ($1 == "T") tv[++tn] = $2 + 0; else vv[++vn] = $2 + 0 }
			END {
				sort(tn, tv); sort(vn, vv)
				tm = med(tn, tc, tv); vm = med(vn, vc, vv)
				lo = vn ? vv[1] : (vc ? "> " cap : "")
				hi = vc ? "> " cap : (vn ? vv[vn] : "")
				spread = lo == "" ? "" : (lo == hi ? lo : lo "-" hi)
				ratio = "-"
				if (tool != "tether" && tm !~ /^(>|fail)/ && tm + 0 > 0 && vm != "fail") {
					if (vm ~ /^>/)
						ratio = sprintf("> %.2fx", substr(vm, 3) / tm)
					else
						ratio = sprintf("%.2fx", vm / tm)
				}
				runs = vn + vc
				printf "| %s | %s | %s | %s%s | %s |\n", tool, vm, spread,
				    runs, vc ? " (" vc " capped)" : "", ratio
			}'
		done
	} >>"$BENCH_OUT/$BENCH_NAME.md"
}

bench_text "## Ctrl-C during a flood on a slow link" "" \
    "A remote interactive shell (\`$SHELLCMD\`) runs" \
    "\`PS1='DONE''> '; cat FILE FILE ...\` (30 times), FILE $DATA_MB MB of 74-byte text lines;" \
    "once its lines show on the client's" \
    "terminal (an 80x24 pseudo-terminal of bench/echoprobe), $FLOWSECS s more, then" \
    "Ctrl-C: the time from the Ctrl-C to the new prompt (\"DONE> \") in the client's" \
    "output (escape sequences skipped: for mosh, tmux and tether, when the" \
    "repaint draws it). The link: tc tbf on the server's side (rate as" \
    "given, burst 16 kB, latency 100 ms), so the output is slowed, the keys" \
    "are not. Each run is stopped at $CAP s: \">$CAP\" in the runs," \
    "\"> X\" here (a median or ratio with capped runs is a bound). ssh is" \
    "\`ssh -t\`; ssh+tmux the shell in a new tmux session on the server;" \
    "mosh $(mosh --version 2>/dev/null | awk 'NR == 1 { print $2 }') with its defaults;" \
    "tether \`tether -s NAME host -- CMD\` (defaults: it skips output a slow" \
    "link cannot carry and repaints). $ROUNDS round(s), tools alternating" \
    "(order rotated each round). $(date -u +%F), $(uname -r)," \
    "$(ssh -V 2>&1 | cut -d, -f1), tmux $(tmux -V | cut -d' ' -f2)," \
    "tether $("$TETHER" --version | cut -d' ' -f2)."
for rate in "${RATES[@]}"; do
	ctrlc_table "ctrl-c to prompt, $rate Mbit/s" "${TOOLS[@]}"
done

bench_text "" "## Keystroke echo while the session floods its terminal" "" \
    "The remote program: \`stty raw -echo isig; printf READY; exec cat\` (no" \
    "flood), or the same with \`yes\` of a 78-character line of punctuation" \
    "running in the background, writing to the same terminal (flood); on the" \
    "bare link. $KEYS keys per run after $WARM uncounted ones, capital letters" \
    "other than B and M (none in the flood or in tether's skip marker), each" \
    "timed until it shows up in the client's output; a random 10-30 ms pause" \
    "after each echo. \"flood / no flood\" is per round, the flood run's median" \
    "over the same round's run without flood. \"flood shown\" is the output the" \
    "client put on its terminal while the keys were typed (tether shows only" \
    "what the link and the terminal keep up with, and skips the rest). $ROUNDS" \
    "round(s); in each, ssh and tether without flood, then with."
for m in "echo median, no flood" "echo median, during a flood" \
    "echo median, flood / no flood"; do
	unit=ms
	[ "$m" = "echo median, flood / no flood" ] && unit=x
	bench_table "$m" "$unit" lower "${ECHO_TOOLS[@]}"
done
bench_table "flood shown during the echo test" MB/s higher "${ECHO_TOOLS[@]}"
bench_done
