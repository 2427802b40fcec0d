/*
 * The session's terminal model: what a terminal showing every byte of the
 * program's output would show now, and the lines that scrolled off its top.
 * libvterm's state layer parses; the grid, the history and the modes the
 * state layer keeps to itself live here. screen_repaint turns the model
 * into bytes that make any fresh xterm-like terminal show the same thing,
 * with the history landing in that terminal's own scrollback.
 */
#ifndef SCREEN_H
#define SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define SCREEN_HISTORY_DEFAULT	2000	/* lines kept above the screen */
#define SCREEN_HISTORY_MAX	100000
#define SCREEN_REPAINT_MAX	(2 * 1024 * 1024) /* history beyond is cut */

struct screen;

struct screen	*screen_new(uint16_t, uint16_t, size_t);
void		 screen_free(struct screen *);
void		 screen_feed(struct screen *, const void *, size_t);
size_t		 screen_skip(struct screen *, const uint8_t *, size_t);
void		 screen_resize(struct screen *, uint16_t, uint16_t);
void		 screen_repaint(struct screen *, struct buf *, size_t);
void		 screen_repaint_lines(struct screen *, struct buf *, size_t,
		    size_t);
void		 screen_redraw(struct screen *, struct buf *);
uint64_t	 screen_history_total(const struct screen *);
const char	*screen_title(const struct screen *);
size_t		 screen_history(const struct screen *);
size_t		 screen_memory(const struct screen *);
int		 screen_at_rest(const struct screen *);
int		 screen_latent_wrap(const struct screen *);
int		 screen_same(struct screen *, struct screen *);

#endif
