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
#include "escape.h"
#include "log.h"
#include "screen.h"
#include "sock.h"
#include "ssh.h"
#include "tether.h"
#include "xmalloc.h"

#define REMOTE_TIMEOUT_MS	3000	/* default dead-link silence */

struct remote {
	struct ssh_opts	 ssh;
	struct ssh_conn	 conn;
	int		 live;		/* conn holds a running ssh */
	int		 dial_checked;	/* ssh_setup_dial has run */
	const char	*name;		/* -s NAME, or the default */
	char		 defname[SOCK_NAME_MAX + 1];
	int		 escape;
	int		 timeout_ms;
	const char	*ring;		/* --ring, passed on */
	const char	*log_size;	/* --log-size, passed on */
	int		 lossless;	/* --lossless: never skip output */
	const char	*history;	/* --history, passed on */
	char *const	*argv;		/* the command after --, or NULL */
	char		*program;	/* --ssh's first word, ours to free */
	char		*first;		/* remote command: attach or create */
	char		*again;		/* remote command: resume only */
};

/* Print a one-line usage error and exit. */
static void __attribute__((noreturn))
remote_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "tether: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "; see tether --help\n");
	exit(EXIT_USAGE);
}

/* Add an ssh option and its value, checking that there is room. */
static void
remote_ssh_arg(struct remote *r, const char *opt, const char *value)
{
	if (ssh_add_arg(&r->ssh, opt) == -1 ||
	    (value != NULL && ssh_add_arg(&r->ssh, value) == -1))
		remote_usage("%s", "too many ssh options");
}

/* Split --ssh COMMAND into the program and options for ssh. */
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
		remote_usage("%s", "--ssh needs a command");
	r->ssh.program = r->program;
}

/*
 * Parse one option at argv[*i]; returns 0 when it was one. Options with a
 * value take it joined (-p2222) or as the next argument (-p 2222).
 */
static int
remote_option(struct remote *r, int argc, char **argv, int *i)
{
	const char	*a = argv[*i], *v = NULL;
	char		 opt[3];
	char		*end;
	long		 n;

	if (strcmp(a, "--ssh") == 0 || strcmp(a, "--remote-tether") == 0 ||
	    strcmp(a, "--timeout") == 0 || strcmp(a, "--ring") == 0 ||
	    strcmp(a, "--history") == 0 || strcmp(a, "--log-size") == 0) {
		if (*i + 1 >= argc)
			remote_usage("%s needs a value", a);
		v = argv[++*i];
		if (strcmp(a, "--ssh") == 0)
			remote_ssh_command(r, v);
		else if (strcmp(a, "--remote-tether") == 0)
			r->ssh.remote_tether = v;
		else if (strcmp(a, "--ring") == 0)
			r->ring = v;
		else if (strcmp(a, "--log-size") == 0)
			r->log_size = v;
		else if (strcmp(a, "--history") == 0) {
			n = strtol(v, &end, 10);
			if (*end != '\0' || end == v || n < 0 ||
			    n > SCREEN_HISTORY_MAX)
				remote_usage("invalid --history '%s' (0 to "
				    "100000 lines)", v);
			r->history = v;
		}
		else {
			n = strtol(v, &end, 10);
			if (*end != '\0' || n < 1 || n > 3600)
				remote_usage("invalid --timeout '%s' (1 to 3600 "
				    "seconds)", v);
			r->timeout_ms = (int)n * 1000;
		}
		return 0;
	}
	if (strcmp(a, "--control-master") == 0) {
		r->ssh.control_master = 1;
		return 0;
	}
	if (strcmp(a, "--lossless") == 0) {
		r->lossless = 1;
		return 0;
	}
	if (a[0] != '-' || a[1] == '\0')
		return -1;
	if (a[1] == '-')
		remote_usage("unknown option '%s'", a);
	if (a[2] == '\0' && strchr("46A", a[1]) != NULL) {
		remote_ssh_arg(r, a, NULL);
		return 0;
	}
	if (strchr("seipJFolLRD", a[1]) == NULL)
		remote_usage("unknown option '%s'", a);
	if (a[2] != '\0')
		v = a + 2;
	else if (*i + 1 < argc)
		v = argv[++*i];
	else
		remote_usage("option '%s' needs a value", a);
	switch (a[1]) {
	case 's':
		r->name = v;
		break;
	case 'e':
		if (escape_parse(v, &r->escape) == -1)
			remote_usage("invalid escape character '%s'", v);
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

/*
 * Parse options and the host. Returns the index of the first argument
 * after the host (or argc).
 */
static int
remote_parse(struct remote *r, int argc, char **argv)
{
	char	 why[300];
	int	 i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			remote_usage("%s", "missing host before --");
		if (remote_option(r, argc, argv, &i) == -1)
			break;
	}
	if (i == argc)
		remote_usage("%s", "missing host");
	if (ssh_check_host(argv[i], why, sizeof why) == -1)
		remote_usage("%s", why);
	r->ssh.host = argv[i];
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
		snprintf(host, sizeof host, "local");
	host[sizeof host - 1] = '\0';
	host[strcspn(host, ".")] = '\0';
	host[24] = '\0';
	id[0] = '\0';
	for (i = 0; i < sizeof vars / sizeof vars[0] && id[0] == '\0'; i++) {
		if ((v = getenv(vars[i][0])) != NULL && *v != '\0')
			snprintf(id, sizeof id, "%s%s", vars[i][1], v);
	}
	if (id[0] == '\0' && (tty = ttyname(STDIN_FILENO)) != NULL)
		snprintf(id, sizeof id, "%s", strncmp(tty, "/dev/", 5) == 0 ?
		    tty + 5 : tty);
	if (id[0] == '\0')
		snprintf(id, sizeof id, "default");
	if (strlen(host) + 1 + strlen(id) > SOCK_NAME_MAX) {
		for (v = id; *v != '\0'; v++)
			h = (h ^ (uint8_t)*v) * 1099511628211ULL;
		snprintf(id, sizeof id, "%016llx", (unsigned long long)h);
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
		remote_usage("%s", "too many arguments");
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
 * The command ssh runs on the host: the remote tether's bridge for this
 * session, with the terminal's type and locale, every word quoted.
 */
static char *
remote_command(struct remote *r, int resume)
{
	static const char *const env[] = { "TERM", "COLORTERM", "LANG",
	    "LC_ALL", "LC_CTYPE" };
	const char	*v[128], *val;
	char		*words, *cmd, *pairs[5];
	size_t		 n = 0, i, np = 0;

	v[0] = NULL;
	remote_word(v, &n, 128, r->ssh.remote_tether);
	remote_word(v, &n, 128, "bridge");
	if (resume)
		remote_word(v, &n, 128, "--resume");
	if (r->log_size != NULL) {
		remote_word(v, &n, 128, "--log-size");
		remote_word(v, &n, 128, r->log_size);
	}
	if (r->ring != NULL) {
		remote_word(v, &n, 128, "--ring");
		remote_word(v, &n, 128, r->ring);
	}
	if (r->history != NULL) {
		remote_word(v, &n, 128, "--history");
		remote_word(v, &n, 128, r->history);
	}
	for (i = 0; i < sizeof env / sizeof env[0]; i++) {
		/* The bridge refuses control characters: leave those out. */
		if ((val = getenv(env[i])) == NULL || strlen(val) > 200 ||
		    remote_has_control(val))
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
	words = ssh_quote((char *const *)v);
	xasprintf(&cmd, "exec %s", words);
	free(words);
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

/* The message for a host without tether. */
static void
remote_notether(const struct remote *r, char *why, size_t size)
{
	snprintf(why, size, "tether: no tether on %s (%s not found); "
	    "install it there or give its path with --remote-tether",
	    r->ssh.host, r->ssh.remote_tether);
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
		snprintf(why, size, "tether: %s", r->conn.err);
		return EXIT_AUTH;
	case SSH_FAIL_NOTETHER:
		remote_notether(r, why, size);
		return EXIT_NOTETHER;
	case SSH_FAIL_HOSTNAME:
	case SSH_FAIL_NETWORK:
		if (!final)
			return 0;	/* the network may come back */
		snprintf(why, size, "tether: cannot connect to %s: %s",
		    r->ssh.host, r->conn.err[0] != '\0' ? r->conn.err :
		    "ssh failed");
		return EXIT_CONNECT;
	}
	if (status == EXIT_NOSESSION && !final) {
		snprintf(why, size, "tether: session %s on %s has ended",
		    r->name, r->ssh.host);
		return EXIT_NOSESSION;
	}
	if (status == 0 || (!final && strncmp(r->conn.err, "tether: ", 8)
	    != 0))
		return 0;
	snprintf(why, size, "%s", r->conn.err[0] != '\0' ? r->conn.err :
	    "tether: the remote tether failed");
	return status > 0 ? status : EXIT_ERROR;
}

/* Set up the defaults every remote command shares. */
static void
remote_init(struct remote *r)
{
	memset(r, 0, sizeof *r);
	r->ssh.program = "ssh";
	r->ssh.remote_tether = "tether";
	r->escape = ESCAPE_DEFAULT;
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
remote_main(int argc, char **argv)
{
	struct remote		 r;
	struct client_opts	 co;
	char			 why[300];
	int			 i, status;

	remote_init(&r);
	i = remote_parse(&r, argc, argv);
	if (i < argc) {
		if (strcmp(argv[i], "--") != 0 || i + 1 == argc)
			remote_usage("unexpected argument '%s'", argv[i]);
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
	co.escape = r.escape;
	co.timeout_ms = r.timeout_ms;
	co.lossless = r.lossless;
	co.connect = remote_connect;
	co.lost = remote_lost;
	co.arg = &r;
	status = client_run(&co);
	if (r.live)
		remote_lost(&r, 1, why, sizeof why);
	remote_free(&r);
	return status;
}

/* Run a tether command on the host with ssh's stdio as ours. */
static int
remote_simple(struct remote *r, const char **words)
{
	char	*quoted, *cmd, why[512];
	int	 status;

	quoted = ssh_quote((char *const *)words);
	xasprintf(&cmd, "exec %s", quoted);
	free(quoted);
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
remote_ls(int argc, char **argv)
{
	struct remote	 r;
	const char	*words[3];
	int		 i, status;

	remote_init(&r);
	i = remote_parse(&r, argc, argv);
	if (i < argc)
		remote_usage("unexpected argument '%s'", argv[i]);
	words[0] = r.ssh.remote_tether;
	words[1] = "ls";
	words[2] = NULL;
	status = remote_simple(&r, words);
	remote_free(&r);
	return status;
}

/* tether kill [options] host NAME... */
int
remote_kill(int argc, char **argv)
{
	struct remote	 r;
	const char	**words;
	char		 why[128];
	int		 i, n = 0, status;

	remote_init(&r);
	i = remote_parse(&r, argc, argv);
	if (i == argc)
		remote_usage("%s", "kill needs a session name");
	words = xcalloc((size_t)(argc - i) + 3, sizeof *words);
	words[n++] = r.ssh.remote_tether;
	words[n++] = "kill";
	for (; i < argc; i++) {
		if (sock_name_check(argv[i], why, sizeof why) == -1) {
			fprintf(stderr, "tether: invalid session name: %s\n",
			    why);
			free(words);
			remote_free(&r);
			return EXIT_USAGE;
		}
		words[n++] = argv[i];
	}
	status = remote_simple(&r, words);
	free(words);
	remote_free(&r);
	return status;
}

/* tether log [options] [-f] [-p] host NAME */
int
remote_log(int argc, char **argv)
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
	remote_init(&r);
	i = remote_parse(&r, k, rest);
	if (i == k)
		remote_usage("%s", "log needs a session name");
	if (i + 1 < k)
		remote_usage("unexpected argument '%s'", rest[i + 1]);
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
