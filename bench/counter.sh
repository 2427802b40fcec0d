# The remote counter and its terminals, shared by bench/resume.sh,
# bench/scrollback.sh and bench/floodresume.sh (sourced after lib.sh and
# bench_init).
#
# The counter, run by the test user: $TT/counter.sh NAME prints "n I" every
# 0.2 s, appends "I TIME" (bash's EPOCHREALTIME, just after the line) to
# $TT/NAME.log and keeps its pid in $TT/NAME.pid (to end it afterwards,
# whatever the tool did with its client).
cat >"$TT/counter.sh" <<'EOF'
d=${0%/*}
echo $$ >"$d/$1.pid"
i=0
while :; do
	i=$((i + 1))
	echo "n $i"
	echo "$i $EPOCHREALTIME" >>"$d/$1.log"
	sleep 0.2
done
EOF
chmod 644 "$TT/counter.sh"

# start_tool TOOL NAME: the tool's client in a new 80x24 terminal NAME,
# running the counter on the server. TOOL: tether, mosh, or autossh (also
# called ssh+tmux): autossh -M 0 (ServerAlive 1 s x 3, AUTOSSH_GATETIME=0)
# running "tmux new -A -s c COUNTER" on the server.
start_tool() {
	local tool=$1 t=$2
	rm -f "$TT/$t.pid" "$TT/$t.log"
	case $tool in
	tether)
		term_start "$t" 80 24 "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" \
		    "${R[@]}" -s "$t" testhost -- bash "$TT/counter.sh" "$t" ;;
	mosh)
		# mosh wants a UTF-8 locale; it passes it on to mosh-server.
		term_start "$t" 80 24 "${SSHBED_CLIENT_PREFIX[@]}" \
		    env LANG=C.UTF-8 LC_ALL=C.UTF-8 mosh \
		    --ssh="ssh -F $SSHBED_CONFIG" --server=/usr/bin/mosh-server \
		    testhost -- bash "$TT/counter.sh" "$t" ;;
	autossh | ssh+tmux)
		term_start "$t" 80 24 "${SSHBED_CLIENT_PREFIX[@]}" \
		    env AUTOSSH_GATETIME=0 autossh -M 0 \
		    -o ServerAliveInterval=1 -o ServerAliveCountMax=3 \
		    -F "$SSHBED_CONFIG" -t testhost \
		    "tmux -L $t -f /dev/null new -A -s c bash $TT/counter.sh $t" ;;
	*) bail "start_tool: unknown tool $tool" ;;
	esac
}

# last_n NAME: the highest counter line on the terminal's screen (0: none).
last_n() {
	_tmux capture-pane -p -t "$1" 2>/dev/null | awk '
	    /^n [0-9]+$/ && $2 > m { m = $2 } END { print m + 0 }'
}

# shows_n NAME N: the screen shows a counter line numbered N or more.
shows_n() {
	[ "$(last_n "$1")" -ge "$2" ]
}

# stop_tool NAME: end the counter (the session, mosh-server and the remote
# tmux end with it, and so do the clients), then the terminal. A client
# still running (one that never came back) gets SIGTERM first: autossh
# takes the SIGHUP of a closed terminal as "reconnect now".
stop_tool() {
	local t=$1 pid
	pid=$(cat "$TT/$t.pid" 2>/dev/null)
	case $pid in
	'' | *[!0-9]*) ;;
	*) kill -TERM "$pid" 2>/dev/null ;;
	esac
	if ! term_wait_dead -t "$t" 5 >/dev/null 2>&1; then
		# The pane's pid is the client's (term_start and env exec it).
		pid=$(term_pid -t "$t")
		[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
		term_wait_dead -t "$t" 5 >/dev/null 2>&1 || term_kill -t "$t"
	fi
	# A tether client that never came back leaves its session behind.
	case $t in
	*tether*) in_client "$TETHER" kill "${R[@]}" testhost "$t" \
	    >/dev/null 2>&1 </dev/null ;;
	esac
	return 0
}

# show_screen NAME WHY: a diag with the terminal's screen.
show_screen() {
	diag "$2; screen of $1:"
	_tmux capture-pane -p -t "$1" >"$W/screen" 2>&1
	diag_file "$W/screen" 24
}

# fresh_after NAME MARK END CAP: wait for a counter line above MARK; print
# the seconds from END (ms since the epoch) to it, or "fail".
fresh_after() {
	local t=$1 mark=$2 end=$3 cap=$4 now
	while :; do
		now=$(bench_now_ms)
		if [ "$(last_n "$t")" -gt "$mark" ]; then
			awk -v ms=$((now - end)) 'BEGIN { printf "%.3f\n", ms / 1000 }'
			return
		fi
		[ $((now - end)) -ge $((cap * 1000)) ] && break
		sleep 0.02
	done
	echo fail
}
