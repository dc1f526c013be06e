/*
 * fuzz_mail.c: libFuzzer target for the tip mail (src/tips/mail.c): RFC
 * 2047 encoding of any bytes, and the whole message with the input as
 * subject and body. Checks that an encoded header has no line break but
 * its folds, no word over 75 characters and nothing outside printable
 * ASCII, and that the message has no bare LF: a reader's text can never
 * add a header or end the message early.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tips/tips.h"

static void check_header(const kb_buf *b)
{
	size_t word = 0;
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];
		if (c == '\r') {
			/* Only a fold: CRLF and a space. */
			if (i + 2 >= b->len || b->data[i + 1] != '\n' || b->data[i + 2] != ' ')
				abort();
			i += 2;
			word = 0;
			continue;
		}
		if (c < 0x20 || c > 0x7e || ++word > 75)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	kb_buf h = {0};
	tips_rfc2047(&h, s, size);
	check_header(&h);
	/* The message takes C strings: the text up to a NUL. */
	tips_mail m = {.from = "a@b.example",
		       .from_name = s,
		       .to = "c@d.example",
		       .subject = s,
		       .body = s,
		       .message_id = "<x@b.example>",
		       .date = 0};
	kb_buf msg = {0};
	tips_mail_build(&msg, &m);
	for (size_t i = 0; i < msg.len; i++)
		if (msg.data[i] == '\n' && (!i || msg.data[i - 1] != '\r'))
			abort();
	/* The body is base64: a line "." or a header can never appear. */
	if (strstr(msg.data, "\r\n.\r\n"))
		abort();
	kb_buf_free(&h);
	kb_buf_free(&msg);
	free(s);
	return 0;
}
