#!/bin/bash
# Terminal queries: the session's terminal model (libvterm) would answer
# them too, but only the real terminal's answers may reach the program,
# once each; the model's go nowhere. The program asks for the cursor
# position (DSR 6) and the device attributes (DA1), the terminal (a tmux
# pane) answers, and the program reports exactly what it read.
. "$(dirname "$0")/../lib.sh"
world_init

cat >"$W/ask.pl" <<'PERL'
use strict;
use IO::Select;
$| = 1;
system("stty raw -echo");
print "\e[6n\e[c";
my ($buf, $b) = ("", "");
my $sel = IO::Select->new(\*STDIN);
while ($sel->can_read(2)) {
	sysread(STDIN, $b, 256) or last;
	$buf .= $b;
}
system("stty sane");
$buf =~ s/\e/ESC/g;
print "\r\nGOT[$buf]\r\n";
sleep 1000;
PERL

term_start q 80 24 "$TETHER" attach qs -- perl "$W/ask.pl"
ok "the program read the answers" wait_for_screen '^GOT\['
got=$(term_screen | sed -n 's/^GOT\[\(.*\)\]$/\1/p')
note "answers read: $got"
is "$(grep -o 'ESC\[[0-9]*;[0-9]*R' <<<"$got" | wc -l)" 1 \
    "exactly one cursor position report"
is "$(grep -o 'ESC\[?[0-9;]*c' <<<"$got" | wc -l)" 1 \
    "exactly one device attributes answer"
like "$got" '^ESC\[1;1RESC\[\?[0-9;]*c$' "and nothing else"

# The same after a fresh attach: the model has seen the queries by then.
term_kill
term_start q2 80 24 "$TETHER" attach qs
ok "a fresh client shows the report" wait_for_screen '^GOT\['
run "$TETHER" kill qs
done_testing
