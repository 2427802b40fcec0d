/*
 * Settings a user gives once: the configuration file (in the manner of
 * ssh_config, with Host sections) and the command-line options that set
 * the same things. Both go through one table of keywords and one parser
 * per keyword, so a value the file accepts is a value the option accepts.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * One keyword each. Adding one: a name here, a field in config_settings,
 * its default in config_defaults, and a row (name, parser, printer) in
 * config.c's table.
 */
enum config_key {
	CONFIG_ESCAPE = 0,
	CONFIG_TIMEOUT,
	CONFIG_RING,
	CONFIG_LOG_SIZE,
	CONFIG_HISTORY,
	CONFIG_LOSSLESS,
	CONFIG_SSH_COMMAND,
	CONFIG_CONTROL_MASTER,
	CONFIG_REMOTE_TETHER,
	CONFIG_TTL,
	CONFIG_NKEYS
};

/* The effective values; strings point into the config or argv. */
struct config_settings {
	int		 escape;	/* a byte, or ESCAPE_NONE */
	int		 timeout;	/* dead-link silence, seconds */
	size_t		 ring_size;
	size_t		 log_size;	/* 0: no output log */
	size_t		 history;
	int		 lossless;
	const char	*ssh_command;	/* program and options, blank-split */
	int		 control_master;
	const char	*remote_tether;
	uint32_t	 ttl;		/* seconds detached, then end; 0: none */
	unsigned int	 set;		/* 1 << key: given, not a default */
};

struct config_entry {
	int		 key;
	size_t		 section;	/* 0: before the first Host */
	char		*value;
};

struct config_section {
	char		**patterns;
	size_t		  npatterns;
};

struct config {
	char			*path;		/* the file read, or NULL */
	struct config_entry	*entries;
	size_t			 nentries;
	struct config_section	*sections;	/* Host sections 1..n */
	size_t			 nsections;
	const char		*cmdline[CONFIG_NKEYS];	/* options: win */
};

#define CONFIG_ISSET(s, k)	(((s)->set & (1U << (k))) != 0)

void	config_init(struct config *);
void	config_free(struct config *);
int	config_default_path(char *, size_t);
int	config_load(struct config *, const char *, char *, size_t);
int	config_read(struct config *, FILE *, const char *, char *, size_t);
int	config_set(struct config *, enum config_key, const char *, char *,
	    size_t);
int	config_match(const struct config_section *, const char *);
void	config_defaults(struct config_settings *);
void	config_resolve(const struct config *, const char *,
	    struct config_settings *);
void	config_print(const struct config_settings *, FILE *);

int	config_parse_bytes(const char *, unsigned long long *);
int	config_parse_ring(const char *, size_t *, char *, size_t);
int	config_parse_log_size(const char *, size_t *, char *, size_t);
int	config_parse_history(const char *, size_t *, char *, size_t);
int	config_parse_timeout(const char *, int *, char *, size_t);

#endif
