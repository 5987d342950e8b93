// SPDX-License-Identifier: GPL-2.0
/*
 * path.c: the one normaliser of the helper's paths (tar entry names, link
 * targets, names given by manifests) into components, and their joining.
 *
 * The result never contains "", "." or "..": a leading "/" and "./" are
 * dropped (absolute names are taken relative to the root, as tar does).
 * Two modes, for the two uses of a path:
 *
 *  - LM_PATH_REFUSE, a name to create below a root (tar entries, hard-link
 *    targets) or to open in an image (manifest names): ".." is refused
 *    outright, so no name can reach above the directory it is applied to,
 *    and a component may have 255 bytes (259 for a ".wh." whiteout, whose
 *    target is 4 bytes shorter), as a filesystem's names;
 *  - LM_PATH_RESOLVE, a name only looked up (the members of a docker-save
 *    tar and their link targets): ".." takes back the component before it,
 *    and one above the root is refused ("path leaves the image").
 *
 * Both: at most 4096 bytes a path and a caller-chosen number of
 * components.
 */
#include <stdio.h>
#include <string.h>

#include "layermount.h"

const char *lm_path_parse(struct lm_path *p, const char *in,
			  uint64_t max_depth, enum lm_dotdot dotdot)
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
		if (!strcmp(c, "..") && dotdot == LM_PATH_REFUSE)
			return "path contains \"..\"";
		if (!strcmp(c, "..")) {
			if (!p->n)
				return "path leaves the image";
			p->n--;
			continue;
		}
		if (!strncmp(c, ".wh.", 4))
			max += 4;
		if (clen > max && dotdot == LM_PATH_REFUSE)
			return "name component longer than 255 bytes";
		if (p->n >= max_depth)
			return "path deeper than the depth cap";
		p->comp[p->n++] = c;
	}
	return NULL;
}

/* The first @n components of @p joined by '/' into @buf, "" for none. */
const char *lm_path_join(const struct lm_path *p, size_t n, char *buf,
			 size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? "/" : "",
				p->comp[i]);
	return buf;
}
