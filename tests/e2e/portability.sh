#!/bin/bash
# The portability seam: scripts/check-portability finds no Linux-only (or
# glibc-only) identifier in src/ outside the files that exist to hold
# platform code (docs/ARCHITECTURE.md, "Platform code"), and fails when
# there is one.
. "$(dirname "$0")/../lib.sh"
world_init

top=$(cd "$(dirname "$0")/../.." && pwd)

check=$top/scripts/check-portability

run "$check" "$top/src"
is "$RC" 0 "no Linux-only identifier in src/ outside the seam"
is "$OUT" "" "the check names no file"

# The check itself can fail: a copy of src/ with Linux-only calls put
# into files outside the seam, and into one inside it.
cp -r "$top/src" "$W/src"
printf '\nstatic int pfd[2];\nstatic void f(void) { pipe2(pfd, 0); }\n' \
    >>"$W/src/host.c"
printf '#include <sys/epoll.h>\n' >>"$W/src/tty.h"
printf '/* reads /proc/self/fd */\n' >>"$W/src/sock.c"
printf '\nstatic int g(int fd) { return accept4(fd, 0, 0, 0); }\n' \
    >>"$W/src/compat.c"
run "$check" "$W/src"
is "$RC" 1 "the check fails on a copy with Linux-only calls"
like "$OUT" '^host\.c:[0-9]+:.*pipe2' "it names pipe2 in host.c and its line"
like "$OUT" '^tty\.h:[0-9]+:#include <sys/epoll\.h>' "it names a Linux header"
like "$OUT" '^sock\.c:[0-9]+:.*/proc/' "it names a /proc path"
unlike "$OUT" '^compat\.c:' "the seam itself may use them"
is "$(nlines "$OUT")" 3 "one line per finding"

# Every seam file that exists is real, and each one keeps its Linux code
# under a platform test, so that the others still build.
for f in $(sed -n 's/^SEAM="\(.*\)"$/\1/p' "$check"); do
	case $f in
	*.c) ;;
	*) continue ;;
	esac
	[ -f "$top/src/$f" ] || continue
	ok "$f keeps Linux-only code under #if" \
	    grep -qE '^#(if|ifdef|elif).*(__linux__|defined\()' "$top/src/$f"
done

done_testing
