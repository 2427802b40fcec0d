#!/bin/bash
# The benchmark suite (`make bench`; as root: the scripts build the test
# bed of the end-to-end tests).
#
#	bash bench/run.sh [--quick] [--rounds N] [NAME...]
#
# Runs bench/NAME.sh for each NAME (default: every script of the suite
# that exists), one after another, with a shared BENCH_OUT directory (a
# new one in /tmp unless BENCH_OUT is set), passing --quick and --rounds
# on. Then it writes latest.md (the machine, the versions, every script's
# tables, and the targets of bench/targets.tsv met or missed) and
# chart.png (gnuplot): into docs/benchmarks/, and the targets table and
# the chart into README.md between <!-- bench:begin --> and
# <!-- bench:end -->; with --quick, into BENCH_OUT only.
#
# BENCH_TOOLS="tether ssh" (say) runs only those tools, where a script
# supports it (throughput, echo, ctrlc), for work on one figure; such a
# partial run, like --quick, writes into BENCH_OUT only.
#
# Exits 0 when every script ran to its end (whether or not the targets
# were met), 1 when one failed, skipped itself or hung (each script is
# stopped after BENCH_SCRIPT_TIMEOUT seconds, default 1800, --quick 600),
# 2 on a usage error.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
export TETHER=${TETHER:-$top/build/tether}

usage() {
	echo "usage: bench/run.sh [--quick] [--rounds N] [NAME...]" >&2
	exit 2
}

QUICK=
args=()
names=()
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1; args+=(--quick) ;;
	--rounds)
		if [ $# -lt 2 ] || ! [[ $2 =~ ^[1-9][0-9]*$ ]]; then
			usage
		fi
		args+=(--rounds "$2"); shift ;;
	-*) usage ;;
	*)
		# A benchmark calls bench_init; lib.sh and counter.sh do not.
		if ! [[ $1 =~ ^[a-z0-9_-]+$ ]] || [ ! -f "$top/bench/$1.sh" ] ||
		    ! grep -q '^bench_init ' "$top/bench/$1.sh"; then
			echo "bench/run.sh: no benchmark bench/$1.sh" >&2
			exit 2
		fi
		names+=("$1") ;;
	esac
	shift
done
if [ ${#names[@]} -eq 0 ]; then
	for n in throughput echo resume scrollback resources ctrlc floodresume; do
		# Not in --quick's 5 minutes: it needs a round of its own.
		if [ -n "$QUICK" ] && [ "$n" = floodresume ]; then
			echo "bench/run.sh: --quick leaves out bench/$n.sh"
		elif [ -f "$top/bench/$n.sh" ]; then
			names+=("$n")
		else
			echo "bench/run.sh: no bench/$n.sh yet, skipped"
		fi
	done
fi
[ -x "$TETHER" ] || { echo "bench/run.sh: no $TETHER: run make first" >&2; exit 2; }
command -v gnuplot >/dev/null ||
    { echo "bench/run.sh: no gnuplot (apt-get install gnuplot-nox)" >&2; exit 2; }

if [ -z "${BENCH_OUT:-}" ]; then
	BENCH_OUT=$(mktemp -d /tmp/tether-bench.XXXXXX) ||
	    { echo "bench/run.sh: cannot make a directory in /tmp" >&2; exit 1; }
fi
mkdir -p "$BENCH_OUT" || exit 1
export BENCH_OUT

# Each script's deadline, in seconds (BENCH_SCRIPT_TIMEOUT overrides it):
# far above its budget, only there to end a script that hangs.
limit=${BENCH_SCRIPT_TIMEOUT:-1800}
[ -n "$QUICK" ] && limit=${BENCH_SCRIPT_TIMEOUT:-600}

start=$(date +%s)
failed=()
took=()
for n in "${names[@]}"; do
	echo "== bench/$n.sh ${args[*]}"
	t0=$(date +%s)
	# Each script's output is shown as it runs and kept in NAME.log. A
	# script that hangs is ended (SIGTERM: its world is cleaned up) so
	# that the suite still ends.
	timeout -k 30 "$limit" bash "$top/bench/$n.sh" "${args[@]}" 2>&1 |
	    tee "$BENCH_OUT/$n.log"
	rc=${PIPESTATUS[0]}
	took+=("$n $(($(date +%s) - t0)) s")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "== bench/$n.sh did not end within $limit s: stopped"
		failed+=("$n")
	elif [ "$rc" -ne 0 ]; then
		echo "== bench/$n.sh failed (exit status $rc)"
		failed+=("$n")
	elif grep -q '^1\.\.0 # SKIP' "$BENCH_OUT/$n.log"; then
		# The bed skips the whole script when it cannot be built (not root).
		echo "== bench/$n.sh skipped itself: $(grep -m1 '^1\.\.0 # SKIP' "$BENCH_OUT/$n.log")"
		failed+=("$n")
	fi
done
secs=$(($(date +%s) - start))

# ------------------------------------------------------------ the summary

# ver CMD...: the first line CMD prints (on stdout or stderr), or "?".
ver() {
	local v
	v=$("$@" 2>&1 | head -n 1)
	echo "${v:-?}"
}
# pkg NAME: the Debian package's version, or "?".
pkg() {
	dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "?"
}

cpu=$(grep -m 1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
run="bench/run.sh${args[*]:+ ${args[*]}} ${names[*]}"

# The targets: every line of bench/targets.tsv judged against the medians
# of the runs of this run's scripts. Writes targets.md (the Markdown
# table) and chart.dat (one bar per target, for chart.gp).
tsvs=()
for n in "${names[@]}"; do
	[ -f "$BENCH_OUT/$n.tsv" ] && tsvs+=("$BENCH_OUT/$n.tsv")
done
awk -F'\t' -v md="$BENCH_OUT/targets.md" -v dat="$BENCH_OUT/chart.dat" '
function median(key,    n, i, j, v, a) {
	n = 0
	for (i = 1; i <= cnt[key]; i++)
		a[++n] = val[key, i]
	for (i = 2; i <= n; i++) {	# insertion sort: a handful of runs
		v = a[i]
		for (j = i - 1; j >= 1 && a[j] > v; j--)
			a[j + 1] = a[j]
		a[j + 1] = v
	}
	if (n % 2)
		return a[(n + 1) / 2]
	return (a[n / 2] + a[n / 2 + 1]) / 2
}
# state(KEY): "ok" with numbers, "fail" with runs but no number, "none".
function state(key) {
	if (cnt[key] > 0)
		return "ok"
	return (key in seen) ? "fail" : "none"
}
function num(x) { return sprintf("%.4g", x) }
# figure(KEY, UNIT): the median with its unit, and the failed runs if any.
function figure(key, u,    st) {
	st = state(key)
	if (st == "none")
		return "not run"
	if (st == "fail")
		return "fail"
	return num(median(key)) u (nfail[key] ? " (" nfail[key] (nfail[key] > 1 ? " runs" : " run") " failed)" : "")
}
# le(A, B), lt(A, B): A <= B, A < B, but for the last bits of a double
# (0.5 - 0.4 is not quite 0.1).
function le(a, b) { return a <= b + 1e-9 * (b < 0 ? -b : b) + 1e-12 }
function lt(a, b) { return a < b - 1e-9 * (b < 0 ? -b : b) - 1e-12 }
FNR == NR {
	if ($0 ~ /^#/ || NF < 7)
		next
	nt++
	tm[nt] = $1; tt[nt] = $2; tp[nt] = $3; tk[nt] = $4; tb[nt] = $5
	tl[nt] = $6; tx[nt] = $7
	next
}
{
	key = $1 SUBSEP $2
	seen[key] = 1
	unit[$1] = $4
	if ($3 ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/)
		val[key, ++cnt[key]] = $3 + 0
	else
		nfail[key]++
}
END {
	print "| target | tether | peer | measured | verdict |" > md
	print "| --- | ---: | ---: | --- | --- |" > md
	for (i = 1; i <= nt; i++) {
		u = (tm[i] in unit) ? " " unit[tm[i]] : ""
		tkey = tm[i] SUBSEP tt[i]
		pkey = tm[i] SUBSEP tp[i]
		st = state(tkey)
		tv = figure(tkey, u)
		pv = "-"
		ps = "ok"
		if (tp[i] != "-") {
			ps = state(pkey)
			pv = tp[i] " " figure(pkey, u)
		}
		b = tb[i] + 0
		measured = ""
		score = ""
		if (st != "ok" || ps != "ok") {
			verdict = (st == "none" || ps == "none") ? "not run" : "failed to measure"
		} else {
			t = median(tkey)
			p = tp[i] != "-" ? median(pkey) : 0
			# limit: the value tether must reach (or stay under);
			# higher: whether higher is better for this target.
			k = tk[i]
			if (k == "ratio_min") {
				limit = p * b; higher = 1; ok = p > 0 && le(b, t / p)
				measured = p > 0 ? sprintf("%.2fx (target >= %sx)", t / p, tb[i]) : "peer 0"
			} else if (k == "ratio_max") {
				limit = p * b; higher = 0; ok = p > 0 && le(t / p, b)
				measured = p > 0 ? sprintf("%.2fx (target <= %sx)", t / p, tb[i]) : "peer 0"
			} else if (k == "diff_max" || k == "diff_lt") {
				limit = p + b; higher = 0
				ok = k == "diff_max" ? le(t - p, b) : lt(t - p, b)
				measured = sprintf("%+.3g%s (target %s %+g)", t - p, u,
				    k == "diff_max" ? "<=" : "<", b)
			} else if (k == "abs_min") {
				limit = b; higher = 1; ok = le(b, t)
				measured = "target >= " tb[i] u
			} else if (k == "abs_max" || k == "abs_lt") {
				limit = b; higher = 0
				ok = k == "abs_max" ? le(t, b) : lt(t, b)
				measured = "target " (k == "abs_max" ? "<=" : "<") " " tb[i] u
			} else {
				print "bench/run.sh: unknown kind " k " in targets.tsv" > "/dev/stderr"
				exit 1
			}
			verdict = ok ? "met" : "**missed**"
			# The chart'"'"'s score: how far tether is from the
			# limit, > 1 on the good side whichever way is better.
			if (higher)
				score = limit > 0 ? t / limit : (t >= limit ? 99 : 0)
			else if (t > 0)
				score = limit / t
			else
				score = limit > 0 ? 99 : (t == limit ? 1 : 0)
		}
		printf "| %s | %s | %s | %s | %s |\n", tx[i], tv, pv, measured, verdict > md
		color = verdict == "met" ? "0x2e7d32" : (verdict ~ /missed/ ? "0xc62828" : "0x9e9e9e")
		printf "%d\t%s\t%s\t%s\t%s\n", i, score == "" ? 0 : score, tl[i],
		    color, score == "" ? (verdict == "not run" ? verdict : "failed") : sprintf("%.2f", score) > dat
	}
}' "$top/bench/targets.tsv" "${tsvs[@]}" /dev/null || exit 1

{
	echo "# Benchmarks: latest run"
	echo
	echo "- Date: $(date -u '+%F %H:%M UTC')"
	echo "- Machine: $(uname -srm); CPU: ${cpu:-?} x $(nproc); memory: $mem"
	echo "- ssh: $(ver ssh -V); sshd: openssh-server $(pkg openssh-server);" \
	    "tmux: $(ver tmux -V); screen: $(ver screen -v | sed 's/ *(GNU).*//');" \
	    "dtach: $(ver dtach --help | sed 's/^dtach - //');" \
	    "mosh: $(ver mosh --version); autossh: $(ver autossh -V);" \
	    "tether: $(ver "$TETHER" --version)"
	echo "- Run: \`$run\`, $((secs / 60)) min $((secs % 60)) s (${took[*]/%/,})" |
	    sed 's/,)$/)/'
	[ ${#failed[@]} -eq 0 ] ||
	    echo "- **Did not run to the end:** ${failed[*]} (see their logs)"
	for n in "${names[@]}"; do
		echo
		echo "## $n (bench/$n.sh)"
		echo
		if [ -s "$BENCH_OUT/$n.md" ]; then
			# Its headings one level down, under this one.
			sed 's/^#/##/' "$BENCH_OUT/$n.md"
		else
			echo "(no tables: the script did not get that far)"
		fi
	done
	echo
	echo "## Targets"
	echo
	echo "Each target of issue 5 against the medians of this run (bench/targets.tsv);"
	echo "\"not run\" means no figure was recorded for it."
	echo
	cat "$BENCH_OUT/targets.md"
	echo
	echo "![benchmarks](chart.png)"
} >"$BENCH_OUT/latest.md"

# The chart: one bar per target, its score as above; the line at 1 is the
# target's limit, bars above it are on the right side of it.
term=pngcairo
gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1 || term=png
if ! gnuplot -e "datafile='$BENCH_OUT/chart.dat'; outfile='$BENCH_OUT/chart.png'; term='$term'; stamp='$(date -u +%F), $(uname -m), $(nproc) CPUs'" \
    "$top/bench/chart.gp" 2>"$BENCH_OUT/chart.err"; then
	echo "bench/run.sh: gnuplot failed:" >&2
	cat "$BENCH_OUT/chart.err" >&2
	failed+=(chart)
fi

if [ -z "$QUICK" ] && [ -z "${BENCH_TOOLS:-}" ]; then
	mkdir -p "$top/docs/benchmarks"
	cp "$BENCH_OUT/latest.md" "$top/docs/benchmarks/latest.md"
	[ -f "$BENCH_OUT/chart.png" ] && cp "$BENCH_OUT/chart.png" "$top/docs/benchmarks/chart.png"
	# The README's block: replaced between the markers, or put after the
	# paragraph that mentions docs/benchmarks/ the first time.
	block=$BENCH_OUT/readme-block.md
	{
		echo "<!-- bench:begin -->"
		echo "Targets of the benchmark suite, last \`make bench\` ($(date -u +%F)," \
		    "$(nproc) CPUs; details in \`docs/benchmarks/latest.md\`):"
		echo
		cat "$BENCH_OUT/targets.md"
		echo
		echo "![benchmarks](docs/benchmarks/chart.png)"
		echo "<!-- bench:end -->"
	} >"$block"
	readme=$top/README.md
	if awk -v blockfile="$block" '
	    function put(   l) { while ((getline l < blockfile) > 0) print l; done = 1 }
	    BEGIN { marked = 0 }
	    FNR == NR { if ($0 == "<!-- bench:begin -->") marked = 1; next }
	    marked && $0 == "<!-- bench:begin -->" { skip = 1; put(); next }
	    skip { if ($0 == "<!-- bench:end -->") skip = 0; next }
	    !marked && !done && index($0, "docs/benchmarks/") { inpara = 1 }
	    !marked && inpara && $0 == "" { print; put(); print; inpara = 0; next }
	    { print }
	    END { if (!done) exit 1 }' "$readme" "$readme" >"$BENCH_OUT/README.new"; then
		cat "$BENCH_OUT/README.new" >"$readme"
		echo "README.md: the benchmark block updated"
	else
		echo "bench/run.sh: README.md has no markers and no paragraph about docs/benchmarks/: not updated" >&2
	fi
	where=$top/docs/benchmarks
else
	where=$BENCH_OUT
fi

echo
cat "$BENCH_OUT/targets.md"
echo
echo "Summary: $where/latest.md, chart: $where/chart.png (all files of the run: $BENCH_OUT)"
echo "The whole run took $((secs / 60)) min $((secs % 60)) s (${took[*]})."
if [ ${#failed[@]} -gt 0 ]; then
	echo "Did not run to the end: ${failed[*]}"
	exit 1
fi
exit 0
