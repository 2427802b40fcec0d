/* Copying a static tether to a server over the user's own ssh. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "deploy.h"
#include "fmt.h"
#include "log.h"
#include "proto.h"
#include "ssh.h"
#include "tether.h"
#include "xmalloc.h"

#ifndef TETHER_LIBDIR
#define TETHER_LIBDIR	"/usr/local/lib"
#endif

#define DEPLOY_EHDR	64		/* an ELF header, 64-bit (32 fits) */
#define DEPLOY_PHNUM	256		/* more program headers: not ours */
#define DEPLOY_OUT	4096		/* what the probe may print */
#define DEPLOY_WAIT_MS	60000		/* for ssh to exit after its output */

/*
 * What the server runs to describe itself, one answer a line after a
 * marker (a login shell's startup files may print first): its system,
 * machine, home, the tether on its PATH and that one's --version, and the
 * --version of ~/.local/bin/tether. Every line is always printed.
 */
#define DEPLOY_MARK	"tether-probe\n"
static const char deploy_probe_sh[] =
	"echo tether-probe; uname -s; uname -m; echo \"$HOME\"; "
	"p=$(command -v tether 2>/dev/null) || p=; echo \"$p\"; v=; "
	"[ -z \"$p\" ] || v=$(\"$p\" --version 2>/dev/null | head -n 1); "
	"echo \"$v\"; v=; [ ! -x \"$HOME/.local/bin/tether\" ] || "
	"v=$(\"$HOME/.local/bin/tether\" --version 2>/dev/null | head -n 1); "
	"echo \"$v\"";

/*
 * What the server runs to take the binary from stdin ($1: its size, $2:
 * the --version it must print): into a temporary file beside its final
 * name, written with umask 077, checked whole and running, then made
 * executable and renamed over the old one, which is atomic and leaves a
 * running old tether its own file. The temporary file goes on any
 * failure; every failure ends with a line of its own, "tether: ...".
 */
static const char deploy_copy_sh[] =
	"d=\"$HOME/.local/bin\"; t=\"$d/.tether.$$\"; "
	"trap 'rm -f \"$t\"' EXIT; trap 'exit 1' HUP INT TERM; "
	"fail() { echo \"tether: $*\" >&2; exit 1; }; "
	"case $HOME in /*) ;; *) fail 'HOME is not set on the host';; esac; "
	"mkdir -p \"$d\" 2>/dev/null || fail \"cannot create $d\"; "
	"(umask 077 && exec cat >\"$t\") || fail \"cannot write $t\"; "
	"n=$(wc -c <\"$t\" | tr -d ' '); "
	"[ \"$n\" = \"$1\" ] || fail \"the copy was cut short ($n of $1 bytes)\"; "
	"chmod 755 \"$t\" || fail \"cannot chmod $t\"; "
	"v=$(\"$t\" --version 2>&1 | head -n 1); "
	"[ \"$v\" = \"$2\" ] || fail \"the copied tether does not run on the "
	"host: ${v:-no output}\"; "
	"mv -f \"$t\" \"$d/tether\" || fail \"cannot rename $t to $d/tether\"";

/* The line tether --version prints, which a copy must print too. */
void
deploy_version(char *out, size_t size)
{
	fmt_buf(out, size, "tether %s (protocol %d.%d)", TETHER_VERSION,
	    PROTO_MAJOR, PROTO_MINOR);
}

/* An unsigned integer of n bytes in the ELF file's byte order. */
static uint64_t
deploy_get(const uint8_t *p, int n, int big)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[big ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

/* The name uname -m gives for an ELF machine, or NULL. */
static const char *
deploy_machine(unsigned int em, int is64, int big)
{
	switch (em) {
	case 62:	/* EM_X86_64 */
		return is64 ? "x86_64" : NULL;
	case 183:	/* EM_AARCH64 */
		return is64 ? "aarch64" : NULL;
	case 3:		/* EM_386 */
		return is64 ? NULL : "i686";
	case 40:	/* EM_ARM */
		return is64 ? NULL : "armv7l";
	case 243:	/* EM_RISCV */
		return is64 ? "riscv64" : NULL;
	case 21:	/* EM_PPC64 */
		return is64 ? (big ? "ppc64" : "ppc64le") : NULL;
	case 22:	/* EM_S390 */
		return is64 ? "s390x" : NULL;
	}
	return NULL;
}

/*
 * Read what an ELF executable is for and check that it is linked
 * statically: no program interpreter (PT_INTERP) to find on the server.
 */
int
deploy_elf(const char *path, struct deploy_bin *b, char *why, size_t size)
{
	uint8_t		 h[DEPLOY_EHDR], ph[4];
	struct stat	 sb;
	uint64_t	 phoff, entsize, phnum, i;
	int		 fd, is64, big, interp = 0;
	ssize_t		 n;

	memset(b, 0, sizeof *b);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		fmt_buf(why, size, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	n = pread(fd, h, sizeof h, 0);
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) || n < 52 ||
	    memcmp(h, "\177ELF", 4) != 0 || (h[4] != 1 && h[4] != 2) ||
	    (h[5] != 1 && h[5] != 2) || (n < DEPLOY_EHDR && h[4] == 2)) {
		close(fd);
		fmt_buf(why, size, "%s is not an executable for Linux", path);
		return -1;
	}
	is64 = h[4] == 2;
	big = h[5] == 2;
	phoff = deploy_get(h + (is64 ? 32 : 28), is64 ? 8 : 4, big);
	entsize = deploy_get(h + (is64 ? 54 : 42), 2, big);
	phnum = deploy_get(h + (is64 ? 56 : 44), 2, big);
	if (deploy_get(h + 16, 2, big) != 2 && deploy_get(h + 16, 2, big) != 3)
		phnum = 0;	/* not ET_EXEC nor ET_DYN */
	for (i = 0; i < phnum && phnum <= DEPLOY_PHNUM && entsize >= 4; i++) {
		if (pread(fd, ph, 4, (off_t)(phoff + i * entsize)) != 4) {
			phnum = 0;
			break;
		}
		if (deploy_get(ph, 4, big) == 3)	/* PT_INTERP */
			interp = 1;
	}
	close(fd);
	b->machine = deploy_machine((unsigned int)deploy_get(h + 18, 2, big),
	    is64, big);
	if (phnum == 0 || phnum > DEPLOY_PHNUM || entsize < 4 ||
	    b->machine == NULL) {
		fmt_buf(why, size, "%s is not an executable tether can "
		    "install", path);
		return -1;
	}
	if (interp) {
		fmt_buf(why, size, "%s is linked dynamically: it would need "
		    "this machine's libraries on the host", path);
		return -1;
	}
	fmt_buf(b->path, sizeof b->path, "%s", path);
	b->size = (long long)sb.st_size;
	return 0;
}

/*
 * Find the binary to copy: the one given, else this tether itself when it
 * is static, else the static build `make install` puts beside it
 * (BINDIR/../lib/tether/tether-static) or in LIBDIR/tether.
 */
int
deploy_find(const char *given, struct deploy_bin *b, char *why, size_t size)
{
	char		 self[4096], *slash, *cand[3];
	size_t		 n = 0, i;
	int		 r = -1;

	if (given != NULL)
		return deploy_elf(given, b, why, size);
	if (compat_self_path(self, sizeof self) == 0) {
		cand[n++] = xstrdup(self);
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			xasprintf(&cand[n++], "%s/../lib/tether/tether-static",
			    self);
		}
	}
	xasprintf(&cand[n++], "%s/tether/tether-static", TETHER_LIBDIR);
	for (i = 0; i < n; i++) {
		if (r == -1 && deploy_elf(cand[i], b, why, size) == 0)
			r = 0;
		else if (r == -1)
			log_debug("install: %s", why);
		free(cand[i]);
	}
	if (r == -1)
		fmt_buf(why, size, "no statically linked tether to copy (this "
		    "one is not; build one with make static and install it, "
		    "or give --install-binary FILE)");
	return r;
}

/* Copy the file's contents into fd; -1 if the other side went away. */
static int
deploy_send(const char *path, int fd)
{
	char	 data[65536];
	ssize_t	 n, w, off;
	int	 in;

	if ((in = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(in, data, sizeof data)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		for (off = 0; off < n; off += w) {
			if ((w = write(fd, data + off, n - off)) == -1 &&
			    errno == EINTR)
				w = 0;
			else if (w == -1) {
				close(in);
				return -1;
			}
		}
	}
	close(in);
	return n == 0 ? 0 : -1;
}

/* Read fd to its end into out (cut at size - 1 bytes). */
static void
deploy_drain(int fd, char *out, size_t size)
{
	char	 data[4096];
	size_t	 len = 0;
	ssize_t	 n;

	for (;;) {
		n = read(fd, data, sizeof data);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if ((size_t)n > size - 1 - len)
			n = (ssize_t)(size - 1 - len);
		memcpy(out + len, data, (size_t)n);
		len += (size_t)n;
	}
	out[len] = '\0';
}

/*
 * Run a sh script on the server (args become $1...), with the file at
 * input, if any, as its stdin; its stdout into out. 0 when it exited 0,
 * else tether's exit status with why: ssh's failures as a session's are,
 * the script's own as EXIT_INSTALL.
 */
static int
deploy_ssh(const struct ssh_opts *o, const char *script, const char *arg1,
    const char *arg2, const char *input, char *out, size_t outsize,
    char *why, size_t size)
{
	struct ssh_conn	 c;
	const char	*words[7];
	char		*quoted, *cmd;
	int		 status, n = 0, waited;

	words[n++] = "sh";
	words[n++] = "-c";
	words[n++] = script;
	words[n++] = "tether";
	if (arg1 != NULL)
		words[n++] = arg1;
	if (arg2 != NULL)
		words[n++] = arg2;
	words[n] = NULL;
	quoted = ssh_quote((char *const *)words);
	xasprintf(&cmd, "exec %s", quoted);
	free(quoted);
	status = ssh_spawn(o, cmd, 0, 1, &c, why, size);
	free(cmd);
	if (status == -1)
		return EXIT_ERROR;
	if (input != NULL && deploy_send(input, c.fd) == -1)
		log_debug("install: the copy stopped: %s", strerror(errno));
	shutdown(c.fd, SHUT_WR);
	deploy_drain(c.fd, out, outsize);
	for (waited = 0; waited < DEPLOY_WAIT_MS; waited += 100) {
		ssh_read_err(&c);
		if (ssh_reap(&c, 100) == 0)
			break;
	}
	ssh_close(&c, 0);
	status = WIFEXITED(c.status) ? WEXITSTATUS(c.status) : -1;
	if (status == 0)
		return 0;
	switch (ssh_classify(&c)) {
	case SSH_FAIL_AUTH:
		fmt_buf(why, size, "%s", c.err);
		return EXIT_AUTH;
	case SSH_FAIL_HOSTNAME:
	case SSH_FAIL_NETWORK:
		fmt_buf(why, size, "cannot connect to %s: %s", o->host,
		    c.err[0] != '\0' ? c.err : "ssh failed");
		return EXIT_CONNECT;
	}
	if (strncmp(c.err, "tether: ", 8) == 0)
		fmt_buf(why, size, "%s: %s", o->host, c.err + 8);
	else
		fmt_buf(why, size, "installing on %s failed: %s", o->host,
		    c.err[0] != '\0' ? c.err : "the host's sh failed");
	return EXIT_INSTALL;
}

/* Copy line n (from 0) of text into out, without its newline. */
static void
deploy_line(const char *text, int n, char *out, size_t size)
{
	size_t	 len;

	for (; n > 0 && text != NULL; n--) {
		if ((text = strchr(text, '\n')) != NULL)
			text++;
	}
	if (text == NULL) {
		out[0] = '\0';
		return;
	}
	len = strcspn(text, "\n");
	if (len >= size)
		len = size - 1;
	memcpy(out, text, len);
	out[len] = '\0';
}

/* Ask the server for its system, machine and tethers (deploy_probe_sh). */
int
deploy_probe(const struct ssh_opts *o, struct deploy_probe *p, char *why,
    size_t size)
{
	char	 out[DEPLOY_OUT];
	char	*text;
	int	 status;

	memset(p, 0, sizeof *p);
	status = deploy_ssh(o, deploy_probe_sh, NULL, NULL, NULL, out,
	    sizeof out, why, size);
	if (status != 0)
		return status;
	if (strncmp(out, DEPLOY_MARK, strlen(DEPLOY_MARK)) == 0)
		text = out;
	else if ((text = strstr(out, "\n" DEPLOY_MARK)) != NULL)
		text++;
	else {
		fmt_buf(why, size, "%s did not answer what system it runs",
		    o->host);
		return EXIT_INSTALL;
	}
	text += strlen(DEPLOY_MARK);
	deploy_line(text, 0, p->system, sizeof p->system);
	deploy_line(text, 1, p->machine, sizeof p->machine);
	deploy_line(text, 2, p->home, sizeof p->home);
	deploy_line(text, 3, p->found, sizeof p->found);
	deploy_line(text, 4, p->found_version, sizeof p->found_version);
	deploy_line(text, 5, p->local_version, sizeof p->local_version);
	log_debug("install: %s is %s %s, home %s, tether '%s' (%s), local "
	    "(%s)", o->host, p->system, p->machine, p->home, p->found,
	    p->found_version, p->local_version);
	if (p->system[0] == '\0' || p->machine[0] == '\0') {
		fmt_buf(why, size, "%s did not say what system it runs "
		    "(uname)", o->host);
		return EXIT_INSTALL;
	}
	return 0;
}

/* Does uname -m's answer name the binary's machine? */
static int
deploy_same_machine(const char *bin, const char *host)
{
	if (strcmp(bin, host) == 0)
		return 1;
	if (strcmp(bin, "aarch64") == 0)
		return strcmp(host, "arm64") == 0;
	if (strcmp(bin, "i686") == 0)
		return host[0] == 'i' && strcmp(host + 2, "86") == 0;
	if (strcmp(bin, "armv7l") == 0)
		return strncmp(host, "arm", 3) == 0 && strcmp(host, "arm64");
	return 0;
}

/* Can the binary run on the server? If not, why says so. */
int
deploy_fits(const struct deploy_bin *b, const struct deploy_probe *p,
    const char *host, char *why, size_t size)
{
	if (strcmp(p->system, "Linux") == 0 &&
	    deploy_same_machine(b->machine, p->machine))
		return 0;
	fmt_buf(why, size, "%s runs %s %s, but %s is for Linux %s; give "
	    "--install-binary with a static tether for %s %s", host,
	    p->system, p->machine, b->path, b->machine, p->system, p->machine);
	return -1;
}

/* Copy the binary into ~/.local/bin on the server (deploy_copy_sh). */
int
deploy_copy(const struct ssh_opts *o, const struct deploy_bin *b, char *why,
    size_t size)
{
	char	 bytes[32], version[DEPLOY_FIELD], out[DEPLOY_OUT];

	fmt_buf(bytes, sizeof bytes, "%lld", b->size);
	deploy_version(version, sizeof version);
	log_debug("install: copying %s (%s bytes) to %s", b->path, bytes,
	    o->host);
	return deploy_ssh(o, deploy_copy_sh, bytes, version, b->path, out,
	    sizeof out, why, size);
}

/* Is ~/.local/bin/tether the tether that sessions on the server run? */
int
deploy_is_local(const struct deploy_probe *p)
{
	char	*local;
	int	 r;

	if (p->found[0] == '\0')
		return p->local_version[0] != '\0';
	xasprintf(&local, "%s/.local/bin/tether", p->home);
	r = strcmp(p->found, local) == 0;
	free(local);
	return r;
}
