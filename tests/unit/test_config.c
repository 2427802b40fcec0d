/*
 * Unit tests for src/config.c: the shared value parsers and their ranges,
 * the file's syntax, Host matching and precedence (top level, Host
 * sections, command line), every error with its line number, the default
 * path, and loading (missing, unreadable, a directory, loose permissions).
 */
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "escape.h"
#include "outlog.h"
#include "ring.h"
#include "screen.h"
#include "../tap.h"

static char	 why[1024];

/* Read text as a file named "cfg" into c; what config_read returned. */
static int
read_text(struct config *c, const char *text)
{
	FILE	*f;
	int	 r;

	config_init(c);
	why[0] = '\0';
	if ((f = fmemopen((void *)text, strlen(text), "r")) == NULL) {
		perror("fmemopen");
		exit(2);
	}
	r = config_read(c, f, "cfg", why, sizeof why);
	fclose(f);
	return r;
}

/* The error for text, which must be refused; "" if it was accepted. */
static const char *
error_of(const char *text)
{
	struct config	 c;
	int		 r;

	r = read_text(&c, text);
	config_free(&c);
	return r == -1 ? why : "";
}

/*
 * The settings for host from text, which must be accepted. Their strings
 * point into the configuration, which is kept until the next call.
 */
static struct config	 held;

static void
settings_of(const char *text, const char *host, struct config_settings *s)
{
	config_free(&held);
	if (read_text(&held, text) == -1)
		diag("unexpected error: %s", why);
	config_resolve(&held, host, s);
}

/* The line config_print shows for keyword name. */
static const char *
printed(const struct config_settings *s, const char *name)
{
	static char	 line[256];
	char		*out = NULL, *p;
	size_t		 len = 0;
	FILE		*f = open_memstream(&out, &len);

	config_print(s, f);
	fclose(f);
	line[0] = '\0';
	for (p = strtok(out, "\n"); p != NULL; p = strtok(NULL, "\n")) {
		if (strncmp(p, name, strlen(name)) == 0 &&
		    p[strlen(name)] == ' ')
			snprintf(line, sizeof line, "%s", p);
	}
	free(out);
	return line;
}

static void
test_values(void)
{
	unsigned long long	 b;
	size_t			 z;
	int			 t;

	ok(config_parse_bytes("8M", &b) == 0 && b == 8ULL << 20, "8M");
	ok(config_parse_bytes("65536", &b) == 0 && b == 65536, "65536");
	ok(config_parse_bytes("1k", &b) == 0 && b == 1024, "1k");
	ok(config_parse_bytes("2g", &b) == 0 && b == 2ULL << 30, "2g");
	ok(config_parse_bytes("x", &b) == -1, "x is no size");
	ok(config_parse_bytes("", &b) == -1, "empty is no size");
	ok(config_parse_bytes("-1", &b) == -1, "-1 is no size");
	ok(config_parse_bytes(" 1", &b) == -1, "a leading blank is refused");
	ok(config_parse_bytes("1T", &b) == -1, "1T is no size");
	ok(config_parse_bytes("8MB", &b) == -1, "8MB is no size");
	ok(config_parse_bytes("99999999999999999999", &b) == -1,
	    "an overflowing number is no size");

	ok(config_parse_ring("64K", &z, why, sizeof why) == 0 &&
	    z == RING_MIN, "ring 64K, the least");
	ok(config_parse_ring("65535", &z, why, sizeof why) == -1,
	    "ring below 64K refused");
	is_str(why, "ring size '65535' must be between 64K and 1G",
	    "the ring's range is named");
	ok(config_parse_ring("1G", &z, why, sizeof why) == 0 && z == RING_MAX,
	    "ring 1G, the most");
	ok(config_parse_ring("1073741825", &z, why, sizeof why) == -1,
	    "ring above 1G refused");
	ok(config_parse_ring("lots", &z, why, sizeof why) == -1,
	    "ring 'lots' refused");
	is_str(why, "invalid size 'lots'", "a bad size is named");

	ok(config_parse_log_size("0", &z, why, sizeof why) == 0 && z == 0,
	    "log size 0: no log");
	ok(config_parse_log_size("16G", &z, why, sizeof why) == 0 &&
	    z == OUTLOG_MAX, "log size 16G, the most");
	ok(config_parse_log_size("17G", &z, why, sizeof why) == -1,
	    "log size 17G refused");
	ok(config_parse_log_size("1K", &z, why, sizeof why) == -1,
	    "log size 1K refused");
	is_str(why, "log size '1K' must be 0 or between 64K and 16G",
	    "the log size's range is named");

	ok(config_parse_history("0", &z, why, sizeof why) == 0 && z == 0,
	    "history 0");
	ok(config_parse_history("100000", &z, why, sizeof why) == 0 &&
	    z == SCREEN_HISTORY_MAX, "history 100000");
	ok(config_parse_history("100001", &z, why, sizeof why) == -1,
	    "history 100001 refused");
	is_str(why, "history '100001' must be a number of lines from 0 to "
	    "100000", "the history's range is named");
	ok(config_parse_history("-1", &z, why, sizeof why) == -1,
	    "history -1 refused");
	ok(config_parse_history("+5", &z, why, sizeof why) == -1,
	    "history +5 refused");
	ok(config_parse_history("5k", &z, why, sizeof why) == -1,
	    "history 5k refused");

	ok(config_parse_timeout("1", &t, why, sizeof why) == 0 && t == 1,
	    "timeout 1");
	ok(config_parse_timeout("3600", &t, why, sizeof why) == 0 &&
	    t == 3600, "timeout 3600");
	ok(config_parse_timeout("0", &t, why, sizeof why) == -1,
	    "timeout 0 refused");
	ok(config_parse_timeout("3601", &t, why, sizeof why) == -1,
	    "timeout 3601 refused");
	is_str(why, "invalid timeout '3601' (1 to 3600 seconds)",
	    "the timeout's range is named");
}

static void
test_syntax(void)
{
	struct config_settings	 s;

	settings_of("", NULL, &s);
	is_int(s.escape, ESCAPE_DEFAULT, "empty file: escape ~");
	is_int(s.timeout, 3, "empty file: timeout 3");
	is_u64(s.ring_size, RING_DEFAULT, "empty file: ring 8M");
	is_u64(s.log_size, OUTLOG_DEFAULT, "empty file: log 32M");
	is_u64(s.history, SCREEN_HISTORY_DEFAULT, "empty file: history 2000");
	is_int(s.lossless, 0, "empty file: not lossless");
	is_str(s.ssh_command, "ssh", "empty file: ssh");
	is_int(s.control_master, 0, "empty file: no ControlMaster");
	is_str(s.remote_tether, "tether", "empty file: remote tether");
	is_int(s.set, 0, "empty file: nothing set");

	settings_of("# a comment\n\n   \t\n  # indented comment\n"
	    "escapechar ^A\n"
	    "TIMEOUT=7\n"
	    "RingSize = 16M\n"
	    "  LogSize\t0  \t\n"
	    "History 10\r\n"
	    "Lossless YES\n"
	    "SSHCommand   ssh -p 2222 -o A=b  \n"
	    "ControlMaster no\n"
	    "RemoteTether /opt/t/bin/tether\n", NULL, &s);
	is_int(s.escape, 1, "keyword in lower case, ^A");
	is_int(s.timeout, 7, "keyword in upper case, Keyword=value");
	is_u64(s.ring_size, 16 << 20, "Keyword = value");
	is_u64(s.log_size, 0, "a tab, trailing blanks");
	is_u64(s.history, 10, "a CRLF line");
	is_int(s.lossless, 1, "yes in any case");
	is_str(s.ssh_command, "ssh -p 2222 -o A=b",
	    "SSHCommand keeps its words, not the blanks around them");
	is_int(s.control_master, 0, "ControlMaster no");
	is_str(s.remote_tether, "/opt/t/bin/tether", "RemoteTether");
	ok(CONFIG_ISSET(&s, CONFIG_LOG_SIZE) && CONFIG_ISSET(&s, CONFIG_RING),
	    "values from the file count as set");
	is_str(printed(&s, "escapechar"), "escapechar ^A", "printed ^A");
	is_str(printed(&s, "logsize"), "logsize 0", "printed log size 0");
	is_str(printed(&s, "ringsize"), "ringsize 16M", "printed 16M");
	is_str(printed(&s, "sshcommand"), "sshcommand ssh -p 2222 -o A=b",
	    "printed ssh command");
	is_str(printed(&s, "lossless"), "lossless yes", "printed yes");

	settings_of("EscapeChar none\nRingSize 65537\nEscapeChar #\n", NULL,
	    &s);
	is_int(s.escape, ESCAPE_NONE, "EscapeChar none; the first value wins");
	is_str(printed(&s, "escapechar"), "escapechar none", "printed none");
	is_str(printed(&s, "ringsize"), "ringsize 65537",
	    "an odd size printed in bytes");
	settings_of("EscapeChar #\n", NULL, &s);
	is_int(s.escape, '#', "# as a value is no comment");

	/* TTL: duration.c's words, or none; printed to read back the same. */
	settings_of("", NULL, &s);
	is_int((int)s.ttl, 0, "empty file: no ttl");
	is_str(printed(&s, "ttl"), "ttl none", "printed: ttl none");
	settings_of("TTL 90s\n", NULL, &s);
	is_int((int)s.ttl, 90, "TTL 90s");
	is_str(printed(&s, "ttl"), "ttl 90s", "printed 90s");
	settings_of("TTL 36h\n", NULL, &s);
	is_str(printed(&s, "ttl"), "ttl 36h", "printed 36h, not 1d12h");
	settings_of("TTL 7d\nHost quiet\n TTL none\n", "quiet", &s);
	is_int((int)s.ttl, 0, "a Host section's TTL none wins over 7d");
	settings_of("TTL 7d\nHost quiet\n TTL none\n", "other", &s);
	is_int((int)s.ttl, 7 * 24 * 3600, "other hosts keep TTL 7d");
}

static const char hosts[] =
    "RingSize 16M\n"
    "History 5\n"
    "Host web* !webx\n"
    "  RingSize 32M\n"
    "  EscapeChar ^]\n"
    "Host db\n"
    "  Timeout 9\n"
    "Host *\n"
    "  RingSize 64M\n"
    "  Timeout 20\n"
    "  Lossless yes\n";

static void
test_hosts(void)
{
	struct config_settings	 s;
	struct config		 c;

	settings_of(hosts, NULL, &s);
	is_u64(s.ring_size, 16 << 20, "local: the top level's ring");
	is_int(s.escape, '~', "local: no Host section applies");
	is_int(s.lossless, 0, "local: not even Host *");
	settings_of(hosts, "web1", &s);
	is_u64(s.ring_size, 32 << 20,
	    "a matching Host overrides the top level");
	is_int(s.escape, 0x1d, "web1 gets the section's escape");
	is_int(s.timeout, 20, "a later matching section adds what is unset");
	is_u64(s.history, 5, "the top level fills in the rest");
	is_int(s.lossless, 1, "Host * matches");
	settings_of(hosts, "webx", &s);
	is_u64(s.ring_size, 64 << 20, "a negated pattern excludes webx");
	is_int(s.escape, '~', "webx does not get web*'s escape");
	settings_of(hosts, "me@WEB7", &s);
	is_u64(s.ring_size, 32 << 20,
	    "user@ is not matched; names match in any case");
	settings_of(hosts, "db", &s);
	is_int(s.timeout, 9, "the first matching section's value wins");
	settings_of(hosts, "db.example", &s);
	is_int(s.timeout, 20, "db does not match db.example");

	read_text(&c, hosts);
	ok(config_set(&c, CONFIG_RING, "1G", why, sizeof why) == 0,
	    "an option for the ring");
	ok(config_set(&c, CONFIG_RING, "128M", why, sizeof why) == 0,
	    "a later option for the ring");
	ok(config_set(&c, CONFIG_ESCAPE, "none", why, sizeof why) == 0,
	    "an option for the escape");
	ok(config_set(&c, CONFIG_HISTORY, "100001", why, sizeof why) == -1,
	    "an option out of range is refused");
	is_str(why, "history '100001' must be a number of lines from 0 to "
	    "100000", "with the file's message");
	ok(config_set(&c, CONFIG_TIMEOUT, "x", why, sizeof why) == -1,
	    "a bad timeout option");
	config_resolve(&c, "web1", &s);
	is_u64(s.ring_size, 128 << 20,
	    "the command line wins; its last value");
	is_int(s.escape, ESCAPE_NONE, "the command line's escape wins");
	is_u64(s.history, 5, "a refused option changes nothing");
	is_int(s.timeout, 20, "a refused timeout changes nothing");
	config_resolve(&c, NULL, &s);
	is_u64(s.ring_size, 128 << 20, "the command line wins locally too");
	config_free(&c);
}

static void
test_errors(void)
{
	is_str(error_of("\n# c\nFoo bar\n"), "cfg:3: unknown keyword 'Foo'",
	    "unknown keyword, with its line");
	is_str(error_of("Hostname x\n"), "cfg:1: unknown keyword 'Hostname'",
	    "ssh's keywords are not ours");
	is_str(error_of("RingSize\n"), "cfg:1: RingSize needs a value",
	    "missing value");
	is_str(error_of("ringsize =  \n"), "cfg:1: RingSize needs a value",
	    "missing value after =");
	is_str(error_of("= 8M\n"), "cfg:1: missing keyword before '='",
	    "missing keyword");
	is_str(error_of("Host web\nHost\n"), "cfg:2: Host needs a pattern",
	    "Host with no pattern");
	is_str(error_of("Host a !\n"), "cfg:1: empty pattern '!' in Host",
	    "an empty negated pattern");
	is_str(error_of("Host x\n RingSize 1K\n"),
	    "cfg:2: ring size '1K' must be between 64K and 1G",
	    "a bad value in a section that may never match");
	is_str(error_of("RingSize 8M 9M\n"), "cfg:1: invalid size '8M 9M'",
	    "two values");
	is_str(error_of("LogSize 20G\n"),
	    "cfg:1: log size '20G' must be 0 or between 64K and 16G",
	    "log size out of range");
	is_str(error_of("History lots\n"), "cfg:1: history 'lots' must be a "
	    "number of lines from 0 to 100000", "bad history");
	is_str(error_of("Timeout 0\n"),
	    "cfg:1: invalid timeout '0' (1 to 3600 seconds)", "timeout 0");
	is_str(error_of("EscapeChar xy\n"),
	    "cfg:1: invalid escape character 'xy'", "bad escape character");
	is_str(error_of("Lossless maybe\n"), "cfg:1: 'maybe' must be yes or no",
	    "bad flag");
	is_str(error_of("ControlMaster 1\n"), "cfg:1: '1' must be yes or no",
	    "bad ControlMaster");
	is_str(error_of("TTL 0\n"),
	    "cfg:1: duration '0' must be from 1s to 3650d", "TTL 0");
	is_str(error_of("TTL soon\n"), "cfg:1: invalid duration 'soon' (use "
	    "a number and s, m, h or d, such as 30m)", "bad TTL");
	is_str(error_of("History 1\nHistory 2\nRingSize 1\n"),
	    "cfg:3: ring size '1' must be between 64K and 1G",
	    "the line number counts every line");
}

/*
 * Loading: the default path, missing and unreadable files, a directory,
 * loose permissions, and a NUL byte (written for real: fmemopen would
 * stop at it).
 */
static void
test_load(void)
{
	struct config	 c;
	char		 dir[] = "/tmp/test_config.XXXXXX", path[1200];
	char		 def[1200];
	FILE		*f;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	setenv("XDG_CONFIG_HOME", dir, 1);
	ok(config_default_path(def, sizeof def) == 0, "a default path");
	snprintf(path, sizeof path, "%s/tether/config", dir);
	is_str(def, path, "$XDG_CONFIG_HOME/tether/config");
	setenv("XDG_CONFIG_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	config_default_path(def, sizeof def);
	is_str(def, "/home/u/.config/tether/config",
	    "a relative XDG_CONFIG_HOME is ignored");
	unsetenv("XDG_CONFIG_HOME");
	config_default_path(def, sizeof def);
	is_str(def, "/home/u/.config/tether/config", "~/.config/tether/config");

	setenv("XDG_CONFIG_HOME", dir, 1);
	config_init(&c);
	ok(config_load(&c, NULL, why, sizeof why) == 0,
	    "a missing default file is no error");
	ok(c.path == NULL, "and nothing was read");
	ok(config_load(&c, "none", why, sizeof why) == 0, "none reads nothing");
	ok(config_load(&c, path, why, sizeof why) == -1,
	    "a missing named file is an error");
	ok(strstr(why, "cannot read ") != NULL && strstr(why, path) != NULL,
	    "which names the file: %s", why);
	ok(config_load(&c, dir, why, sizeof why) == -1, "a directory");
	ok(strstr(why, "Is a directory") != NULL, "is refused: %s", why);

	snprintf(def, sizeof def, "%s/tether", dir);
	mkdir(def, 0700);
	f = fopen(path, "w");
	fwrite("History 7\nRingSize\0 1\n", 1, 23, f);
	fclose(f);
	chmod(path, 0600);
	ok(config_load(&c, NULL, why, sizeof why) == -1, "a NUL in the file");
	ok(strstr(why, ":2: a NUL byte in the line") != NULL,
	    "is refused with its line: %s", why);
	config_free(&c);

	f = fopen(path, "w");
	fputs("History 7\n", f);
	fclose(f);
	chmod(path, 0620);
	config_init(&c);
	ok(config_load(&c, NULL, why, sizeof why) == -1,
	    "a group-writable file is refused");
	ok(strstr(why, "bad owner or permissions on ") != NULL, "saying %s",
	    why);
	chmod(path, 0644);
	ok(config_load(&c, NULL, why, sizeof why) == 0, "a 0644 file is read");
	is_str(c.path, path, "the default file");
	is_int(c.nentries, 1, "with its one line");
	config_free(&c);
	if (getuid() == 0) {
		/* Root reads anything: only the mode can refuse. */
		chmod(path, 0);
		config_init(&c);
		ok(config_load(&c, NULL, why, sizeof why) == 0,
		    "root reads a mode 0 file");
		config_free(&c);
	} else {
		chmod(path, 0);
		config_init(&c);
		ok(config_load(&c, NULL, why, sizeof why) == -1,
		    "an unreadable file is an error");
		config_free(&c);
	}
	unlink(path);
	rmdir(def);
	rmdir(dir);
}

int
main(void)
{
	test_values();
	test_syntax();
	test_hosts();
	test_errors();
	test_load();
	config_free(&held);
	return done_testing();
}
