/* tether dial: racing TCP connects for ssh's ProxyCommand (see dial.c). */
#ifndef DIAL_H
#define DIAL_H

int	dial_main(int, char **);

#endif
