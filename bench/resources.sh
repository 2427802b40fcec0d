#!/bin/bash
# What a session costs, tether against its peers, on the test bed (two
# network namespaces, a real sshd; every session runs on the "server" as
# the test user, with an idle /bin/sh inside):
#
#   idle memory	RSS, PSS and USS (the private pages; all from
#		/proc/PID/smaps_rollup, MiB) of the session
#		host (tether's `tether new` process, dtach's master, the
#		SCREEN process, the tmux server), detached and attached, and
#		of the server-side client while attached (tether bridge,
#		dtach -a, screen -r, tmux attach).
#   idle wake-ups	context switches (voluntary + not, every thread) and CPU
#		time (schedstat) of the same processes over a window of
#		60 s (--quick: 10 s), per minute: detached sessions (each
#		attached once through the bed and detached first, as a
#		real one would be) and attached ones (a client in the client
#		namespace over ssh), all measured in the same window.
#   attach time	from the client namespace, start to exit of
#		`ssh testhost true`, `tether testhost -- true` (a new session
#		each time) and a reattach to an existing session (until the
#		screen shows, then `~.` detaches), each on an 80x24 pty of
#		bench/ptyrun; tools alternate run by run.
#   scale	1000 (--quick: 200) idle local sessions: total RSS and PSS of
#		their hosts, `tether ls` wall time and a local reattach, each
#		against the same with a single session.
#
#	TETHER=build/tether bash bench/resources.sh [--quick] [--rounds N]
#
# Default: 3 rounds of the 60 s window, 10 attach runs per tool, 1000
# sessions, 5 `tether ls` and 20 local attaches each way (about 4
# minutes); --quick: 10 s windows, 5 attach runs, 200 sessions, 10 local
# attaches (about 65 s). --rounds N sets the number of windows.
. "$(dirname "$0")/lib.sh"
bench_init resources "$@"

WIN=60
NATTACH=10
NSESS=1000
NLS=5
NLOCAL=20	# local attaches take milliseconds: more runs, steadier medians
if [ -n "$QUICK" ]; then
	WIN=10
	NATTACH=5
	NSESS=200
	NLOCAL=10
fi
tools=(tether dtach screen tmux)

# The static build (make static: musl), what `tether --install` copies to
# a server, measured beside the glibc build as "tether-static" when
# TETHER_STATIC names it (make bench does).
if [ -n "${TETHER_STATIC:-}" ] && [ -x "$TETHER_STATIC" ]; then
	install -m 755 "$TETHER_STATIC" "$W/tt/bin/tether-static" ||
	    bail "cannot copy $TETHER_STATIC"
	tools+=(tether-static)
	RS=(--ssh "ssh -F $SSHBED_CONFIG" --remote-tether "$W/tt/bin/tether-static")
else
	note "no static build (TETHER_STATIC): tether-static not measured"
fi

# A copy of the binary for the clients and the local sessions: a rebuild
# during the run (make replaces build/tether) must not fail half of them.
# (The server's copy was made by bench_init.)
install -m 755 "$TETHER" "$W/tether" || bail "cannot copy $TETHER"
TETHER=$W/tether

cc -std=c17 -O2 -Wall -Wextra -Werror -o "$W/ptyrun" \
    "$BENCH_TOP/bench/ptyrun.c" -lutil || bail "cannot build bench/ptyrun.c"

# srv CMD: a shell command on the server, as the test user, over the bed's
# ssh (so with the same environment as the sessions' own).
srv() {
	in_client ssh -F "$SSHBED_CONFIG" testhost "$1" </dev/null
}

# find_pid PATTERN: the pid of the test user's process whose command line
# (arguments joined by spaces) matches the glob PATTERN in full (only *
# is special); nothing, status 1, if none.
find_pid() {
	local re
	re=$(printf '%s' "$1" | sed 's/[][\\.^$+?(){}|]/\\&/g; s/\*/.*/g')
	pgrep -u "$SSHBED_USER" -n -x -f "$re"
}

# wait_pid VAR PATTERN: wait (up to $TIMEOUT) for find_pid PATTERN, set VAR.
wait_pid() {
	local deadline=$((SECONDS + TIMEOUT)) p
	while :; do
		if p=$(find_pid "$2"); then
			printf -v "$1" %s "$p"
			return 0
		fi
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.05
	done
	diag "no process matching '$2' after ${TIMEOUT}s"
	printf -v "$1" %s ""
	return 1
}

# mem PID: "RSS PSS USS" in KiB (USS: the private pages, clean or dirty;
# RSS also counts every shared page the process touched, libc's included).
mem() {
	awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } /^Private_(Clean|Dirty):/ { u += $2 }
	    END { if (r == "") exit 1; print r, p, u }' "/proc/$1/smaps_rollup" 2>/dev/null
}

kib_mib() { awk -v k="$1" 'BEGIN { printf "%.2f", k / 1024 }'; }

# snap PID: "SWITCHES CPU_NS" summed over the process's live threads:
# voluntary + involuntary context switches, and time on a CPU (schedstat,
# nanoseconds; finer than stat's utime + stime in 10 ms ticks).
snap() {
	local t sw=0 ns=0 v n c
	for t in /proc/"$1"/task/*; do
		v=$(awk '/^voluntary_ctxt_switches:/ { v = $2 }
		    /^nonvoluntary_ctxt_switches:/ { n = $2 } END { print v + n }' \
		    "$t/status" 2>/dev/null) || continue
		read -r c _ <"$t/schedstat" 2>/dev/null || c=0
		sw=$((sw + v))
		ns=$((ns + c))
	done
	echo "$sw $ns"
}

# threads PID: "TID:COMM:SWITCHES" for each thread (for a diagnosis).
threads() {
	local t
	for t in /proc/"$1"/task/*; do
		printf '%s:%s:%s ' "${t##*/}" "$(cat "$t/comm" 2>/dev/null)" \
		    "$(awk '/ctxt_switches:/ { s += $2 } END { print s }' "$t/status" 2>/dev/null)"
	done
}

# ------------------------------------------------------------ the sessions

# Per tool: the server-side commands that start a detached session NAME
# with an idle sh, the client command that attaches to it over ssh, the
# keys that detach that client, and the command lines (globs) of the host
# and of the server-side client.
SCREENDIR=$TT/screen
start_cmd() {
	case $1 in
	tether) echo "tether new $2 -- sh" ;;
	tether-static) echo "$W/tt/bin/tether-static new $2 -- sh" ;;
	dtach) echo "dtach -n $TT/$2 sh" ;;
	screen) echo "SCREENDIR=$SCREENDIR screen -dmS $2 sh" ;;
	tmux) echo "tmux -L $2 -f /dev/null new -d sh" ;;
	esac
}
host_glob() {
	case $1 in
	tether) echo "tether new $2 -- sh" ;;
	tether-static) echo "$W/tt/bin/tether-static new $2 -- sh" ;;
	dtach) echo "dtach -n $TT/$2 sh" ;;
	screen) echo "SCREEN -dmS $2 sh" ;;
	tmux) echo "tmux -L $2 -f /dev/null new -d sh" ;;
	esac
}
client_glob() {
	case $1 in
	tether) echo "$SSHBED_REMOTE_TETHER bridge * $2" ;;
	tether-static) echo "$W/tt/bin/tether-static bridge * $2" ;;
	dtach) echo "dtach -a $TT/$2 -r winch" ;;
	screen) echo "screen -r $2" ;;
	tmux) echo "tmux -L $2 attach" ;;
	esac
}
# attach TOOL NAME: a terminal NAME (a tmux pane of the world, 80x24) with
# a client attached to session NAME; waits until the server-side client
# runs and, where the attach draws the screen, until the prompt shows
# (dtach redraws nothing: `-r winch` only sends the shell a SIGWINCH).
attach() {
	local t=$1 n=$2 c=()
	case $t in
	tether) c=("$TETHER" "${R[@]}" -s "$n" testhost) ;;
	tether-static) c=("$TETHER" "${RS[@]}" -s "$n" testhost) ;;
	dtach) c=(ssh -F "$SSHBED_CONFIG" -t testhost "dtach -a $TT/$n -r winch") ;;
	screen) c=(ssh -F "$SSHBED_CONFIG" -t testhost "SCREENDIR=$SCREENDIR screen -r $n") ;;
	tmux) c=(ssh -F "$SSHBED_CONFIG" -t testhost "tmux -L $n attach") ;;
	esac
	term_start "$n" 80 24 "${SSHBED_CLIENT_PREFIX[@]}" "${c[@]}" || return 1
	local _cp
	# shellcheck disable=SC2034 # set by wait_pid, only waited for here
	wait_pid _cp "$(client_glob "$t" "$n")" || return 1
	if [ "$t" != dtach ]; then
		wait_for_screen -t "$n" '\$' || return 1
	fi
	sleep 0.3	# the attach's own traffic is over
}
# detach TOOL NAME: the tool's own detach keys in the terminal, then wait
# for the client to exit.
detach() {
	case $1 in
	tether | tether-static) term_keys -t "$2" Enter; term_keys -t "$2" -l '~.' ;;
	dtach) term_keys -t "$2" "C-\\" ;;
	screen) term_keys -t "$2" C-a d ;;
	tmux) term_keys -t "$2" C-b d ;;
	esac
	term_wait_dead -t "$2" || return 1
	term_kill -t "$2"
}
# kill_session TOOL NAME PID: end a session (the tool's own way).
kill_session() {
	case $1 in
	tether) srv "tether kill $2" >/dev/null 2>&1 ;;
	tether-static) srv "$W/tt/bin/tether-static kill $2" >/dev/null 2>&1 ;;
	dtach) [ -z "$3" ] || kill -HUP "$3" 2>/dev/null ;;	# its sh is hung up
	screen) srv "SCREENDIR=$SCREENDIR screen -S $2 -X quit" >/dev/null 2>&1 ;;
	tmux) srv "tmux -L $2 kill-server" >/dev/null 2>&1 ;;
	esac
}

srv "mkdir -p -m 700 $SCREENDIR" || bail "cannot make $SCREENDIR on the server"

# ------------------------------------------------------------ memory, wake-ups

# One round: a detached (D) and an attached (A) session per tool, started
# and attached in a rotating order, then one window over all of them.
declare -A hpid cpid s0 s1
for ((r = 1; r <= ROUNDS; r++)); do
	order=()
	for ((i = 0; i < ${#tools[@]}; i++)); do
		order+=("${tools[(i + r - 1) % ${#tools[@]}]}")
	done
	note "round $r of $ROUNDS: ${order[*]}"
	cmds=
	for t in "${order[@]}"; do
		for k in D A; do
			cmds+="$(start_cmd "$t" "rs$$-$t-$k$r") && "
		done
	done
	srv "${cmds}true" || diag "round $r: starting the sessions failed"
	for t in "${order[@]}"; do
		for k in D A; do
			n=rs$$-$t-$k$r
			wait_pid "hpid[$t$k]" "$(host_glob "$t" "$n")"
		done
	done
	# D: attached once and detached, as a session that had a client.
	for t in "${order[@]}"; do
		n=rs$$-$t-D$r
		{ attach "$t" "$n" && detach "$t" "$n"; } ||
		    diag "round $r: $t: attaching to and detaching from $n failed"
	done
	for t in "${order[@]}"; do
		n=rs$$-$t-A$r
		cpid[$t]=
		attach "$t" "$n" || diag "round $r: $t: attaching to $n failed"
		cpid[$t]=$(find_pid "$(client_glob "$t" "$n")")
	done
	sleep 1
	for t in "${order[@]}"; do
		for k in D A C; do
			p=${hpid[$t$k]:-}
			[ "$k" = C ] && p=${cpid[$t]:-}
			s0[$t$k]=
			[ -n "$p" ] && s0[$t$k]=$(snap "$p")
		done
	done
	t0=$(bench_now_ms)
	sleep "$WIN"
	t1=$(bench_now_ms)
	for t in "${order[@]}"; do
		for k in D A C; do
			p=${hpid[$t$k]:-}
			[ "$k" = C ] && p=${cpid[$t]:-}
			s1[$t$k]=
			[ -n "$p" ] && [ -d "/proc/$p" ] && s1[$t$k]=$(snap "$p")
		done
	done
	# A tether host that woke while detached: which thread, and what it
	# does (strace for a few seconds).
	p=${hpid[tetherD]:-}
	if [ -n "$p" ] && [ -n "${s0[tetherD]}" ] && [ -n "${s1[tetherD]}" ] &&
	    [ "${s1[tetherD]% *}" != "${s0[tetherD]% *}" ]; then
		diag "round $r: the detached tether host $p woke up: ${s0[tetherD]% *} -> ${s1[tetherD]% *} switches; threads: $(threads "$p")"
		timeout 5 strace -f -tt -p "$p" -o "$W/strace.$r" 2>/dev/null
		diag "strace -f -tt -p $p for 5 s ($(wc -l <"$W/strace.$r") lines):"
		diag_file "$W/strace.$r" 20
	fi

	for t in "${order[@]}"; do
		name=$t
		[ "$t" = tether ] && name="tether host"
		[ "$t" = tether-static ] && name="tether host, static"
		for k in D A C; do
			p=${hpid[$t$k]:-}
			what="idle RSS" pss="idle PSS" uss="idle USS"
			wk="idle wakeups" cpu="idle CPU ms per minute"
			case $k in
			D) wk+=" detached" cpu+=", detached" ;;
			A) what+=", attached" pss+=", attached" uss+=", attached"
			   wk+=" attached" cpu+=", attached" ;;
			C) p=${cpid[$t]:-}
			   [ "$t" = tether ] && name="tether bridge"
			   [ "$t" = tether-static ] && name="tether bridge, static"
			   what+=", attached, server-side client"
			   pss+=", attached, server-side client"
			   uss+=", attached, server-side client"
			   wk+=" attached, server-side client"
			   cpu+=", attached, server-side client" ;;
			esac
			# Named as bench/targets.tsv has them: "idle RSS" (no
			# suffix) is the detached session's host, tether's
			# is "tether host".
			if [ -n "$p" ] && read -r m_rss m_pss m_uss < <(mem "$p"); then
				bench_add "$what" "$name" "$(kib_mib "$m_rss")" MiB lower
				bench_add "$pss" "$name" "$(kib_mib "$m_pss")" MiB lower
				bench_add "$uss" "$name" "$(kib_mib "$m_uss")" MiB lower
			else
				bench_add "$what" "$name" fail MiB lower
				bench_add "$pss" "$name" fail MiB lower
				bench_add "$uss" "$name" fail MiB lower
				diag "round $r: $t $k: no process to measure"
			fi
			# Wake-ups under the names of targets.tsv: the host is
			# "tether" there.
			wname=$name
			[ "$k" != C ] && wname=$t
			if [ -n "${s0[$t$k]:-}" ] && [ -n "${s1[$t$k]:-}" ]; then
				read -r a0 c0 <<<"${s0[$t$k]}"
				read -r a1 c1 <<<"${s1[$t$k]}"
				bench_add "$wk" "$wname" "$(awk -v d=$((a1 - a0)) -v ms=$((t1 - t0)) \
				    'BEGIN { printf "%.1f", d * 60000 / ms }')" "per minute" lower
				bench_add "$cpu" "$wname" "$(awk -v d=$((c1 - c0)) -v ms=$((t1 - t0)) \
				    'BEGIN { printf "%.3f", d / 1e6 * 60000 / ms }')" ms lower
			else
				bench_add "$wk" "$wname" fail "per minute" lower
				bench_add "$cpu" "$wname" fail ms lower
			fi
		done
	done

	# The round's sessions go: clients first (the pane's end hangs up ssh).
	for t in "${order[@]}"; do
		term_kill -t "rs$$-$t-A$r"
	done
	for t in "${order[@]}"; do
		for k in D A; do
			kill_session "$t" "rs$$-$t-$k$r" "${hpid[$t$k]:-}"
		done
	done
done

# ------------------------------------------------------------ attach time

# attach_one TOOL: one run's milliseconds from start to exit (or "fail").
AT=rs$$-at
srv "PS1=READY tether new $AT -- sh" || diag "cannot start the session $AT"
nat=0
attach_one() {
	local out rc
	case $1 in
	ssh) out=$(in_client "$W/ptyrun" -- ssh -F "$SSHBED_CONFIG" testhost true 2>"$W/at.err") ;;
	tether)
		nat=$((nat + 1))
		out=$(in_client "$W/ptyrun" -- "$TETHER" "${R[@]}" -s "$AT-$nat" \
		    testhost -- true 2>"$W/at.err") ;;
	reattach)
		out=$(in_client "$W/ptyrun" -w READY -k '\r~.' -- "$TETHER" "${R[@]}" \
		    -s "$AT" testhost 2>"$W/at.err") ;;
	esac
	rc=$?
	# "SEEN TOTAL STATUS"; the status must be 0 (true's; 0 after ~.).
	if [ "$rc" -ne 0 ] || [ "${out##* }" != 0 ]; then
		diag "attach time: $1 failed ($rc, $out): $(head -c 300 "$W/at.err")"
		echo fail
		return
	fi
	echo "$out"
}
for ((i = 1; i <= NATTACH; i++)); do
	case $((i % 3)) in
	0) o=(reattach ssh tether) ;;
	1) o=(ssh tether reattach) ;;
	2) o=(tether reattach ssh) ;;
	esac
	for t in "${o[@]}"; do
		v=$(attach_one "$t")
		name=$t
		[ "$t" = reattach ] && name="tether, reattach"
		if [ "$v" = fail ]; then
			bench_add "attach time" "$name" fail ms lower
			[ "$t" = reattach ] && bench_add "reattach, time to screen" tether fail ms lower
			continue
		fi
		read -r seen total _ <<<"$v"
		bench_add "attach time" "$name" "$total" ms lower
		[ "$t" = reattach ] && bench_add "reattach, time to screen" tether "$seen" ms lower
	done
done
srv "tether kill $AT" >/dev/null 2>&1

# ------------------------------------------------------------ scale

# Local sessions, in the world's own XDG_RUNTIME_DIR: one host and one sh
# each. Every host holds a few descriptors of its own; `tether ls` may
# hold one per session. Raise the soft limits to the hard ones if they are
# low for NSESS (nothing to raise on the development machine: 20000 open
# files, 96365 processes).
need_fd=$((NSESS * 4 + 64)) need_proc=$((NSESS * 3 + 256))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need_fd" ]; then
	note "raising ulimit -n from $(ulimit -n)"
	ulimit -n "$need_fd" 2>/dev/null || ulimit -n "$(ulimit -Hn)" ||
	    diag "cannot raise ulimit -n ($(ulimit -n)) to $need_fd"
fi
if [ "$(ulimit -u)" != unlimited ] && [ "$(ulimit -u)" -lt "$need_proc" ]; then
	note "raising ulimit -u from $(ulimit -u)"
	ulimit -u "$need_proc" 2>/dev/null || ulimit -u "$(ulimit -Hu)" ||
	    diag "cannot raise ulimit -u ($(ulimit -u)) to $need_proc"
fi
note "limits: ulimit -n $(ulimit -n), ulimit -u $(ulimit -u), pid_max $(cat /proc/sys/kernel/pid_max)"

# Two socket directories, so that the runs with one session and with
# NSESS can alternate (a noisy machine slows both alike): ONE holds a
# single session, the world's own ($XDG) NSESS. Each has a session PROBE
# whose prompt, READY, shows when a client has attached.
ONE=$W/xdg-one
mkdir -m 700 "$ONE" || bail "cannot make $ONE"
PROBE=rs-probe
for d in "$ONE" "$XDG"; do
	PS1=READY XDG_RUNTIME_DIR=$d "$TETHER" new "$PROBE" -- sh ||
	    bail "tether new $PROBE ($d) failed"
done

# ls_one DIR: seconds for one `tether ls` of DIR (its row count: $W/ls.n).
ls_one() {
	local a b
	a=$(bench_now_us)
	XDG_RUNTIME_DIR=$1 "$TETHER" ls >"$W/ls.out" 2>"$W/ls.err" </dev/null ||
	    { echo fail; return; }
	b=$(bench_now_us)
	echo $(($(wc -l <"$W/ls.out") - 1)) >"$W/ls.n"
	awk -v d=$((b - a)) 'BEGIN { printf "%.4f", d / 1e6 }'
}
# local_attach DIR: milliseconds from the start of `tether attach PROBE`
# until it exits, detached with ~. once the prompt showed.
local_attach() {
	local out
	if ! out=$(XDG_RUNTIME_DIR=$1 "$W/ptyrun" -w READY -k '\r~.' -- \
	    "$TETHER" attach "$PROBE" 2>"$W/at.err") || [ "${out##* }" != 0 ]; then
		diag "local attach failed ($out): $(head -c 300 "$W/at.err")"
		echo fail
		return
	fi
	read -r _ total _ <<<"$out"
	echo "$total"
}
# hosts_mem DIR: "RSS PSS COUNT" summed over the hosts `tether ls` lists.
hosts_mem() {
	local pids
	pids=$(XDG_RUNTIME_DIR=$1 "$TETHER" ls 2>/dev/null </dev/null |
	    awk 'NR > 1 { print "/proc/" $3 "/smaps_rollup" }')
	# shellcheck disable=SC2086 # one path a word
	awk '/^Rss:/ { r += $2; n++ } /^Pss:/ { p += $2 } END { print r, p, n }' $pids 2>/dev/null
}

a=$(bench_now_ms)
made=1
for ((i = 2; i <= NSESS; i++)); do
	"$TETHER" new "rs-$i" -- sh </dev/null >/dev/null 2>>"$W/new.err" && made=$((made + 1))
done
b=$(bench_now_ms)
note "started $((made - 1)) more sessions in $((b - a)) ms"
[ "$made" = "$NSESS" ] || diag "only $made of $NSESS sessions started: $(tail -n 3 "$W/new.err")"
sleep 1	# their shells have started

read -r rss pss n <<<"$(hosts_mem "$ONE")"
note "one local session: host RSS $(kib_mib "$rss") MiB, PSS $(kib_mib "$pss") MiB"
for ((i = 1; i <= ROUNDS; i++)); do
	read -r rss pss n <<<"$(hosts_mem "$XDG")"
	if [ "${n:-0}" = "$NSESS" ]; then
		bench_add "total RSS, $NSESS sessions" tether "$(kib_mib "$rss")" MiB lower
		bench_add "total PSS, $NSESS sessions" tether "$(kib_mib "$pss")" MiB lower
	else
		diag "tether ls lists ${n:-no} hosts to measure, not $NSESS"
		bench_add "total RSS, $NSESS sessions" tether fail MiB lower
		bench_add "total PSS, $NSESS sessions" tether fail MiB lower
	fi
done

# ls and attach, one session and NSESS alternating, which first by turns.
n=$NLOCAL
[ "$NLS" -gt "$n" ] && n=$NLS
for ((i = 1; i <= n; i++)); do
	if ((i % 2)); then
		o=("tether, 1 session" tether)
	else
		o=(tether "tether, 1 session")
	fi
	for t in "${o[@]}"; do
		d=$XDG
		[ "$t" = tether ] || d=$ONE
		if [ "$i" -le "$NLS" ]; then
			bench_add "ls time, $NSESS sessions" "$t" "$(ls_one "$d")" s lower
			[ "$t" = tether ] && [ "$(cat "$W/ls.n")" != "$NSESS" ] &&
			    diag "tether ls listed $(cat "$W/ls.n") sessions, not $NSESS"
		fi
		[ "$i" -le "$NLOCAL" ] &&
		    bench_add "attach time, $NSESS sessions" "$t" "$(local_attach "$d")" ms lower
	done
done

# Every session listed goes, in one `tether kill` per directory.
for d in "$ONE" "$XDG"; do
	mapfile -t names < <(XDG_RUNTIME_DIR=$d "$TETHER" ls 2>/dev/null </dev/null |
	    awk 'NR > 1 { print $1 }')
	a=$(bench_now_ms)
	XDG_RUNTIME_DIR=$d "$TETHER" kill "${names[@]}" >/dev/null 2>"$W/kill.err" ||
	    diag "tether kill of ${#names[@]} sessions failed: $(head -c 300 "$W/kill.err")"
	b=$(bench_now_ms)
	note "tether kill of ${#names[@]} sessions: $((b - a)) ms"
done

# ------------------------------------------------------------ tables

# table_vs REF MEASUREMENT UNIT lower|higher TOOL...: like bench_table, with
# the ratio taken to REF (e.g. "tether host") instead of "tether".
table_vs() {
	local ref=$1 m=$2 unit=$3 better=$4 t med rm ratio n
	shift 4
	rm=$(bench_median "$m" "$ref")
	{
		echo
		echo "**$m** ($unit, $better is better)"
		echo
		echo "| tool | median | spread | runs | $ref's advantage |"
		echo "| --- | ---: | --- | ---: | ---: |"
		for t in "$@"; do
			med=$(bench_median "$m" "$t")
			n=$(bench_values "$m" "$t" | grep -cE '^-?[0-9]')
			ratio=-
			if [ "$med" != fail ] && [ "$rm" != fail ] && [ "$t" != "$ref" ]; then
				ratio=$(awk -v a="$med" -v b="$rm" -v w="$better" 'BEGIN {
				    if (w == "lower") { if (b == 0) print "-"; else printf "%.2fx", a / b }
				    else { if (a == 0) print "-"; else printf "%.2fx", b / a } }')
			fi
			echo "| $t | $med | $(bench_values "$m" "$t" | spread) | $n | $ratio |"
		done
	} >>"$BENCH_OUT/$BENCH_NAME.md"
}

bench_text "Idle sessions (an idle /bin/sh in each) on the test bed's server, the" \
    "test user's; $ROUNDS rounds, tools started in a rotating order; each" \
    "round's detached and attached sessions measured in the same ${WIN} s window." \
    "Detached sessions had a client attach and detach once first. RSS and PSS" \
    "from /proc/PID/smaps_rollup (PSS shares each binary's pages among the" \
    "processes mapping it, other helpers' included; USS is the private pages" \
    "alone, RSS also counts the shared pages of libc a process touched)." \
    "\"idle RSS\" is the detached session's host. \"tether host, static\" (and" \
    "tether-static) is the static musl build (\`make static\`), the binary" \
    "\`tether --install\` copies to a server; \"tether host\" is the glibc build." \
    "Wake-ups: voluntary and" \
    "involuntary context switches of every thread; CPU: schedstat run time." \
    "$(date -u +%F), $(uname -r), tether $("$TETHER" --version | cut -d' ' -f2)," \
    "dtach $(dtach --help 2>&1 | head -n1 | sed 's/.*version //'), $(screen -v | cut -d' ' -f1-3), $(tmux -V)."
host_tools=("tether host" dtach screen tmux)
client_tools=("tether bridge" dtach screen tmux)
if [[ " ${tools[*]} " == *" tether-static "* ]]; then
	host_tools=("tether host" "tether host, static" dtach screen tmux)
	client_tools=("tether bridge" "tether bridge, static" dtach screen tmux)
fi
table_vs "tether host" "idle RSS" MiB lower "${host_tools[@]}"
table_vs "tether host" "idle PSS" MiB lower "${host_tools[@]}"
table_vs "tether host" "idle USS" MiB lower "${host_tools[@]}"
table_vs "tether host" "idle RSS, attached" MiB lower "${host_tools[@]}"
table_vs "tether host" "idle PSS, attached" MiB lower "${host_tools[@]}"
table_vs "tether host" "idle USS, attached" MiB lower "${host_tools[@]}"
table_vs "tether bridge" "idle RSS, attached, server-side client" MiB lower \
    "${client_tools[@]}"
table_vs "tether bridge" "idle PSS, attached, server-side client" MiB lower \
    "${client_tools[@]}"
table_vs "tether bridge" "idle USS, attached, server-side client" MiB lower \
    "${client_tools[@]}"
bench_table "idle wakeups detached" "per minute" lower "${tools[@]}"
bench_table "idle wakeups attached" "per minute" lower "${tools[@]}"
table_vs "tether bridge" "idle wakeups attached, server-side client" "per minute" lower \
    "${client_tools[@]}"
bench_table "idle CPU ms per minute, detached" ms lower "${tools[@]}"
bench_table "idle CPU ms per minute, attached" ms lower "${tools[@]}"
table_vs "tether bridge" "idle CPU ms per minute, attached, server-side client" ms lower \
    "${client_tools[@]}"
bench_text "" "Attach time: start to exit of a client on an 80x24 pty in the client" \
    "namespace, $NATTACH runs each, alternating: \`ssh testhost true\`," \
    "\`tether testhost -- true\` (a new session each run), and a reattach to" \
    "an existing session (until its screen shows, then \`~.\`)."
bench_table "attach time" ms lower ssh tether "tether, reattach"
bench_table "reattach, time to screen" ms lower tether
bench_text "" "Scale: $NSESS idle local sessions (\`tether new\`, an sh in each) for" \
    "one user; sums over the hosts \`tether ls\` lists; \`tether ls\` ($NLS runs)" \
    "and a local reattach (to screen, then \`~.\`; $NLOCAL runs) against the" \
    "same with one session."
bench_table "total RSS, $NSESS sessions" MiB lower tether
bench_table "total PSS, $NSESS sessions" MiB lower tether
bench_table "ls time, $NSESS sessions" s lower "tether, 1 session" tether
bench_table "attach time, $NSESS sessions" ms lower "tether, 1 session" tether
bench_done
