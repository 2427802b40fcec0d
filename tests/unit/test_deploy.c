/*
 * Unit tests for src/deploy.c's ELF check: what tether --install accepts
 * as a static binary to copy, and the machine it reads, from headers
 * written here (64- and 32-bit, both byte orders) and from broken ones.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deploy.h"
#include "../tap.h"

static char	 dir[] = "/tmp/test_deploy.XXXXXX";

/* Store v in n bytes at p, in the given byte order. */
static void
put(uint8_t *p, int n, uint64_t v, int big)
{
	int	 i;

	for (i = 0; i < n; i++)
		p[big ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

/*
 * An ELF file with program headers of the given types (0-terminated), for
 * machine em; written to dir/name, whose path goes into path.
 */
static void
elf(const char *name, int is64, int big, unsigned int em, const int *types,
    char *path, size_t size)
{
	uint8_t	 f[1024];
	size_t	 eh = is64 ? 64 : 52, ent = is64 ? 56 : 32, n, len;
	FILE	*out;

	memset(f, 0, sizeof f);
	for (n = 0; types[n] != 0; n++)
		put(f + eh + n * ent, 4, (uint64_t)types[n], big);
	memcpy(f, "\177ELF", 4);
	f[4] = is64 ? 2 : 1;
	f[5] = big ? 2 : 1;
	f[6] = 1;
	put(f + 16, 2, 2, big);			/* ET_EXEC */
	put(f + 18, 2, em, big);
	put(f + (is64 ? 32 : 28), is64 ? 8 : 4, eh, big);	/* e_phoff */
	put(f + (is64 ? 54 : 42), 2, ent, big);
	put(f + (is64 ? 56 : 44), 2, n, big);
	len = eh + n * ent + 16;
	snprintf(path, size, "%s/%s", dir, name);
	if ((out = fopen(path, "w")) == NULL ||
	    fwrite(f, 1, len, out) != len || fclose(out) != 0)
		abort();
}

/* deploy_elf on a file; 0 or -1, and the machine it read. */
static int
check(const char *path, const char **machine, char *why, size_t size)
{
	struct deploy_bin	 b;
	int			 r;

	r = deploy_elf(path, &b, why, size);
	*machine = r == 0 ? b.machine : NULL;
	return r;
}

static void
test_accepts(void)
{
	static const int load[] = { 6, 1, 1, 0x6474e551, 0 };
	char		 path[256], why[512];
	const char	*m;

	elf("x86_64", 1, 0, 62, load, path, sizeof path);
	is_int(check(path, &m, why, sizeof why), 0, "64-bit static x86_64");
	is_str(m, "x86_64", "its machine is x86_64");
	elf("aarch64", 1, 0, 183, load, path, sizeof path);
	is_int(check(path, &m, why, sizeof why), 0, "static aarch64");
	is_str(m, "aarch64", "its machine is aarch64");
	elf("ppc64", 1, 1, 21, load, path, sizeof path);
	is_int(check(path, &m, why, sizeof why), 0, "big-endian ppc64");
	is_str(m, "ppc64", "big-endian: ppc64, not ppc64le");
	elf("i686", 0, 0, 3, load, path, sizeof path);
	is_int(check(path, &m, why, sizeof why), 0, "32-bit static i386");
	is_str(m, "i686", "its machine is i686");
}

static void
test_refuses(void)
{
	static const int dynamic[] = { 6, 3, 1, 1, 2, 0 };
	static const int none[] = { 0 };
	static const int load[] = { 1, 0 };
	char		 path[256], why[512];
	const char	*m;
	FILE		*f;

	elf("dynamic", 1, 0, 62, dynamic, path, sizeof path);
	is_int(check(path, &m, why, sizeof why), -1, "PT_INTERP: refused");
	ok(strstr(why, "linked dynamically") != NULL, "says why: %s", why);
	elf("nophdr", 1, 0, 62, none, path, sizeof path);
	is_int(check(path, &m, why, sizeof why), -1, "no program headers");
	elf("sparc", 1, 0, 43, load, path, sizeof path);
	is_int(check(path, &m, why, sizeof why), -1, "an unknown machine");
	elf("x86_64-32", 0, 0, 62, load, path, sizeof path);
	is_int(check(path, &m, why, sizeof why), -1,
	    "x86_64 in a 32-bit header (x32)");
	snprintf(path, sizeof path, "%s/text", dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fputs("#!/bin/sh\necho tether 1.0\n", f);
	fclose(f);
	is_int(check(path, &m, why, sizeof why), -1, "a script");
	ok(strstr(why, "not an executable") != NULL, "says why: %s", why);
	is_int(check(dir, &m, why, sizeof why), -1, "a directory");
	snprintf(path, sizeof path, "%s/missing", dir);
	is_int(check(path, &m, why, sizeof why), -1, "a missing file");
	ok(strstr(why, "cannot open") != NULL, "says why: %s", why);
}

/* Program headers past the end of the file, or absurdly many. */
static void
test_truncated(void)
{
	static const int load[] = { 1, 1, 1, 0 };
	char		 path[256], why[512];
	const char	*m;
	uint8_t		 h[64];
	FILE		*f;

	elf("short", 1, 0, 62, load, path, sizeof path);
	if (truncate(path, 64 + 56) != 0)
		abort();
	is_int(check(path, &m, why, sizeof why), -1,
	    "program headers cut short");
	if (truncate(path, 40) != 0)
		abort();
	is_int(check(path, &m, why, sizeof why), -1, "the header cut short");
	elf("many", 1, 0, 62, load, path, sizeof path);
	if ((f = fopen(path, "r+")) == NULL || fread(h, 1, 64, f) != 64)
		abort();
	put(h + 56, 2, 60000, 0);
	rewind(f);
	if (fwrite(h, 1, 64, f) != 64 || fclose(f) != 0)
		abort();
	is_int(check(path, &m, why, sizeof why), -1, "60000 program headers");
}

int
main(void)
{
	char	 cmd[64];
	int	 r;

	if (mkdtemp(dir) == NULL)
		abort();
	test_accepts();
	test_refuses();
	test_truncated();
	r = done_testing();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		r = 1;
	return r;
}
