/*
 * tether [options] [user@]host: the command line of remote sessions. It
 * builds the ssh command, names the default session after the local
 * terminal window, and gives the client a transport that reconnects.
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "duration.h"
#include "deploy.h"
#include "fmt.h"
#include "log.h"
#include "netwatch.h"
#include "sock.h"
#include "ssh.h"
#include "tether.h"
#include "xmalloc.h"

#define REMOTE_TIMEOUT_MS	3000	/* default dead-link silence */

struct remote {
	struct ssh_opts	 ssh;
	struct ssh_conn	 conn;
	struct config	*config;	/* the file's values and the options' */
	struct config_settings settings; /* for the host, once it is known */
	int		 live;		/* conn holds a running ssh */
	int		 dial_checked;	/* ssh_setup_dial has run */
	const char	*name;		/* -s NAME, or the default */
	char		 defname[SOCK_NAME_MAX + 1];
	int		 timeout_ms;
	char		 ring[24];	/* passed on when set, else empty */
	char		 log_size[24];
	char		 history[24];
	char		 ttl[24];	/* passed on when set, first only */
	char *const	*argv;		/* the command after --, or NULL */
	char		*program;	/* the ssh command's first word, ours */
	char		*first;		/* remote command: attach or create */
	char		*again;		/* remote command: resume only */
	int		 tether_given;	/* --remote-tether: no search */
	const char	*install_binary; /* --install-binary */
	int		 nconnects;	/* ssh started so far */
	int		 offer;		/* no tether: may offer to install */
};

/*
 * The remote tether when --remote-tether is not given: the one on the
 * PATH of ssh's non-interactive shell, else ~/.local/bin/tether (where
 * tether --install puts it, often not on that PATH). sh runs it, whatever
 * the user's login shell; 127 keeps meaning "no tether" (ssh_classify).
 */
static const char remote_find_sh[] =
	"if command -v tether >/dev/null 2>&1; then exec tether \"$@\"; fi; "
	"if [ -x \"$HOME/.local/bin/tether\" ]; then "
	"exec \"$HOME/.local/bin/tether\" \"$@\"; fi; "
	"echo 'no tether in PATH nor in ~/.local/bin' >&2; exit 127";

/* Add an ssh option and its value, checking that there is room. */
static void
remote_ssh_arg(struct remote *r, const char *opt, const char *value)
{
	if (ssh_add_arg(&r->ssh, opt) == -1 ||
	    (value != NULL && ssh_add_arg(&r->ssh, value) == -1))
		usage_error("%s", "too many ssh options");
}

/* Take an option's value for keyword k, or exit with a usage error. */
static void
remote_set(struct remote *r, enum config_key k, const char *value)
{
	char	 why[256];

	if (config_set(r->config, k, value, why, sizeof why) == -1) {
		if (k == CONFIG_TTL)
			usage_error("--ttl: %s", why);
		usage_error("%s", why);
	}
}

/*
 * Split the ssh command into the program and options for ssh. Its options
 * go after the command line's, so that those win (ssh takes the first).
 */
static void
remote_ssh_command(struct remote *r, const char *cmd)
{
	char	*copy = xstrdup(cmd), *word, *save = NULL;

	free(r->program);
	r->program = NULL;
	for (word = strtok_r(copy, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save)) {
		if (r->program == NULL)
			r->program = xstrdup(word);
		else
			remote_ssh_arg(r, word, NULL);
	}
	free(copy);
	if (r->program == NULL)
		usage_error("%s", "--ssh needs a command");
	r->ssh.program = r->program;
}

/*
 * Parse one option at argv[*i]; returns 0 when it was one. Options with a
 * value take it joined (-p2222) or as the next argument (-p 2222).
 */
static int
remote_option(struct remote *r, int argc, char **argv, int *i)
{
	static const struct {
		const char	*name;
		enum config_key	 key;
	} valued[] = {
		{ "--ssh", CONFIG_SSH_COMMAND },
		{ "--remote-tether", CONFIG_REMOTE_TETHER },
		{ "--timeout", CONFIG_TIMEOUT },
		{ "--ring", CONFIG_RING },
		{ "--history", CONFIG_HISTORY },
		{ "--log-size", CONFIG_LOG_SIZE },
		{ "--ttl", CONFIG_TTL },
	};
	const char	*a = argv[*i], *v = NULL;
	char		 opt[3];
	size_t		 k;

	if (strcmp(a, "--install-binary") == 0) {
		if (*i + 1 >= argc)
			usage_error("%s needs a value", a);
		r->install_binary = argv[++*i];
		return 0;
	}
	for (k = 0; k < sizeof valued / sizeof valued[0]; k++) {
		if (strcmp(a, valued[k].name) != 0)
			continue;
		if (*i + 1 >= argc)
			usage_error("%s needs a value", a);
		remote_set(r, valued[k].key, argv[++*i]);
		return 0;
	}
	if (strcmp(a, "--control-master") == 0) {
		remote_set(r, CONFIG_CONTROL_MASTER, "yes");
		return 0;
	}
	if (strcmp(a, "--lossless") == 0) {
		remote_set(r, CONFIG_LOSSLESS, "yes");
		return 0;
	}
	if (a[0] != '-' || a[1] == '\0')
		return -1;
	if (a[1] == '-')
		usage_error("unknown option '%s'", a);
	if (a[2] == '\0' && strchr("46A", a[1]) != NULL) {
		remote_ssh_arg(r, a, NULL);
		return 0;
	}
	if (strchr("seipJFolLRD", a[1]) == NULL)
		usage_error("unknown option '%s'", a);
	if (a[2] != '\0')
		v = a + 2;
	else if (*i + 1 < argc)
		v = argv[++*i];
	else
		usage_error("option '%s' needs a value", a);
	switch (a[1]) {
	case 's':
		r->name = v;
		break;
	case 'e':
		remote_set(r, CONFIG_ESCAPE, v);
		break;
	default:
		opt[0] = '-';
		opt[1] = a[1];
		opt[2] = '\0';
		remote_ssh_arg(r, opt, v);
		break;
	}
	return 0;
}

/* Parse options; returns the index of the first other argument. */
static int
remote_options(struct remote *r, int argc, char **argv)
{
	int	 i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			usage_error("%s", "missing host before --");
		if (remote_option(r, argc, argv, &i) == -1)
			break;
	}
	return i;
}

/*
 * Settle the settings for the host: the configuration's, then the
 * command line's, turned into ssh's options and the bridge's.
 */
static void
remote_settle(struct remote *r)
{
	struct config_settings	*s = &r->settings;

	config_resolve(r->config, r->ssh.host, s);
	remote_ssh_command(r, s->ssh_command);
	r->ssh.remote_tether = s->remote_tether;
	r->tether_given = CONFIG_ISSET(s, CONFIG_REMOTE_TETHER);
	r->ssh.control_master = s->control_master;
	if (CONFIG_ISSET(s, CONFIG_TIMEOUT))
		r->timeout_ms = s->timeout * 1000;
	if (CONFIG_ISSET(s, CONFIG_RING))
		fmt_buf(r->ring, sizeof r->ring, "%zu", s->ring_size);
	if (CONFIG_ISSET(s, CONFIG_LOG_SIZE))
		fmt_buf(r->log_size, sizeof r->log_size, "%zu", s->log_size);
	if (CONFIG_ISSET(s, CONFIG_HISTORY))
		fmt_buf(r->history, sizeof r->history, "%zu", s->history);
	if (s->ttl != 0)
		fmt_buf(r->ttl, sizeof r->ttl, "%us", (unsigned)s->ttl);
}

/*
 * Parse options and the host, and settle the settings for it. Returns
 * the index of the first argument after the host (or argc).
 */
static int
remote_parse(struct remote *r, int argc, char **argv)
{
	char	 why[300];
	int	 i;

	i = remote_options(r, argc, argv);
	if (i == argc)
		usage_error("%s", "missing host");
	if (ssh_check_host(argv[i], why, sizeof why) == -1)
		usage_error("%s", why);
	r->ssh.host = argv[i];
	remote_settle(r);
	return i + 1;
}

/* Replace bytes a session name may not hold. */
static void
remote_clean(char *s)
{
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("._-+@:=,", *s) != NULL))
			*s = '-';
	}
}

/*
 * The default session name: this machine's name and the terminal window
 * it runs in, so that a window always comes back to its own session and
 * two laptops never collide. Too long an id is shortened to a hash.
 */
static void
remote_default_name(struct remote *r)
{
	static const char *const vars[][2] = {
		{ "TERM_SESSION_ID", "term" }, { "ITERM_SESSION_ID", "iterm" },
		{ "WT_SESSION", "wt" }, { "KITTY_WINDOW_ID", "kitty" },
		{ "WEZTERM_PANE", "wez" }, { "TMUX_PANE", "tmux" },
		{ "WINDOWID", "x" },
	};
	char		 host[64], id[256];
	const char	*v, *tty;
	uint64_t	 h = 14695981039346656037ULL;
	size_t		 i, hl, il;

	if (gethostname(host, sizeof host) == -1)
		fmt_buf(host, sizeof host, "local");
	host[sizeof host - 1] = '\0';
	host[strcspn(host, ".")] = '\0';
	host[24] = '\0';
	id[0] = '\0';
	for (i = 0; i < sizeof vars / sizeof vars[0] && id[0] == '\0'; i++) {
		if ((v = getenv(vars[i][0])) != NULL && *v != '\0')
			fmt_buf(id, sizeof id, "%s%s", vars[i][1], v);
	}
	if (id[0] == '\0' && (tty = ttyname(STDIN_FILENO)) != NULL)
		fmt_buf(id, sizeof id, "%s", strncmp(tty, "/dev/", 5) == 0 ?
		    tty + 5 : tty);
	if (id[0] == '\0')
		fmt_buf(id, sizeof id, "default");
	if (strlen(host) + 1 + strlen(id) > SOCK_NAME_MAX) {
		for (v = id; *v != '\0'; v++)
			h = (h ^ (uint8_t)*v) * 1099511628211ULL;
		fmt_buf(id, sizeof id, "%016llx", (unsigned long long)h);
	}
	/* HOST-ID, cut to fit (the check above keeps it whole in practice). */
	hl = strlen(host);
	if (hl > sizeof r->defname - 2)
		hl = sizeof r->defname - 2;
	il = strlen(id);
	if (il > sizeof r->defname - 2 - hl)
		il = sizeof r->defname - 2 - hl;
	memcpy(r->defname, host, hl);
	r->defname[hl] = '-';
	memcpy(r->defname + hl + 1, id, il);
	r->defname[hl + 1 + il] = '\0';
	remote_clean(r->defname);
	if (r->defname[0] == '.' || r->defname[0] == '-')
		r->defname[0] = '_';
	r->name = r->defname;
}

/* Append one word to a NULL-terminated vector of at most max words. */
static void
remote_word(const char **v, size_t *n, size_t max, const char *w)
{
	if (*n + 1 >= max)
		usage_error("%s", "too many arguments");
	v[(*n)++] = w;
	v[*n] = NULL;
}

/* Does s hold a control character (which a shell or a log could act on)? */
static int
remote_has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	}
	return 0;
}

/*
 * The command line ssh gives the host's shell for a remote tether command
 * (v[0] is the tether): every word quoted, and the search for tether
 * (remote_find_sh) unless --remote-tether names it.
 */
static char *
remote_exec_line(const struct remote *r, const char **v)
{
	const char	**all;
	char		 *words, *cmd;
	size_t		  n = 0, i;

	for (i = 0; v[i] != NULL; i++)
		;
	all = xcalloc(i + 4, sizeof *all);
	if (!r->tether_given) {
		all[n++] = "sh";
		all[n++] = "-c";
		all[n++] = remote_find_sh;
	}
	for (i = 0; v[i] != NULL; i++)
		all[n++] = v[i];
	words = ssh_quote((char *const *)all);
	xasprintf(&cmd, "exec %s", words);
	free(words);
	free(all);
	return cmd;
}

/*
 * The command ssh runs on the host: the remote tether's bridge for this
 * session, with the terminal's type and locale, every word quoted.
 */
static char *
remote_command(struct remote *r, int resume)
{
	static const char *const env[] = { "TERM", "COLORTERM", "LANG",
	    "LC_ALL", "LC_CTYPE" };
	const char	*v[128], *val;
	char		*cmd, *pairs[5];
	size_t		 n = 0, i, np = 0;

	v[0] = NULL;
	remote_word(v, &n, 128, r->ssh.remote_tether);
	remote_word(v, &n, 128, "bridge");
	if (resume)
		remote_word(v, &n, 128, "--resume");
	if (r->log_size[0] != '\0') {
		remote_word(v, &n, 128, "--log-size");
		remote_word(v, &n, 128, r->log_size);
	}
	if (r->ring[0] != '\0') {
		remote_word(v, &n, 128, "--ring");
		remote_word(v, &n, 128, r->ring);
	}
	if (r->history[0] != '\0') {
		remote_word(v, &n, 128, "--history");
		remote_word(v, &n, 128, r->history);
	}
	/* Only a session being created takes it; resuming needs none. */
	if (r->ttl[0] != '\0' && !resume) {
		remote_word(v, &n, 128, "--ttl");
		remote_word(v, &n, 128, r->ttl);
	}
	for (i = 0; i < sizeof env / sizeof env[0]; i++) {
		/* The bridge refuses control characters: leave those out. */
		if ((val = getenv(env[i])) == NULL ||
		    strlen(val) > ENV_VALUE_MAX || remote_has_control(val))
			continue;
		xasprintf(&pairs[np], "%s=%s", env[i], val);
		remote_word(v, &n, 128, "--env");
		remote_word(v, &n, 128, pairs[np++]);
	}
	remote_word(v, &n, 128, "--");
	remote_word(v, &n, 128, r->name);
	if (r->argv != NULL) {
		remote_word(v, &n, 128, "--");
		for (i = 0; r->argv[i] != NULL; i++)
			remote_word(v, &n, 128, r->argv[i]);
	}
	cmd = remote_exec_line(r, v);
	for (i = 0; i < np; i++)
		free(pairs[i]);
	return cmd;
}

/* The client's transport: a new ssh running the bridge. */
static int
remote_connect(void *arg, int attempt, char *why, size_t size)
{
	struct remote	*r = arg;
	int		 fd;

	if (r->live)
		ssh_close(&r->conn, 1);
	r->nconnects++;
	if (attempt > 0 && !r->dial_checked) {
		r->dial_checked = 1;
		ssh_setup_dial(&r->ssh);
	}
	if (ssh_spawn(&r->ssh, attempt == 0 ? r->first : r->again,
	    attempt > 0, attempt == 0, &r->conn, why, size) == -1)
		return -1;
	r->live = 1;
	fd = r->conn.fd;
	r->conn.fd = -1;	/* the client owns it now */
	return fd;
}

/* After a network change: what became of ssh's connection (NETPATH_*). */
static int
remote_path(void *arg)
{
	struct remote	*r = arg;

	return r->live ? netwatch_path(r->conn.pid) : NETPATH_UNKNOWN;
}

/* The message for a host without tether. */
static void
remote_notether(const struct remote *r, char *why, size_t size)
{
	if (r->tether_given)
		fmt_buf(why, size, "tether: no tether on %s (%s not found); "
		    "install it there or give its path with --remote-tether",
		    r->ssh.host, r->ssh.remote_tether);
	else
		fmt_buf(why, size, "tether: no tether on %s (not in PATH nor "
		    "in ~/.local/bin); run tether --install %s, or give its "
		    "path with --remote-tether", r->ssh.host, r->ssh.host);
}

/*
 * The stream ended: stop ssh and decide, from what it said, whether
 * another attempt can help. final: the client is finishing anyway.
 */
static int
remote_lost(void *arg, int final, char *why, size_t size)
{
	struct remote	*r = arg;
	int		 kind, status;

	if (!r->live)
		return 0;
	ssh_close(&r->conn, !final);
	r->live = 0;
	kind = ssh_classify(&r->conn);
	status = WIFEXITED(r->conn.status) ? WEXITSTATUS(r->conn.status) : -1;
	log_debug("ssh ended: status %d, kind %d, said '%s'", status, kind,
	    r->conn.err);
	switch (kind) {
	case SSH_FAIL_AUTH:
		fmt_buf(why, size, "tether: %s", r->conn.err);
		return EXIT_AUTH;
	case SSH_FAIL_NOTETHER:
		/* The first connection, at a terminal: remote_offer asks. */
		if (final && r->nconnects == 1 && !r->tether_given &&
		    isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
			r->offer = 1;
			why[0] = '\0';
			return EXIT_NOTETHER;
		}
		remote_notether(r, why, size);
		return EXIT_NOTETHER;
	case SSH_FAIL_HOSTNAME:
	case SSH_FAIL_NETWORK:
		if (!final)
			return 0;	/* the network may come back */
		fmt_buf(why, size, "tether: cannot connect to %s: %s",
		    r->ssh.host, r->conn.err[0] != '\0' ? r->conn.err :
		    "ssh failed");
		return EXIT_CONNECT;
	}
	if (status == EXIT_NOSESSION && !final) {
		fmt_buf(why, size, "tether: session %s on %s has ended",
		    r->name, r->ssh.host);
		return EXIT_NOSESSION;
	}
	if (status == 0 || (!final && strncmp(r->conn.err, "tether: ", 8)
	    != 0))
		return 0;
	fmt_buf(why, size, "%s", r->conn.err[0] != '\0' ? r->conn.err :
	    "tether: the remote tether failed");
	return status > 0 ? status : EXIT_ERROR;
}

/* Read the answer to a question on the terminal: is it yes? */
static int
remote_yes(void)
{
	char	 line[16];
	size_t	 n = 0;
	ssize_t	 r;
	char	 ch;

	while ((r = read(STDIN_FILENO, &ch, 1)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 || ch == '\n')
			break;
		if (n < sizeof line - 1)
			line[n++] = ch;
	}
	line[n] = '\0';
	if (r == 0)
		fputc('\n', stderr);
	return strcmp(line, "y") == 0 || strcmp(line, "Y") == 0 ||
	    strcmp(line, "yes") == 0 || strcmp(line, "YES") == 0;
}

/* Copy the binary there (the probe said it fits) and say so. */
static int
remote_copy(struct remote *r, const struct deploy_bin *bin, FILE *out)
{
	char	 why[1024], mine[DEPLOY_FIELD];
	int	 status;

	if ((status = deploy_copy(&r->ssh, bin, why, sizeof why)) != 0) {
		fprintf(stderr, "tether: %s\n", why);
		return status;
	}
	deploy_version(mine, sizeof mine);
	fprintf(out, "installed %s in %s on %s\n", mine, DEPLOY_DIR,
	    r->ssh.host);
	return 0;
}

/*
 * The first connection found no tether on the host (248) or one speaking
 * another protocol (252). At a terminal, offer to copy this version into
 * ~/.local/bin: for 252 only over one that lives there, since the one on
 * the PATH would still come first. Returns 0 once installed, or the exit
 * status with its message shown.
 */
static int
remote_offer(struct remote *r, int status)
{
	struct deploy_bin	 bin;
	struct deploy_probe	 p;
	char			 why[1024], notether[512], mine[DEPLOY_FIELD];
	const char		*theirs;

	r->offer = 0;
	remote_notether(r, notether, sizeof notether);
	/* Without a binary to copy or a host that answers, no question. */
	if (deploy_find(r->install_binary, &bin, why, sizeof why) == -1 ||
	    deploy_probe(&r->ssh, &p, why, sizeof why) != 0) {
		log_debug("no offer to install: %s", why);
		if (status == EXIT_NOTETHER)
			fprintf(stderr, "%s\n", notether);
		return status;
	}
	if (deploy_fits(&bin, &p, r->ssh.host, why, sizeof why) == -1) {
		if (status == EXIT_NOTETHER)
			fprintf(stderr, "%s\n", notether);
		fprintf(stderr, "tether: %s\n", why);
		return status;
	}
	deploy_version(mine, sizeof mine);
	if (status == EXIT_NOTETHER) {
		if (p.found[0] != '\0' || p.local_version[0] != '\0') {
			fprintf(stderr, "%s\n", notether);
			return status;	/* there now: a race, or odd */
		}
		fprintf(stderr, "tether is not installed on %s (%s %s). "
		    "Install it in %s? [y/N] ", r->ssh.host, p.system,
		    p.machine, DEPLOY_DIR);
	} else {
		theirs = p.found[0] != '\0' ? p.found_version :
		    p.local_version;
		if (theirs[0] == '\0' || strcmp(theirs, mine) == 0)
			return status;	/* an older session, not tether */
		if (!deploy_is_local(&p)) {
			fprintf(stderr, "tether: %s runs %s from %s; upgrade it "
			    "there, or run tether --install %s and give "
			    "--remote-tether %s/tether\n", r->ssh.host, theirs,
			    p.found, r->ssh.host, DEPLOY_DIR);
			return status;
		}
		fprintf(stderr, "%s has %s in %s, this is %s. Install this "
		    "version there? [y/N] ", r->ssh.host, theirs, DEPLOY_DIR,
		    mine);
	}
	if (!remote_yes()) {
		if (status == EXIT_NOTETHER)
			fprintf(stderr, "%s\n", notether);
		return status;
	}
	return remote_copy(r, &bin, stderr);
}

/* Set up the defaults every remote command shares. */
static void
remote_init(struct remote *r, struct config *c)
{
	memset(r, 0, sizeof *r);
	r->config = c;
	config_defaults(&r->settings);
	r->ssh.program = "ssh";
	r->ssh.remote_tether = "tether";
	r->timeout_ms = REMOTE_TIMEOUT_MS;
	if (getenv("TETHER_TIMEOUT_MS") != NULL)
		r->timeout_ms = atoi(getenv("TETHER_TIMEOUT_MS"));
	if (r->timeout_ms < 500)
		r->timeout_ms = REMOTE_TIMEOUT_MS;
}

/* Free what the options allocated. */
static void
remote_free(struct remote *r)
{
	size_t	 i;

	for (i = 0; i < r->ssh.nargs; i++)
		free(r->ssh.args[i]);
	free(r->program);
	free(r->first);
	free(r->again);
	free(r->ssh.dial);
}

/* tether [options] [user@]host [-- command args...] */
int
remote_main(int argc, char **argv, struct config *c)
{
	struct remote		 r;
	struct client_opts	 co;
	char			 why[300];
	int			 i, status, was;

	remote_init(&r, c);
	i = remote_parse(&r, argc, argv);
	if (i < argc) {
		if (strcmp(argv[i], "--") != 0 || i + 1 == argc)
			usage_error("unexpected argument '%s'", argv[i]);
		r.argv = argv + i + 1;
	}
	if (r.name == NULL)
		remote_default_name(&r);
	if (sock_name_check(r.name, why, sizeof why) == -1) {
		fprintf(stderr, "tether: invalid session name: %s\n", why);
		remote_free(&r);
		return EXIT_USAGE;
	}
	r.first = remote_command(&r, 0);
	r.again = remote_command(&r, 1);
	memset(&co, 0, sizeof co);
	co.name = r.name;
	co.where = r.ssh.host;
	co.escape = r.settings.escape;
	co.timeout_ms = r.timeout_ms;
	co.lossless = r.settings.lossless;
	co.connect = remote_connect;
	co.lost = remote_lost;
	co.path = remote_path;
	co.arg = &r;
	status = client_run(&co);
	if (r.live)
		remote_lost(&r, 1, why, sizeof why);
	if ((status == EXIT_NOTETHER && r.offer) ||
	    (status == EXIT_VERSION && r.nconnects == 1 && !r.tether_given &&
	    isatty(STDIN_FILENO) && isatty(STDERR_FILENO))) {
		was = status;
		if ((status = remote_offer(&r, status)) == 0) {
			r.nconnects = 0;
			status = client_run(&co);
			if (r.live)
				remote_lost(&r, 1, why, sizeof why);
			/* The old bridge made the session, an old host. */
			if (was == EXIT_VERSION && status == EXIT_VERSION)
				fprintf(stderr, "tether: session %s on %s "
				    "belongs to the older tether; start another "
				    "with -s NAME\n", r.name, r.ssh.host);
		}
	}
	remote_free(&r);
	return status;
}

/* Run a tether command on the host with ssh's stdio as ours. */
static int
remote_simple(struct remote *r, const char **words)
{
	char	*cmd, why[512];
	int	 status;

	cmd = remote_exec_line(r, words);
	status = ssh_run(&r->ssh, cmd);
	free(cmd);
	if (status == 127) {
		remote_notether(r, why, sizeof why);
		fprintf(stderr, "%s\n", why);
		return EXIT_NOTETHER;
	}
	return status;
}

/* tether ls [options] host */
int
remote_ls(int argc, char **argv, struct config *c)
{
	struct remote	 r;
	const char	*words[3];
	int		 i, status;

	remote_init(&r, c);
	i = remote_parse(&r, argc, argv);
	if (i < argc)
		usage_error("unexpected argument '%s'", argv[i]);
	words[0] = r.ssh.remote_tether;
	words[1] = "ls";
	words[2] = NULL;
	status = remote_simple(&r, words);
	remote_free(&r);
	return status;
}

/* tether kill [options] host NAME..., or tether kill --detached host */
int
remote_kill(int argc, char **argv, struct config *c)
{
	struct remote	 r;
	const char	**words;
	char		**rest, why[128];
	int		 i, k = 0, n = 0, status, detached = 0;

	/* --detached may come anywhere: no session name starts with -. */
	rest = xcalloc((size_t)argc + 1, sizeof *rest);
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--detached") == 0)
			detached = 1;
		else
			rest[k++] = argv[i];
	}
	argc = k;
	argv = rest;
	remote_init(&r, c);
	i = remote_parse(&r, argc, argv);
	if (i == argc && !detached)
		usage_error("%s", "kill needs a session name");
	if (i < argc && detached)
		usage_error("unexpected argument '%s'", argv[i]);
	words = xcalloc((size_t)(argc - i) + 4, sizeof *words);
	words[n++] = r.ssh.remote_tether;
	words[n++] = "kill";
	if (detached)
		words[n++] = "--detached";
	for (; i < argc; i++) {
		if (sock_name_check(argv[i], why, sizeof why) == -1) {
			fprintf(stderr, "tether: invalid session name: %s\n",
			    why);
			free(words);
			free(rest);
			remote_free(&r);
			return EXIT_USAGE;
		}
		words[n++] = argv[i];
	}
	status = remote_simple(&r, words);
	free(words);
	free(rest);
	remote_free(&r);
	return status;
}

/* tether log [options] [-f] [-p] host NAME */
int
remote_log(int argc, char **argv, struct config *c)
{
	struct remote	 r;
	const char	*words[6];
	char		**rest, why[128];
	int		 i, n = 0, k = 0, follow = 0, plain = 0, status;

	rest = xcalloc((size_t)argc + 1, sizeof *rest);
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0 ||
		    strcmp(argv[i], "--follow") == 0)
			follow = 1;
		else if (strcmp(argv[i], "-p") == 0 ||
		    strcmp(argv[i], "--plain") == 0)
			plain = 1;
		else
			rest[k++] = argv[i];
	}
	remote_init(&r, c);
	i = remote_parse(&r, k, rest);
	if (i == k)
		usage_error("%s", "log needs a session name");
	if (i + 1 < k)
		usage_error("unexpected argument '%s'", rest[i + 1]);
	if (sock_name_check(rest[i], why, sizeof why) == -1) {
		fprintf(stderr, "tether: invalid session name: %s\n", why);
		free(rest);
		remote_free(&r);
		return EXIT_USAGE;
	}
	words[n++] = r.ssh.remote_tether;
	words[n++] = "log";
	if (follow)
		words[n++] = "-f";
	if (plain)
		words[n++] = "-p";
	words[n++] = rest[i];
	words[n] = NULL;
	status = remote_simple(&r, words);
	free(rest);
	remote_free(&r);
	return status;
}

/*
 * tether config [options] [host]: the settings for host (without one,
 * those local sessions get), one "keyword value" a line, as ssh -G shows
 * its own. Options given here win, as they would for the real command.
 */
int
remote_config(int argc, char **argv, struct config *c)
{
	struct remote	 r;
	const char	*host = NULL;
	char		 why[300];
	int		 i;

	remote_init(&r, c);
	i = remote_options(&r, argc, argv);
	if (i < argc) {
		if (ssh_check_host(argv[i], why, sizeof why) == -1)
			usage_error("%s", why);
		host = argv[i++];
	}
	if (i < argc)
		usage_error("unexpected argument '%s'", argv[i]);
	config_resolve(c, host, &r.settings);
	config_print(&r.settings, stdout);
	remote_free(&r);
	return 0;
}

/*
 * tether --install [options] host: copy a static tether into ~/.local/bin
 * on host, unless this version is there already.
 */
int
remote_install(int argc, char **argv, struct config *c)
{
	struct remote		 r;
	struct deploy_bin	 bin;
	struct deploy_probe	 p;
	char			 why[1024], mine[DEPLOY_FIELD];
	int			 i, status;

	remote_init(&r, c);
	i = remote_parse(&r, argc, argv);
	if (i < argc)
		usage_error("unexpected argument '%s'", argv[i]);
	deploy_version(mine, sizeof mine);
	if (deploy_find(r.install_binary, &bin, why, sizeof why) == -1)
		status = EXIT_INSTALL;
	else if ((status = deploy_probe(&r.ssh, &p, why, sizeof why)) != 0)
		;
	else if (deploy_fits(&bin, &p, r.ssh.host, why, sizeof why) == -1)
		status = EXIT_INSTALL;
	else if (strcmp(p.local_version, mine) == 0) {
		printf("%s already has %s in %s\n", r.ssh.host, mine,
		    DEPLOY_DIR);
		why[0] = '\0';
	} else if ((status = remote_copy(&r, &bin, stdout)) != 0)
		why[0] = '\0';		/* said */
	if (status != 0 && why[0] != '\0')
		fprintf(stderr, "tether: %s\n", why);
	if (status == 0 && p.found[0] != '\0' && !deploy_is_local(&p) &&
	    strcmp(p.found_version, mine) != 0)
		fprintf(stderr, "tether: note: sessions on %s run %s (%s) "
		    "first; give --remote-tether %s/tether to use this one\n",
		    r.ssh.host, p.found, p.found_version, DEPLOY_DIR);
	remote_free(&r);
	return status;
}
