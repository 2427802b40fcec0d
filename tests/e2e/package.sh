#!/bin/bash
# The Debian package: dpkg-buildpackage on a copy of the tree (so that the
# repository gets no build products), the .deb installed with dpkg, the
# installed tether running a real session, then purged again.
. "$(dirname "$0")/../lib.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)

[ "$(id -u)" -eq 0 ] || plan skip_all "installing a package needs root"
for c in dpkg-buildpackage dh git; do
	command -v "$c" >/dev/null 2>&1 ||
	    plan skip_all "$c is missing (scripts/deps)"
done
git -C "$top" rev-parse --git-dir >/dev/null 2>&1 ||
    plan skip_all "$top is not a git checkout (the copy is made with git ls-files)"
# The package builds its own binary: the sanitizer run of the suite would
# only build and install the same package a second time.
grep -q __asan_init "$TETHER" 2>/dev/null &&
    plan skip_all "the package does not depend on the build under test (run with the plain build)"
# Never replace or remove a tether that someone installed on purpose.
st=$(dpkg-query -W -f='${Status}' tether 2>/dev/null)
case $st in
*not-installed* | "") ;;
*) plan skip_all "a tether package is installed already ($st)" ;;
esac
[ ! -e /usr/bin/tether ] ||
    plan skip_all "/usr/bin/tether exists and belongs to no package"

world_init

installed=
# Purge the package however the script ends, so the machine is as it was.
pkg_fini() {
	[ -n "$installed" ] && dpkg --purge tether >/dev/null 2>&1
	return 0
}
world_on_cleanup pkg_fini

# dpkg_try ARGS...: dpkg, which fails at once while apt or another dpkg
# holds its lock; for wait_until.
dpkg_try() {
	run dpkg "$@"
	[ "$RC" -eq 0 ] && return 0
	printf '%s\n' "$ERR" | grep -q 'lock' || return 2
	return 1
}

# ---------------------------------------------------------------- build

src=$W/src/tether
mkdir -p "$src"
# The working tree's files as git knows them (tracked, and new ones not
# ignored): what a release would hold, without build/ or stray products.
(cd "$top" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do
	[ -e "$f" ] && printf '%s\0' "$f"
    done | tar --null -T - -cf -) | tar -xf - -C "$src"
ok "the tree is copied" test -x "$src/debian/rules"

start=$SECONDS
(cd "$src" && timeout -k 5 900 dpkg-buildpackage -us -uc) \
    >"$W/build.log" 2>&1 </dev/null
rc=$?
note "dpkg-buildpackage took $((SECONDS - start)) s"
is "$rc" 0 "dpkg-buildpackage -us -uc: exit 0"
[ "$rc" -eq 0 ] || diag_file "$W/build.log" 60
like "$(cat "$W/build.log")" '^# build/tests/test_proto' \
    "the package build runs the unit tests"
unlike "$(cat "$W/build.log")" 'tests/e2e/' \
    "the package build runs no end-to-end test"
# (debian/rules drops -Werror, as Debian builds do; the code must still
# be clean under the distribution's hardening flags.)
unlike "$(cat "$W/build.log")" 'warning:' \
    "the package build has no compiler warning"
deb=
for f in "$W"/src/tether_*_*.deb; do
	[ -f "$f" ] && deb=$f
done
ok "a .deb was built" test -f "$deb"
ok "a source package was built" eval 'ls "$W"/src/tether_*.dsc >/dev/null 2>&1'
litter=
for f in debian/tether debian/.debhelper debian/files \
    debian/debhelper-build-stamp debian/tether.substvars; do
	[ -e "$top/$f" ] && litter="$litter $f"
done
is "$litter" "" "the repository's debian/ got no build products"

# DEB_BUILD_OPTIONS=nocheck: the rules' own dh_auto_test must skip too
# (run on the built tree: a second package build would double the time).
(cd "$src" && DEB_BUILD_OPTIONS=nocheck timeout -k 5 300 \
    debian/rules override_dh_auto_test) >"$W/nocheck.log" 2>&1 </dev/null
is "$?" 0 "debian/rules override_dh_auto_test with nocheck: exit 0"
unlike "$(cat "$W/nocheck.log")" '^# build/tests/test_' \
    "nocheck: no unit test is run"
(cd "$src" && timeout -k 5 300 debian/rules override_dh_auto_test) \
    >"$W/check.log" 2>&1 </dev/null
like "$(cat "$W/check.log")" '^# build/tests/test_proto' \
    "without nocheck the same target runs them"

# ---------------------------------------------------------------- install

if [ -z "$deb" ]; then
	bail "no package to install"
fi
installed=1
wait_until -t 120 dpkg_try -i "$deb"
is "$RC" 0 "dpkg -i: exit 0"
[ "$RC" -eq 0 ] || diag "$OUT" "$ERR"
is "$(dpkg-query -W -f='${Status}' tether 2>/dev/null)" \
    "install ok installed" "dpkg lists tether as installed"

version=$(sed -n 's/^VERSION[[:space:]]*=[[:space:]]*//p' "$top/Makefile")
run /usr/bin/tether --version
is "$RC" 0 "the installed tether --version: exit 0"
like "$OUT" "^tether $version( |\$)" "the installed tether is version $version"
if command -v man >/dev/null 2>&1; then
	run man -w tether
	is "$OUT" /usr/share/man/man1/tether.1.gz "man -w tether finds the page"
else
	ok "the manual page is installed" test -f /usr/share/man/man1/tether.1.gz
fi
ok "the manual is doc/tether.1" eval \
    'gzip -dc /usr/share/man/man1/tether.1.gz | cmp -s - "$top/doc/tether.1"'
ok "the bash completion" cmp -s "$top/completion/tether.bash" \
    /usr/share/bash-completion/completions/tether
ok "the zsh completion" cmp -s "$top/completion/_tether" \
    /usr/share/zsh/vendor-completions/_tether
ok "the fish completion" cmp -s "$top/completion/tether.fish" \
    /usr/share/fish/vendor_completions.d/tether.fish

# ---------------------------------------------------------------- a session

# The installed binary, on a real terminal: create, detach, reattach.
TETHER=/usr/bin/tether
run "$TETHER" new pk -- "${INNER_SHELL[@]}"
is "$RC" 0 "the installed tether creates a session"
ok "the session is listed" session_exists pk
term_start t 80 24 "$TETHER" attach pk
term_type 'echo "sum=$((6 * 7))"'
ok "the session runs a command" wait_for_screen '^sum=42$'
term_keys Enter
term_keys -l '~.'
is "$(term_exit_status)" 0 "~. detaches"
ok "the session is detached" wait_until session_is pk detached
run "$TETHER" kill pk
is "$RC" 0 "the installed tether kills its session"
ok "the session is gone" wait_until session_gone pk

# ---------------------------------------------------------------- purge

wait_until -t 120 dpkg_try --purge tether
is "$RC" 0 "dpkg --purge: exit 0"
installed=
isnt "$(dpkg-query -W -f='${Status}' tether 2>/dev/null)" "install ok installed" \
    "dpkg no longer lists tether as installed"
missing=
for f in /usr/bin/tether /usr/share/man/man1/tether.1.gz \
    /usr/share/bash-completion/completions/tether \
    /usr/share/zsh/vendor-completions/_tether \
    /usr/share/fish/vendor_completions.d/tether.fish; do
	[ -e "$f" ] && missing="$missing $f"
done
is "$missing" "" "the purge removes every file"

done_testing
