/*
 * Putting tether on a server that lacks it (tether --install): find a
 * statically linked tether here, ask the server its system and machine
 * over ssh, copy the binary into ~/.local/bin there and check that it runs.
 */
#ifndef DEPLOY_H
#define DEPLOY_H

#include <stddef.h>

struct ssh_opts;

#define DEPLOY_DIR	"~/.local/bin"	/* where it goes, for messages */
#define DEPLOY_FIELD	128		/* one line of the probe's answer */

/* What a static binary is for, read from its ELF header. */
struct deploy_bin {
	char		 path[4096];
	const char	*machine;	/* as uname -m says it: x86_64 ... */
	long long	 size;
};

/* What the server said about itself. */
struct deploy_probe {
	char	 system[DEPLOY_FIELD];	/* uname -s */
	char	 machine[DEPLOY_FIELD];	/* uname -m */
	char	 home[DEPLOY_FIELD * 4];
	char	 found[DEPLOY_FIELD * 4];	/* tether on its PATH, or "" */
	char	 found_version[DEPLOY_FIELD];	/* what that one says */
	char	 local_version[DEPLOY_FIELD];	/* ~/.local/bin/tether's */
};

void	deploy_version(char *, size_t);
int	deploy_elf(const char *, struct deploy_bin *, char *, size_t);
int	deploy_find(const char *, struct deploy_bin *, char *, size_t);
int	deploy_probe(const struct ssh_opts *, struct deploy_probe *, char *,
	    size_t);
int	deploy_fits(const struct deploy_bin *, const struct deploy_probe *,
	    const char *, char *, size_t);
int	deploy_copy(const struct ssh_opts *, const struct deploy_bin *, char *,
	    size_t);
int	deploy_is_local(const struct deploy_probe *);

#endif
