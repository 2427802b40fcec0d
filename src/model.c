/*
 * The screen model's thread (see model.h). Shared between the two
 * threads: head (written by the host), fed (written by the model thread),
 * both under `wake`, and the screen, under `busy` while it is fed or used.
 * The ring's bytes in [fed, head) are only read here; the host writes the
 * ring only beyond them (it keeps head - fed within the ring's size).
 *
 * A flood is read in batches: once the model is MODEL_FLOOD behind, or
 * MODEL_FLOOD came within MODEL_BATCH_MS (a host that reads the pty only a
 * little at a time while keys are typed never lets it fall that far
 * behind), it lets the output pile up (MODEL_BATCH_MS at most, half the
 * ring at most, and not while anyone waits for the model), then
 * screen_skip passes over all but the lines that can still be seen. The
 * host wakes the thread only when that is worth it (it sleeps, or a batch
 * is full), not on every read.
 *
 * The thread starts with the first burst of output (more than
 * MODEL_INLINE at once, or MODEL_INLINE_RATE within MODEL_BATCH_MS).
 * Until then the host's own thread feeds the model as it publishes, after
 * the output has been sent: a prompt, an echo or a short listing costs
 * microseconds, and an idle session never has a second thread (its stack,
 * and the pages of libc and the dynamic linker that starting one touches).
 * Nor does it take locks: the mutexes and condition variables are made
 * with the thread, and until then every call here is the host's alone.
 * If the thread cannot be started, the host goes on feeding the model
 * itself.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "fmt.h"
#include "log.h"
#include "model.h"
#include "proto.h"
#include "xmalloc.h"

#define MODEL_CHUNK	(64 * 1024)	/* fed between looks at the state */
#define MODEL_FLOOD	(256 * 1024)	/* this far behind: a flood */
#define MODEL_BATCH_MS	100		/* how long a flood may pile up */
#define MODEL_STACK	(4 * 1024 * 1024)	/* the model thread's stack */
#define MODEL_INLINE	(4 * 1024)	/* at most this at once without the thread */
#define MODEL_INLINE_RATE (64 * 1024)	/* ... and this within MODEL_BATCH_MS */

enum { SLEEP_NONE, SLEEP_IDLE, SLEEP_BATCH };

struct model {
	const uint8_t	*data;		/* the ring's bytes */
	size_t		 cap;
	int		 mirrored;	/* data[cap + i] is data[i] */
	struct screen	*screen;
	pthread_t	 thread;
	int		 threaded;	/* the thread runs (or ran: stop); the
					   locks below exist only then */
	int		 cannot;	/* it could not be started */
	int		 held;		/* model_lock took busy */
	uint64_t	 inline_ms;	/* fed inline since inline_from, ... */
	uint64_t	 inline_from;	/* ... from this offset */
	pthread_mutex_t	 wake;		/* head, fed, stop */
	pthread_cond_t	 more;		/* head moved, or stop */
	pthread_cond_t	 done;		/* fed moved */
	pthread_mutex_t	 busy;		/* the screen */
	uint64_t	 head;
	uint64_t	 fed;
	uint64_t	 skipped;	/* bytes screen_skip passed over */
	uint64_t	 noskip;	/* no use trying screen_skip before this */
	int		 stop;
	int		 sleep;		/* SLEEP_*: what the thread waits for */
	int		 waiting;	/* callers of model_wait */
	int		 wake_fd[2];	/* a byte when the host waits */
	int		 host_waits;	/* for the model to read on */
	char		 title[PROTO_TITLE_MAX];	/* the screen's, under wake */
};

/* Under wake: may a flood pile up a little longer? */
static int
model_may_batch(struct model *m)
{
	return !m->stop && m->waiting == 0 && m->head - m->fed < m->cap / 2;
}

/* Where the bytes from fed on lie in the ring, and how many (up to head). */
static size_t
model_span(const struct model *m, uint64_t fed, uint64_t head, size_t *at)
{
	size_t	 n;

	*at = (size_t)(fed % m->cap);
	n = m->mirrored ? m->cap : m->cap - *at;
	return n > head - fed ? (size_t)(head - fed) : n;
}

static void *
model_main(void *arg)
{
	struct model	*m = arg;
	char		 title[PROTO_TITLE_MAX];
	struct timespec	 until;
	uint64_t	 fed, head;
	uint64_t	 burst_ms = 0, burst_from = 0, now;
	size_t		 at, n, k;
	int		 flooding = 0;	/* a burst, or a batch passed over */

	pthread_mutex_lock(&m->wake);
	for (;;) {
		while (m->fed == m->head && !m->stop) {
			m->sleep = SLEEP_IDLE;
			pthread_cond_wait(&m->more, &m->wake);
		}
		/* How much came in the last MODEL_BATCH_MS or so. */
		if ((now = compat_now_ms()) - burst_ms > MODEL_BATCH_MS) {
			burst_ms = now;
			burst_from = m->fed;
		}
		if (m->head - burst_from >= MODEL_FLOOD)
			flooding = 1;
		/*
		 * Far behind: a flood. Let it pile up for a moment (while
		 * nobody waits for the model and the ring has room), so
		 * that screen_skip can pass over most of it at once. Once a
		 * batch was passed over, what it left to feed (the lines that
		 * can still be seen) waits too: the next batch passes over
		 * them again, unless the flood has ended by then.
		 */
		if ((flooding || m->head - m->fed >= MODEL_FLOOD) &&
		    model_may_batch(m)) {
			m->sleep = SLEEP_BATCH;
			until = compat_cond_deadline(MODEL_BATCH_MS);
			while (model_may_batch(m) && pthread_cond_timedwait(
			    &m->more, &m->wake, &until) == 0)
				;
		}
		m->sleep = SLEEP_NONE;
		if (m->stop)
			break;
		fed = m->fed;
		head = m->head;
		pthread_mutex_unlock(&m->wake);

		n = model_span(m, fed, head, &at);
		pthread_mutex_lock(&m->busy);
		/*
		 * A failed screen_skip read all of it: not again before it
		 * is fed, or each chunk fed would read the rest once more.
		 */
		k = 0;
		if (n >= MODEL_FLOOD && fed >= m->noskip &&
		    (k = screen_skip(m->screen, m->data + at, n)) == 0)
			m->noskip = fed + n;
		flooding = k > 0;
		if (k > 0) {
			m->skipped += k;
			n = k;
		} else {
			if (n > MODEL_CHUNK)
				n = MODEL_CHUNK;
			screen_feed(m->screen, m->data + at, n);
		}
		fmt_buf(title, sizeof title, "%s", screen_title(m->screen));
		pthread_mutex_unlock(&m->busy);

		pthread_mutex_lock(&m->wake);
		memcpy(m->title, title, sizeof m->title);
		m->fed = fed + n;
		pthread_cond_broadcast(&m->done);
		/* Full pipe: the host has not looked yet; one byte is enough. */
		if (m->host_waits) {
			m->host_waits = 0;
			compat_ignore(write(m->wake_fd[1], "", 1));
		}
	}
	pthread_mutex_unlock(&m->wake);
	return NULL;
}

/* Copy the screen's title for `ls` (under wake, or without a thread). */
static void
model_copy_title(struct model *m)
{
	const char	*t = screen_title(m->screen);
	size_t		 len = strlen(t);

	if (len >= sizeof m->title)
		len = sizeof m->title - 1;
	memcpy(m->title, t, len);
	m->title[len] = '\0';
}

/* Without the thread: feed everything up to head now. */
static void
model_feed_inline(struct model *m)
{
	size_t	 at, n;

	while (m->fed < m->head) {
		n = model_span(m, m->fed, m->head, &at);
		if (n > MODEL_CHUNK)
			n = MODEL_CHUNK;
		screen_feed(m->screen, m->data + at, n);
		m->fed += n;
	}
	model_copy_title(m);
}

static void
model_unsync(struct model *m)
{
	pthread_mutex_destroy(&m->wake);
	pthread_mutex_destroy(&m->busy);
	pthread_cond_destroy(&m->more);
	pthread_cond_destroy(&m->done);
}

/*
 * Start the thread, if it does not run yet. Before it does, the model is
 * only the caller's, and nothing needs a lock (nor glibc's thread code,
 * whose pages would be an idle host's RSS); if it cannot, the caller
 * keeps feeding the model.
 */
static void
model_thread(struct model *m)
{
	pthread_attr_t	 ta;
	int		 e;

	if (m->threaded || m->cannot)
		return;
	/*
	 * libvterm keeps arrays the size of each chunk fed on the stack, and
	 * musl (the static build) gives a thread only 128 KiB by default.
	 */
	pthread_mutex_init(&m->wake, NULL);
	pthread_mutex_init(&m->busy, NULL);
	compat_cond_init(&m->more);
	pthread_cond_init(&m->done, NULL);
	pthread_attr_init(&ta);
	pthread_attr_setstacksize(&ta, MODEL_STACK);
	e = pthread_create(&m->thread, &ta, model_main, m);
	pthread_attr_destroy(&ta);
	if (e != 0) {
		model_unsync(m);
		log_debug("cannot start the screen model's thread (error %d): "
		    "the session's own thread feeds it", e);
		m->cannot = 1;
		return;
	}
	m->threaded = 1;
}

/* Start feeding screen from ring, which is empty so far. */
struct model *
model_start(const struct ring *ring, struct screen *screen)
{
	struct model	*m = xcalloc(1, sizeof *m);

	m->data = ring->data;
	m->cap = ring->cap;
	m->mirrored = ring->mirrored;
	m->screen = screen;
	m->head = m->fed = ring_head(ring);
	if (pipe(m->wake_fd) == -1)
		fatal("pipe");
	compat_set_nonblock(m->wake_fd[0], 1);
	compat_set_nonblock(m->wake_fd[1], 1);
	compat_set_cloexec(m->wake_fd[0]);
	compat_set_cloexec(m->wake_fd[1]);
	return m;
}

/* The ring holds output up to head: the model may read it. */
void
model_publish(struct model *m, uint64_t head)
{
	uint64_t	 now;

	if (!m->threaded && head > m->head) {
		now = compat_now_ms();
		if (now - m->inline_ms > MODEL_BATCH_MS) {
			m->inline_ms = now;
			m->inline_from = m->fed;
		}
		if (head - m->fed > MODEL_INLINE ||
		    head - m->inline_from > MODEL_INLINE_RATE)
			model_thread(m);
		if (!m->threaded) {
			m->head = head;
			model_feed_inline(m);
			return;
		}
	}
	pthread_mutex_lock(&m->wake);
	if (head > m->head) {
		m->head = head;
		if (m->sleep == SLEEP_IDLE || (m->sleep == SLEEP_BATCH &&
		    !model_may_batch(m)))
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

	if (!m->threaded)
		return m->fed;
	pthread_mutex_lock(&m->wake);
	fed = m->fed;
	pthread_mutex_unlock(&m->wake);
	return fed;
}

/*
 * How far the model has read, for a host that must not write the ring
 * beyond what it has read: when that is a whole ring behind head, model_fd
 * becomes readable once it has read on. (Not after every read: a wake-up
 * of the host for each keystroke's echo the model read was one too many.)
 */
uint64_t
model_fed_wake(struct model *m, uint64_t head)
{
	uint64_t	 fed;

	if (!m->threaded)
		return m->fed;
	pthread_mutex_lock(&m->wake);
	fed = m->fed;
	if (head - fed >= m->cap)
		m->host_waits = 1;
	pthread_mutex_unlock(&m->wake);
	return fed;
}

/* Wait until the model has read up to upto (at most what is published). */
void
model_wait(struct model *m, uint64_t upto)
{
	if (!m->threaded)
		return;		/* model_publish fed it all */
	pthread_mutex_lock(&m->wake);
	if (upto > m->head)
		upto = m->head;
	m->waiting++;
	if (m->sleep == SLEEP_BATCH)
		pthread_cond_signal(&m->more);
	while (m->fed < upto)
		pthread_cond_wait(&m->done, &m->wake);
	m->waiting--;
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
	if ((m->held = m->threaded))
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
	if (m->threaded)
		pthread_mutex_lock(&m->wake);
	fmt_buf(buf, size, "%s", m->title);
	if (m->threaded)
		pthread_mutex_unlock(&m->wake);
}

void
model_unlock(struct model *m)
{
	if (m->held)
		pthread_mutex_unlock(&m->busy);
	m->held = 0;
}

/* Stop the thread; the screen is the caller's again. */
void
model_stop(struct model *m)
{
	if (m == NULL)
		return;
	if (m->threaded) {
		pthread_mutex_lock(&m->wake);
		m->stop = 1;
		pthread_cond_signal(&m->more);
		pthread_mutex_unlock(&m->wake);
		pthread_join(m->thread, NULL);
		model_unsync(m);
	}
	if (m->skipped > 0)
		log_debug("model: passed over %llu bytes of floods",
		    (unsigned long long)m->skipped);
	close(m->wake_fd[0]);
	close(m->wake_fd[1]);
	free(m);
}
