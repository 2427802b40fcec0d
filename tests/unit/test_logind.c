/*
 * Unit tests for logind_conf_kills (src/logind.c): KillUserProcesses= read
 * from real logind.conf files and drop-ins in a temporary root, with
 * systemd's precedence (the first main file, drop-ins by file name, /etc
 * hiding /usr/lib), sections, comments, spacing and boolean spellings.
 */
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logind.h"
#include "../tap.h"

static char	 root[] = "/tmp/test_logind.XXXXXX";

/* Write text to root/rel, making its directories. */
static void
put(const char *rel, const char *text)
{
	char	 path[512], *p;
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

/* Remove everything under root (the tree is small and known). */
static void
wipe(void)
{
	char	 cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'/etc '%s'/run '%s'/usr", root,
	    root, root);
	if (system(cmd) != 0)
		exit(1);
}

int
main(void)
{
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}

	is_int(logind_conf_kills(root), -1, "no files: unset");
	put("etc/systemd/logind.conf", "[Login]\n#KillUserProcesses=yes\n");
	is_int(logind_conf_kills(root), -1, "commented out: unset");
	put("etc/systemd/logind.conf", "[Login]\nKillUserProcesses=yes\n");
	is_int(logind_conf_kills(root), 1, "yes in logind.conf");
	put("etc/systemd/logind.conf",
	    "# a comment\n; another\n[Login]\n  KillUserProcesses = no  \n");
	is_int(logind_conf_kills(root), 0, "no, with spaces around =");
	put("etc/systemd/logind.conf", "[Sleep]\nKillUserProcesses=yes\n");
	is_int(logind_conf_kills(root), -1, "another section does not count");
	put("etc/systemd/logind.conf", "[Login]\nKillUserProcesses=maybe\n");
	is_int(logind_conf_kills(root), -1, "a value that is no boolean");
	put("etc/systemd/logind.conf", "[Login]\nKillUserProcesses=On\n");
	is_int(logind_conf_kills(root), 1, "On is yes");
	put("etc/systemd/logind.conf", "[Login]\nKillUserProcessesX=yes\n"
	    "KillOnlyUsers=x\n");
	is_int(logind_conf_kills(root), -1, "other keys do not count");
	wipe();

	put("usr/lib/systemd/logind.conf", "[Login]\nKillUserProcesses=yes\n");
	is_int(logind_conf_kills(root), 1, "/usr/lib's logind.conf alone");
	put("etc/systemd/logind.conf", "[Login]\n");
	is_int(logind_conf_kills(root), -1,
	    "/etc's logind.conf replaces /usr/lib's");
	wipe();

	put("etc/systemd/logind.conf", "[Login]\nKillUserProcesses=no\n");
	put("usr/lib/systemd/logind.conf.d/50-a.conf",
	    "[Login]\nKillUserProcesses=yes\n");
	is_int(logind_conf_kills(root), 1, "a drop-in overrides logind.conf");
	put("run/systemd/logind.conf.d/60-b.conf",
	    "[Login]\nKillUserProcesses=no\n");
	is_int(logind_conf_kills(root), 0, "the later file name wins");
	put("usr/lib/systemd/logind.conf.d/70-c.conf",
	    "[Login]\nKillUserProcesses=yes\n");
	is_int(logind_conf_kills(root), 1,
	    "order by file name, whatever the directory");
	put("etc/systemd/logind.conf.d/70-c.conf", "[Login]\n");
	is_int(logind_conf_kills(root), 0,
	    "/etc's drop-in hides /usr/lib's of the same name");
	put("etc/systemd/logind.conf.d/90-z.conf.disabled",
	    "[Login]\nKillUserProcesses=yes\n");
	put("etc/systemd/logind.conf.d/.hidden.conf",
	    "[Login]\nKillUserProcesses=yes\n");
	is_int(logind_conf_kills(root), 0, "only *.conf drop-ins, not hidden");
	wipe();

	rmdir(root);
	return done_testing();
}
