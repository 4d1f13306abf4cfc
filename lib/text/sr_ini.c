/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "text/sr_ini.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static char *trim(char *p)
{
	char *end = p + strlen(p);

	while (*p == ' ' || *p == '\t')
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return p;
}

/* The whole file in memory, NUL-terminated; a directory is refused by name. */
static char *slurp(const char *file, char *err, size_t errlen)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (stat(file, &st) == 0 && S_ISDIR(st.st_mode)) {
		fail(err, errlen, "%s: is a directory, not a file", file);
		return NULL;
	}
	f = fopen(file, "r");
	if (!f) {
		fail(err, errlen, "%s: cannot read: %s", file, strerror(errno));
		return NULL;
	}
	for (;;) {
		char *grown = realloc(text, len + 65536 + 1);
		size_t got;

		if (!grown) {
			fail(err, errlen, "%s: out of memory", file);
			break;
		}
		text = grown;
		got = fread(text + len, 1, 65536, f);
		len += got;
		if (got < 65536)
			break;
	}
	if (text && ferror(f)) {
		fail(err, errlen, "%s: cannot read: %s", file, strerror(errno));
		free(text);
		text = NULL;
	} else if (text && memchr(text, '\0', len)) {
		fail(err, errlen, "%s: holds a NUL byte: not a text file", file);
		free(text);
		text = NULL;
	}
	fclose(f);
	if (text)
		text[len] = '\0';
	return text;
}

static int add(struct sr_ini *ini, size_t *cap, struct sr_ini_entry e)
{
	if (ini->n == *cap) {
		size_t n = *cap ? 2 * *cap : 64;
		struct sr_ini_entry *grown = realloc(ini->e, n * sizeof(*grown));
		if (!grown)
			return -1;
		ini->e = grown;
		*cap = n;
	}
	ini->e[ini->n++] = e;
	return 0;
}

/* Was this key, or this section, seen before? (Files are small: a scan.) */
static const struct sr_ini_entry *seen(const struct sr_ini *ini, const char *section,
				       const char *key)
{
	size_t i;

	for (i = 0; i < ini->n; i++)
		if (!strcmp(ini->e[i].section, section) &&
		    (key ? ini->e[i].key && !strcmp(ini->e[i].key, key) : !ini->e[i].key))
			return &ini->e[i];
	return NULL;
}

static int parse(const char *file, struct sr_ini *ini, char *err, size_t errlen)
{
	const char *section = NULL;
	char *line, *next, *p = NULL;
	size_t cap = 0;
	int lineno = 0;

	for (line = ini->text; line; line = next) {
		const struct sr_ini_entry *dup;
		char *eq;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		line[strcspn(line, ";")] = '\0';
		p = trim(line);
		if (*p == '\0')
			continue;
		if (*p == '[') {
			char *close = strchr(p, ']');
			if (!close)
				return fail(err, errlen, "%s:%d: '%.60s': no closing ']'", file,
					    lineno, p);
			if (trim(close + 1)[0] != '\0')
				goto bad_line;
			*close = '\0';
			p = trim(p + 1);
			if (*p == '\0')
				return fail(err, errlen, "%s:%d: a section needs a name", file,
					    lineno);
			if ((dup = seen(ini, p, NULL)))
				return fail(err, errlen,
					    "%s:%d: section [%s] given twice (first on line %d)",
					    file, lineno, p, dup->line);
			section = p;
			if (add(ini, &cap, (struct sr_ini_entry){ section, NULL, NULL, lineno }))
				goto oom;
			continue;
		}
		eq = strchr(p, '=');
		if (!eq)
			goto bad_line;
		if (!section)
			return fail(err, errlen, "%s:%d: key outside any [section]", file, lineno);
		*eq = '\0';
		p = trim(p);
		if (*p == '\0')
			return fail(err, errlen, "%s:%d: a key needs a name before '='", file,
				    lineno);
		if ((dup = seen(ini, section, p)))
			return fail(err, errlen, "%s:%d: [%s] %s given twice (first on line %d)",
				    file, lineno, section, p, dup->line);
		if (trim(eq + 1)[0] == '\0')
			return fail(err, errlen, "%s:%d: [%s] %s has no value", file, lineno,
				    section, p);
		if (add(ini, &cap, (struct sr_ini_entry){ section, p, trim(eq + 1), lineno }))
			goto oom;
	}
	return 0;
bad_line:
	return fail(err, errlen, "%s:%d: '%.60s%s' is not 'key = value' or '[section]'", file,
		    lineno, p, strlen(p) > 60 ? "..." : "");
oom:
	return fail(err, errlen, "%s: out of memory", file);
}

int sr_ini_load(const char *file, struct sr_ini *ini, char *err, size_t errlen)
{
	memset(ini, 0, sizeof(*ini));
	ini->text = slurp(file, err, errlen);
	if (!ini->text)
		return -1;
	if (parse(file, ini, err, errlen) == 0)
		return 0;
	sr_ini_free(ini);
	return -1;
}

void sr_ini_free(struct sr_ini *ini)
{
	free(ini->text);
	free(ini->e);
	memset(ini, 0, sizeof(*ini));
}
