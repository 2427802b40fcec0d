/* Things every part of tether shares: version and exit statuses. */
#ifndef TETHER_H
#define TETHER_H

#ifndef TETHER_VERSION
#define TETHER_VERSION "0.0.0"
#endif

/*
 * The longest value of a terminal or locale variable the client passes to
 * the server (longer ones stay behind) and a bridge accepts with --env.
 */
#define ENV_VALUE_MAX	200

/*
 * tether's own exit statuses, kept at the top of the range (as ssh keeps
 * 255) so that they rarely collide with the program's statuses, which an
 * attached client passes on.
 */
#define EXIT_ERROR	255	/* anything else that went wrong */
#define EXIT_USAGE	254	/* bad command line or session name */
#define EXIT_NOSESSION	253	/* no such session, or it is gone */
#define EXIT_VERSION	252	/* the two ends speak different protocols */
#define EXIT_EXISTS	251	/* `new` of a session that exists */
#define EXIT_CONNECT	250	/* unknown host, refused, unreachable */
#define EXIT_AUTH	249	/* ssh authentication or host key failed */
#define EXIT_NOTETHER	248	/* no tether on the remote host */
#define EXIT_INSTALL	247	/* tether --install could not install */

struct config;

int	remote_main(int, char **, struct config *);
int	remote_ls(int, char **, struct config *);
int	remote_kill(int, char **, struct config *);
int	remote_log(int, char **, struct config *);
int	remote_config(int, char **, struct config *);
int	remote_install(int, char **, struct config *);

#endif
