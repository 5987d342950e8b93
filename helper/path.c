// SPDX-License-Identifier: GPL-2.0
/*
 * path.c: parse a path from a tar header or a manifest into components.
 *
 * The result never contains "", "." or "..": a leading "/" and "./" are
 * dropped (absolute names are taken relative to the layer root, as tar
 * does), ".." is refused outright rather than resolved, so no name can
 * reach above the directory it is applied to.  Limits: 255 bytes a
 * component (259 for a ".wh." whiteout, whose target is 4 bytes shorter),
 * 4096 bytes a path, and a caller-chosen number of components.
 */
#include <stdio.h>
#include <string.h>

#include "layermount.h"

const char *lm_path_parse(struct lm_path *p, const char *in, uint64_t max_depth)
{
	size_t len = strlen(in);
	char *s, *save = NULL, *c;

	p->n = 0;
	if (!len)
		return "empty name";
	if (len > LM_PATH_MAX)
		return "path longer than 4096 bytes";
	memcpy(p->buf, in, len + 1);
	for (s = p->buf; (c = strtok_r(s, "/", &save)); s = NULL) {
		size_t clen = strlen(c);
		size_t max = LM_NAME_MAX;

		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, ".."))
			return "path contains \"..\"";
		if (!strncmp(c, ".wh.", 4))
			max += 4;
		if (clen > max)
			return "name component longer than 255 bytes";
		if (p->n >= max_depth)
			return "path deeper than the depth cap";
		p->comp[p->n++] = c;
	}
	return NULL;
}

/* The normalised path, "." for the root. */
const char *lm_path_join(struct lm_path *p, char *buf, size_t len)
{
	size_t i, off = 0;

	if (!p->n)
		return ".";
	for (i = 0; i < p->n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? "/" : "",
				p->comp[i]);
	return buf;
}
