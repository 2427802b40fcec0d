#!/bin/bash
# The manual page, make install / uninstall, and the shell completions.
. "$(dirname "$0")/../lib.sh"
world_init

top=$(cd "$(dirname "$0")/../.." && pwd)
man=$top/doc/tether.1

# ---------------------------------------------------------------- manual

if command -v mandoc >/dev/null 2>&1; then
	run mandoc -T lint "$man"
	is "$RC" 0 "mandoc -T lint: exit 0"
	# Without a mandoc.db, mandoc notes each .Xr it cannot look up: a
	# fact about this machine's manuals, not about the page.
	is "$(printf '%s\n%s\n' "$OUT" "$ERR" |
	    grep -v 'outdated mandoc.db lacks' | grep -v '^$')" "" \
	    "mandoc -T lint: no warnings"
	text=$(mandoc -T ascii "$man" 2>/dev/null | perl -pe 's/.\x08//g')
else
	skip "mandoc is not installed (scripts/deps)" 2
	text=$(groff -mandoc -T ascii "$man" 2>/dev/null | perl -pe 's/.\x08//g')
fi
if command -v groff >/dev/null 2>&1; then
	run groff -mandoc -ww -z "$man"
	is "$RC" 0 "groff -mandoc -ww: exit 0"
	is "$OUT$ERR" "" "groff -mandoc -ww: no warnings"
else
	skip "groff is not installed" 2
fi
like "$text" 'ESCAPE CHARACTERS' "the manual renders"

run "$TETHER" --help
help=$OUT
like "$(printf '%s\n' "$help" | tail -n 1)" 'man tether' \
    "--help ends with a pointer to man tether"
helpopts=$(printf '%s\n' "$help" |
    grep -oE '(^|[][ |])--?[A-Za-z0-9][A-Za-z0-9-]*' |
    sed 's/^[][ |]//' | sort -u)
ok "--help lists options" test "$(nlines "$helpopts")" -gt 20
missing=
for o in $helpopts; do
	printf '%s\n' "$text" | grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|\$)" ||
	    missing="$missing $o"
done
is "$missing" "" "every option --help lists is in the manual"
for c in new attach ls kill config; do
	like "$text" "^ +$c " "the manual describes $c"
done
like "$text" '^CONFIGURATION' "the manual has a CONFIGURATION section"
# Every keyword tether config prints is in the manual.
run "$TETHER" --config none config
missing=
for k in $(printf '%s\n' "$OUT" | cut -d' ' -f1); do
	printf '%s\n' "$text" | grep -qiE "^ +$k " || missing="$missing $k"
done
ok "tether config prints keywords" test -n "$OUT"
is "$missing" "" "every keyword is described in the manual"

# ---------------------------------------------------------------- install

inst=$W/inst
b=$(dirname "$TETHER")
files=(/usr/bin/tether /usr/share/man/man1/tether.1
    /usr/share/bash-completion/completions/tether
    /usr/share/zsh/vendor-completions/_tether
    /usr/share/fish/vendor_completions.d/tether.fish)
# make install adds the static build when there is one (make static).
[ -f "$top/build-static/tether" ] && files+=(/usr/lib/tether/tether-static)
# -o: install this build as it is, never rebuild it here.
run make -C "$top" -s -o "$TETHER" B="$b" install DESTDIR="$inst" PREFIX=/usr
is "$RC" 0 "make install DESTDIR PREFIX=/usr: exit 0"
missing=
for f in "${files[@]}"; do
	[ -f "$inst$f" ] || missing="$missing $f"
done
is "$missing" "" "make install puts every file in place"
ok "the installed binary is this build" cmp -s "$TETHER" "$inst/usr/bin/tether"
ok "the installed binary is executable" test -x "$inst/usr/bin/tether"
ok "the installed manual is doc/tether.1" cmp -s "$man" \
    "$inst/usr/share/man/man1/tether.1"
is "$(cd "$inst" && find . -type f | wc -l)" "${#files[@]}" \
    "make install installs nothing else"
run make -C "$top" -s -o "$TETHER" B="$b" uninstall DESTDIR="$inst" PREFIX=/usr
is "$RC" 0 "make uninstall: exit 0"
is "$(cd "$inst" && find . -type f)" "" "make uninstall removes every file"
ok "make uninstall removes lib/tether" test ! -e "$inst/usr/lib/tether"
run make -C "$top" -s -n -o "$TETHER" B="$b" install DESTDIR="$inst"
like "$OUT" "$inst/usr/local/share/zsh/site-functions" \
    "the default PREFIX puts the zsh completion in site-functions"

# ---------------------------------------------------------------- completion

# A world for the completions: ssh files, sessions here, and a "host"
# reached through a stand-in for ssh that runs the remote command here with
# another socket directory.
export HOME=$W/home
mkdir -p "$HOME/.ssh" "$W/bin"
mkdir -m 700 "$W/rxdg"
cat >"$HOME/.ssh/config" <<'EOF'
Host gamma beta.example *.wild !nope
  HostName 192.0.2.1
host=omega
Match all
  Hostname x
EOF
cat >"$HOME/.ssh/known_hosts" <<'EOF'
delta.example,192.0.2.7 ssh-ed25519 AAAA
[epsilon]:2222 ssh-ed25519 AAAA
|1|aGFzaGVk|aGFzaGVk ssh-ed25519 AAAA
@cert-authority *.example ssh-ed25519 AAAA
EOF
ln -s "$TETHER" "$W/bin/tether"
cat >"$W/bin/fakessh" <<EOF
#!/bin/sh
while [ \$# -gt 0 ] && [ "\$1" != -- ]; do shift; done
shift 2
XDG_RUNTIME_DIR=$W/rxdg exec sh -c "\$1"
EOF
chmod +x "$W/bin/fakessh"
export PATH=$W/bin:$PATH
for s in alpha b.c:d; do
	run tether new "$s" -- sleep 1000
	is "$RC" 0 "new $s"
done
for s in remote1 remote2; do
	run env XDG_RUNTIME_DIR="$W/rxdg" tether new "$s" -- sleep 1000
	is "$RC" 0 "new $s in the other directory"
done

# bash_complete LINE [POINT]: the bash completion's candidates for LINE
# with the cursor at POINT (default: the end), one a line, sorted.
bash_complete() {
	local point=${2:-${#1}}
	bash --norc --noprofile -c '
		. "$1" || exit 3
		f=$(complete -p tether | sed -n "s/.*-F \([^ ]*\) tether\$/\1/p")
		[ -n "$f" ] || exit 4
		COMP_LINE=$2
		COMP_POINT=$3
		read -r -a COMP_WORDS <<<"${2:0:$3}"
		[[ ${2:0:$3} == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		# The word bash would pass: after the last word-breaking
		# character (from an @, which bash keeps for host names).
		w=${COMP_WORDS[COMP_CWORD]}
		for ((i = ${#w} - 1; i >= 0; i--)); do
			[[ $COMP_WORDBREAKS == *"${w:i:1}"* ]] || continue
			if [ "${w:i:1}" = @ ]; then w=${w:i}; else w=${w:i+1}; fi
			break
		done
		COMPREPLY=()
		"$f" tether "$w" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$top/completion/tether.bash" "$1" "$point" 2>>"$W/bash.err" |
	    sort -u
}

# has LIST WORD...: LIST (one a line) has every WORD.
has() {
	local list=$1 w
	shift
	for w; do
		printf '%s\n' "$list" | grep -qxF -- "$w" || return 1
	done
}

run bash --norc --noprofile -c ". $top/completion/tether.bash && complete -p tether"
like "$OUT" '^complete -F _tether tether$' "bash: the completion loads"
got=$(bash_complete "tether ")
ok "bash: subcommands" has "$got" new attach ls kill log config help
ok "bash: hosts from ssh config and known_hosts" \
    has "$got" gamma beta.example omega delta.example epsilon
unlike "$got" '[*!|]|^nope$|^x$' "bash: no patterns, hashes or HostName values"
is "$(bash_complete "tether --ti")" --timeout "bash: an option"
all=$(bash_complete "tether -"; bash_complete "tether attach -"
    bash_complete "tether kill -"
    bash_complete "tether log -")
missing=
for o in $helpopts; do
	has "$all" "$o" || missing="$missing $o"
done
is "$missing" "" "bash: every option --help lists"
is "$(bash_complete "tether attach al")" alpha "bash: a local session name"
is "$(bash_complete "tether attach b.c:")" d \
    "bash: a session name with a colon (bash breaks words at :)"
ok "bash: kill offers local sessions and hosts" \
    has "$(bash_complete "tether kill ")" alpha b.c:d gamma
ok "bash: --ring sizes" has "$(bash_complete "tether new x --ring ")" 8M 1G
is "$(bash_complete "tether log al")" alpha "bash: log completes a local session name"
ok "bash: log offers local sessions and hosts" \
    has "$(bash_complete "tether log ")" alpha b.c:d gamma
ok "bash: log offers -f, --follow, -p and --plain" \
    has "$(bash_complete "tether log -")" -f --follow -p --plain
is "$(bash_complete "tether log alpha -" | tr '\n' ' ')" "--follow --plain -f -p " \
    "bash: after log's name, only its own options"
ok "bash: --log-size and --lossless for the remote form" \
    has "$(bash_complete "tether --lo")" --log-size --lossless
ok "bash: --log-size and --lossless for attach" \
    has "$(bash_complete "tether attach --lo")" --log-size --lossless
is "$(bash_complete "tether new --lo")" --log-size \
    "bash: --log-size, not --lossless, for new"
ok "bash: --log-size sizes" \
    has "$(bash_complete "tether new x --log-size ")" 0 32M 16G
ok "bash: --log-size sizes in the remote form" \
    has "$(bash_complete "tether --log-size ")" 0 32M 16G
is "$(bash_complete "tether ls om")" omega "bash: ls completes a host"
ok "bash: --ttl durations for new and the remote form" \
    has "$(bash_complete "tether new x --ttl "; bash_complete "tether --ttl ")" 30m 7d
is "$(bash_complete "tether kill --de")" --detached "bash: kill completes --detached"
is "$(bash_complete "tether kill --detached om")" omega \
    "bash: kill --detached completes a host"
unlike "$(bash_complete "tether kill --detached ")" '^alpha$' \
    "bash: kill --detached offers no session names"
is "$(bash_complete "tether config om")" omega "bash: config completes a host"
is "$(bash_complete "tether --config no")" none "bash: --config none"
ok "bash: --config completes a file" \
    has "$(cd "$W" && bash_complete "tether --config bin/fake")" bin/fakessh
is "$(bash_complete "tether --config x --ri")" --ring \
    "bash: options after --config FILE"
is "$(bash_complete "tether --config none attach al")" alpha \
    "bash: a command after --config FILE"
is "$(bash_complete "tether gamma ")" -- "bash: -- after the host"
ok "bash: kill HOST completes the host's sessions" \
    has "$(bash_complete "tether kill --ssh fakessh gamma ")" remote1 remote2
ok "bash: log HOST completes the host's sessions" \
    has "$(bash_complete "tether log -p --ssh fakessh gamma ")" remote1 remote2
line="tether --ssh fakessh -s  gamma"
ok "bash: -s before the host completes the host's sessions" \
    has "$(bash_complete "$line" 24)" remote1 remote2
is "$(bash_complete "tether -s x")" "" "bash: -s without a host offers nothing"
is "$(bash_complete "tether root@om")" @omega "bash: user@host"
is "$(cat "$W/bash.err" 2>/dev/null)" "" "bash: the completion wrote no errors"

# bash, interactive: what readline really makes of : and @.
term_start bash 100 30 env HOME="$HOME" PATH="$PATH" PS1='bash$ ' \
    bash --norc --noprofile -i
ok "bash: starts" wait_for_screen '^bash\$ '
term_type ". $top/completion/tether.bash"
term_keys C-l
term_keys -l "tether attach b.c:"
term_keys Tab
ok "bash: completes a session name with a colon in a terminal" \
    wait_for_screen '^bash\$ tether attach b\.c:d *$'
term_keys C-u
term_keys -l "tether root@om"
term_keys Tab
ok "bash: completes user@host in a terminal" \
    wait_for_screen '^bash\$ tether root@omega *$'
term_keys C-u

# zsh: the real thing, in a terminal.
if command -v zsh >/dev/null 2>&1; then
	mkdir "$W/zdot"
	cat >"$W/zdot/.zshrc" <<-EOF
	fpath=($top/completion \$fpath)
	autoload -Uz compinit
	compinit -u -D
	PS1='zsh%# '
	EOF
	# The pane's environment is the tmux server's: give it ours.
	term_start zsh 100 30 env HOME="$HOME" PATH="$PATH" ZDOTDIR="$W/zdot" \
	    zsh -i
	ok "zsh: starts" wait_for_screen '^zsh# '
	term_keys -l "tether attach al"
	term_keys Tab
	ok "zsh: completes a local session name" \
	    wait_for_screen '^zsh# tether attach alpha *$'
	term_keys C-u
	term_keys -l "tether --tim"
	term_keys Tab
	ok "zsh: completes an option" wait_for_screen '^zsh# tether --timeout *$'
	term_keys C-u
	term_keys -l "tether kill --ssh fakessh gamma remote"
	term_keys Tab
	ok "zsh: lists the host's sessions" wait_for_screen 'remote1 +remote2'
	term_keys C-u
	term_keys -l "tether om"
	term_keys Tab
	ok "zsh: completes a host" wait_for_screen '^zsh# tether omega *$'
	term_keys C-u
	term_keys -l "tether log al"
	term_keys Tab
	ok "zsh: log completes a local session name" \
	    wait_for_screen '^zsh# tether log alpha *$'
	term_keys C-u
	term_keys -l "tether log -f --ssh fakessh gamma remote"
	term_keys Tab
	ok "zsh: log lists the host's sessions" wait_for_screen 'remote1 +remote2'
	term_keys C-u
	term_keys -l "tether attach --los"
	term_keys Tab
	ok "zsh: attach completes --lossless" \
	    wait_for_screen '^zsh# tether attach --lossless *$'
	term_keys C-u
	term_keys -l "tether --log-s"
	term_keys Tab
	ok "zsh: completes --log-size" wait_for_screen '^zsh# tether --log-size *$'
	term_keys C-u
	term_keys -l "tether new x --log-size "
	term_keys Tab
	ok "zsh: --log-size sizes" wait_for_screen '(^| )16G( |$)'
	term_keys C-u
	term_keys -l "tether kill --deta"
	term_keys Tab
	ok "zsh: kill completes --detached" \
	    wait_for_screen '^zsh# tether kill --detached *$'
	term_keys C-u
	term_keys -l "tether attach --tt"
	term_keys Tab
	ok "zsh: attach completes --ttl" wait_for_screen '^zsh# tether attach --ttl *$'
	term_keys C-u
	term_keys -l "tether --config x conf"
	term_keys Tab
	ok "zsh: config after --config FILE" \
	    wait_for_screen '^zsh# tether --config x config *$'
	term_keys C-u
	term_keys -l "tether --config none attach al"
	term_keys Tab
	ok "zsh: a session after --config FILE" \
	    wait_for_screen '^zsh# tether --config none attach alpha *$'
	term_keys C-u
else
	skip "zsh is not installed (scripts/deps)" 14
fi

# fish, when it is there.
if command -v fish >/dev/null 2>&1; then
	run fish --no-config -c "source $top/completion/tether.fish
	    complete -C'tether attach al'; complete -C'tether kill --ssh fakessh gamma '"
	like "$OUT" '^alpha' "fish: completes a local session name"
	like "$OUT" '^remote1' "fish: completes a host's sessions"
	run fish --no-config -c "source $top/completion/tether.fish
	    complete -C'tether log al'"
	like "$OUT" '^alpha' "fish: log completes a local session name"
	run fish --no-config -c "source $top/completion/tether.fish
	    complete -C'tether log -f --ssh fakessh gamma '"
	like "$OUT" '^remote2' "fish: log completes a host's sessions"
	run fish --no-config -c "source $top/completion/tether.fish
	    complete -C'tether --lo'; complete -C'tether attach --lo'"
	is "$(printf '%s\n' "$OUT" | cut -f1 | sort | tr '\n' ' ')" \
	    "--log-size --log-size --lossless --lossless " \
	    "fish: --log-size and --lossless for the remote form and attach"
	run fish --no-config -c "source $top/completion/tether.fish
	    complete -C'tether kill --de'; complete -C'tether new --tt'"
	is "$(printf '%s\n' "$OUT" | cut -f1 | sort | tr '\n' ' ')" \
	    "--detached --ttl " "fish: kill --detached and new --ttl"
	run fish --no-config -c "source $top/completion/tether.fish
	    complete -C'tether --config x conf'; complete -C'tether --config n'"
	is "$(printf '%s\n' "$OUT" | cut -f1 | tr '\n' ' ')" "config none " \
	    "fish: config after --config FILE, and --config none"
else
	skip "fish is not installed" 7
fi

done_testing
