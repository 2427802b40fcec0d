#!/bin/bash
# Surviving logout (src/logind.c). Where systemd does not run, creating a
# session must stay exactly as it was: no warning, no busctl or
# systemd-run, the host in no scope of its own. What happens under
# systemd-logind with KillUserProcesses=yes needs a machine booted with
# systemd and a login session; tests/unit/test_logind.c covers how
# logind.conf is read.
. "$(dirname "$0")/../lib.sh"
world_init

if [ -d /run/systemd/system ]; then
	plan skip_all "systemd runs here: this test is for machines without it"
fi

# Tripwires: a busctl, systemd-run and loginctl first in PATH that only
# record that they were run.
mkdir "$W/bin"
for c in busctl systemd-run loginctl; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\nexit 1\n' "$c" "$W" \
	    >"$W/bin/$c"
	chmod +x "$W/bin/$c"
done
export PATH=$W/bin:$PATH

run "$TETHER" new lo -- sleep 1000
is "$RC" 0 "tether new: exit 0"
is "$ERR" "" "tether new: no warning"
is "$OUT" "" "tether new: prints nothing"
ok "the session is listed" session_exists lo
ok "no systemd tool was run" test ! -e "$W/calls"
pid=$(session_pid lo)
host=$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')
ok "the session host is found" test -n "$host"
cg=$(cat "/proc/$host/cgroup" 2>/dev/null)
ok "the host's cgroup can be read" test -n "$cg"
unlike "$cg" 'tether-.*\.scope' "the host is in no scope of its own"

run "$TETHER" kill lo
is "$RC" 0 "kill it (so that attach has no other session to mention)"

# attach creating the session, on a real terminal.
term_start t 80 24 "$TETHER" attach la -- "${INNER_SHELL[@]}"
ok "attach creates a session" wait_for_screen '^in\$ '
unlike "$(term_text)" 'tether:' "attach: no warning on the terminal"
term_keys -l '~.'
ok "no systemd tool was run by attach" test ! -e "$W/calls"
run "$TETHER" kill la
is "$RC" 0 "kill it too"

done_testing
