/*
 * The screen model's thread (see model.h). Shared between the two
 * threads: head (written by the host), fed (written by the model thread),
 * both under `wake`, and the screen, under `busy` while it is fed or used.
 * The ring's bytes in [fed, head) are only read here; the host writes the
 * ring only beyond them (it keeps head - fed within the ring's size).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "log.h"
#include "model.h"
#include "proto.h"
#include "xmalloc.h"

#define MODEL_CHUNK	(64 * 1024)	/* fed between looks at the state */

struct model {
	const uint8_t	*data;		/* the ring's bytes */
	size_t		 cap;
	struct screen	*screen;
	pthread_t	 thread;
	pthread_mutex_t	 wake;		/* head, fed, stop */
	pthread_cond_t	 more;		/* head moved, or stop */
	pthread_cond_t	 done;		/* fed moved */
	pthread_mutex_t	 busy;		/* the screen */
	uint64_t	 head;
	uint64_t	 fed;
	int		 stop;
	int		 wake_fd[2];	/* a byte after each chunk read */
	char		 title[PROTO_TITLE_MAX];	/* the screen's, under wake */
};

static void *
model_main(void *arg)
{
	struct model	*m = arg;
	char		 title[PROTO_TITLE_MAX];
	uint64_t	 fed, head;
	size_t		 at, n;

	pthread_mutex_lock(&m->wake);
	for (;;) {
		while (m->fed == m->head && !m->stop)
			pthread_cond_wait(&m->more, &m->wake);
		if (m->stop)
			break;
		fed = m->fed;
		head = m->head;
		pthread_mutex_unlock(&m->wake);

		at = (size_t)(fed % m->cap);
		n = m->cap - at;
		if (n > head - fed)
			n = (size_t)(head - fed);
		if (n > MODEL_CHUNK)
			n = MODEL_CHUNK;
		pthread_mutex_lock(&m->busy);
		screen_feed(m->screen, m->data + at, n);
		snprintf(title, sizeof title, "%s", screen_title(m->screen));
		pthread_mutex_unlock(&m->busy);

		pthread_mutex_lock(&m->wake);
		memcpy(m->title, title, sizeof m->title);
		m->fed = fed + n;
		pthread_cond_broadcast(&m->done);
		/* Full pipe: the host has not looked yet; one byte is enough. */
		(void)write(m->wake_fd[1], "", 1);
	}
	pthread_mutex_unlock(&m->wake);
	return NULL;
}

/* Start feeding screen from ring, which is empty so far. */
struct model *
model_start(const struct ring *ring, struct screen *screen)
{
	struct model	*m = xcalloc(1, sizeof *m);
	int		 e;

	m->data = ring->data;
	m->cap = ring->cap;
	m->screen = screen;
	m->head = m->fed = ring_head(ring);
	pthread_mutex_init(&m->wake, NULL);
	pthread_mutex_init(&m->busy, NULL);
	pthread_cond_init(&m->more, NULL);
	pthread_cond_init(&m->done, NULL);
	if (pipe(m->wake_fd) == -1)
		fatal("pipe");
	compat_set_nonblock(m->wake_fd[0], 1);
	compat_set_nonblock(m->wake_fd[1], 1);
	compat_set_cloexec(m->wake_fd[0]);
	compat_set_cloexec(m->wake_fd[1]);
	if ((e = pthread_create(&m->thread, NULL, model_main, m)) != 0)
		fatalx("cannot start the screen model's thread (error %d)", e);
	return m;
}

/* The ring holds output up to head: the model may read it. */
void
model_publish(struct model *m, uint64_t head)
{
	pthread_mutex_lock(&m->wake);
	if (head > m->head) {
		m->head = head;
		pthread_cond_signal(&m->more);
	}
	pthread_mutex_unlock(&m->wake);
}

/* Readable when the model has read on since model_woken. */
int
model_fd(struct model *m)
{
	return m->wake_fd[0];
}

void
model_woken(struct model *m)
{
	char	 buf[256];

	while (read(m->wake_fd[0], buf, sizeof buf) > 0)
		;
}

/* How far the model has read. */
uint64_t
model_fed(struct model *m)
{
	uint64_t	 fed;

	pthread_mutex_lock(&m->wake);
	fed = m->fed;
	pthread_mutex_unlock(&m->wake);
	return fed;
}

/* Wait until the model has read up to upto (at most what is published). */
void
model_wait(struct model *m, uint64_t upto)
{
	pthread_mutex_lock(&m->wake);
	if (upto > m->head)
		upto = m->head;
	while (m->fed < upto)
		pthread_cond_wait(&m->done, &m->wake);
	pthread_mutex_unlock(&m->wake);
}

/*
 * The model as of head (all of which is published now): waits for the
 * thread to catch up, then holds the screen until model_unlock.
 */
struct screen *
model_lock(struct model *m, uint64_t head)
{
	model_publish(m, head);
	model_wait(m, head);
	pthread_mutex_lock(&m->busy);
	return m->screen;
}

/*
 * The title as far as the model has read, without waiting for it: `ls`
 * must answer while the model catches up with a flood.
 */
void
model_title(struct model *m, char *buf, size_t size)
{
	pthread_mutex_lock(&m->wake);
	snprintf(buf, size, "%s", m->title);
	pthread_mutex_unlock(&m->wake);
}

void
model_unlock(struct model *m)
{
	pthread_mutex_unlock(&m->busy);
}

/* Stop the thread; the screen is the caller's again. */
void
model_stop(struct model *m)
{
	if (m == NULL)
		return;
	pthread_mutex_lock(&m->wake);
	m->stop = 1;
	pthread_cond_signal(&m->more);
	pthread_mutex_unlock(&m->wake);
	pthread_join(m->thread, NULL);
	pthread_mutex_destroy(&m->wake);
	pthread_mutex_destroy(&m->busy);
	pthread_cond_destroy(&m->more);
	pthread_cond_destroy(&m->done);
	close(m->wake_fd[0]);
	close(m->wake_fd[1]);
	free(m);
}
