/*
 * Durations: a whole number and a unit (s, m, h or d; a bare number is
 * seconds), from 1 second to DURATION_MAX. Parsed strictly, since a typo
 * in a time limit ends sessions at the wrong time.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "duration.h"
#include "fmt.h"

/*
 * Parse s into seconds. Returns 0, or -1 with why (no "tether:" prefix,
 * so that a caller can name the option or the configuration line).
 */
int
duration_parse(const char *s, uint32_t *secs, char *why, size_t size)
{
	unsigned long long	 v, unit = 1;
	char			*end;

	if (s[0] < '0' || s[0] > '9') {
		fmt_buf(why, size, "invalid duration '%s' (use a number and "
		    "s, m, h or d, such as 30m)", s);
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 's': unit = 1; end++; break;
	case 'm': unit = 60; end++; break;
	case 'h': unit = 3600; end++; break;
	case 'd': unit = 24 * 3600; end++; break;
	}
	if (*end != '\0' || end == s) {
		fmt_buf(why, size, "invalid duration '%s' (use a number and "
		    "s, m, h or d, such as 30m)", s);
		return -1;
	}
	if (errno == ERANGE || v > DURATION_MAX / unit || v * unit == 0) {
		fmt_buf(why, size, "duration '%s' must be from 1s to %llud",
		    s, DURATION_MAX / (24 * 3600));
		return -1;
	}
	*secs = (uint32_t)(v * unit);
	return 0;
}

/*
 * Format seconds the short way ls shows them: the largest unit that fits,
 * and the next one down when it is not zero (90s is 1m30s, 36h is 1d12h).
 */
void
duration_format(uint64_t secs, char *out, size_t len)
{
	static const struct {
		uint64_t	 size;
		char		 unit;
	} u[] = { { 24 * 3600, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };
	size_t		 i;
	uint64_t	 big, small;

	for (i = 0; i < 3 && secs < u[i].size; i++)
		;
	big = secs / u[i].size;
	small = i < 3 ? secs % u[i].size / u[i + 1].size : 0;
	if (small != 0)
		fmt_buf(out, len, "%llu%c%llu%c", (unsigned long long)big,
		    u[i].unit, (unsigned long long)small, u[i + 1].unit);
	else
		fmt_buf(out, len, "%llu%c", (unsigned long long)big,
		    u[i].unit);
}
