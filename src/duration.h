/*
 * Durations as people write them: 90s, 30m, 12h, 7d. For --ttl, and for
 * the configuration file's TTL keyword, which must accept the same words.
 */
#ifndef DURATION_H
#define DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Ten years, in seconds. */
#define DURATION_MAX	(3650ULL * 24 * 3600)

int	duration_parse(const char *, uint32_t *, char *, size_t);
void	duration_format(uint64_t, char *, size_t);

#endif
