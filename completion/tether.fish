# fish completion for tether(1): commands, options, host names from
# ~/.ssh/config (Host lines without patterns) and ~/.ssh/known_hosts
# (unhashed names), and session names from `tether ls` (here, or on the
# host on the line when it answers within 2 seconds). A leading --config
# FILE is passed on to those.

# The words before the cursor (-c: and at it), without a leading
# --config FILE.
function __tether_words
    set -l w (commandline -opc)
    if contains -- -c $argv
        set w (commandline -o)
    end
    if test "$w[2]" = --config
        set w $w[1] $w[4..-1]
    end
    printf '%s\n' $w
end

function __tether_hosts
    set -l cfg ~/.ssh/config
    set -l kh ~/.ssh/known_hosts
    if test -r $cfg
        awk '
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
        }' $cfg 2>/dev/null
    end
    if test -r $kh
        awk '
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
        }' $kh 2>/dev/null
    end
end

# Session names from `tether ls ARGS...`.
function __tether_sessions
    set -l w (commandline -opc)
    set -l prog $w[1]
    set -l cfg
    command -q $prog; or set prog tether
    if test "$w[2]" = --config
        set cfg --config $w[3]
    end
    timeout 2 $prog $cfg ls $argv </dev/null 2>/dev/null | awk 'NR > 1 && NF > 0 { print $1 }'
end

# The host on the line (options for ssh before it), and those options:
# prints the options, one a line, then the host last; nothing without one.
# For log, -f and -p are its own flags (-p is not the port).
function __tether_host_args
    set -l before (__tether_words)
    set -l w (__tether_words -c)
    set -l cur (math (count $before) + 1)
    # The word at the cursor, even an empty one, is not the host.
    if test -z (commandline -ct)
        set w $before '' $w[$cur..-1]
    end
    set -l opts
    set -l i 2
    if contains -- "$w[2]" ls list kill log config
        set i 3
    end
    while test $i -le (count $w)
        set -l a $w[$i]
        if test "$w[2]" = log; and contains -- $a -f -p --follow --plain
            set a -f
        end
        switch $a
            case --
                return 1
            case -p -l -i -J -F -o --ssh --remote-tether
                set i (math $i + 1)
                set -a opts $a $w[$i]
            case -s -D -e -L -R --history --install-binary --log-size --ring --timeout --ttl
                set i (math $i + 1)
            case -4 -6 -A '-[pliJFo]?*'
                set -a opts $a
            case '-*'
            case '*'
                if test $i -ne $cur
                    printf '%s\n' $opts $a
                    return 0
                end
        end
        set i (math $i + 1)
    end
    return 1
end

function __tether_remote_sessions
    set -l args (__tether_host_args); or return
    __tether_sessions -o BatchMode=yes -o ConnectTimeout=2 $args
end

# Is the word being completed the file of a leading --config?
function __tether_config_arg
    set -l w (commandline -opc)
    test (count $w) -eq 2; and test "$w[2]" = --config
end

# Is the word being completed the first argument after the command?
function __tether_arg1
    not __tether_config_arg; and test (count (__tether_words)) -eq 1
end

# kill: local sessions, or with a host first, the host's sessions;
# with --detached, only a host.
function __tether_kill_names
    set -l w (__tether_words)
    if contains -- --detached $w
        if not __tether_host_args >/dev/null
            __tether_hosts
        end
        return
    end
    if test (count $w) -eq 2
        __tether_sessions
        __tether_hosts
        return
    end
    if not string match -q -- '-*' $w[3]; and contains -- $w[3] (__tether_sessions)
        __tether_sessions
    else
        __tether_remote_sessions
    end
end

# log: a local session or a host, and after a host one of its sessions
# (nothing after a local session, unless options make it a host).
function __tether_log_names
    set -l w (__tether_words)
    set -l names
    set -l opts 0
    set -l i 3
    while test $i -le (count $w)
        switch $w[$i]
            case -f -p --follow --plain
            case -l -i -J -F -o --ssh --remote-tether -s -D -e -L -R --history --install-binary --log-size --ring --timeout --ttl
                set i (math $i + 1)
                set opts 1
            case '-*'
                set opts 1
            case '*'
                set -a names $w[$i]
        end
        set i (math $i + 1)
    end
    switch (count $names)
        case 0
            __tether_sessions
            __tether_hosts
        case 1
            if test $opts -eq 1; or not contains -- $names[1] (__tether_sessions)
                __tether_remote_sessions
            end
    end
end

# Is the word being completed after log's first name?
function __tether_log_named
    test (count (__tether_host_args)) -gt 0
end

set -l cmds new attach a ls list kill log config help
complete -c tether -f
complete -c tether -n __tether_arg1 -a new -d 'start a detached local session'
complete -c tether -n __tether_arg1 -a attach -d 'attach to a local session'
complete -c tether -n __tether_arg1 -a ls -d 'list sessions, here or on a host'
complete -c tether -n __tether_arg1 -a kill -d 'end sessions'
complete -c tether -n __tether_arg1 -a log -d 'print the output log of a session'
complete -c tether -n __tether_arg1 -a config -d 'print the settings for a host'
complete -c tether -n __tether_arg1 -a help -d 'print the usage'
complete -c tether -n 'test (count (commandline -opc)) -eq 1' -l config -r -d 'configuration file, or none'
complete -c tether -n __tether_config_arg -F -a none
complete -c tether -n __tether_arg1 -s h -l help -d 'print the usage'
complete -c tether -n __tether_arg1 -s V -l version -d 'print the version'
complete -c tether -n "not __tether_config_arg; and not __fish_seen_subcommand_from $cmds" -a '(__tether_hosts)' -d host

# new and attach
complete -c tether -n '__fish_seen_subcommand_from attach a' -a '(__tether_sessions)' -d session
complete -c tether -n '__fish_seen_subcommand_from new attach a' -l ring -x -a '64K 1M 8M 64M 256M 1G' -d 'output kept for reattaching'
complete -c tether -n '__fish_seen_subcommand_from new attach a' -l log-size -x -a '0 64K 1M 32M 256M 1G 16G' -d 'output kept on disk for tether log'
complete -c tether -n '__fish_seen_subcommand_from new attach a' -l history -x -d 'lines of history for a fresh client'
complete -c tether -n '__fish_seen_subcommand_from new attach a' -l ttl -x -a '30m 1h 12h 1d 7d' -d 'end the new session once detached this long'
complete -c tether -n '__fish_seen_subcommand_from attach a' -s e -x -a none -d 'escape character'
complete -c tether -n '__fish_seen_subcommand_from attach a' -l lossless -d 'never skip output for a slow link'

# ls, kill, log and config
complete -c tether -n '__fish_seen_subcommand_from ls list config' -a '(__tether_hosts)' -d host
complete -c tether -n '__fish_seen_subcommand_from kill' -a '(__tether_kill_names)'
complete -c tether -n '__fish_seen_subcommand_from kill' -l detached -d 'end every session nobody is attached to'
complete -c tether -n '__fish_seen_subcommand_from log' -a '(__tether_log_names)'
complete -c tether -n '__fish_seen_subcommand_from log' -s f -l follow -d 'follow the log'
complete -c tether -n '__fish_seen_subcommand_from log' -s p -l plain -d 'plain text, without escapes'

# The options of the remote form, and of ls, kill and log with a host
# (log: before its first name, and -p is its own).
set -l remote "not __fish_seen_subcommand_from new attach a help; and begin; not __fish_seen_subcommand_from log; or not __tether_log_named; end"
complete -c tether -n $remote -s 4 -d 'use IPv4 only'
complete -c tether -n $remote -s 6 -d 'use IPv6 only'
complete -c tether -n $remote -s A -d 'forward the authentication agent'
complete -c tether -n $remote -s D -x -d 'dynamic forwarding'
complete -c tether -n $remote -s e -x -a none -d 'escape character'
complete -c tether -n $remote -s F -r -F -d 'ssh configuration file'
complete -c tether -n $remote -s i -r -F -d 'identity file'
complete -c tether -n $remote -s J -x -a '(__tether_hosts)' -d 'jump hosts'
complete -c tether -n $remote -s L -x -d 'local forwarding'
complete -c tether -n $remote -s l -x -a '(__fish_complete_users)' -d 'remote user'
complete -c tether -n $remote -s o -x -d 'ssh option'
complete -c tether -n "$remote; and not __fish_seen_subcommand_from log" -s p -x -d port
complete -c tether -n $remote -s R -x -d 'remote forwarding'
complete -c tether -n $remote -s s -x -a '(__tether_remote_sessions)' -d 'session name on host'
complete -c tether -n $remote -l control-master -d 'let ssh share a ControlMaster connection'
complete -c tether -n $remote -l history -x -d 'lines of history for a fresh client'
complete -c tether -n $remote -l log-size -x -a '0 64K 1M 32M 256M 1G 16G' -d 'output kept on disk for tether log'
complete -c tether -n $remote -l lossless -d 'never skip output for a slow link'
complete -c tether -n __tether_arg1 -l install -d 'copy a static tether to ~/.local/bin on host'
complete -c tether -n $remote -l install-binary -r -F -d 'the static tether to copy to host'
complete -c tether -n $remote -l remote-tether -x -d 'tether on host'
complete -c tether -n $remote -l ring -x -a '64K 1M 8M 64M 256M 1G' -d 'output kept for reattaching'
complete -c tether -n $remote -l ssh -x -a '(__fish_complete_command)' -d 'ssh program and options'
complete -c tether -n $remote -l timeout -x -d 'seconds of silence before the link is dead'
complete -c tether -n "$remote; and not __fish_seen_subcommand_from ls list kill log" -l ttl -x -a '30m 1h 12h 1d 7d' -d 'end the new session once detached this long'
