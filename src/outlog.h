/*
 * The session's output log on the server: every byte the program writes,
 * the newest `limit` bytes of it, so that output a slow link skipped or
 * that left the ring while nobody was attached can still be read (`tether
 * log`). Two files in the log directory ($XDG_STATE_HOME/tether, or
 * ~/.local/state/tether), owner-only: NAME.log and NAME.log.1; when
 * NAME.log reaches half the limit it becomes NAME.log.1 (the older half
 * goes) and a new NAME.log begins. A failed write (a full disk) pauses the
 * log, with a note at its end; it tries again OUTLOG_RETRY_MS later and
 * then notes how much is missing. Files are opened relative to the checked
 * directory, never through a link (safedir.h).
 */
#ifndef OUTLOG_H
#define OUTLOG_H

#include <stddef.h>
#include <stdint.h>

#define OUTLOG_DEFAULT	(32 * 1024 * 1024)
#define OUTLOG_MIN	(64 * 1024)
#define OUTLOG_MAX	((size_t)16 << 30)
#define OUTLOG_RETRY_MS	5000

struct outlog {
	int		 fd;		/* -1: off, or paused */
	int		 dirfd;		/* the log directory, -1: none */
	char		*path;		/* NAME.log, in dirfd */
	char		*old;		/* NAME.log.1, in dirfd */
	size_t		 limit;
	uint64_t	 size;		/* of NAME.log */
	uint64_t	 lost;		/* bytes not logged while paused */
	uint64_t	 held;		/* output in NAME.log since any gap */
	uint64_t	 held_old;	/* and in NAME.log.1 */
	uint64_t	 retry_at;	/* ms */
};

int	outlog_dir(char *, size_t, char *, size_t);
int	outlog_open(struct outlog *, const char *, size_t, char *, size_t);
void	outlog_write(struct outlog *, const void *, size_t, uint64_t);
uint64_t outlog_held(const struct outlog *);
void	outlog_close(struct outlog *);
int	outlog_show(const char *, int, int);

#endif
