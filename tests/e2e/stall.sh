#!/bin/bash
# A stalled client never stalls the program: a real client (in a terminal)
# is stopped with SIGSTOP while the program writes 20 MB; the program
# finishes while the client is still stopped; continued, the client says
# how much output it lost, shows the rest in order, and the session works.
. "$(dirname "$0")/../lib.sh"
world_init

STOP_SECONDS=10

# The client runs under a non-interactive sh: tmux continues a stopped
# process that is a pane's own, and sh does not act on a stopped child.
term_start c 80 24 sh -c '"$TETHER" attach stall -- env "PS1=in\$ " bash \
    --norc --noprofile -i; echo "RC=$?"; exec sleep 100000'
ok "the client attached" wait_for_screen '^in\$ '
client=$(pgrep -P "$(term_pid)" -x tether)
like "$client" '^[0-9]+$' "found the client's pid"

# 3000000 lines of seq: 22888896 bytes (25888896 with the pty's CRs).
term_type "echo WAITING; while [ ! -e $W/go ]; do sleep 0.05; done; seq 1 3000000; echo STALL-END; touch $W/stall.done"
wait_for_screen '^WAITING$'
kill -STOP "$client"
ok "the client is stopped" wait_until proc_stopped "$client"
stopped_at=$SECONDS
touch "$W/go"

ok "the program finishes its 20 MB while the client is stopped" \
    wait_until -t 60 test -e "$W/stall.done"
ok "the client is still stopped then" proc_stopped "$client"
ok "the session is still attached" session_is stall attached
# Keep the client stopped for the whole STOP_SECONDS, well past the host's
# stall timeout.
while [ $((SECONDS - stopped_at)) -lt "$STOP_SECONDS" ]; do
	sleep 0.2
done
ok "the client is still stopped after ${STOP_SECONDS}s" proc_stopped "$client"
kill -CONT "$client"

# The notice is looked for in the raw output (it is plain text).
notice_seen() {
	grep -aq 'output were lost while this client was not reading' \
	    "$W/c.out"
}
ok "continued, the client prints that output was lost" \
    wait_until -t 60 notice_seen
ok "and shows the end of the output" wait_for_screen -t c '^STALL-END$' 60
ok "the client kept running" term_alive

# What the terminal got: numbers in order from 1 up to the notice (the last
# one possibly cut short, or an empty line), then, after a possibly partial
# first line, numbers in order up to 3000000.
tr -d '\r' <"$W/c.out" | strip_ansi >"$W/c.text"
lost=$(sed -nE 's/^\[tether: ([0-9]+) bytes of output were lost while this client was not reading\]$/\1/p' "$W/c.text")
is "$(printf '%s\n' "$lost" | grep -c .)" 1 "exactly one notice"
like "$lost" '^[0-9]+$' "the notice says how many bytes"
ok "more than a ring's worth of the 25.9 MB was lost ($lost)" \
    test "${lost:-0}" -gt 8388608
ok "but not more than was written" test "${lost:-0}" -lt 25888896
check=$(awk '
	/^WAITING$/ && !on { on = 1; next }
	!on { next }
	/^\[tether: [0-9]+ bytes of output were lost/ {
		notice = 1; partial = 1; pending = ""; prev = ""; next
	}
	/^STALL-END$/ {
		end = 1
		print (prev == 3000000 && pending == "" ? "ok" : "ended at " prev)
		exit
	}
	{
		# Only the line cut by the notice may be out of order.
		if (pending != "") { print "out of order: " pending; end = 1; exit }
		# The notice starts on a new line: an empty one if the cut
		# fell at the end of a line.
		if ($0 == "" && !notice) { pending = "an empty line"; next }
		if (!/^[0-9]+$/) { print "line " NR ": " $0; end = 1; exit }
		if (partial) { partial = 0; next }
		if (prev == "" && !notice && $0 != 1) {
			print "starts at " $0; end = 1; exit
		}
		if (prev != "" && $0 != prev + 1) {
			if (!notice) { pending = $0 " after " prev; next }
			print "out of order: " $0 " after " prev; end = 1; exit
		}
		prev = $0
	}
	END { if (!end) print "no STALL-END" }' "$W/c.text")
is "$check" ok "the output before and after the notice is in order"

term_type 'echo "USABLE-$((6 * 7))"'
ok "the session is usable afterwards" wait_for_screen '^USABLE-42$'
ok "still attached" session_is stall attached
run "$TETHER" kill stall
is "$RC" 0 "kill stall"

done_testing
