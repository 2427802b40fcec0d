#!/bin/bash
# tether --install against a real sshd on loopback, for a test user with
# no tether: the static build (make static) is static and runs; --install
# finds it beside the client, copies it into ~/.local/bin (which is not on
# ssh's PATH) and a session then finds it there; a second --install is
# idempotent, an older copy is replaced, no temporary file is left; bad
# binaries and a host of another machine are refused; and the offer on
# first connect, answered y in a real terminal (a session follows) or n
# (248 with the hint), never asked when stdin is not a terminal.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../sshbed.sh"
world_init
# The test user's HOME is $W/tt/home here: the world's, reset with it.
SSHBED_PRIVATE_HOME=1
sshbed_init

top=$(cd "$(dirname "$0")/../.." && pwd)
STATIC=${TETHER_STATIC:-$top/build-static/tether}
[ -x "$STATIC" ] || bail "no static build $STATIC: run make static"
SSHOPT=(--ssh "ssh -F $SSHBED_CONFIG")
RHOME=$W/tt/home
RBIN=$RHOME/.local/bin
# What uname says here is what the server says: loopback.
SYSTEM="$(uname -s) $(uname -m)"

# rt [ls|--install] ARGS...: the local tether (or $CLIENT) with the bed's
# ssh (after the subcommand, if any).
CLIENT=$TETHER
rt() {
	case $1 in
	ls | --install) run "$CLIENT" "$1" "${SSHOPT[@]}" "${@:2}" ;;
	*) run "$CLIENT" "${SSHOPT[@]}" "$@" ;;
	esac
}

# --- the static build
run readelf -l "$STATIC"
is "$RC" 0 "readelf reads the static build"
unlike "$OUT" 'interpreter' "the static build has no program interpreter"
like "$OUT" 'LOAD' "the static build has program headers"
run "$STATIC" --version
is "$RC" 0 "the static build runs"
is "$OUT" "$("$TETHER" --version)" "the static build is this version"

# --- the test user has no tether, and a private home
run "${SSHBED_SSH[@]}" testhost 'echo "$HOME"; command -v tether || echo none'
is "$OUT" "$RHOME
none" "the test user's HOME is the world's and has no tether on its PATH"

# --- no tether: 248, the hint, and no prompt without a terminal
rt -s x testhost -- true
is "$RC" 248 "no tether on the host: 248"
like "$ERR" 'no tether on testhost .*run tether --install testhost' \
    "no tether on the host: the message says to run tether --install"
is "$(nlines "$ERR")" 1 "no tether on the host: one line"
unlike "$ERR$OUT" 'y/N' "stdin not a terminal: no question"
rt ls testhost
is "$RC" 248 "ls host without tether: 248"
ok "nothing was installed unasked" test ! -e "$RHOME/.local"

# --- what --install refuses
CLIENT=$TETHER
rt --install --install-binary "$TETHER" testhost
is "$RC" 247 "--install-binary of a dynamic tether: 247"
like "$ERR" '^tether: .*linked dynamically' "a dynamic binary: says why"
is "$(nlines "$ERR")" 1 "a dynamic binary: one line"
rt --install --install-binary /etc/passwd testhost
is "$RC" 247 "--install-binary of a text file: 247"
like "$ERR" '^tether: /etc/passwd is not an executable' \
    "--install-binary of a text file: says why"
rt --install --install-binary "$W/nonexistent" testhost
is "$RC" 247 "--install-binary of a missing file: 247"
like "$ERR" '^tether: cannot open' "a missing file: says so"
rt --install
is "$RC" 254 "--install without a host: usage, 254"
# A client with no static tether beside it (unless one is installed here).
if [ ! -e /usr/local/lib/tether/tether-static ]; then
	mkdir -p "$W/dyn/bin"
	cp "$TETHER" "$W/dyn/bin/tether"
	CLIENT=$W/dyn/bin/tether
	rt --install testhost
	is "$RC" 247 "no static tether to copy: 247"
	like "$ERR" '^tether: no statically linked tether to copy.*make static' \
	    "no static tether to copy: says how to get one"
	is "$(nlines "$ERR")" 1 "no static tether to copy: one line"
else
	skip "a static tether is installed in /usr/local/lib/tether"
fi
# The host answers for another machine: a uname on the test user's PATH.
cat >"$W/tt/bin/uname" <<'EOF'
#!/bin/sh
case $1 in -s) echo Linux ;; -m) echo riscv64 ;; esac
EOF
chmod 755 "$W/tt/bin/uname"
CLIENT=$STATIC
rt --install testhost
is "$RC" 247 "a host of another machine: 247"
like "$ERR" '^tether: testhost runs Linux riscv64, but .* is for Linux' \
    "a host of another machine: says both"
is "$(nlines "$ERR")" 1 "a host of another machine: one line"
rm -f "$W/tt/bin/uname"
ok "nothing was installed by the refusals" test ! -e "$RBIN/tether"

# --- --install, finding the static build beside the client, past a
# login shell that talks (the user's .bashrc, which bash reads under sshd)
mkdir -p "$W/inst/bin" "$W/inst/lib/tether"
cp "$TETHER" "$W/inst/bin/tether"
cp "$STATIC" "$W/inst/lib/tether/tether-static"
CLIENT=$W/inst/bin/tether
printf 'echo "hello from bashrc"\n' >"$RHOME/.bashrc"
run "${SSHBED_SSH[@]}" testhost true
is "$OUT" "hello from bashrc" "the login shell prints before any command"
rt --install testhost
rm -f "$RHOME/.bashrc"
is "$RC" 0 "--install exits 0"
like "$OUT" '^installed tether [0-9.]+ \(protocol [0-9.]+\) in ~/\.local/bin on testhost$' \
    "--install says what it installed where"
ok "the static build is ~/.local/bin/tether" cmp -s "$STATIC" "$RBIN/tether"
is "$(stat -c '%a %U' "$RBIN/tether")" "755 $SSHBED_USER" \
    "installed with mode 755, owned by the user"
is "$(ls -A "$RBIN")" tether "no temporary file left"

# --- a session finds it, though ~/.local/bin is not on ssh's PATH
CLIENT=$TETHER
term_start t1 80 24 "$TETHER" "${SSHOPT[@]}" -s dep testhost -- \
    "${INNER_SHELL[@]}"
wait_for_screen 'in\$' || bail "no remote shell"
term_type 'echo "dep-$((6 * 7))"'
wait_for_screen '^dep-42'
pass "a session runs without --remote-tether"
ok "the host runs the installed tether" pgrep -u "$SSHBED_USER" -f "^$RBIN/tether bridge"
rt ls testhost
like "$OUT" '^dep +attached ' "ls host finds the installed tether too"
term_type 'exit 3'
is "$(term_exit_status)" 3 "the session ends with the program's status"

# --- a second --install is idempotent; an older copy is replaced
rt --install --install-binary "$STATIC" testhost
is "$RC" 0 "a second --install exits 0"
like "$OUT" 'already has' "a second --install: already there"
ok "a second --install: the same binary" cmp -s "$STATIC" "$RBIN/tether"
printf '#!/bin/sh\necho "tether 0.0.1 (protocol 0.1)"\n' >"$RBIN/tether"
rt --install --install-binary "$STATIC" testhost
is "$RC" 0 "--install over an older one exits 0"
like "$OUT" '^installed ' "--install over an older one installs"
ok "the older one is replaced" cmp -s "$STATIC" "$RBIN/tether"
is "$(ls -A "$RBIN")" tether "no temporary file left"

# --- the offer on first connect: answered y in a terminal
rm -rf "$RHOME/.local"
term_start t2 100 24 "$STATIC" "${SSHOPT[@]}" -s offer testhost -- \
    "${INNER_SHELL[@]}"
wait_for_screen "tether is not installed on testhost \($SYSTEM\)\. Install it in ~/\.local/bin\? \[y/N\]" ||
    bail "no offer"
term_type y
wait_for_screen "^installed .* in ~/\.local/bin on testhost"
wait_for_screen 'in\$' || bail "no remote shell after the offer"
term_type 'echo "offer-$((6 * 7))"'
wait_for_screen '^offer-42'
pass "answered y: installed, and the session follows"
ok "answered y: the binary is installed" cmp -s "$STATIC" "$RBIN/tether"
is "$(ls -A "$RBIN")" tether "answered y: no temporary file left"
term_type 'exit 0'
is "$(term_exit_status)" 0 "answered y: the session ends normally"

# --- answered n: 248 and the hint
rm -rf "$RHOME/.local"
term_start t3 100 24 "$W/inst/bin/tether" "${SSHOPT[@]}" -s offer testhost
wait_for_screen 'Install it in ~/\.local/bin\? \[y/N\]' || bail "no offer"
term_type n
is "$(term_exit_status)" 248 "answered n: 248"
like "$(term_text)" 'run tether --install testhost' "answered n: the hint"
ok "answered n: nothing installed" test ! -e "$RHOME/.local"

# --- a tether of another protocol: not installed; in ~/.local/bin, 252
# offers the upgrade
run make -C "$top" -s static SB="$W/old" VERSION=0.0.9 CPPFLAGS=-DPROTO_MAJOR=0
is "$RC" 0 "a static tether of another protocol builds"
OLDV=$("$W/old/tether" --version)
is "$OLDV" "tether 0.0.9 (protocol 0.$(sed -n 's/^#define PROTO_MINOR[^0-9]*\([0-9]*\).*/\1/p' \
    "$top/src/proto.h"))" "its --version differs"
CLIENT=$TETHER
rt --install --install-binary "$W/old/tether" testhost
is "$RC" 247 "--install of another version: 247"
like "$ERR" '^tether: testhost: the copied tether does not run on the host: tether 0\.0\.9' \
    "--install of another version: its --version is not ours"
is "$(ls -A "$RBIN" 2>/dev/null)" "" "--install of another version: nothing left"
"${SSHBED_SSH[@]}" testhost 'mkdir -p ~/.local/bin && cat >~/.local/bin/tether &&
    chmod 755 ~/.local/bin/tether' <"$W/old/tether"
term_start t4 100 24 "$STATIC" "${SSHOPT[@]}" -s vers testhost
wait_for_screen "testhost has tether 0\.0\.9 \(protocol 0\.[0-9]+\) in ~/\.local/bin, this is tether [0-9.]+ \(protocol [0-9.]+\)\. Install this version there\? \[y/N\]" ||
    bail "no offer to upgrade"
pass "252 with the old tether in ~/.local/bin: the offer to upgrade"
term_type y
wait_for_screen "^installed .* in ~/\.local/bin on testhost"
is "$(term_exit_status)" 252 "the session the old tether made: still 252"
like "$(term_text)" 'session vers on testhost belongs to the older tether' \
    "the session the old tether made: says so"
ok "upgraded: ~/.local/bin/tether is this version" cmp -s "$STATIC" "$RBIN/tether"
is "$(ls -A "$RBIN")" tether "upgraded: no temporary file left"
term_start t5 80 24 "$TETHER" "${SSHOPT[@]}" -s vers2 testhost -- \
    "${INNER_SHELL[@]}"
wait_for_screen 'in\$' || bail "no remote shell after the upgrade"
term_type 'exit 4'
is "$(term_exit_status)" 4 "upgraded: a new session works"

done_testing
