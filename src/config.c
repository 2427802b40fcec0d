/*
 * The configuration file and the options that set the same things.
 *
 * ~/.config/tether/config ($XDG_CONFIG_HOME/tether/config) holds lines of
 * `Keyword value` or `Keyword=value`, keywords in any case, # comments.
 * Lines before the first `Host pattern...` apply everywhere; a Host
 * section whose patterns match the host as typed overrides them; within
 * each of the two, the first value of a keyword wins, as in ssh_config.
 * Command-line options win over both. The whole file is checked when it
 * is read, sections that do not match included, so a mistake shows at
 * once and not on the day its host is used.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fnmatch.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "duration.h"
#include "escape.h"
#include "fmt.h"
#include "outlog.h"
#include "ring.h"
#include "screen.h"
#include "xmalloc.h"

#define CONFIG_TIMEOUT_DEFAULT	3	/* seconds */
#define CONFIG_TIMEOUT_MAX	3600

typedef int	(*config_parser)(const char *, struct config_settings *, char *,
		    size_t);
typedef void	(*config_printer)(const struct config_settings *, char *,
		    size_t);

struct config_keyword {
	const char	*name;
	config_parser	 parse;
	config_printer	 print;
};

/* A size such as 8M, 65536 or 1G, in bytes; -1 if it is not one. */
int
config_parse_bytes(const char *s, unsigned long long *out)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || s[0] < '0' || s[0] > '9' ||
	    v > (1ULL << 40))
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* The ring size: 64K to 1G. */
int
config_parse_ring(const char *s, size_t *out, char *why, size_t len)
{
	unsigned long long	 v;

	if (config_parse_bytes(s, &v) == -1) {
		fmt_buf(why, len, "invalid size '%s'", s);
		return -1;
	}
	if (v < RING_MIN || v > RING_MAX) {
		fmt_buf(why, len, "ring size '%s' must be between 64K and 1G",
		    s);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

/* The output log's size: 0 (no log), or 64K to 16G. */
int
config_parse_log_size(const char *s, size_t *out, char *why, size_t len)
{
	unsigned long long	 v;

	if (config_parse_bytes(s, &v) == -1) {
		fmt_buf(why, len, "invalid size '%s'", s);
		return -1;
	}
	if (v != 0 && (v < OUTLOG_MIN || v > OUTLOG_MAX)) {
		fmt_buf(why, len, "log size '%s' must be 0 or between 64K "
		    "and 16G", s);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

/* A decimal number from 0 to max, digits only; -1 if it is not one. */
static int
config_number(const char *s, unsigned long long max, unsigned long long *out)
{
	char			*end;
	unsigned long long	 v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Lines of history: 0 to 100000. */
int
config_parse_history(const char *s, size_t *out, char *why, size_t len)
{
	unsigned long long	 v;

	if (config_number(s, SCREEN_HISTORY_MAX, &v) == -1) {
		fmt_buf(why, len, "history '%s' must be a number of lines "
		    "from 0 to 100000", s);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

/* The dead-link timeout: 1 to 3600 seconds. */
int
config_parse_timeout(const char *s, int *out, char *why, size_t len)
{
	unsigned long long	 v;

	if (config_number(s, CONFIG_TIMEOUT_MAX, &v) == -1 || v < 1) {
		fmt_buf(why, len, "invalid timeout '%s' (1 to 3600 seconds)",
		    s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* yes or no, in any case. */
static int
config_parse_flag(const char *s, int *out, char *why, size_t len)
{
	if (strcasecmp(s, "yes") == 0)
		*out = 1;
	else if (strcasecmp(s, "no") == 0)
		*out = 0;
	else {
		fmt_buf(why, len, "'%s' must be yes or no", s);
		return -1;
	}
	return 0;
}

/* Print a size the way it was most likely written: 8M rather than bytes. */
static void
config_print_size(size_t v, char *out, size_t len)
{
	if (v != 0 && v % (1UL << 30) == 0)
		fmt_buf(out, len, "%zuG", v >> 30);
	else if (v != 0 && v % (1UL << 20) == 0)
		fmt_buf(out, len, "%zuM", v >> 20);
	else if (v != 0 && v % (1UL << 10) == 0)
		fmt_buf(out, len, "%zuK", v >> 10);
	else
		fmt_buf(out, len, "%zu", v);
}

/*
 * The keywords, a parser and a printer each. A parser checks a value and
 * sets its field; -1 with why for a bad one.
 */
static int
escape_keyword(const char *v, struct config_settings *s, char *why, size_t len)
{
	if (escape_parse(v, &s->escape) == -1) {
		fmt_buf(why, len, "invalid escape character '%s'", v);
		return -1;
	}
	return 0;
}

static void
escape_show(const struct config_settings *s, char *out, size_t len)
{
	if (s->escape == ESCAPE_NONE)
		fmt_buf(out, len, "none");
	else if (s->escape < 0x20 || s->escape == 0x7f)
		fmt_buf(out, len, "^%c", s->escape == 0x7f ? '?' :
		    s->escape + '@');
	else
		fmt_buf(out, len, "%c", s->escape);
}

static int
timeout_keyword(const char *v, struct config_settings *s, char *why,
    size_t len)
{
	return config_parse_timeout(v, &s->timeout, why, len);
}

static void
timeout_show(const struct config_settings *s, char *out, size_t len)
{
	fmt_buf(out, len, "%d", s->timeout);
}

static int
ring_keyword(const char *v, struct config_settings *s, char *why, size_t len)
{
	return config_parse_ring(v, &s->ring_size, why, len);
}

static void
ring_show(const struct config_settings *s, char *out, size_t len)
{
	config_print_size(s->ring_size, out, len);
}

static int
log_size_keyword(const char *v, struct config_settings *s, char *why,
    size_t len)
{
	return config_parse_log_size(v, &s->log_size, why, len);
}

static void
log_size_show(const struct config_settings *s, char *out, size_t len)
{
	config_print_size(s->log_size, out, len);
}

static int
history_keyword(const char *v, struct config_settings *s, char *why,
    size_t len)
{
	return config_parse_history(v, &s->history, why, len);
}

static void
history_show(const struct config_settings *s, char *out, size_t len)
{
	fmt_buf(out, len, "%zu", s->history);
}

static int
lossless_keyword(const char *v, struct config_settings *s, char *why,
    size_t len)
{
	return config_parse_flag(v, &s->lossless, why, len);
}

static void
lossless_show(const struct config_settings *s, char *out, size_t len)
{
	fmt_buf(out, len, "%s", s->lossless ? "yes" : "no");
}

/* The words are split and counted where ssh's options are collected. */
static int
ssh_command_keyword(const char *v, struct config_settings *s, char *why,
    size_t len)
{
	if (v[strspn(v, " \t")] == '\0') {
		fmt_buf(why, len, "the ssh command is empty");
		return -1;
	}
	s->ssh_command = v;
	return 0;
}

static void
ssh_command_show(const struct config_settings *s, char *out, size_t len)
{
	fmt_buf(out, len, "%s", s->ssh_command);
}

static int
control_master_keyword(const char *v, struct config_settings *s, char *why,
    size_t len)
{
	return config_parse_flag(v, &s->control_master, why, len);
}

static void
control_master_show(const struct config_settings *s, char *out, size_t len)
{
	fmt_buf(out, len, "%s", s->control_master ? "yes" : "no");
}

static int
remote_tether_keyword(const char *v, struct config_settings *s, char *why,
    size_t len)
{
	if (*v == '\0') {
		fmt_buf(why, len, "the remote tether path is empty");
		return -1;
	}
	s->remote_tether = v;
	return 0;
}

static void
remote_tether_show(const struct config_settings *s, char *out, size_t len)
{
	fmt_buf(out, len, "%s", s->remote_tether);
}

/* none, or a duration such as 90s, 30m, 12h or 7d (duration.c). */
static int
ttl_keyword(const char *v, struct config_settings *s, char *why, size_t len)
{
	if (strcmp(v, "none") == 0) {
		s->ttl = 0;
		return 0;
	}
	return duration_parse(v, &s->ttl, why, len);
}

/* In the largest whole unit, so that the value reads back the same. */
static void
ttl_show(const struct config_settings *s, char *out, size_t len)
{
	static const struct {
		uint32_t	 secs;
		char		 unit;
	} units[] = { { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };
	size_t	 i;

	if (s->ttl == 0) {
		fmt_buf(out, len, "none");
		return;
	}
	for (i = 0; s->ttl % units[i].secs != 0; i++)
		continue;
	fmt_buf(out, len, "%u%c", (unsigned)(s->ttl / units[i].secs),
	    units[i].unit);
}

/* Every keyword: its name as documented, its parser and its printer. */
static const struct config_keyword config_keywords[CONFIG_NKEYS] = {
	[CONFIG_ESCAPE] = { "EscapeChar", escape_keyword, escape_show },
	[CONFIG_TIMEOUT] = { "Timeout", timeout_keyword, timeout_show },
	[CONFIG_RING] = { "RingSize", ring_keyword, ring_show },
	[CONFIG_LOG_SIZE] = { "LogSize", log_size_keyword, log_size_show },
	[CONFIG_HISTORY] = { "History", history_keyword, history_show },
	[CONFIG_LOSSLESS] = { "Lossless", lossless_keyword, lossless_show },
	[CONFIG_SSH_COMMAND] = { "SSHCommand", ssh_command_keyword,
	    ssh_command_show },
	[CONFIG_CONTROL_MASTER] = { "ControlMaster", control_master_keyword,
	    control_master_show },
	[CONFIG_REMOTE_TETHER] = { "RemoteTether", remote_tether_keyword,
	    remote_tether_show },
	[CONFIG_TTL] = { "TTL", ttl_keyword, ttl_show },
};

/* The values nothing set. */
void
config_defaults(struct config_settings *s)
{
	memset(s, 0, sizeof *s);
	s->escape = ESCAPE_DEFAULT;
	s->timeout = CONFIG_TIMEOUT_DEFAULT;
	s->ring_size = RING_DEFAULT;
	s->log_size = OUTLOG_DEFAULT;
	s->history = SCREEN_HISTORY_DEFAULT;
	s->ssh_command = "ssh";
	s->remote_tether = "tether";
}

/* An empty configuration: no file, no options. */
void
config_init(struct config *c)
{
	memset(c, 0, sizeof *c);
}

/* Free what config_read allocated. */
void
config_free(struct config *c)
{
	size_t	 i, j;

	for (i = 0; i < c->nentries; i++)
		free(c->entries[i].value);
	free(c->entries);
	for (i = 0; i < c->nsections; i++) {
		for (j = 0; j < c->sections[i].npatterns; j++)
			free(c->sections[i].patterns[j]);
		free(c->sections[i].patterns);
	}
	free(c->sections);
	free(c->path);
	config_init(c);
}

/*
 * The file read when none is named: $XDG_CONFIG_HOME/tether/config if
 * that is an absolute path (as the XDG spec asks), else under ~/.config.
 * -1 if there is no home to look in.
 */
int
config_default_path(char *out, size_t len)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME");
	const char	*home = getenv("HOME");
	struct passwd	*pw;
	int		 n;

	if (xdg != NULL && xdg[0] == '/')
		n = fmt_buf(out, len, "%s/tether/config", xdg);
	else {
		if (home == NULL || home[0] == '\0') {
			if ((pw = getpwuid(getuid())) == NULL)
				return -1;
			home = pw->pw_dir;
		}
		n = fmt_buf(out, len, "%s/.config/tether/config", home);
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The keyword of this name, in any case; -1 if there is none. */
static int
config_lookup(const char *name)
{
	int	 k;

	for (k = 0; k < CONFIG_NKEYS; k++) {
		if (strcasecmp(name, config_keywords[k].name) == 0)
			return k;
	}
	return -1;
}

/* Take a Host line's patterns as a new section. */
static int
config_add_section(struct config *c, char *value, char *why, size_t len)
{
	struct config_section	*sec;
	char			*word, *save = NULL;

	c->sections = xreallocarray(c->sections, c->nsections + 1,
	    sizeof *c->sections);
	sec = &c->sections[c->nsections++];
	memset(sec, 0, sizeof *sec);
	for (word = strtok_r(value, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save)) {
		if (strcmp(word, "!") == 0) {
			fmt_buf(why, len, "empty pattern '!' in Host");
			return -1;
		}
		sec->patterns = xreallocarray(sec->patterns,
		    sec->npatterns + 1, sizeof *sec->patterns);
		sec->patterns[sec->npatterns++] = xstrdup(word);
	}
	if (sec->npatterns == 0) {
		fmt_buf(why, len, "Host needs a pattern");
		return -1;
	}
	return 0;
}

/*
 * Check one line and keep what it says. The keyword runs to a blank or
 * '='; the value is the rest, without blanks at either end, so that
 * SSHCommand can hold several words.
 */
static int
config_line(struct config *c, char *line, char *why, size_t len)
{
	struct config_settings	 scratch;
	struct config_entry	*e;
	char			*key, *value, *end;
	int			 k;

	line[strcspn(line, "\r\n")] = '\0';
	key = line + strspn(line, " \t");
	if (*key == '\0' || *key == '#')
		return 0;
	value = key + strcspn(key, " \t=");
	end = value;
	value += strspn(value, " \t");
	if (*value == '=')
		value += 1 + strspn(value + 1, " \t");
	*end = '\0';
	if (*key == '\0') {
		fmt_buf(why, len, "missing keyword before '='");
		return -1;
	}
	for (end = value + strlen(value); end > value &&
	    (end[-1] == ' ' || end[-1] == '\t'); end--)
		end[-1] = '\0';
	if (strcasecmp(key, "Host") == 0)
		return config_add_section(c, value, why, len);
	if ((k = config_lookup(key)) == -1) {
		fmt_buf(why, len, "unknown keyword '%s'", key);
		return -1;
	}
	if (*value == '\0') {
		fmt_buf(why, len, "%s needs a value", config_keywords[k].name);
		return -1;
	}
	config_defaults(&scratch);
	if (config_keywords[k].parse(value, &scratch, why, len) == -1)
		return -1;
	c->entries = xreallocarray(c->entries, c->nentries + 1,
	    sizeof *c->entries);
	e = &c->entries[c->nentries++];
	e->key = k;
	e->section = c->nsections;
	e->value = xstrdup(value);
	return 0;
}

/*
 * Read and check a whole file from f; name is for messages. On a bad
 * line, why says "NAME:LINE: what is wrong".
 */
int
config_read(struct config *c, FILE *f, const char *name, char *why,
    size_t len)
{
	char	*line = NULL, msg[256];
	size_t	 size = 0, n = 0;
	ssize_t	 got;
	int	 r = 0;

	while ((got = getline(&line, &size, f)) != -1) {
		n++;
		if ((size_t)got != strlen(line))
			fmt_buf(msg, sizeof msg, "a NUL byte in the line");
		else if (config_line(c, line, msg, sizeof msg) == 0)
			continue;
		fmt_buf(why, len, "%s:%zu: %s", name, n, msg);
		r = -1;
		break;
	}
	if (r == 0 && ferror(f)) {
		fmt_buf(why, len, "cannot read %s: %s", name,
		    strerror(errno));
		r = -1;
	}
	free(line);
	return r;
}

/*
 * Read the configuration: path, or the default file when path is NULL,
 * or nothing when it is "none". Only the default may be missing. A file
 * others could write is refused, as ssh refuses one: SSHCommand runs
 * programs.
 */
int
config_load(struct config *c, const char *path, char *why, size_t len)
{
	char		 def[1024];
	struct stat	 sb;
	FILE		*f;
	int		 r;

	if (path != NULL && strcmp(path, "none") == 0)
		return 0;
	if (path == NULL) {
		if (config_default_path(def, sizeof def) == -1)
			return 0;
		path = def;
	}
	if ((f = fopen(path, "r")) == NULL) {
		if (path == def && (errno == ENOENT || errno == ENOTDIR))
			return 0;
		fmt_buf(why, len, "cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fmt_buf(why, len, "cannot read %s: %s", path,
		    strerror(EISDIR));
		fclose(f);
		return -1;
	}
	if (fstat(fileno(f), &sb) == 0 && ((sb.st_uid != 0 &&
	    sb.st_uid != getuid()) || (sb.st_mode & 022) != 0)) {
		fmt_buf(why, len, "bad owner or permissions on %s", path);
		fclose(f);
		return -1;
	}
	free(c->path);
	c->path = xstrdup(path);
	r = config_read(c, f, path, why, len);
	fclose(f);
	return r;
}

/*
 * A command-line option: check it with the keyword's own parser and keep
 * it, to win over the file. value must outlive c (argv does).
 */
int
config_set(struct config *c, enum config_key k, const char *value,
    char *why, size_t len)
{
	struct config_settings	 scratch;

	config_defaults(&scratch);
	if (config_keywords[k].parse(value, &scratch, why, len) == -1)
		return -1;
	c->cmdline[k] = value;
	return 0;
}

/*
 * Does a Host section apply to host ([user@]name; the name is matched)?
 * Yes when a pattern matches and no negated (!) pattern does.
 */
int
config_match(const struct config_section *sec, const char *host)
{
	const char	*at = strrchr(host, '@'), *p;
	size_t		 i;
	int		 yes = 0;

	if (at != NULL)
		host = at + 1;
	for (i = 0; i < sec->npatterns; i++) {
		p = sec->patterns[i];
		if (*p == '!') {
			if (fnmatch(p + 1, host, FNM_CASEFOLD) == 0)
				return 0;
		} else if (fnmatch(p, host, FNM_CASEFOLD) == 0)
			yes = 1;
	}
	return yes;
}

/* Apply an already checked value. */
static void
config_apply(struct config_settings *s, int k, const char *value)
{
	char	 why[256];

	if (config_keywords[k].parse(value, s, why, sizeof why) == 0)
		s->set |= 1U << k;
}

/* Apply the first value of each keyword in the chosen sections. */
static void
config_apply_first(const struct config *c, const char *host, int hosts,
    struct config_settings *s)
{
	const struct config_entry	*e;
	unsigned int			 done = 0;
	size_t				 i;

	for (i = 0; i < c->nentries; i++) {
		e = &c->entries[i];
		if ((e->section == 0) == hosts || (done & (1U << e->key)))
			continue;
		if (hosts && !config_match(&c->sections[e->section - 1], host))
			continue;
		config_apply(s, e->key, e->value);
		done |= 1U << e->key;
	}
}

/*
 * The settings for host (NULL: local sessions, which only the lines
 * before the first Host concern): defaults, then those lines, then the
 * matching Host sections, then the command line.
 */
void
config_resolve(const struct config *c, const char *host,
    struct config_settings *s)
{
	int	 k;

	config_defaults(s);
	config_apply_first(c, host, 0, s);
	if (host != NULL)
		config_apply_first(c, host, 1, s);
	for (k = 0; k < CONFIG_NKEYS; k++) {
		if (c->cmdline[k] != NULL)
			config_apply(s, k, c->cmdline[k]);
	}
}

/* Print every keyword's effective value, one "keyword value" a line. */
void
config_print(const struct config_settings *s, FILE *f)
{
	char	 name[64], value[1024];
	size_t	 i;
	int	 k;

	for (k = 0; k < CONFIG_NKEYS; k++) {
		fmt_buf(name, sizeof name, "%s", config_keywords[k].name);
		for (i = 0; name[i] != '\0'; i++) {
			if (name[i] >= 'A' && name[i] <= 'Z')
				name[i] += 'a' - 'A';
		}
		config_keywords[k].print(s, value, sizeof value);
		fprintf(f, "%s %s\n", name, value);
	}
}
