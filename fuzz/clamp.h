/*
 * Linked with -Wl,--wrap=screen_resize (the Makefile does so for the
 * harnesses that include this): the host's terminal model is resized to
 * at most FUZZ_SIZE_MAX rows and columns. The host itself takes any size
 * up to PROTO_WIN_MAX (1024x1024), which it clamps to; but a model of that
 * size is about 67 MB, and each such input would take the fuzzer a good
 * part of a second. fuzz_screen tries the model's sizes itself.
 */
#ifndef FUZZ_CLAMP_H
#define FUZZ_CLAMP_H

#include <stdint.h>

#include "screen.h"

#define FUZZ_SIZE_MAX	256

void	__real_screen_resize(struct screen *, uint16_t, uint16_t);
void	__wrap_screen_resize(struct screen *, uint16_t, uint16_t);

void
__wrap_screen_resize(struct screen *s, uint16_t rows, uint16_t cols)
{
	__real_screen_resize(s, rows > FUZZ_SIZE_MAX ? FUZZ_SIZE_MAX : rows,
	    cols > FUZZ_SIZE_MAX ? FUZZ_SIZE_MAX : cols);
}

#endif
