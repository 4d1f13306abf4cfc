/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The INI file, read whole: [section] headers and "key = value" lines, ';'
 * starting a comment anywhere on a line, white space around names and
 * values ignored (rte_cfgfile's syntax). Unlike rte_cfgfile, nothing is
 * cut: rte_cfgfile truncates a value at 255 characters without a word (an
 * allow list cut short is a wider ACL) and refuses any line over 323
 * characters, comments included. Every line is accounted for: a line that
 * is not blank, a comment, a section or a key = value in a section, a key
 * given twice in a section or a section given twice is an error naming the
 * file and the line.
 */
#ifndef SR_INI_H
#define SR_INI_H

#include <stddef.h>

struct sr_ini_entry {
	const char *section; /* as written between the brackets, trimmed */
	const char *key;     /* NULL: the section's header (every section has one) */
	const char *value;
	int line; /* 1-based */
};

struct sr_ini {
	char *text; /* the file's bytes, cut into the strings above */
	struct sr_ini_entry *e;
	size_t n; /* in file order */
};

/* 0, or -1 with "FILE:LINE: why" (or "FILE: why") in err. */
int sr_ini_load(const char *file, struct sr_ini *ini, char *err, size_t errlen);
void sr_ini_free(struct sr_ini *ini);

#endif
