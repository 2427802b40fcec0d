/*
 * The screen model's own thread. The session host's loop forwards output
 * and never waits for the terminal model: it publishes how far the ring
 * has been written, and this thread feeds the model behind it. When the
 * model has fallen a whole ring behind, the host stops reading the program
 * (it must not overwrite what the model has not seen) but goes on serving
 * its clients; model_fd becomes readable as the model reads on (see
 * model_fed_wake). The host waits for the model only when it needs the
 * model itself (a repaint, a resize), after the model has caught up.
 *
 * The thread starts with the first burst of output; before that (an idle
 * shell, prompts and echoes) model_publish feeds the model in the caller's
 * thread, at once.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stdint.h>

#include "ring.h"
#include "screen.h"

struct model;

struct model	*model_start(const struct ring *, struct screen *);
void		 model_publish(struct model *, uint64_t);
uint64_t	 model_fed(struct model *);
uint64_t	 model_fed_wake(struct model *, uint64_t);
void		 model_wait(struct model *, uint64_t);
int		 model_fd(struct model *);
void		 model_woken(struct model *);
struct screen	*model_lock(struct model *, uint64_t);
void		 model_title(struct model *, char *, size_t);
void		 model_unlock(struct model *);
void		 model_stop(struct model *);

#endif
