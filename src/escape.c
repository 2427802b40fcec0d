/* Recognise escape sequences in the user's keystrokes. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "fmt.h"

enum {
	ST_LINE,	/* at the start of a line: the escape is special */
	ST_MID,		/* inside a line */
	ST_GOT,		/* the escape character was typed at a line start */
};

/* Start recognising escapes with character ch (or ESCAPE_NONE). */
void
escape_init(struct escape *e, int ch)
{
	e->ch = ch;
	e->state = ST_LINE;
	e->remote = 0;
}

/* Parse an escape character spec: "~", "^A" caret notation, or "none". */
int
escape_parse(const char *s, int *ch)
{
	if (strcmp(s, "none") == 0) {
		*ch = ESCAPE_NONE;
		return 0;
	}
	if (s[0] == '^' && s[1] != '\0' && s[2] == '\0') {
		if (s[1] == '?') {
			*ch = 0x7f;
			return 0;
		}
		if ((s[1] & 0x1f) == 0 && s[1] != '@')
			return -1;
		*ch = s[1] & 0x1f;
		return 0;
	}
	if (s[0] != '\0' && s[1] == '\0' && (unsigned char)s[0] < 0x80) {
		*ch = (unsigned char)s[0];
		return 0;
	}
	return -1;
}

/* Recognise ~r too: the client reconnects to a remote session. */
void
escape_set_remote(struct escape *e)
{
	e->remote = 1;
}

/* Pass one byte on to the program and track line starts. */
static void
escape_pass(struct escape *e, uint8_t c, struct buf *out)
{
	buf_put_u8(out, c);
	e->state = (c == '\r' || c == '\n') ? ST_LINE : ST_MID;
}

/*
 * Feed keystrokes: bytes for the program are appended to out. Stops after
 * the first escape action and returns it, with *used the bytes consumed;
 * the caller feeds the rest afterwards.
 */
int
escape_feed(struct escape *e, const uint8_t *in, size_t len, struct buf *out,
    size_t *used)
{
	size_t	 i;
	uint8_t	 c;

	for (i = 0; i < len; i++) {
		c = in[i];
		if (e->ch == ESCAPE_NONE) {
			buf_put_u8(out, c);
			continue;
		}
		if (e->state == ST_GOT) {
			e->state = ST_LINE;
			switch (c) {
			case '.':
				*used = i + 1;
				return ESCAPE_DETACH;
			case '?':
				*used = i + 1;
				return ESCAPE_HELP;
			case 0x1a:
				*used = i + 1;
				return ESCAPE_SUSPEND;
			case 'r':
				if (!e->remote)
					break;
				*used = i + 1;
				return ESCAPE_RECONNECT;
			}
			if (c == e->ch) {
				escape_pass(e, c, out);
				continue;
			}
			buf_put_u8(out, (uint8_t)e->ch);
			escape_pass(e, c, out);
			continue;
		}
		if (e->state == ST_LINE && c == e->ch) {
			e->state = ST_GOT;
			continue;
		}
		escape_pass(e, c, out);
	}
	*used = len;
	return ESCAPE_PASS;
}

/* The list of escapes, for ~? (lines end in \r\n: the terminal is raw). */
void
escape_help(const struct escape *e, struct buf *out)
{
	char	 ch[8], line[128];
	size_t	 i;
	static const char *help[][2] = {
		{ ".", "detach (the session keeps running)" },
		{ "r", "reconnect now" },
		{ "^Z", "suspend tether" },
		{ "?", "this list" },
		{ NULL, "send the escape character" },
	};

	if (e->ch < 0x20 || e->ch == 0x7f)
		fmt_buf(ch, sizeof ch, "^%c", e->ch == 0x7f ? '?' :
		    e->ch + '@');
	else
		fmt_buf(ch, sizeof ch, "%c", e->ch);
	fmt_buf(line, sizeof line, "\r\nSupported escape sequences:\r\n");
	buf_put(out, line, strlen(line));
	for (i = 0; i < sizeof help / sizeof help[0]; i++) {
		if (help[i][0] != NULL && help[i][0][0] == 'r' && !e->remote)
			continue;
		fmt_buf(line, sizeof line, " %s%s - %s\r\n", ch,
		    help[i][0] != NULL ? help[i][0] : ch, help[i][1]);
		buf_put(out, line, strlen(line));
	}
	fmt_buf(line, sizeof line, "(Escapes are recognised only after "
	    "Enter.)\r\n");
	buf_put(out, line, strlen(line));
}
