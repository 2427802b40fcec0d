/*
 * Private directories: the socket directory and the log directory must be
 * real directories of the user's, closed to everyone else, in a parent
 * that nobody else can rename them out of. The check is made on an open
 * descriptor (fstat after open, never following a link), so that what is
 * checked is what is used: files inside are opened relative to it.
 */
#ifndef SAFEDIR_H
#define SAFEDIR_H

#include <stddef.h>

int	safedir_open(const char *, const char *, char *, size_t);

#endif
