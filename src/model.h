/*
 * The screen model's own thread. The session host's loop forwards output
 * and never waits for the terminal model: it publishes how far the ring
 * has been written, and this thread feeds the model behind it. The host
 * waits only when the model has fallen a whole ring behind (it must not
 * overwrite what the model has not seen) and when it needs the model
 * itself (a repaint, a resize, the title), after the model has caught up.
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
void		 model_wait(struct model *, uint64_t);
struct screen	*model_lock(struct model *, uint64_t);
void		 model_unlock(struct model *);
void		 model_stop(struct model *);

#endif
