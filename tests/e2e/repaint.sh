#!/bin/bash
# What a fresh client's terminal shows (issue 4). The session host keeps a
# model of the session's terminal and repaints it into a client that
# attaches without an exact offset: the history first (into the terminal's
# own scrollback), then the screen, its cursor, its modes and its title.
#
# Every check compares two real terminals (tmux panes of the same size):
# the reference runs a program directly; the subject runs `tether attach`
# to a session that ran the same program and had drawn before the client
# attached. Compared: the cells with their attributes (capture-pane -e),
# the scrollback above the screen (capture-pane -e -J), the cursor and the
# modes tmux shows as formats; then, for most scenes, more output after
# the attach, which must land the same way (pen, charsets, scrolling
# region, insert/origin/wrap modes, a pending wrap). Bracketed paste,
# application cursor keys and keypad are also checked by what the program
# receives; focus events and the cursor shape, which tmux 3.3a does not
# show, by their last setting in the bytes the subject terminal was sent.
#
# Sections: 1. a screen of colours, attributes, wide and combining
# characters, line drawing, regions, edits; charsets left in use; a client
# terminal that had text on it. 2. the alternate screen (a fake full-screen
# program, and vim when installed) and quitting it. 3. history lengths
# (default 2000, --history on new and on attach, 0). 4. attaching at
# another size. 5. modes and the title (also in ls); modes off after ~..
# 6. robustness: random bytes, malformed sequences, broken UTF-8 and 4 MiB
# writes leave the host alive and the session usable.
. "$(dirname "$0")/../lib.sh"
world_init

# Programs in panes and sessions run in a UTF-8 locale (the panes get
# their environment from the tmux server).
_tmux set-environment -g LC_ALL C.UTF-8

# Failure deadline for a subject to show what its reference shows.
EQ_TIMEOUT=$TIMEOUT

# lib.sh's ls_field, with a deadline: `tether ls` asks every session host,
# and a host that never answers (one stuck in its model) must fail this
# test, not hang it.
ls_field() {
	timeout -k 1 10 "$TETHER" ls 2>/dev/null </dev/null |
	    awk -F '  +' -v n="$1" -v c="$2" 'NR > 1 && $1 == n { print $c }'
}

# ---------------------------------------------------------------- helpers

# What tmux shows of a terminal besides its cells.
MODE_VARS="alternate_on keypad_cursor_flag keypad_flag mouse_any_flag
mouse_standard_flag mouse_button_flag mouse_all_flag mouse_sgr_flag
mouse_utf8_flag wrap_flag origin_flag insert_flag scroll_region_upper
scroll_region_lower pane_title"
MODE_FMT=
for v in $MODE_VARS; do
	MODE_FMT+="$v=#{$v}"$'\n'
done
MODE_FMT=${MODE_FMT%$'\n'}
CURSOR_FMT='cursor_x=#{cursor_x} cursor_y=#{cursor_y} cursor_flag=#{cursor_flag}'

# A terminal's cells would differ where tmux keeps a DEC line-drawing
# character as such (shown by capture-pane between SO and SI) and the
# other shows the same glyph as Unicode: the comparisons see both as the
# Unicode glyph.
cat >"$W/norm.pl" <<'EOF'
use strict;
use warnings;
binmode STDIN, ':raw';
binmode STDOUT, ':raw';
my %acs = (
    '`' => "\x{25c6}", a => "\x{2592}", b => "\x{2409}", c => "\x{240c}",
    d => "\x{240d}", e => "\x{240a}", f => "\x{00b0}", g => "\x{00b1}",
    h => "\x{2424}", i => "\x{240b}", j => "\x{2518}", k => "\x{2510}",
    l => "\x{250c}", m => "\x{2514}", n => "\x{253c}", o => "\x{23ba}",
    p => "\x{23bb}", q => "\x{2500}", r => "\x{23bc}", s => "\x{23bd}",
    t => "\x{251c}", u => "\x{2524}", v => "\x{2534}", w => "\x{252c}",
    x => "\x{2502}", y => "\x{2264}", z => "\x{2265}", '{' => "\x{03c0}",
    '|' => "\x{2260}", '}' => "\x{00a3}", '~' => "\x{00b7}",
);
utf8::encode($acs{$_}) for keys %acs;
local $/;
my $in = <STDIN> // '';
my $so = 0;
my $out = '';
while ($in =~ /\G(\e\[[0-9;:?]*[ -\/]*[@-~]|\x0e|\x0f|.)/gs) {
	my $t = $1;
	if ($t eq "\x0e") { $so = 1 }
	elsif ($t eq "\x0f") { $so = 0 }
	elsif ($so && exists $acs{$t}) { $out .= $acs{$t} }
	else { $out .= $t }
}
print $out;
EOF

# cells T: the screen's cells with attributes, row by row.
cells() {
	_tmux capture-pane -p -e -t "$1" | perl "$W/norm.pl"
}

# hist T: the scrollback above the screen, with attributes, wrapped lines
# joined, trailing blanks off; nothing when it is empty.
hist() {
	[ "$(_tmux display -p -t "$1" '#{history_size}')" -gt 0 ] || return 0
	_tmux capture-pane -p -e -J -S - -E -1 -t "$1" | perl "$W/norm.pl" |
	    sed -E 's/ +$//'
}

cursor() {
	_tmux display -p -t "$1" "$CURSOR_FMT"
}

modes() {
	_tmux display -p -t "$1" "$MODE_FMT"
}

state() {
	cells "$1"
	cursor "$1"
	modes "$1"
}

states_equal() {
	[ "$(state "$1")" = "$(state "$2")" ]
}

hist_tail_equal() {
	local n
	n=$(hist "$1" | wc -l)
	[ "$(hist "$2" | tail -n "$n")" = "$(hist "$1")" ]
}

# same DESC GOT WANT: passes when equal; else a diff (- reference, + tether).
same() {
	if [ "$2" = "$3" ]; then
		pass "$1"
		return 0
	fi
	fail "$1"
	diff -u --label reference --label tether \
	    <(printf '%s\n' "$3" | cat -v) <(printf '%s\n' "$2" | cat -v) |
	    head -n 80 >"$W/same.diff"
	diag_file "$W/same.diff" 80
	return 1
}

# term_forget NAME: a terminal no longer worth showing in failure dumps.
term_forget() {
	local t keep=()
	_tmux kill-session -t "$1" 2>/dev/null
	for t in "${_terms[@]}"; do
		[ "$t" = "$1" ] || keep+=("$t")
	done
	_terms=("${keep[@]}")
}

# new_session NAME COLS ROWS [NEW-OPTIONS...] -- CMD...: `tether new` run
# from a COLSxROWS terminal (tether new takes that terminal's size), so the
# session starts at that size, detached.
new_session() {
	local name=$1 cols=$2 rows=$3 opts=() st
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	term_start "$name-mk" "$cols" "$rows" "$TETHER" new "${opts[@]}" "$name" "$@"
	st=$(term_exit_status -t "$name-mk")
	if [ "$st" != 0 ]; then
		diag "tether new $name exited $st:"
		term_screen -t "$name-mk" >"$W/mk.screen"
		diag_file "$W/mk.screen"
	fi
	term_forget "$name-mk"
	[ "$st" = 0 ]
}

# pair NAME COLS ROWS [NEW-OPTIONS...] -- CMD...: CMD in a new session NAME
# of COLSxROWS and in the reference terminal NAME-ref of that size. In CMD,
# @T@ becomes $W/NAME.ses in the session and $W/NAME.ref in the reference
# (the programs' marker files).
pair() {
	local name=$1 cols=$2 rows=$3 opts=() a refcmd=() sescmd=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	for a; do
		refcmd+=("${a//@T@/$W/$name.ref}")
		sescmd+=("${a//@T@/$W/$name.ses}")
	done
	new_session "$name" "$cols" "$rows" "${opts[@]}" -- "${sescmd[@]}" ||
	    fail "tether new $name"
	term_start "$name-ref" "$cols" "$rows" "${refcmd[@]}"
}

# drawn NAME [MARK] [SECONDS]: wait until both programs of pair NAME made
# their marker (default p1).
drawn() {
	local m=${2:-p1}
	wait_until -t "${3:-$TIMEOUT}" test -e "$W/$1.ref.$m" &&
	    wait_until -t "${3:-$TIMEOUT}" test -e "$W/$1.ses.$m"
}

# check_same WHAT REF SUB: wait until SUB shows what REF shows; then one
# test point each for the cells, the cursor and the modes.
check_same() {
	local what=$1 ref=$2 sub=$3
	wait_until -t "$EQ_TIMEOUT" states_equal "$ref" "$sub"
	same "$what: the same cells (text, colours, attributes)" \
	    "$(cells "$sub")" "$(cells "$ref")"
	same "$what: the same cursor (position, visibility)" \
	    "$(cursor "$sub")" "$(cursor "$ref")"
	same "$what: the same modes and title" "$(modes "$sub")" "$(modes "$ref")"
}

# check_hist WHAT REF SUB: the subject's scrollback ends with the
# reference's whole scrollback (above it may be the subject's own lines).
check_hist() {
	local n
	n=$(hist "$2" | wc -l)
	wait_until -t "$EQ_TIMEOUT" hist_tail_equal "$2" "$3"
	same "$1: the scrollback ends as the reference's ($n lines, joined)" \
	    "$(hist "$3" | tail -n "$n")" "$(hist "$2")"
}

# attach_fresh NAME WHAT [hist]: once pair NAME's programs have drawn
# (both parts, when NAME has a second one), a fresh `tether attach` shows
# what the reference shows (and, with hist, its scrollback); then the
# session and the reference go.
attach_fresh() {
	drawn "$1"
	if [ -e "$W/$1.p2" ]; then
		touch "$W/$1.ref.go2" "$W/$1.ses.go2"
		drawn "$1" p2
	fi
	term_start "$1-sub" 80 24 "$TETHER" attach "$1"
	check_same "$2" "$1-ref" "$1-sub"
	[ "${3:-}" = hist ] && check_hist "$2" "$1-ref" "$1-sub"
	run "$TETHER" kill "$1"
	term_forget "$1-ref"
}

# attach_then NAME WHAT WHAT2: once pair NAME's programs have drawn their
# first part, a fresh `tether attach` shows what the reference shows
# (WHAT); then both write their second part, which must land alike there
# too (WHAT2); then the session and the reference go.
attach_then() {
	drawn "$1"
	term_start "$1-sub" 80 24 "$TETHER" attach "$1"
	check_same "$2" "$1-ref" "$1-sub"
	touch "$W/$1.ref.go2" "$W/$1.ses.go2"
	drawn "$1" p2
	check_same "$3" "$1-ref" "$1-sub"
	run "$TETHER" kill "$1"
	term_forget "$1-ref"
}

# scenes_then WHAT AFTER NAME...: for each NAME, a program that writes
# $W/NAME.p1, then (after a fresh attach) $W/NAME.p2, run by pair NAME and
# attach_then, whose test points are named "WHAT (NAME)" and "WHAT (NAME):
# AFTER".
scenes_then() {
	local what=$1 after=$2 n
	shift 2
	for n; do
		pair "$n" 80 24 -- "${DRV[@]}" @T@ "$W/$n.p1" "$W/$n.p2"
		attach_then "$n" "$what ($n)" "$what ($n): $after"
	done
}

# last_setting FILE WHAT: the last setting, in the bytes written to a
# terminal, of DEC private mode WHAT (h, l or -) or, for WHAT=DECSCUSR, of
# the cursor style (its number, or -). A full reset (ESC c) resets both.
last_setting() {
	perl -e '
		my $what = $ARGV[0];
		local $/; open my $f, "<:raw", $ARGV[1] or die; my $d = <$f>;
		my $v = "-";
		while ($d =~ /\e\[\?([0-9;]*)([hl])|\e\[([0-9]*) q|(\ec)/g) {
			if (defined $2) {
				my $hl = $2;
				$v = $hl if $what ne "DECSCUSR" &&
				    grep { $_ eq $what } split /;/, $1;
			} elsif (defined $3) {
				$v = ($3 eq "" ? 0 : $3) if $what eq "DECSCUSR";
			} else {
				$v = "-";
			}
		}
		print $v;
	' "$2" "$1"
}

# The driver of the scripted programs:
#   perl driver.pl BASE P1 [P2 [key]]
# writes file P1's bytes, makes BASE.p1; with P2, waits for BASE.go2 (or,
# with "key", for a key typed: the terminal is then -icanon -echo), writes
# P2's bytes and makes BASE.p2; then sleeps.
cat >"$W/driver.pl" <<'EOF'
use strict;
use warnings;
my ($base, $p1, $p2, $how) = @ARGV;
sub slurp { local $/; open my $f, '<:raw', $_[0] or die "$_[0]: $!"; <$f> }
sub out {
	my $d = shift;
	for (my $o = 0; $o < length $d;) {
		my $n = syswrite STDOUT, $d, length($d) - $o, $o;
		die "write: $!" unless defined $n;
		$o += $n;
	}
}
sub mark { open my $f, '>', "$base.$_[0]" or die; close $f }
out(slurp($p1));
if (defined $p2 && defined $how && $how eq 'key') {
	system 'stty -icanon -echo min 1 time 0';
}
mark('p1');
if (defined $p2) {
	if (defined $how && $how eq 'key') {
		sysread STDIN, my $c, 1;
	} else {
		select undef, undef, undef, 0.05 until -e "$base.go2";
	}
	out(slurp($p2));
	mark('p2');
}
sleep 1000 while 1;
EOF
DRV=(perl "$W/driver.pl")

# A program that sets up a terminal (file P1), makes BASE.p1, then puts
# its terminal in raw mode and prints what it receives, made visible, as
# GOT[...] each time a "." arrives.
cat >"$W/reader.pl" <<'EOF'
use strict;
use warnings;
my ($base, $p1) = @ARGV;
local $/;
open my $f, '<:raw', $p1 or die; my $d = <$f>; close $f;
system 'stty raw -echo';
syswrite STDOUT, $d;
open $f, '>', "$base.p1" or die; close $f;
my $acc = '';
while (sysread STDIN, my $b, 4096) {
	$acc .= $b;
	while ($acc =~ s/^([^.]*)\.//s) {
		my $s = $1;
		$s =~ s/([\x00-\x1f\x7f])/'^' . chr(ord($1) ^ 64)/ge;
		syswrite STDOUT, "GOT[$s]\r\n";
	}
}
EOF

# A full-screen program that draws a frame around its whole terminal, with
# the size in the middle, on the alternate screen; again on each SIGWINCH.
# After each drawing it makes BASE.drawn-COLSxROWS.
cat >"$W/frame.pl" <<'EOF'
use strict;
use warnings;
my ($base) = @ARGV;
$| = 1;
my $winch = 1;
$SIG{WINCH} = sub { $winch = 1 };
print "\e[?1049h";
while (1) {
	if ($winch) {
		$winch = 0;
		my ($r, $c) = split ' ', `stty size`;
		my $s = "\e[H\e[2J\e[44;37m+" . ('-' x ($c - 2)) . "+\e[0m";
		for my $y (2 .. $r - 1) {
			$s .= "\e[$y;1H\e[1m|\e[${y};${c}H|\e[0m";
		}
		$s .= "\e[$r;1H\e[44;37m+" . ('-' x ($c - 2)) . "+\e[0m";
		my $t = "SIZE ${c}x${r}";
		my $y = int($r / 2);
		my $x = int(($c - length $t) / 2);
		$s .= "\e[$y;${x}H\e[33m$t\e[0m\e[" . ($y + 1) . ";${x}H";
		print $s;
		open my $f, '>', "$base.drawn-${c}x$r" or die; close $f;
	}
	select undef, undef, undef, 0.05;
}
EOF

# ---------------------------------------------------------------- 1. a screen
# Phase 1: 30 lines (one wrapped, one coloured) scroll into the history;
# a scrolling region at the top (rows 1-6) scrolls 3 more lines into it (as
# xterm, tmux and libvterm's own screen do when the region starts at the
# top); then rows of colours (16, 256, 24-bit), attributes, wide and
# combining characters, DEC line drawing, tabs, inserted and deleted
# characters, cursor moves, save/restore, erasures, and a region in the
# middle scrolled down. Left with a pen set, the region 1-6, G1 designated
# as line drawing and the cursor inside the region. Phase 2, after the
# subject attached: text in that pen, line feeds that scroll the region,
# SO line drawing, then full-screen scrolls into the history.
{
	for i in $(seq 1 30); do
		case $i in
		5) printf 'pre 5 '; printf 'long%.0s' $(seq 1 36); printf '\r\n' ;;
		8) printf '\e[32mpre 8 green\e[0m\r\n' ;;
		*) printf 'pre %d\r\n' "$i" ;;
		esac
	done
	printf '\e[1;6r\e[H'
	for i in 1 2 3 4 5 6 7 8 9; do
		printf '\e[2Kregion %d' "$i"
		[ "$i" = 9 ] || printf '\r\n'
	done
	printf '\e[r\e[7;1H\e[2K16:'
	for c in 30 31 32 33 34 35 36 37 90 91 92 93 94 95 96 97; do
		printf '\e[%dmA' "$c"
	done
	printf '\e[39m '
	for c in 40 41 42 43 44 45 46 47 100 101 102 103 104 105 106 107; do
		printf '\e[%dmb' "$c"
	done
	printf '\e[0m\e[8;1H\e[2K256:'
	for n in 16 52 88 124 160 196 202 208 226 231 232 240 244 250 255; do
		printf '\e[38;5;%dmx\e[48;5;%dm \e[49m' "$n" $((271 - n))
	done
	printf '\e[0m\e[9;1H\e[2Krgb:\e[38;2;255;128;0morange\e[0m \e[48;2;0;64;128mon blue\e[0m'
	printf ' \e[38;2;1;2;3;48;2;250;251;252mnear black on near white\e[0m'
	printf '\e[10;1H\e[2Kattr:\e[1mbold\e[0m \e[3mitalic\e[0m \e[4munderline\e[0m \e[5mblink\e[0m'
	printf ' \e[7mreverse\e[0m \e[9mstrike\e[0m \e[1;3;4;7;9mall\e[0m'
	printf ' \e[1;31;42mbold red on green\e[0m'
	printf '\e[11;1H\e[2Kmore:\e[2mdim\e[0m \e[8mhidden\e[0m \e[21mdouble\e[0m \e[4:3mcurly\e[0m \e[2;3mdim italic\e[0m'
	# 漢字テスト, e + U+0301, a + U+0308, n + U+0303, 混ぜ
	printf '\e[12;1H\e[2Kwide:\xe6\xbc\xa2\xe5\xad\x97\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88|'
	printf 'e\xcc\x81 a\xcc\x88 n\xcc\x83 \e[35m\xe6\xb7\xb7\xe3\x81\x9c\e[0m|end'
	printf '\e[13;1H\e[2K\e(0lqqqqqqqqqqk\e(B box \e(0`afgjklmnopqrstuvwxyz{|}~\e(B'
	printf '\e[14;1H\e[2K\e(0x\e(B \e[1mdrawn\e[0m  \e(0x\e(B tab:\ta\tb\tc'
	printf '\e[15;1H\e[2K\e(0mqqqqqqqqqqj\e(B \e[45m   \e[0m<-magenta'
	printf '\e[16;1H\e[2K0123456789\e[16;3H\e[2P\e[4@'
	printf '\e[17;1H\e[2K\e[7m reverse line \e[0m'
	printf '\e[18;1H\e[2K\e[18;40HX\e[2Aup\e[3D<\e[5C>'
	printf '\e[19;1H\e[2K\e[20;1H\e[2K\e[19;10H\e7\e[20;1Hsaved from here\e8*'
	printf '\e[21;1H\e[2Kxxxxxxxxxxxx\e[21;4H\e[3X'
	printf '\e[22;1H\e[2Kabcdefghij\e[22;5H\e[1K'
	printf '\e[23;1H\e[2Krow 23\e[24;1H\e[2Krow 24'
	printf '\e[19;22r\e[19;1H\eM\eM\e[19;1Hafter two RI'
	printf '\e[1;6r\e)0\e[1;38;5;208;48;2;20;40;60m\e[4;20H'
} >"$W/s1.p1"
{
	printf 'pen'
	printf '\r\n%s' a b c d e
	printf ' \x0eqqqq\x0f \e[0mplain\e[r\e[24;1H\r\n\r\nend'
} >"$W/s1.p2"

pair s1 80 24 -- "${DRV[@]}" @T@ "$W/s1.p1" "$W/s1.p2"
ok "scene: the reference and the session drew" drawn s1
term_start s1-sub 80 24 "$TETHER" attach s1
check_same "scene, fresh attach" s1-ref s1-sub
check_hist "scene, fresh attach" s1-ref s1-sub
touch "$W/s1.ref.go2" "$W/s1.ses.go2"
drawn s1 p2
check_same "scene, output after the attach" s1-ref s1-sub
check_hist "scene, output after the attach" s1-ref s1-sub
run "$TETHER" kill s1
term_forget s1-ref

# A line filled to its last column leaves the cursor pending a wrap: the
# next character goes to the next line. Cursor hidden meanwhile.
printf '\e[?25l\e[5;1H%s' "$(printf 'w%.0s' $(seq 1 80))" >"$W/pw.p1"
printf 'Y\e[?25h' >"$W/pw.p2"
pair pw 80 24 -- "${DRV[@]}" @T@ "$W/pw.p1" "$W/pw.p2"
attach_then pw "full last column, hidden cursor" \
    "full last column: the next character wraps"

# A combining character written apart from the glyph in the last column
# of a line: xterm and tmux join it to that glyph, with the cursor still
# waiting to wrap, so the line end after it leaves no blank line. (It is
# written after the program's first output has been read, so the model
# gets it apart too.) A fresh attach must show the same.
printf '\e[5;1H%se' "$(printf 'w%.0s' $(seq 1 79))" >"$W/cb.p1"
printf '\xcc\x81\r\nnext' >"$W/cb.p2"
pair cb 80 24 -- "${DRV[@]}" @T@ "$W/cb.p1" "$W/cb.p2"
attach_fresh cb "a combining character written apart, at the last column"

# Combining characters with no glyph just before them: after an index (IND)
# (joined to the blank cell left of the cursor), in the first column
# (dropped) and after a cursor move (joined to the cell left of it); and
# marks that libvterm counts as wide (a decomposed kana's voicing mark),
# which add no width to their glyph; and one at the last column written
# with its glyph, after ESC ( B (as sgr0 writes it).
printf 'm\e[1m\eD\xcc\x8aX\e[0m\r\n\xcc\x81z ab\e[C\xcc\x82Y' >"$W/lc.p1"
printf '\r\n\xe3\x81\x8b\xe3\x82\x99X\xef\xbf\xbd\xe3\x80\xaaY' >>"$W/lc.p1"
printf '\r\n\e(B%se\xcc\x81\r\nafter' "$(printf 'w%.0s' $(seq 1 79))" >>"$W/lc.p1"
pair lc 80 24 -- "${DRV[@]}" @T@ "$W/lc.p1"
attach_fresh lc "combining characters with no glyph before them"

# The screen alignment test (DECALN): a screen of E, rows of their own, the
# scrolling region gone and the cursor home.
printf '\e[2;3r\e[3;5Habc\e#8X' >"$W/al.p1"
pair al 80 24 -- "${DRV[@]}" @T@ "$W/al.p1"
attach_fresh al DECALN hist

# A title whose OSC the program writes in two parts, read apart by the
# session host, with a line feed inside (which tmux ignores there): a fresh
# attach shows the title all the same.
printf 'title in parts\e]2;half a' >"$W/tp.p1"
printf ' ti\ntle\e\\' >"$W/tp.p2"
pair tp 80 24 -- "${DRV[@]}" @T@ "$W/tp.p1" "$W/tp.p2"
attach_fresh tp "a title written in two parts"

# A row that wrapped into the next, which then went away: a reverse index
# at the top of a region (rows 3-5) moves the row that row 2 wrapped into
# down and leaves a blank one after row 2; the rows that scroll into the
# history from the whole screen after it are a wrapped one and a blank
# one. What is below them must stay where it was. (Not a scroll up: tmux
# keeps what leaves any region in its history, xterm and libvterm only
# from one that begins at the top.)
printf '\e[3;5r%s%sc\e[3;1H\eM\e[7;1Hbelow\e[r\e[24;1H\n\n\n\nend' \
    "$(printf 'a%.0s' $(seq 1 80))" "$(printf 'b%.0s' $(seq 1 80))" \
    >"$W/wr.p1"
pair wr 80 24 -- "${DRV[@]}" @T@ "$W/wr.p1"
attach_fresh wr "a wrapped row whose next row went away" hist

# The wait to wrap after a glyph in the last column: a CUP to that cell
# ends it (ww1), a reverse index that scrolls the row away keeps it, with
# the last column blank (ww2). The program's next glyphs, written after a
# fresh attach, land where the reference's do.
printf '\e[3;1H%s\e[3;80H' "$(printf 'w%.0s' $(seq 1 80))" >"$W/ww1.p1"
printf '\e[1;1H%s\eM' "$(printf 'r%.0s' $(seq 1 80))" >"$W/ww2.p1"
printf 'XY' >"$W/ww1.p2"
cp "$W/ww1.p2" "$W/ww2.p2"
scenes_then "waiting to wrap" "glyphs after the attach" ww1 ww2

# A scrolling region whose bottom is given as 0: tmux ignores it, so the
# region before it stays (libvterm 0.1.4 took it for the whole screen,
# xterm for one down to the last row). The program's next lines scroll
# that region after a fresh attach.
printf '\e[3;5r\e[4;1Hr\e[2;0r\e[5;1Hs' >"$W/rb0.p1"
printf '\n\nt\n' >"$W/rb0.p2"
scenes_then "a region with a bottom of 0" "lines after the attach" rb0

# DEL and a character inside a CSI: tmux ignores them and the sequence
# goes on (libvterm 0.1.4 ended it there and drew the rest as text).
printf 'ab\e[2\xcc\x8a;3Hx\e[3\x7f;4Hy' >"$W/csg.p1"
pair csg 80 24 -- "${DRV[@]}" @T@ "$W/csg.p1"
attach_fresh csg "DEL and a character inside a CSI"

# A 38 or 48 with nothing after it: tmux ignores it (libvterm 0.1.4 took
# the parameters left over from an earlier, longer sequence for a colour).
# A colour whose last value is 38 or 48 is another thing.
printf '\e[1;5;3H\e[38mX\e[1;48mY\e[0m\e[2;1Hz' >"$W/sg38.p1"
printf '\e[38;5;38;48;2;0;0;38mW\e[0;38;2;1;2;48mV\e[0m' >>"$W/sg38.p1"
pair sg38 80 24 -- "${DRV[@]}" @T@ "$W/sg38.p1"
attach_fresh sg38 "a 38 or 48 with nothing after it"

# DECSET and DECRST 1048: tmux ignores them (xterm saves and restores the
# cursor; libvterm 0.1.4 did so in the slot that DECSET 47 also writes).
printf '\e[2;3H\e[?1048h\e[3;1Habc\e[?1048lX' >"$W/dc48.p1"
pair dc48 80 24 -- "${DRV[@]}" @T@ "$W/dc48.p1"
attach_fresh dc48 "DECSET and DECRST 1048"

# A glyph drawn in the last column with autowrap off, then autowrap back
# on: the cursor does not wait to wrap, the next glyph takes that column.
printf '\e[3;1H\e[?7l%s\e[?7h' "$(printf 'n%.0s' $(seq 1 80))" >"$W/ww3.p1"
cp "$W/ww1.p2" "$W/ww3.p2"
scenes_then "autowrap off at the last column" "glyphs after the attach" ww3

# Autowrap turned off while the cursor waits to wrap: the wait stays, and
# each terminal does with the next glyphs what it does after the program's
# own bytes (tmux drops them, xterm writes them in the last column,
# libvterm wraps), so the repaint leaves the same wait before it turns
# autowrap off.
printf '\e[3;1H%s\e[?7l' "$(printf 'p%.0s' $(seq 1 80))" >"$W/ww4.p1"
cp "$W/ww1.p2" "$W/ww4.p2"
scenes_then "autowrap off while waiting to wrap" "glyphs after the attach" ww4

# Several modes in one sequence are all set, and one with a colon in it
# is ignored (libvterm 0.1.4 set only the first, and took CSI 4:1 h for
# insert mode).
printf '\e[?25;7l\e[2;1H%s' "$(printf 'm%.0s' $(seq 1 80))" >"$W/ms.p1"
printf 'xy\e[1;4h\e[3;1Hab\rX\e[4:1l\e[4;1Hcd\rY' >>"$W/ms.p1"
pair ms 80 24 -- "${DRV[@]}" @T@ "$W/ms.p1"
attach_fresh ms "several modes in one sequence"

# A restore with nothing saved: DECRST 1049 on the normal screen, and
# DECRC, before and after a full reset. The text after them is drawn in
# the default colours, the cursor shown.
printf '\e[?1049l\e[3;1Hhello \e[K\e[5;1H\e8\e[3Bworld \e[K' >"$W/rs.p1"
printf '\ec\e[41m\e[6;6H\e7\e[0m\ec\e[4;1H\e8again \e[K' >"$W/rs.p2"
pair rs 80 24 -- "${DRV[@]}" @T@ "$W/rs.p1" "$W/rs.p2"
drawn rs
term_start rs-sub 80 24 "$TETHER" attach rs
check_same "restore with nothing saved" rs-ref rs-sub
touch "$W/rs.ref.go2" "$W/rs.ses.go2"
drawn rs p2
check_same "restore with nothing saved, after a full reset" rs-ref rs-sub
term_start rs-sub2 80 24 "$TETHER" attach rs
check_same "restore with nothing saved, after a full reset: a fresh attach" \
    rs-ref rs-sub2
run "$TETHER" kill rs
term_forget rs-ref

# DECRST 1049 on the normal screen: it restores what the last DECSET 1049
# saved (the cursor and the pen), not what a DECSC saved since, also after
# a full reset (a1); with nothing saved, the cursor stays (a2).
printf 'ab\e[2;3H\e[31m\e[?1049h\e[0mfull\e[?1049lX\e[0m\e[3;1H\e7' \
    >"$W/a1.p1"
printf '\e[4;1Hc\e[?1049lY\e[0m\ec\e[5;5H\e[?1049lZ' >>"$W/a1.p1"
printf '\e[3;5H\e7\e[4;1Hd\e[?1049lW' >"$W/a2.p1"
for n in a1 a2; do
	pair "$n" 80 24 -- "${DRV[@]}" @T@ "$W/$n.p1"
	attach_fresh "$n" "DECRST 1049 on the normal screen ($n)"
done

# Double-width and double-height lines (DECDWL, DECDHL), which tmux
# ignores: the text wraps at the full width.
printf 'ab\e#6cd%s\r\n\e#3top\r\n\e#4bottom\e#5' \
    "$(printf 'x%.0s' $(seq 1 80))" >"$W/dw.p1"
pair dw 80 24 -- "${DRV[@]}" @T@ "$W/dw.p1"
attach_fresh dw "double-width and double-height lines"

# Editing in place: insert and delete characters and lines, erase
# characters, in line and in display, repeat the last character (REP,
# which ncurses uses for xterm-256color).
{
	for i in $(seq 1 24); do
		printf '\e[%d;1H%02d abcdefghijklmnopqrstuvwxyz 0123456789' "$i" "$i"
	done
	printf '\e[2;5H\e[3@\e[2;30H\e[4@XY'
	printf '\e[3;5H\e[4P'
	printf '\e[4;5H\e[5X'
	printf '\e[5;10H\e[K\e[6;10H\e[1K\e[7;10H\e[2K'
	printf '\e[8;1H\e[2L'
	printf '\e[12;1H\e[3M'
	printf '\e[14;4HZ\e[9b'
	printf '\e[16;6H\e[33m\e[2@\e[0m'
	printf '\e[20;20H\e[J\e[10;12H'
} >"$W/ed.p1"
pair ed 80 24 -- "${DRV[@]}" @T@ "$W/ed.p1"
attach_fresh ed "editing in place"

# Character sets left in use: G0 designated as line drawing (cs1); G1
# designated as line drawing and shifted in with SO (cs2). What the program
# writes after the attach is drawn in that set.
printf '\e[2;1H\e(0lqqk' >"$W/cs1.p1"
printf 'mqqj\e(B ok' >"$W/cs1.p2"
printf '\e[2;1H\e)0\x0elqqk' >"$W/cs2.p1"
printf 'mqqj\x0f ok' >"$W/cs2.p2"
scenes_then "charset left in use" "output after the attach" cs1 cs2

# A cursor saved before the attach (DECSC: ESC 7 in sc1, CSI s in sc2)
# and restored after it: the position, the pen, the character set and
# origin mode come back as they were saved; the cursor stays hidden (a
# restore leaves its visibility alone).
printf '\e[2;1Hstatus:\e[5;10H\e[1;33m\e(0\e7\e(B\e[0m\e[?25l\e[10;1Hmore' \
    >"$W/sc1.p1"
printf '\e8lqqk\e(B\e[0m done' >"$W/sc1.p2"
printf '\e[3;20r\e[?6h\e[2;4H\e[s\e[?6l\e[1;1Htop' >"$W/sc2.p1"
printf '\e[uX\e[1;1HY' >"$W/sc2.p2"
scenes_then "a saved cursor" "restored after the attach" sc1 sc2

# Tab stops set as tabs(1) sets them (TBC 3, then HTS in each column), one
# cleared (TBC 0): the tabs written after the attach land on them.
printf '\e[3g' >"$W/tb.p1"
for col in 5 9 13 17 21 25 29 33 37 70; do
	printf '\e[1;%dH\eH' "$col" >>"$W/tb.p1"
done
printf '\e[1;17H\e[g\e[2;1Htabs:' >>"$W/tb.p1"
printf '\r\n\ta\tb\tc\td\te\tf\tg\th\ti\tj' >"$W/tb.p2"
pair tb 80 24 -- "${DRV[@]}" @T@ "$W/tb.p1" "$W/tb.p2"
attach_then tb "tab stops a program set" \
    "tab stops a program set: tabs after the attach"

# A client attached from a terminal that already shows something (a shell
# that printed 40 lines): none of it stays on the screen.
printf 'first line\r\n\e[33msecond line\e[0m\r\n\r\n   fourth\e[3;5H' >"$W/jk.p1"
pair jk 80 24 -- "${DRV[@]}" @T@ "$W/jk.p1"
drawn jk
term_start jk-sub 80 24 "${OUTER_SHELL[@]}"
wait_for_screen '^out\$ '
term_type 'for i in $(seq 1 40); do echo "junk $i ----------------------------------------------------"; done; "$TETHER" attach jk'
check_same "attached from a terminal with text on it" jk-ref jk-sub
run "$TETHER" kill jk
term_forget jk-ref

# Emoji (U+1F600, U+1F389) and a wide character that fits the last two
# columns and one that does not fit the last column.
{
	printf 'emoji:\xf0\x9f\x98\x80|\xf0\x9f\x8e\x89|x\r\n'
	printf '\e[3;79H\xe6\xbc\xa2\e[4;80H\xe5\xad\x97'
} >"$W/em.p1"
pair em 80 24 -- "${DRV[@]}" @T@ "$W/em.p1"
drawn em
term_start em-sub 80 24 "$TETHER" attach em
check_same "emoji, wide characters at the right margin" em-ref em-sub
run "$TETHER" kill em
term_forget em-ref

# ---------------------------------------------------------------- 2. alternate screen
# A fake full-screen program on the alternate screen over 40 lines of
# normal output; a key quits it, back to the normal screen.
{
	for i in $(seq 1 40); do
		if [ $((i % 10)) = 0 ]; then
			printf '\e[36mshell line %d\e[0m\r\n' "$i"
		else
			printf 'shell line %d\r\n' "$i"
		fi
	done
	printf 'prompt$ fake'
	printf '\e[?1049h\e[H\e[2J\e[7m FAKE EDITOR: notes.txt \e[0m\r\n'
	for i in $(seq 1 20); do
		printf '\e[34m%3d\e[0m text of line %d \e[1;32mok\e[0m\r\n' "$i" "$i"
	done
	printf '\e[24;1H\e[44;37m-- NORMAL --  \xe6\xbc\xa2\xe5\xad\x97 \e[0m\e[5;10H'
} >"$W/fs.p1"
printf '\e[?1049lafter quit\r\n' >"$W/fs.p2"
pair fs 80 24 -- "${DRV[@]}" @T@ "$W/fs.p1" "$W/fs.p2" key
drawn fs
term_start fs-sub 80 24 "$TETHER" attach fs
check_same "alternate screen, fresh attach" fs-ref fs-sub
is "$(_tmux display -p -t fs-sub '#{alternate_on}')" 1 \
    "alternate screen: the subject is on its alternate screen"
term_keys -t fs-ref q
term_keys -t fs-sub q
drawn fs p2
check_same "alternate screen quit: the normal screen is back" fs-ref fs-sub
check_hist "alternate screen quit" fs-ref fs-sub
run "$TETHER" kill fs
term_forget fs-ref

# A program that hid the cursor before its alternate screen began, and
# showed it again before leaving it: the cursor stays shown at the prompt.
printf '\e[?25l\e[?1049hfull screen\e[?25h\e[?1049lprompt$ ' >"$W/cv.p1"
pair cv 80 24 -- "${DRV[@]}" @T@ "$W/cv.p1"
attach_fresh cv "the cursor shown again before an alternate screen ended"

# vim on a file (vim or vim.tiny, when installed).
VIM=$(command -v vim || command -v vim.tiny || true)
if [ -n "$VIM" ]; then
	{
		for i in $(seq 1 60); do
			if [ $((i % 7)) = 0 ]; then
				printf 'line %d is a long line: %s\n' "$i" \
				    "$(printf 'lorem ipsum %.0s' $(seq 1 12))"
			else
				printf 'line %d\n' "$i"
			fi
		done
	} >"$W/vim.txt"
	pair vim 80 24 -- sh -c "seq -f 'before vim %g' 1 40; $VIM -u NONE -i NONE -n -N -c redraw -c 'silent w! '\"\$1\".p1 $W/vim.txt; echo vim-exited; exec sleep 100000" sh @T@
	drawn vim
	term_start vim-sub 80 24 "$TETHER" attach vim
	check_same "vim, fresh attach" vim-ref vim-sub
	is "$(_tmux display -p -t vim-sub '#{alternate_on}')" 1 \
	    "vim: the subject is on its alternate screen"
	term_keys -t vim-ref -l ':q'
	term_keys -t vim-ref Enter
	term_keys -t vim-sub -l ':q'
	term_keys -t vim-sub Enter
	wait_for_screen -t vim-ref '^vim-exited$'
	ok "vim quit in the subject" wait_for_screen -t vim-sub '^vim-exited$'
	check_same "vim quit: the normal screen is back" vim-ref vim-sub
	check_hist "vim quit" vim-ref vim-sub
	run "$TETHER" kill vim
	term_forget vim-ref
else
	skip "no vim installed" 8
fi

# ---------------------------------------------------------------- 3. history
# 5000 numbered lines (every 250th coloured); a fresh client's scrollback
# has exactly the last N lines that left the screen, then the screen.
cat >"$W/lines.sh" <<'EOF'
perl -e 'for (1 .. 5000) {
	if ($_ % 250 == 0) { printf "\e[3%dmline %05d\e[0m\n", $_ / 250 % 8, $_ }
	else { printf "line %05d\n", $_ }
}'
printf '\033]2;lines drawn\007'
touch "$1.p1"
exec sleep 100000
EOF

# modelled NAME: wait until session NAME's model has taken in all that
# lines.sh wrote (the title it sets last is the session's title in ls), so
# that a fresh client gets it all in the repaint rather than partly live.
modelled() {
	wait_until eval "[ \"\$(ls_field $1 9)\" = 'lines drawn' ]"
}

# history_check NAME N: session NAME (80x24) ran lines.sh; the reference
# terminal NAME-ref too; the subject NAME-sub attached.
history_check() {
	local name=$1 n=$2 want got
	check_same "history $n: the screen" "$name-ref" "$name-sub"
	want=$(hist "$name-ref" | tail -n "$n")
	got=$(hist "$name-sub" | tail -n "$n")
	same "history $n: the scrollback ends with the last $n lines" "$got" "$want"
	is "$(hist "$name-sub" | grep -c 'line [0-9]')" "$n" \
	    "history $n: no more lines of the session's output than that"
}

# history_case NAME N [NEW-OPTIONS...]: lines.sh in a reference terminal
# and in session NAME (made with NEW-OPTIONS); a fresh client has N lines.
history_case() {
	local name=$1 n=$2
	shift 2
	pair "$name" 80 24 "$@" -- sh "$W/lines.sh" @T@
	drawn "$name"
	modelled "$name"
	term_start "$name-sub" 80 24 "$TETHER" attach "$name"
	history_check "$name" "$n"
	run "$TETHER" kill "$name"
	term_forget "$name-sub"
	term_forget "$name-ref"
}
history_case h1 2000
history_case h2 100 --history 100
history_case h0 0 --history 0

# --history on an attach that creates the session; the creating client is
# killed, a fresh one attaches.
term_start h3-ref 80 24 sh "$W/lines.sh" "$W/h3.ref"
term_start h3-first 80 24 "$TETHER" attach --history 50 h3 -- sh "$W/lines.sh" "$W/h3.ses"
drawn h3
modelled h3
wait_until session_is h3 attached
term_forget h3-first
ok "h3: detached once its client is gone" wait_until session_is h3 detached
term_start h3-sub 80 24 "$TETHER" attach h3
history_check h3 50
run "$TETHER" kill h3
term_forget h3-sub
term_forget h3-ref

# ---------------------------------------------------------------- 4. other sizes
# A full-screen program that redraws on SIGWINCH: attaching at 120x40 to a
# session last used at 80x24 shows what the reference shows after the
# same resize, and the reverse.
pair rz 80 24 -- perl "$W/frame.pl" @T@
drawn rz drawn-80x24
term_resize -t rz-ref 120 40
wait_until test -e "$W/rz.ref.drawn-120x40"
term_start rz-sub 120 40 "$TETHER" attach rz
ok "120x40 client: the program redrew at 120x40" \
    wait_until test -e "$W/rz.ses.drawn-120x40"
check_same "80x24 session, 120x40 client" rz-ref rz-sub
is "$(ls_field rz 4)" 120x40 "ls shows the session at 120x40"
term_forget rz-sub
wait_until session_is rz detached
rm -f "$W/rz.ref.drawn-80x24" "$W/rz.ses.drawn-80x24"
term_resize -t rz-ref 80 24
wait_until test -e "$W/rz.ref.drawn-80x24"
term_start rz-sub2 80 24 "$TETHER" attach rz
ok "80x24 client: the program redrew at 80x24" \
    wait_until test -e "$W/rz.ses.drawn-80x24"
check_same "120x40 session, 80x24 client" rz-ref rz-sub2
is "$(ls_field rz 4)" 80x24 "ls shows the session at 80x24"
run "$TETHER" kill rz
term_forget rz-ref

# A program that does not redraw: how the screen is resized is the
# terminal's own policy (tmux pulls lines back from its history when the
# screen grows; others do not), so this is shown, not checked.
pair st 80 24 -- sh "$W/lines.sh" @T@
drawn st
term_resize -t st-ref 120 40
term_start st-sub 120 40 "$TETHER" attach st
wait_until -t 5 states_equal st-ref st-sub 2>/dev/null
if [ "$(cells st-sub)" = "$(cells st-ref)" ]; then
	note "static screen 80x24 -> 120x40: the same as tmux's own resize"
else
	note "static screen 80x24 -> 120x40 differs from tmux's own resize (- tmux, + tether):"
	note "$(diff -u --label tmux --label tether <(cells st-ref) <(cells st-sub) | head -n 60 | cat -v)"
fi
run "$TETHER" kill st
term_forget st-ref

# A shell: its content survives, it sees the new size, its prompt works.
# in_order N: the terminal's scrollback holds "content 1..N" in order.
content_in_order() {
	[ "$(term_screen -h | grep -E '^content [0-9]+$' | tr '\n' ' ')" = \
	    "$(seq -f 'content %g' 1 "$1" | tr '\n' ' ')" ]
}
term_start sh1-first 80 24 "$TETHER" attach sh1 -- "${INNER_SHELL[@]}"
wait_for_screen '^in\$ '
term_type "seq -f 'content %g' 1 30; echo MARK-A"
wait_for_screen '^MARK-A$'
term_keys Enter
term_keys -l '~.'
term_wait_dead
wait_until session_is sh1 detached
term_start sh1-big 120 40 "$TETHER" attach sh1
ok "shell at 120x40: the prompt is shown" wait_for_screen '^in\$ ?$'
ok "shell at 120x40: the earlier output is intact, in order" \
    wait_until content_in_order 30
ok "shell at 120x40: MARK-A is there" wait_for_screen -h '^MARK-A$'
term_type 'stty size; echo P-$((2+3))'
ok "shell at 120x40: stty size says 40 120" wait_for_screen '^40 120$'
ok "shell at 120x40: the shell works" wait_for_screen '^P-5$'
term_keys Enter
term_keys -l '~.'
term_wait_dead
wait_until session_is sh1 detached
term_start sh1-small 80 24 "$TETHER" attach sh1
ok "shell back at 80x24: the prompt is shown" wait_for_screen '^in\$ ?$'
ok "shell back at 80x24: the earlier output is intact, in order" \
    wait_until content_in_order 30
ok "shell back at 80x24: the output at 120x40 is there" \
    wait_for_screen -h '^P-5$'
term_type 'stty size; echo P-$((3+4))'
ok "shell back at 80x24: stty size says 24 80" wait_for_screen '^24 80$'
ok "shell back at 80x24: the shell works" wait_for_screen '^P-7$'
run "$TETHER" kill sh1

# ---------------------------------------------------------------- 5. modes and title
# Modes set by the program are the subject terminal's modes; keys and
# pastes arrive as the program asked for them.
printf '\e]2;Title One\a\e[?1h\e=\e[?2004h\e[?1000h\e[?1006h\e[?1004h\e[5 q\e[3;5Hmodes one ready\r\n' \
    >"$W/m1.p1"
pair m1 80 24 -- perl "$W/reader.pl" @T@ "$W/m1.p1"
drawn m1
term_start m1-sub 80 24 "$TETHER" attach m1
check_same "modes 1 (keys, paste, mouse 1000+1006, title)" m1-ref m1-sub
is "$(_tmux display -p -t m1-sub '#{pane_title}')" "Title One" \
    "modes 1: the title is the subject's pane title"
is "$(_tmux display -p -t m1-sub '#{keypad_cursor_flag}#{keypad_flag}#{mouse_standard_flag}#{mouse_sgr_flag}')" \
    1111 "modes 1: application cursor keys, keypad, mouse 1000, SGR mouse are on"
is "$(last_setting "$W/m1-sub.out" 1004)" h \
    "modes 1: focus events (1004) were left on in the subject terminal"
is "$(last_setting "$W/m1-sub.out" DECSCUSR)" 5 \
    "modes 1: the cursor style (5, blinking bar) was left in the subject terminal"
for t in m1-ref m1-sub; do
	term_keys -t "$t" Up KP1 KPEnter
	term_keys -t "$t" -l .
	_tmux set-buffer -b paste 'pasted text'
	_tmux paste-buffer -p -d -b paste -t "$t"
	term_keys -t "$t" -l .
done
wait_for_screen -t m1-ref '^GOT\[.*pasted'
ok "modes 1: the program gets application cursor and keypad keys" \
    wait_for_screen -t m1-sub '^GOT\[\^\[OA\^\[Oq\^\[OM\]$'
ok "modes 1: the program gets a bracketed paste" \
    wait_for_screen -t m1-sub '^GOT\[\^\[\[200~pasted text\^\[\[201~\]$'
check_same "modes 1 after the keys" m1-ref m1-sub
is "$(ls_field m1 9)" "Title One" "ls shows the session's title"
is "$(ls_field m1 4)" 80x24 "ls shows the session's size"
# Detaching gives the terminal back without the session's modes: a client
# run from a shell (a bash that does not use bracketed paste itself), ~.,
# then the shell's terminal.
term_forget m1-sub
printf 'set enable-bracketed-paste off\n' >"$W/inputrc"
term_start m1-sh 80 24 env INPUTRC="$W/inputrc" 'PS1=out$ ' bash --norc --noprofile -i
wait_for_screen '^out\$ '
term_type '"$TETHER" attach m1; echo "RC=$?"'
ok "modes 1 again from a shell: the modes are on" wait_until eval \
    '[ "$(_tmux display -p -t m1-sh "#{keypad_cursor_flag}#{keypad_flag}#{mouse_any_flag}")" = 111 ]'
term_keys Enter
term_keys -l '~.'
ok "~. detaches" wait_for_screen '^RC=0$'
is "$(_tmux display -p -t m1-sh '#{alternate_on}#{keypad_cursor_flag}#{keypad_flag}#{mouse_any_flag}#{mouse_sgr_flag}#{cursor_flag}')" \
    000001 "after ~.: no keypad, cursor keys, mouse modes; cursor visible"
like "$(last_setting "$W/m1-sh.out" 2004)" '^[l-]$' "after ~.: bracketed paste off"
like "$(last_setting "$W/m1-sh.out" 1004)" '^[l-]$' "after ~.: focus events off"
run "$TETHER" kill m1
term_forget m1-ref

# Mouse 1002+1005, no autowrap, insert mode, hidden cursor, origin mode in
# a scrolling region; phase 2 writes where those modes matter.
{
	printf '\e]0;Second \xc2\xb7 title\a\e[?1002h\e[?1005h\e[?25l'
	printf '\e[2;1Hnowrap:\e[?7l%s' "$(printf '0123456789%.0s' $(seq 1 12))"
	printf '\e[3;1Habcdef\e[3;3H\e[4hXY\e[5;20r\e[?6h\e[1;1Horigin\e[3;4H'
} >"$W/m2.p1"
printf 'INS\e[1;1H\r\nafter\e[2;95H%s' "$(printf 'z%.0s' $(seq 1 10))" >"$W/m2.p2"
pair m2 100 30 -- "${DRV[@]}" @T@ "$W/m2.p1" "$W/m2.p2"
drawn m2
term_start m2-sub 100 30 "$TETHER" attach m2
check_same "modes 2 (mouse 1002+1005, no wrap, insert, origin)" m2-ref m2-sub
touch "$W/m2.ref.go2" "$W/m2.ses.go2"
drawn m2 p2
check_same "modes 2: output after the attach" m2-ref m2-sub
is "$(ls_field m2 9)" "Second $(printf '\xc2\xb7') title" "ls shows the title set by OSC 0"
is "$(ls_field m2 4)" 100x30 "ls shows the size 100x30"
run "$TETHER" kill m2
term_forget m2-ref

# Mouse 1003+1006 on the alternate screen, steady block cursor, title ended
# by ST.
printf '\e]2;third\e\\\e[?1049h\e[?1003h\e[?1006h\e[2 q\e[10;10Halt screen modes' >"$W/m3.p1"
pair m3 80 24 -- "${DRV[@]}" @T@ "$W/m3.p1"
drawn m3
term_start m3-sub 80 24 "$TETHER" attach m3
check_same "modes 3 (mouse 1003+1006, alternate screen, title by ST)" m3-ref m3-sub
is "$(last_setting "$W/m3-sub.out" DECSCUSR)" 2 \
    "modes 3: the cursor style (2, steady block) was left in the subject terminal"
run "$TETHER" kill m3
term_forget m3-ref

# ---------------------------------------------------------------- 6. robustness
# Garbage into the model, then a shell: the host lives, ls lists the
# session, a fresh client attaches and the shell works.
perl -e '
	binmode STDOUT;
	my @s = (
		"\e[999999999999999999999m", "\e[" . join(";", 1 .. 5000) . "m",
		"\e[38;5;999m", "\e[38;2;300;-1;99999m", "\e[48;2m", "\e[38;5m",
		"\e[4000;4000H", "\e[99999@", "\e[99999P", "\e[99999L", "\e[99999M",
		"\e[99999X", "\e[99999S", "\e[99999T", "\e[50;2r", "\e[0;0r",
		"\e[?99999h", "\e[?1049h\e[?1049h", "\e[?47h\e[?1047l",
		"\e[?1049l\e[?1049l", "\e#8", "\e[65535b", "\e[99999Z",
		"\e[99999I", "\e[3g\e[99999W", "\e]2;" . ("T" x 100000) . "\a",
		"\e]2;line1\nline2\ttab\x01\a", "\e]0;unterminated" . ("u" x 5000),
		"\eP" . ("d" x 100000) . "\e\\", "\e_apc\e\\", "\e^pm\e\\",
		"\e]52;c;" . ("QUFB" x 20000) . "\a", "\e[>4;2m", "\e[=5c",
		"\e[?5W", "\e[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20\$p",
		"\e[" . (";" x 10000) . "H", "\e[" . ("9" x 10000) . "A",
		"\e[:::::m", "\e[4:9m", "\e[58:2::1:2:3m", "\e(Z\e)%\e*<\e+A",
		"\e\e\e[", "\e[?", "\e]", "\e[12", "\x9b31m\x9d2;c1\x9c",
		"\e[8;1;1t", "\e[8;9999;9999t", "\e[3;-5;-5t", "\e[?1001h",
		"\e[?2026h", "\e[s\e[u\e7\e8\e8\e8", "\ec", "\e[!p", "\e[?3h\e[?3l",
		"\e[2J\e[3J", "\e[1;999r\e[999;1r", "\e[?69h\e[5;2s",
	);
	for my $r (1 .. 20) { print $s[($_ * 7 + $r) % @s] for 0 .. $#s; print "x" x 37, "\n" }
' >"$W/bad-esc.bin"
{
	printf 'a\xe2\x82\x00\xf0\x9f\x00b\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xff\xfe'
	printf '\x80\x80\x80\xe2\x82\r\n'
	printf 'x'
	for i in $(seq 1 2000); do printf '\xcc\x81'; done
	printf '\xe6\xbc\r\n\xe6\xbc\xa2\xcc\x81\xcc\x88\x00\x00\x00\r\n'
	printf '\e[1;80H\xe6\xbc\xa2\xe5\xad\x97\e[1;79H\xf0\x9f\x98\x80\xcc\x81'
	head -c 100000 /dev/zero
	printf '\xf8\x88\x80\x80\x80\xfc\x84\x80\x80\x80\x80\xef\xbb\xbf\xef\xbf\xbf\r\n'
} >"$W/bad-utf8.bin"
cat >"$W/bigwrite.pl" <<'EOF'
# One write(2) of 4 MiB: lines of text, or with "line" one line.
my ($out, $what) = @ARGV;
my $s = '';
if ($what eq 'line') {
	$s = join '', map { chr(97 + $_ % 26) } 0 .. 4 * 1024 * 1024 - 1;
} else {
	$s .= sprintf "%07d lorem ipsum dolor sit amet, consectetur\n", $_
	    for 1 .. 100000;
	$s = substr $s, 0, 4 * 1024 * 1024;
}
my $n = syswrite STDOUT, $s;
open my $f, '>', $out or die; print $f (defined $n ? $n : "error $!"); close $f;
EOF
# session_count: the live sessions (a socket that accepts a connection).
session_count() {
	local n=0 f
	for f in "$SOCKDIR"/*; do
		[ -S "$f" ] || continue
		session_exists "${f##*/}" && n=$((n + 1))
	done
	echo "$n"
}
# robust NAME WHAT-TO-RUN: session NAME runs it, then makes $W/NAME.done and
# runs a shell.
robust() {
	new_session "$1" 80 24 -- sh -c "$2; touch $W/$1.done; exec env 'PS1=in\$ ' bash --norc --noprofile -i" ||
	    fail "tether new $1"
}
# 10 MiB of random bytes, from a seed that a failure reports (set
# TETHER_TEST_SEED to it to replay the same bytes).
SEED=${TETHER_TEST_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
note "random bytes from seed $SEED"
perl -e 'srand($ARGV[0]); binmode STDOUT;
	for (1 .. 160) { print pack "C*", map { int rand 256 } 1 .. 65536 }' \
    "$SEED" >"$W/random.bin"
robust r-random "cat $W/random.bin"
robust r-esc "cat $W/bad-esc.bin"
robust r-csi-args "printf '\\033[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20m'"
robust r-utf8 "cat $W/bad-utf8.bin"
# A REP after DECALN with no glyph before it looped forever in libvterm.
robust r-rep "printf '\\033#8\\033[b'"
robust r-4m "perl $W/bigwrite.pl $W/r-4m.n lines"
robust r-4m-line "perl $W/bigwrite.pl $W/r-4m-line.n line"
ROBUST="r-random r-esc r-csi-args r-utf8 r-rep r-4m r-4m-line"
for r in $ROBUST; do
	t=$r
	[ "$r" = r-random ] && t="r-random (TETHER_TEST_SEED=$SEED)"
	hpid=$(session_pid "$r")
	wait_until -t 180 eval "test -e $W/$r.done || proc_dead ${hpid:-0}"
	ok "$t: the program wrote it all" test -e "$W/$r.done"
	ok "$t: the session host (pid $hpid) is alive" proc_alive "${hpid:-0}"
	if ! session_exists "$r"; then
		fail "$t: ls lists the session"
		skip "$t is gone (attaching would create it anew)" 2
		continue
	fi
	is "$(session_pid "$r")" "$hpid" "$t: ls lists the session, same host"
	term_start "$r-sub" 80 24 "$TETHER" attach "$r"
	wait_until session_is "$r" attached
	# A full reset first: the garbage may have left any charset or mode.
	term_type 'printf "\033c"; echo ok-$((6*7))'
	ok "$t: a fresh client attaches and the shell works" \
	    wait_for_screen '^ok-42$' 60
	ok "$t: the host is still alive" proc_alive "${hpid:-0}"
	term_forget "$r-sub"
done
is "$(cat "$W/r-4m.n")" 4194304 "the 4 MiB of lines went in one write"
is "$(cat "$W/r-4m-line.n")" 4194304 "the 4 MiB line went in one write"
timeout -k 1 10 "$TETHER" ls >"$W/ls.out" 2>&1 </dev/null
is "$(wc -l <"$W/ls.out")" $((1 + $(session_count))) \
    "ls: a header and one line for each session"
is "$(tr -d '\n' <"$W/ls.out" | LC_ALL=C grep -c '[[:cntrl:]]')" 0 \
    "ls: no control characters (titles set by garbage)"
for r in $ROBUST; do
	session_exists "$r" && run "$TETHER" kill "$r"
done

done_testing
