# An ssh test bed for tether's end-to-end tests (bash). Source it after
# tests/lib.sh, after world_init:
#
#	. "$(dirname "$0")/../lib.sh"
#	. "$(dirname "$0")/../sshbed.sh"
#	world_init
#	sshbed_init --netns		# or: sshbed_init (loopback)
#	sshbed_install_tether
#	run "${SSHBED_SSH[@]}" testhost "$SSHBED_REMOTE_TETHER" --version
#	term_start t 80 24 "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" ...
#
# (lib.sh's run and term_start exec their command, so they cannot run a
# shell function such as in_client: give them the arrays
# SSHBED_CLIENT_PREFIX, "ip netns exec NS" or nothing, and SSHBED_SSH, that
# prefix followed by "ssh -F $SSHBED_CONFIG".)
#
# It gives the script its own real OpenSSH server (/usr/sbin/sshd, its own
# config, host key and port) and a client set-up for it (key, known_hosts,
# $W/ssh_config with "Host testhost"), logging in as the test user
# tethertest (created once per machine). Two modes:
#
#   loopback	sshd listens on 127.0.0.1 at a free port; the client is the
#		test itself. No faults.
#   --netns	two network namespaces, client and server, joined by a veth
#		pair (10.A.B.0/24: server .1, client .2); sshd listens on the
#		server's address, port 22; clients run through in_client.
#		Faults: fault_blackhole_on/off, fault_link_down/up,
#		fault_roam, fault_clear.
#
# Network traffic stays on 127.0.0.1 or inside the two namespaces (the veth
# pair is made inside them and never exists in the root namespace).
#
# Everything of the bed lives in $W: keys and configs (root only), sshd.log,
# sshd_config, ssh_config, and $W/tt, which belongs to the test user (so $W
# itself becomes mode 0711: traversable, not listable): tt/xdg (the remote
# XDG_RUNTIME_DIR), tt/bin/tether (sshbed_install_tether), tt/ssh/
# authorized_keys, the remote sanitizer logs tt/asan.* and tt/ubsan.* (which
# lib.sh's done_testing checks) and the remote TETHER_DEBUG log
# tt/remote-debug.log. With SSHBED_PRIVATE_HOME=1 set before sshbed_init,
# the test user's HOME in this bed's sessions is tt/home, so that what a
# test puts in ~ (tether --install's ~/.local/bin) goes with the world and
# no other test sees it. The sessions of this sshd (the user's shells and
# commands, and whatever they start) get TETHER_TEST_WORLD=$W, so lib.sh's
# cleanup ends them. sshd's own processes carry it too, but their process
# titles overwrite it in /proc/PID/environ, so lib.sh cannot see it: the
# cleanup then calls sshbed_fini (registered with world_on_cleanup), which
# stops the listener (by its PidFile), kills the connections' sshd
# processes (loopback: those with a socket on our address and port; netns:
# every process left in the two namespaces) and deletes the namespaces
# (their veth pair and nftables tables go with them). A script may call
# sshbed_fini itself, and sshbed_init again (e.g. loopback, then --netns).
# A script that dies without its cleanup (SIGKILL; SIGPIPE when prove is
# killed) leaves its bed behind: each live bed is registered in
# /run/tether-sshbed/ with its script's pid and start time, and the next
# sshbed_init removes the listener and namespaces of beds whose script is
# gone.
#
# Waits poll with failure deadlines ($TIMEOUT from lib.sh), never sleep a
# fixed time.

SSHBED_USER=tethertest
SSHBED_HOST=testhost
SSHBED_NETNS=
SSHBED_NS_CLIENT=
SSHBED_NS_SERVER=
SSHBED_IF_CLIENT=
SSHBED_IF_SERVER=
SSHBED_ADDR=
SSHBED_PORT=
SSHBED_CLIENT_ADDR=
SSHBED_SUBNET=
SSHBED_CONFIG=
SSHBED_REMOTE_TETHER=
SSHBED_CLIENT_PREFIX=()
# shellcheck disable=SC2034 # for the test scripts
SSHBED_SSH=()
_sshbed_dir=
_sshbed_up=
_sshbed_hooked=
_sshbed_hostnum=2

_SSHBED_SSHD=/usr/sbin/sshd
_SSHBED_LOCK=/run/lock/tether-sshbed.lock
_SSHBED_REG=/run/tether-sshbed	# one file per live bed: "PID START W"

# sshbed_init [--netns]: make the bed (see above) and start sshd. Skips the
# whole script (plan skip_all) when not root, when sshd is missing, or (with
# --netns) when nft/ip are missing or namespaces cannot be made.
sshbed_init() {
	local netns='' uid gid tries ok
	if [ "${1:-}" = --netns ]; then
		netns=1
	elif [ $# -gt 0 ]; then
		bail "sshbed_init: unknown argument $1"
	fi
	[ -n "$W" ] || bail "sshbed_init: call world_init first"
	[ -z "$_sshbed_up" ] || bail "sshbed_init: the bed is already up (sshbed_fini first)"
	[ "$(id -u)" = 0 ] || plan skip_all "the ssh test bed needs root"
	[ -x "$_SSHBED_SSHD" ] || plan skip_all "no $_SSHBED_SSHD (apt-get install openssh-server)"
	local c
	for c in ssh ssh-keygen useradd flock timeout; do
		command -v "$c" >/dev/null || plan skip_all "the ssh test bed needs $c"
	done
	if [ -n "$netns" ]; then
		for c in ip nft; do
			command -v "$c" >/dev/null ||
			    plan skip_all "the --netns test bed needs $c (apt-get install iproute2 nftables)"
		done
	fi
	if [ -z "$_sshbed_hooked" ]; then
		world_on_cleanup sshbed_fini
		world_on_dump _sshbed_dump_logs
		_sshbed_hooked=1
	fi
	_sshbed_up=1

	_sshbed_user || bail "sshbed_init: cannot create the user $SSHBED_USER"
	uid=$(id -u "$SSHBED_USER") || bail "sshbed_init: no user $SSHBED_USER"
	gid=$(id -g "$SSHBED_USER") || bail "sshbed_init: no user $SSHBED_USER"

	# The privilege-separation directory (missing on these machines).
	mkdir -p /run/sshd && chmod 755 /run/sshd

	# $W: traversable by the test user, who owns $W/tt.
	chmod 711 "$W"
	_sshbed_dir=$W/sshbed
	mkdir -p "$_sshbed_dir" && chmod 700 "$_sshbed_dir"
	mkdir -p "$W/tt" "$W/tt/xdg" "$W/tt/ssh" "$W/tt/bin"
	chown "$uid:$gid" "$W/tt" "$W/tt/xdg" "$W/tt/ssh"
	chmod 755 "$W/tt" "$W/tt/bin"
	chmod 700 "$W/tt/xdg" "$W/tt/ssh"
	if [ -n "${SSHBED_PRIVATE_HOME:-}" ]; then
		mkdir -p "$W/tt/home" && chown "$uid:$gid" "$W/tt/home" &&
		    chmod 755 "$W/tt/home" ||
		    bail "sshbed_init: cannot make $W/tt/home"
	fi

	# Keys: the host's, the client's (no passphrase), authorized_keys.
	local hk=$_sshbed_dir/ssh_host_ed25519_key ck=$_sshbed_dir/id_ed25519
	[ -e "$hk" ] || ssh-keygen -q -t ed25519 -N '' -C sshbed-host -f "$hk" ||
	    bail "sshbed_init: ssh-keygen (host key) failed"
	[ -e "$ck" ] || ssh-keygen -q -t ed25519 -N '' -C sshbed-client -f "$ck" ||
	    bail "sshbed_init: ssh-keygen (client key) failed"
	install -o "$uid" -g "$gid" -m 600 "$ck.pub" "$W/tt/ssh/authorized_keys" ||
	    bail "sshbed_init: cannot install authorized_keys"

	if [ -n "$netns" ]; then
		_sshbed_netns_up || bail "sshbed_init: cannot set up the network namespaces"
		SSHBED_PORT=22
	else
		SSHBED_NETNS=
		SSHBED_CLIENT_PREFIX=()
		SSHBED_NS_CLIENT=
		SSHBED_NS_SERVER=
		SSHBED_IF_CLIENT=
		SSHBED_IF_SERVER=
		SSHBED_SUBNET=
		SSHBED_ADDR=127.0.0.1
		SSHBED_CLIENT_ADDR=127.0.0.1
	fi

	# Start sshd; on loopback, try other ports if ours was taken meanwhile.
	ok=
	for ((tries = 0; tries < 20; tries++)); do
		[ -n "$netns" ] || SSHBED_PORT=$(_sshbed_free_port)
		_sshbed_write_sshd_config
		if _sshbed_sshd_launch; then
			ok=1
			break
		fi
		[ -n "$netns" ] && break
		grep -q 'Address already in use' "$W/sshd.log" 2>/dev/null || break
	done
	[ -n "$ok" ] || bail "sshbed_init: sshd did not start"
	_sshbed_wait_listening || bail "sshbed_init: sshd does not accept connections"

	# The client side.
	SSHBED_CONFIG=$W/ssh_config
	if [ "$SSHBED_PORT" = 22 ]; then
		printf '%s %s\n' "$SSHBED_ADDR" "$(cut -d' ' -f1,2 "$hk.pub")"
	else
		printf '[%s]:%s %s\n' "$SSHBED_ADDR" "$SSHBED_PORT" "$(cut -d' ' -f1,2 "$hk.pub")"
	fi >"$_sshbed_dir/known_hosts"
	cat >"$SSHBED_CONFIG" <<-EOF
	Host $SSHBED_HOST
	    HostName $SSHBED_ADDR
	    Port $SSHBED_PORT
	    User $SSHBED_USER
	    IdentityFile $ck
	    IdentitiesOnly yes
	    UserKnownHostsFile $_sshbed_dir/known_hosts
	    GlobalKnownHostsFile /dev/null
	    StrictHostKeyChecking yes
	    UpdateHostKeys no
	    LogLevel ERROR
	EOF
	chmod 644 "$SSHBED_CONFIG"

	SSHBED_SSH=("${SSHBED_CLIENT_PREFIX[@]}" ssh -F "$SSHBED_CONFIG")
	export SSHBED_CONFIG SSHBED_HOST SSHBED_USER SSHBED_ADDR SSHBED_PORT \
	    SSHBED_CLIENT_ADDR SSHBED_NS_CLIENT SSHBED_NS_SERVER \
	    SSHBED_IF_CLIENT SSHBED_IF_SERVER SSHBED_SUBNET
	_sshbed_tmux_env
	log_note "sshbed: ${netns:+netns $SSHBED_NS_CLIENT -> $SSHBED_NS_SERVER, }sshd on $SSHBED_ADDR:$SSHBED_PORT"
	return 0
}

# sshbed_install_tether [BINARY]: copy BINARY ($TETHER by default) to
# $W/tt/bin/tether, where the test user can run it (it is also first on the
# PATH of the user's non-interactive ssh sessions); exports
# SSHBED_REMOTE_TETHER.
sshbed_install_tether() {
	local src=${1:-$TETHER}
	if ! install -m 755 "$src" "$W/tt/bin/tether.tmp" ||
	    ! mv -f "$W/tt/bin/tether.tmp" "$W/tt/bin/tether"; then
		bail "sshbed_install_tether: cannot copy $src"
	fi
	SSHBED_REMOTE_TETHER=$W/tt/bin/tether
	export SSHBED_REMOTE_TETHER
	_sshbed_tmux_env
}

# in_client CMD [ARGS...]: run CMD on the client side (in the client
# namespace with --netns, directly on loopback).
in_client() {
	"${SSHBED_CLIENT_PREFIX[@]}" "$@"
}

# sshbed_session_pids bridge|host NAME: the processes of this world that
# serve session NAME on the server: its bridges (a `tether bridge` whose
# parent is sshd), or its session host (it shows its bridge's command line
# too, but is a daemon: its parent is not sshd). One pid a line.
sshbed_session_pids() {
	local pid parent
	for pid in $(pgrep -u "$SSHBED_USER" -f "tether bridge.* $2( |\$)"); do
		# (Only this world's: another test's bed has the same user.)
		tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null |
		    grep -qx "TETHER_TEST_WORLD=$W" || continue
		parent=$(ps -o comm= -p "$(ps -o ppid= -p "$pid" | tr -d ' ')")
		case $1:$parent in
		bridge:sshd) echo "$pid" ;;
		host:sshd) ;;
		host:*) echo "$pid" ;;
		esac
	done
}

# in_server CMD [ARGS...]: run CMD in the server namespace (directly on
# loopback), as root.
in_server() {
	if [ -n "$SSHBED_NETNS" ]; then
		ip netns exec "$SSHBED_NS_SERVER" "$@"
	else
		"$@"
	fi
}

# sshbed_ssh [SSH-ARGS...]: ssh -F $SSHBED_CONFIG SSH-ARGS on the client
# side, e.g. sshbed_ssh testhost whoami.
sshbed_ssh() {
	in_client ssh -F "$SSHBED_CONFIG" "$@"
}

# sshd_start: start the listener (with the bed's config) unless it runs,
# and wait until it accepts connections. sshd_stop: end the listener
# (SIGTERM, waited for). Connections' sshd processes and sessions are left
# alone by both.
sshd_start() {
	local deadline=$((SECONDS + TIMEOUT))
	# The port may be briefly unavailable right after sshd_stop.
	until _sshbed_sshd_pid >/dev/null || _sshbed_sshd_launch; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			diag "sshd_start: sshd did not start (see sshd.log)"
			return 1
		fi
		sleep 0.1
	done
	_sshbed_wait_listening
}

sshd_stop() {
	local pid
	pid=$(_sshbed_sshd_pid) || { rm -f "$W/sshd.pid"; return 0; }
	kill -TERM "$pid" 2>/dev/null
	if ! wait_until _sshbed_gone "$pid"; then
		kill -KILL "$pid" 2>/dev/null
		wait_until _sshbed_gone "$pid" || return 1
	fi
	rm -f "$W/sshd.pid"
}

# sshd_restart: what "systemctl restart ssh" does (KillMode=process): the
# listener is stopped and a new one started on the same address and port;
# established connections (their own sshd processes) keep running.
sshd_restart() {
	log_note "sshbed: sshd_restart"
	sshd_stop && sshd_start
}

# sshd_pid: the listener's pid (nothing, status 1, when it is not running).
sshd_pid() {
	_sshbed_sshd_pid
}

# ---------------------------------------------------------------- faults

# fault_blackhole_on: silent loss, both ways: an nftables table in each
# namespace drops every incoming packet that did not come over lo. Nothing
# is answered, nothing is reported to the senders. fault_blackhole_off
# removes both tables.
fault_blackhole_on() {
	_sshbed_need_netns fault_blackhole_on || return 1
	log_note "sshbed: fault_blackhole_on"
	local ns
	for ns in "$SSHBED_NS_CLIENT" "$SSHBED_NS_SERVER"; do
		ip netns exec "$ns" nft list table inet sshbed_blackhole \
		    >/dev/null 2>&1 && continue
		ip netns exec "$ns" nft -f - <<-'EOF' || return 1
		table inet sshbed_blackhole {
			chain input {
				type filter hook input priority -300; policy accept;
				iifname != "lo" drop
			}
		}
		EOF
	done
}

fault_blackhole_off() {
	_sshbed_need_netns fault_blackhole_off || return 1
	log_note "sshbed: fault_blackhole_off"
	local ns
	for ns in "$SSHBED_NS_CLIENT" "$SSHBED_NS_SERVER"; do
		if ip netns exec "$ns" nft list table inet sshbed_blackhole \
		    >/dev/null 2>&1; then
			ip netns exec "$ns" nft delete table inet sshbed_blackhole ||
			    return 1
		fi
	done
}

# fault_link_down: the client's veth goes down (its peer loses carrier);
# the kernel drops the routes through it, so the client's sends fail
# locally ("network unreachable") rather than silently. fault_link_up: up
# again, re-adding the client's address and route if they went missing, and
# waits until the link is up at both ends.
fault_link_down() {
	_sshbed_need_netns fault_link_down || return 1
	log_note "sshbed: fault_link_down"
	ip -n "$SSHBED_NS_CLIENT" link set "$SSHBED_IF_CLIENT" down
}

fault_link_up() {
	_sshbed_need_netns fault_link_up || return 1
	log_note "sshbed: fault_link_up"
	local nc=$SSHBED_NS_CLIENT ifc=$SSHBED_IF_CLIENT
	ip -n "$nc" link set "$ifc" up || return 1
	ip -n "$SSHBED_NS_SERVER" link set "$SSHBED_IF_SERVER" up || return 1
	if ! ip -n "$nc" -4 -o addr show dev "$ifc" |
	    grep -q " inet $SSHBED_CLIENT_ADDR/"; then
		ip -n "$nc" addr add "$SSHBED_CLIENT_ADDR/24" dev "$ifc" || return 1
	fi
	wait_until _sshbed_link_ready || return 1
}

# fault_roam: the client moves to a new address in the same subnet (added,
# then the old one deleted; promote_secondaries keeps the new one). The
# client's established TCP connections keep the old source address, which
# no longer exists: their packets cannot be sent (a local error, retried by
# TCP) and the server's replies to the old address are dropped by the
# client without an answer (forwarding is off), so existing connections die
# silently: no RST, no FIN on either side, like a laptop that changed
# networks. New connections use the new address. Updates SSHBED_CLIENT_ADDR.
fault_roam() {
	_sshbed_need_netns fault_roam || return 1
	local old=$SSHBED_CLIENT_ADDR new base=${SSHBED_SUBNET%.0}
	_sshbed_hostnum=$((_sshbed_hostnum % 250 + 3))
	new=$base.$_sshbed_hostnum
	log_note "sshbed: fault_roam $old -> $new"
	ip -n "$SSHBED_NS_CLIENT" addr add "$new/24" dev "$SSHBED_IF_CLIENT" || return 1
	ip -n "$SSHBED_NS_CLIENT" addr del "$old/24" dev "$SSHBED_IF_CLIENT" || return 1
	SSHBED_CLIENT_ADDR=$new
	export SSHBED_CLIENT_ADDR
	_sshbed_tmux_env
	wait_until _sshbed_link_ready
}

# fault_clear: no blackhole, link up (a roam is not undone).
fault_clear() {
	_sshbed_need_netns fault_clear || return 1
	fault_blackhole_off && fault_link_up
}

# ---------------------------------------------------------------- teardown

# sshbed_fini: stop sshd, kill every process left in the namespaces, delete
# them (with their veth pair and nftables tables). Idempotent; called by the
# world's cleanup. $W/tt (logs) stays until the world is removed.
sshbed_fini() {
	local ns i pids
	[ -n "$_sshbed_up" ] || return 0
	sshd_stop >/dev/null 2>&1
	if [ -z "$SSHBED_NETNS" ] && [ -n "$SSHBED_PORT" ]; then
		# Connections' own sshd processes: their title hides the
		# world's marker from lib.sh's cleanup; they hold sockets on
		# our address and port.
		for ((i = 0; i < 50; i++)); do
			pids=$(_sshbed_conn_pids)
			[ -n "$pids" ] || break
			# shellcheck disable=SC2086
			kill -9 $pids 2>/dev/null
			sleep 0.1
		done
	fi
	if [ -n "$SSHBED_NETNS" ]; then
		_sshbed_netns_del "$SSHBED_NS_CLIENT"
		_sshbed_netns_del "$SSHBED_NS_SERVER"
	fi
	rm -f "$_SSHBED_REG/${W##*/}"
	SSHBED_NETNS=
	SSHBED_CLIENT_PREFIX=()
	# shellcheck disable=SC2034 # for the test scripts
	SSHBED_SSH=()
	_sshbed_up=
	return 0
}

# ---------------------------------------------------------------- internals

# Kill every process in namespace $1, delete it.
_sshbed_netns_del() {
	local i pids
	[ -e "/run/netns/$1" ] || return 0
	for ((i = 0; i < 50; i++)); do
		pids=$(ip netns pids "$1" 2>/dev/null)
		[ -n "$pids" ] || break
		# shellcheck disable=SC2086
		kill -9 $pids 2>/dev/null
		sleep 0.1
	done
	ip netns del "$1" 2>/dev/null
}

# A process's start time (to tell it from a later one with the same pid).
_sshbed_starttime() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	echo "${20}"
}

# Under the lock: remove what beds of test scripts that died without their
# cleanup (SIGKILL, SIGPIPE) left behind: their listener and namespaces.
# Then register this bed.
_sshbed_sweep() {
	local f pid start w id p
	mkdir -p "$_SSHBED_REG" && chmod 700 "$_SSHBED_REG" || return 0
	for f in "$_SSHBED_REG"/*; do
		[ -f "$f" ] || continue
		read -r pid start w <"$f"
		if [ -z "$w" ] || [ "$w" = "$W" ]; then continue; fi
		[ -n "$pid" ] && [ "$(_sshbed_starttime "$pid")" = "$start" ] &&
		    continue
		id=${w##*.}
		id=${id//[!A-Za-z0-9]/}
		_sshbed_netns_del "tt-$id-c"
		_sshbed_netns_del "tt-$id-s"
		for p in /proc/[0-9]*; do
			tr '\0' ' ' 2>/dev/null <"$p/cmdline" |
			    grep -qF -- " -f $w/sshd_config -E " &&
			    kill -9 "${p#/proc/}" 2>/dev/null
		done
		rm -f "$f"
	done
	echo "$$ $(_sshbed_starttime $$) $W" >"$_SSHBED_REG/${W##*/}"
}

# The test user: created once per machine, under a lock (concurrent tests).
# Also sweeps up after dead beds (_sshbed_sweep).
_sshbed_user() {
	local fd rc=0 home
	exec {fd}>>"$_SSHBED_LOCK" || return 1
	if ! flock -w 120 "$fd"; then
		exec {fd}>&-
		return 1
	fi
	_sshbed_sweep
	if ! getent passwd "$SSHBED_USER" >/dev/null; then
		useradd -m -s /bin/bash -p '*' -c 'tether tests' "$SSHBED_USER" ||
		    rc=1
	fi
	if [ "$rc" = 0 ]; then
		# "*", not "!": with UsePAM no, "!" is a locked account.
		[ "$(getent shadow "$SSHBED_USER" | cut -d: -f2)" = '*' ] ||
		    usermod -p '*' "$SSHBED_USER" || rc=1
		[ "$(getent passwd "$SSHBED_USER" | cut -d: -f7)" = /bin/bash ] ||
		    usermod -s /bin/bash "$SSHBED_USER" || rc=1
		home=$(getent passwd "$SSHBED_USER" | cut -d: -f6)
		if [ -n "$home" ] && [ ! -d "$home" ]; then
			mkdir -p "$home" && chown "$SSHBED_USER:" "$home" &&
			    chmod 750 "$home" || rc=1
		fi
	fi
	exec {fd}>&-
	return "$rc"
}

# The sshd processes with a socket on the loopback bed's address and port.
_sshbed_conn_pids() {
	local pid
	for pid in $(ss -Htnp state established "( sport = :$SSHBED_PORT )" \
	    src "$SSHBED_ADDR" 2>/dev/null | grep -o 'pid=[0-9]*' | sort -u); do
		pid=${pid#pid=}
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sshd ] && echo "$pid"
	done
	return 0
}

# A TCP port on 127.0.0.1 with no listener, below the ephemeral range.
_sshbed_free_port() {
	local p i
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + RANDOM % 12000))
		if [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then
			echo "$p"
			return
		fi
	done
	echo "$p"
}

# The given options without any log_path=... (ASAN_OPTIONS style).
_sshbed_no_log_path() {
	local IFS=: x out=
	for x in $1; do
		case $x in
		log_path=* | '') ;;
		*) out+=${out:+:}$x ;;
		esac
	done
	printf '%s' "$out"
}

_sshbed_write_sshd_config() {
	local asan ubsan debug="TETHER_DEBUG=$W/tt/remote-debug.log " home=
	# SSHBED_NO_DEBUG (the benchmarks): no debug log on the server.
	[ -n "${SSHBED_NO_DEBUG:-}" ] && debug=
	[ -n "${SSHBED_PRIVATE_HOME:-}" ] && home="HOME=$W/tt/home "
	asan=$(_sshbed_no_log_path "${ASAN_OPTIONS:-}")
	ubsan=$(_sshbed_no_log_path "${UBSAN_OPTIONS:-print_stacktrace=1}")
	cat >"$W/sshd_config" <<-EOF
	# sshd for one test world ($W), written by tests/sshbed.sh
	ListenAddress $SSHBED_ADDR:$SSHBED_PORT
	HostKey $_sshbed_dir/ssh_host_ed25519_key
	PidFile $W/sshd.pid
	LogLevel VERBOSE
	UsePAM no
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	PubkeyAuthentication yes
	AuthorizedKeysFile $W/tt/ssh/authorized_keys
	# $W lives under /tmp (mode 1777), which StrictModes refuses.
	StrictModes no
	AllowUsers $SSHBED_USER
	PermitRootLogin no
	AllowTcpForwarding yes
	AllowAgentForwarding yes
	AllowStreamLocalForwarding yes
	X11Forwarding no
	PermitTTY yes
	PrintMotd no
	PrintLastLog no
	UseDNS no
	MaxStartups 100:30:200
	MaxSessions 100
	Subsystem sftp /usr/lib/openssh/sftp-server
	SetEnv ${home}TETHER_TEST_WORLD=$W XDG_RUNTIME_DIR=$W/tt/xdg XDG_STATE_HOME=$W/tt/state ${debug}ASAN_OPTIONS=${asan:+$asan:}log_path=$W/tt/asan UBSAN_OPTIONS=${ubsan:+$ubsan:}log_path=$W/tt/ubsan PATH=$W/tt/bin:/usr/local/bin:/usr/bin:/bin HISTFILE=$W/tt/bash_history
	EOF
}

# Start the listener (it binds, daemonizes, writes its PidFile). Fails if
# sshd fails (e.g. the port is in use).
_sshbed_sshd_launch() {
	local deadline=$((SECONDS + TIMEOUT))
	rm -f "$W/sshd.pid"
	in_server "$_SSHBED_SSHD" -f "$W/sshd_config" -E "$W/sshd.log" \
	    </dev/null >>"$W/sshd.log" 2>&1 || return 1
	until _sshbed_sshd_pid >/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			diag "sshd wrote no pid file $W/sshd.pid"
			return 1
		fi
		sleep 0.02
	done
}

# The listener's pid, if its PidFile names a live sshd of ours.
_sshbed_sshd_pid() {
	local pid
	pid=$(cat "$W/sshd.pid" 2>/dev/null) || return 1
	case $pid in '' | *[!0-9]*) return 1 ;; esac
	tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" |
	    grep -qF -- "-f $W/sshd_config" || return 1
	proc_alive "$pid" || return 1
	echo "$pid"
}

_sshbed_gone() {
	! proc_alive "$1"
}

# sshd answers with its banner (checked where sshd runs, so that a fault
# between client and server does not matter).
_sshbed_banner() {
	local b
	b=$(in_server timeout 5 bash -c \
	    'exec 3<>"/dev/tcp/$1/$2" && head -c 4 <&3' _ "$SSHBED_ADDR" \
	    "$SSHBED_PORT" 2>/dev/null)
	[ "$b" = SSH- ]
}

_sshbed_wait_listening() {
	wait_until _sshbed_banner || {
		diag "sshd on $SSHBED_ADDR:$SSHBED_PORT does not answer"
		return 1
	}
}

# Two namespaces joined by a veth pair made inside them.
_sshbed_netns_up() {
	local id=${W##*.} a b nc ns
	id=${id//[!A-Za-z0-9]/}
	nc=tt-$id-c
	ns=tt-$id-s
	# Private addresses, different per world (the namespaces isolate them
	# anyway).
	a=$((100 + ($$ / 256) % 100))
	b=$(($$ % 256))
	SSHBED_SUBNET=10.$a.$b.0
	SSHBED_ADDR=10.$a.$b.1
	_sshbed_hostnum=2
	SSHBED_CLIENT_ADDR=10.$a.$b.$_sshbed_hostnum
	SSHBED_NS_CLIENT=$nc
	SSHBED_NS_SERVER=$ns
	SSHBED_IF_CLIENT=veth-c
	SSHBED_IF_SERVER=veth-s
	ip netns add "$nc" 2>"$W/netns.err" ||
	    plan skip_all "cannot create network namespaces: $(head -n1 "$W/netns.err")"
	SSHBED_NETNS=1	# from here on, sshbed_fini deletes them
	ip netns add "$ns" || return 1
	SSHBED_CLIENT_PREFIX=(ip netns exec "$nc")
	ip -n "$nc" link set lo up && ip -n "$ns" link set lo up || return 1
	ip -n "$nc" link add "$SSHBED_IF_CLIENT" type veth \
	    peer name "$SSHBED_IF_SERVER" netns "$ns" || return 1
	# Without it, deleting the primary address deletes the secondaries.
	ip netns exec "$nc" sh -c "echo 1 >/proc/sys/net/ipv4/conf/$SSHBED_IF_CLIENT/promote_secondaries" ||
	    return 1
	# No duplicate address detection for the link-local IPv6 addresses:
	# its end, a second or two after the link comes up, is an address
	# change that a client's netwatch sees at a moment no test chose (it
	# made a client probe its link in the middle of slow_link.sh's flood).
	# Tests make their own changes (fault_roam, fault_link_down).
	ip netns exec "$nc" sh -c "echo 0 >/proc/sys/net/ipv6/conf/$SSHBED_IF_CLIENT/accept_dad" 2>/dev/null
	ip netns exec "$ns" sh -c "echo 0 >/proc/sys/net/ipv6/conf/$SSHBED_IF_SERVER/accept_dad" 2>/dev/null
	ip -n "$nc" addr add "$SSHBED_CLIENT_ADDR/24" dev "$SSHBED_IF_CLIENT" &&
	    ip -n "$ns" addr add "$SSHBED_ADDR/24" dev "$SSHBED_IF_SERVER" &&
	    ip -n "$nc" link set "$SSHBED_IF_CLIENT" up &&
	    ip -n "$ns" link set "$SSHBED_IF_SERVER" up || return 1
	wait_until _sshbed_link_ready
}

# Both ends up, the client's address in place, a route to the server.
_sshbed_link_ready() {
	ip -n "$SSHBED_NS_CLIENT" -o link show "$SSHBED_IF_CLIENT" 2>/dev/null |
	    grep -q 'state UP' || return 1
	ip -n "$SSHBED_NS_SERVER" -o link show "$SSHBED_IF_SERVER" 2>/dev/null |
	    grep -q 'state UP' || return 1
	ip -n "$SSHBED_NS_CLIENT" -4 -o addr show dev "$SSHBED_IF_CLIENT" |
	    grep -q " inet $SSHBED_CLIENT_ADDR/" || return 1
	ip -n "$SSHBED_NS_CLIENT" route get "$SSHBED_ADDR" 2>/dev/null |
	    grep -q "dev $SSHBED_IF_CLIENT .*src $SSHBED_CLIENT_ADDR" || return 1
}

_sshbed_need_netns() {
	[ -n "$SSHBED_NETNS" ] && return 0
	diag "$1: needs the --netns test bed"
	return 1
}

# The bed's variables into the tmux server's global environment, so that
# shells in term_start panes see them too.
_sshbed_tmux_env() {
	local v
	[ -n "${TMUX_SOCK:-}" ] && [ -S "$TMUX_SOCK" ] || return 0
	for v in SSHBED_CONFIG SSHBED_HOST SSHBED_USER SSHBED_ADDR SSHBED_PORT \
	    SSHBED_CLIENT_ADDR SSHBED_NS_CLIENT SSHBED_NS_SERVER \
	    SSHBED_REMOTE_TETHER; do
		[ -n "${!v:-}" ] || continue
		tmux -S "$TMUX_SOCK" set-environment -g "$v" "${!v}" 2>/dev/null
	done
	return 0
}

_sshbed_dump_logs() {
	[ -n "$W" ] || return 0
	[ -e "$W/sshd.log" ] || return 0
	diag "--- sshd.log (last lines)"
	diag_file "$W/sshd.log" 40
	if [ -e "$W/tt/remote-debug.log" ]; then
		diag "--- remote TETHER_DEBUG log (last lines)"
		diag_file "$W/tt/remote-debug.log" 80
	fi
	if [ -n "$SSHBED_NETNS" ]; then
		diag "--- client namespace $SSHBED_NS_CLIENT"
		{
			ip -n "$SSHBED_NS_CLIENT" addr
			ip -n "$SSHBED_NS_CLIENT" route
			ip netns exec "$SSHBED_NS_CLIENT" nft list ruleset
		} >"$W/dump.netns" 2>&1
		diag_file "$W/dump.netns" 40
	fi
}

# rt [ls|kill] ARGS...: run the local tether with the test's ssh options,
# the array R (after the subcommand, if any: `tether ls [options] host`).
rt() {
	case $1 in
	ls | kill) run "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" "$1" "${R[@]}" \
	    "${@:2}" ;;
	*) run "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" "${R[@]}" "$@" ;;
	esac
}

# remote_term NAME SESSION [ARGS...] [-- CMD]: a terminal running tether
# host with the options in R.
remote_term() {
	local t=$1 s=$2
	shift 2
	term_start "$t" 80 24 "${SSHBED_CLIENT_PREFIX[@]}" "$TETHER" "${R[@]}" \
	    -s "$s" "$@"
}
