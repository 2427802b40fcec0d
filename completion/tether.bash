# bash completion for tether(1).
#
# Completes the commands, the options and their values, host names (Host
# lines of ~/.ssh/config without patterns, and the unhashed names of
# ~/.ssh/known_hosts) and session names: local ones from `tether ls`, and
# remote ones from `tether ls HOST` when HOST is on the line and answers
# within 2 seconds. A leading --config FILE is passed on to those. Needs
# nothing from the bash-completion package.

# Host names from the user's ssh files, one a line.
_tether_hosts()
{
	local cfg=$HOME/.ssh/config kh=$HOME/.ssh/known_hosts

	[ -r "$cfg" ] && awk '
	{
		line = $0
		sub(/^[ \t]+/, "", line)
		if (tolower(substr(line, 1, 4)) != "host")
			next
		rest = substr(line, 5)
		if (rest !~ /^[ \t=]/)
			next
		sub(/^[ \t]*=?[ \t]*/, "", rest)
		n = split(rest, a, /[ \t]+/)
		for (i = 1; i <= n; i++) {
			gsub(/"/, "", a[i])
			if (a[i] != "" && a[i] !~ /[*?!]/)
				print a[i]
		}
	}' "$cfg" 2>/dev/null
	[ -r "$kh" ] && awk '
	NF == 0 || $1 ~ /^[#|]/ { next }
	{
		f = $1 ~ /^@/ ? $2 : $1
		n = split(f, a, ",")
		for (i = 1; i <= n; i++) {
			h = a[i]
			if (h ~ /^\[/) {
				sub(/^\[/, "", h)
				sub(/\]:[0-9]+$/, "", h)
			}
			if (h != "" && h !~ /[*?!|]/)
				print h
		}
	}' "$kh" 2>/dev/null
}

# The tether being completed: the command word, if it runs.
_tether_prog()
{
	local t=${_tether_words[0]}

	t=${t/#\~/$HOME}
	if command -v "$t" >/dev/null 2>&1; then
		printf '%s\n' "$t"
	else
		echo tether
	fi
}

# Session names from `tether ls [ARGS...]`: the first column, without the
# header. A host that does not answer within 2 seconds gives none.
_tether_sessions()
{
	timeout 2 "$(_tether_prog)" "${_tether_cfg[@]}" ls "$@" \
	    </dev/null 2>/dev/null |
	    awk 'NR > 1 && NF > 0 { print $1 }'
}

# Set COMPREPLY to the words among the arguments that start with $cur, cut
# to the part bash replaces when $cur holds a word-breaking character (:,
# =, @): bash names that part in the completion function's second argument,
# and otherwise it starts after the last such character (at it, for @).
_tether_reply()
{
	local c pre='' i

	if [ -n "${_tether_bword+set}" ] && [[ $cur == *"$_tether_bword" ]]; then
		pre=${cur%"$_tether_bword"}
	else
		for ((i = ${#cur} - 1; i >= 0; i--)); do
			if [[ $COMP_WORDBREAKS == *"${cur:i:1}"* ]]; then
				pre=${cur:0:i+1}
				[ "${cur:i:1}" = @ ] && pre=${cur:0:i}
				break
			fi
		done
	fi
	COMPREPLY=()
	for c in "$@"; do
		[[ $c == "$cur"* ]] && COMPREPLY+=("${c#"$pre"}")
	done
	return 0
}

# Reply with host names, keeping a user@ prefix typed already.
_tether_reply_hosts()
{
	local user='' h
	local -a hosts=()

	[[ $cur == *@* ]] && user=${cur%%@*}@
	while IFS= read -r h; do
		hosts+=("$user$h")
	done < <(_tether_hosts | sort -u)
	_tether_reply "$@" "${hosts[@]}"
}

# Reply with the names of `tether ls [ARGS...]`.
_tether_reply_sessions()
{
	local s
	local -a names=()

	while IFS= read -r s; do
		names+=("$s")
	done < <(_tether_sessions "$@")
	_tether_reply "${names[@]}"
}

# Fall back to bash's own completion (file names).
_tether_default()
{
	compopt -o default 2>/dev/null
	COMPREPLY=()
}

_tether()
{
	local cur w sub='' host='' want='' first='' i j start=1 dd=''
	local -a _tether_words all ssh=() _tether_cfg=()
	local _tether_bword

	# bash calls us with the command, the word to complete and the one
	# before it.
	[ $# -ge 2 ] && _tether_bword=$2
	local -a ropts=(-4 -6 -A -D -e -F -i -J -L -l -o -p -R -s
	    --control-master --history --install --install-binary --log-size
	    --lossless --remote-tether --ring --ssh --timeout --ttl)
	local valopts=" -D -e -F -i -J -L -l -o -p -R -s --history --install-binary --log-size --remote-tether --ring --ssh --timeout --ttl "
	local -a logsizes=(0 64K 1M 32M 256M 1G 16G)
	local -a ttls=(30m 1h 12h 1d 7d)

	# The words up to the cursor, split at blanks only (so that a:b and
	# a=b stay one word), and the whole line for what follows the cursor.
	if [ -n "${COMP_LINE+set}" ]; then
		read -r -a _tether_words <<<"${COMP_LINE:0:COMP_POINT}"
		[[ ${COMP_LINE:0:COMP_POINT} == *[[:blank:]] ]] &&
		    _tether_words+=("")
		read -r -a all <<<"${COMP_LINE:COMP_POINT}"
		if [[ ${COMP_LINE:COMP_POINT:1} == [![:blank:]] ]]; then
			all[0]=${_tether_words[-1]}${all[0]}
		else
			all=("${_tether_words[-1]}" "${all[@]}")
		fi
		all=("${_tether_words[@]:0:${#_tether_words[@]}-1}" "${all[@]}")
	else
		_tether_words=("${COMP_WORDS[@]:0:COMP_CWORD+1}")
		all=("${COMP_WORDS[@]}")
	fi
	[ ${#_tether_words[@]} -ge 2 ] || _tether_words+=("")
	local cword=$((${#_tether_words[@]} - 1))
	cur=${_tether_words[cword]}

	# --config FILE (or none) comes first: complete it, then complete
	# the rest as if it were not there, passing it on to tether ls.
	if [ "${_tether_words[1]}" = --config ] && [ "$cword" -ge 2 ]; then
		if [ "$cword" -eq 2 ]; then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			[[ none == "$cur"* ]] && COMPREPLY+=(none)
			return 0
		fi
		_tether_cfg=(--config "${_tether_words[2]}")
		_tether_words=("${_tether_words[0]}" "${_tether_words[@]:3}")
		all=("${all[0]}" "${all[@]:3}")
		cword=$((cword - 2))
	fi

	case ${_tether_words[1]} in
	new | attach | a | ls | list | kill | log | config | help | bridge | dial)
		sub=${_tether_words[1]}
		start=2
		;;
	esac
	if [ "$cword" -eq 1 ]; then
		if [[ $cur == -* ]]; then
			w=--config
			[ ${#_tether_cfg[@]} -eq 0 ] || w=
			_tether_reply -h --help -V --version $w "${ropts[@]}"
		else
			_tether_reply_hosts new attach ls kill log config help
		fi
		return 0
	fi

	case $sub in
	help | bridge | dial)
		return 0
		;;
	new | attach | a)
		case ${_tether_words[cword - 1]} in
		--ring)
			_tether_reply 64K 1M 8M 64M 256M 1G
			return 0
			;;
		--log-size)
			_tether_reply "${logsizes[@]}"
			return 0
			;;
		--ttl)
			_tether_reply "${ttls[@]}"
			return 0
			;;
		--history | -e)
			[ "${_tether_words[cword - 1]}" = -e ] && _tether_reply none
			return 0
			;;
		esac
		for ((j = 2; j < cword; j++)); do
			w=${_tether_words[j]}
			if [ -n "$dd" ]; then
				break
			elif [ "$w" = -- ]; then
				dd=$j
			elif [[ $w == --ring || $w == --log-size ||
			    $w == --history || $w == --ttl || $w == -e ]]; then
				((j++))
			elif [[ $w != -* ]]; then
				first=$w
			fi
		done
		if [ -n "$dd" ]; then
			if [ $((dd + 1)) -eq "$cword" ]; then
				mapfile -t COMPREPLY < <(compgen -c -- "$cur")
			else
				_tether_default
			fi
		elif [[ $cur == -* ]]; then
			if [ "$sub" = new ]; then
				_tether_reply --history --log-size --ring \
				    --ttl --
			else
				_tether_reply -e --history --lossless \
				    --log-size --ring --ttl --
			fi
		elif [ -z "$first" ] && [ "$sub" != new ]; then
			_tether_reply_sessions
		elif [ -n "$first" ]; then
			_tether_reply --
		fi
		return 0
		;;
	esac

	# ls, kill, log, config and the remote form: ssh options, then the
	# host (optional for config). Find the host anywhere on the line (-s
	# NAME may come before it), and what the word before the cursor
	# wants. For log, -p is --plain (no port).
	for ((j = start; j < ${#all[@]}; j++)); do
		[ "$j" -eq "$cword" ] && continue
		w=${all[j]}
		[ "$j" -lt "$cword" ] && want=
		if [ "$w" = -- ]; then
			break
		elif [ "$sub" = log ] && [ "$w" = -p ]; then
			continue
		elif [[ $valopts == *" $w "* ]]; then
			[ $((j + 1)) -eq "$cword" ] && want=$w
			case $w in
			-p | -l | -i | -J | -F | -o | --ssh | --remote-tether)
				ssh+=("$w" "${all[j + 1]}")
				;;
			esac
			((j++))
		elif [[ $w == -[46A] ]]; then
			ssh+=("$w")
		elif [[ $w == -[pliJFo]?* ]]; then
			ssh+=("$w")
		elif [[ $w != -* && -n $w ]]; then
			host=$w
			i=$j
			break
		fi
	done
	[ -n "$host" ] && [ "$i" -gt "$cword" ] && [ -z "$want" ] &&
	    [[ $cur != -* ]] && host=

	case $want in
	-s)
		[ -n "$host" ] && _tether_reply_sessions -o BatchMode=yes \
		    -o ConnectTimeout=2 "${ssh[@]}" "$host"
		return 0
		;;
	-e)
		_tether_reply none
		return 0
		;;
	-i | -F | --install-binary)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
		;;
	-J)
		_tether_reply_hosts
		return 0
		;;
	-l)
		mapfile -t COMPREPLY < <(compgen -u -- "$cur")
		return 0
		;;
	--ssh)
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		return 0
		;;
	--ring)
		_tether_reply 64K 1M 8M 64M 256M 1G
		return 0
		;;
	--log-size)
		_tether_reply "${logsizes[@]}"
		return 0
		;;
	--ttl)
		_tether_reply "${ttls[@]}"
		return 0
		;;
	?*)
		return 0
		;;
	esac
	if [[ $cur == -* ]] && [ "$sub" = log ]; then
		# -f and -p anywhere; the other options before the host.
		if [ -z "$host" ]; then
			_tether_reply -f --follow --plain "${ropts[@]}"
		else
			_tether_reply -f --follow -p --plain
		fi
		return 0
	elif [[ $cur == -* ]] && [ "$sub" = kill ]; then
		# --detached, alone or before the host's options.
		[ -z "$host" ] && _tether_reply --detached "${ropts[@]}"
		return 0
	elif [[ $cur == -* ]]; then
		[ -z "$host" ] && _tether_reply "${ropts[@]}"
		[ -n "$host" ] && [ -z "$sub" ] && _tether_reply --
		return 0
	fi

	case $sub in
	ls | list | config)
		[ -z "$host" ] && _tether_reply_hosts
		;;
	kill)
		if [[ " ${_tether_words[*]:0:cword} " == *" --detached "* ]]; then
			# No names: at most a host.
			[ -z "$host" ] && _tether_reply_hosts
		elif [ -z "$host" ]; then
			# The first argument: a local session or a host.
			local -a names=()
			while IFS= read -r w; do
				names+=("$w")
			done < <(_tether_sessions)
			_tether_reply_hosts "${names[@]}"
		elif [ ${#ssh[@]} -eq 0 ] &&
		    _tether_sessions | grep -qxF -- "$host"; then
			_tether_reply_sessions
		else
			_tether_reply_sessions -o BatchMode=yes \
			    -o ConnectTimeout=2 "${ssh[@]}" "$host"
		fi
		;;
	log)
		# One name: a local session, or a host and then one of its
		# sessions (two names are always the remote form). Nothing
		# after a local session, unless options make it a host.
		if [ -z "$host" ]; then
			local -a names=()
			while IFS= read -r w; do
				names+=("$w")
			done < <(_tether_sessions)
			_tether_reply_hosts "${names[@]}"
		elif [ "$i" -lt "$cword" ] && { [ ${#ssh[@]} -gt 0 ] ||
		    ! _tether_sessions | grep -qxF -- "$host"; }; then
			for ((j = i + 1; j < cword; j++)); do
				[[ ${_tether_words[j]} == -* ]] || return 0
			done
			_tether_reply_sessions -o BatchMode=yes \
			    -o ConnectTimeout=2 "${ssh[@]}" "$host"
		fi
		;;
	*)
		if [ -z "$host" ]; then
			_tether_reply_hosts
		elif [ "${_tether_words[cword - 1]}" = -- ]; then
			mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		elif [[ " ${_tether_words[*]:0:cword} " == *" -- "* ]]; then
			_tether_default
		elif [ "$i" -eq $((cword - 1)) ]; then
			_tether_reply --
		fi
		;;
	esac
	return 0
}

complete -F _tether tether
