// SPDX-License-Identifier: GPL-2.0
/*
 * tarentry.c: reading one tar layer's entries the same way wherever it is
 * read: unpack.c, which writes them, and inspect.c, which only looks.
 * The next header within the caps, the entry's name parsed with
 * LM_PATH_REFUSE, and the reasons an entry is refused whatever the layer
 * holds (its type) or where it would go (what walking its parents met).
 * Nothing here writes or keeps state; messages are the caller's to print,
 * except lm_tar_next()'s, which names a damaged or cut stream itself.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "layermount.h"

/* What walk()'s -errno says of the entry (shared with inspect.c), or NULL. */
const char *lm_walk_why(int err)
{
	switch (err) {
	case -ELOOP: return "passes through a symbolic link";
	case -ENOTDIR: return "has a parent that is not a directory";
	case -EINVAL: return "uses a whiteout name as a directory";
	case -ENOENT: return "does not exist";
	}
	return NULL;
}

/* Entry @e's name into @p (*@raw: as in the tar); NULL or why refused. */
const char *lm_entry_path(struct archive_entry *e, struct lm_path *p,
			  uint64_t depth, const char **raw)
{
	*raw = archive_entry_pathname(e);
	if (!*raw) {
		*raw = "\"\"";
		return "empty name";
	}
	return lm_path_parse(p, *raw, depth, LM_PATH_REFUSE);
}

/* Why @e is refused whatever the layer holds (shared with inspect.c). */
const char *lm_entry_type_why(struct archive_entry *e, char *buf, size_t len)
{
	const char *target = archive_entry_symlink(e);

	switch (archive_entry_filetype(e)) {
	case AE_IFLNK:
		if (!target || !*target)
			return "symbolic link with an empty target";
		if (strlen(target) < LM_PATH_MAX)
			return NULL;
		snprintf(buf, len, "symbolic link target longer than %d bytes",
			 LM_PATH_MAX - 1);
		return buf;
	case AE_IFREG: case AE_IFDIR: case AE_IFCHR: case AE_IFBLK:
	case AE_IFIFO: case AE_IFSOCK:
		return NULL;
	case 0:		/* libarchive's reading of GNU tar's 'M' */
		return "multi-volume continuation entry (tar type 'M') "
		       "not supported";
	}
	snprintf(buf, len, "unsupported entry type 0%o",
		 (unsigned int)archive_entry_filetype(e));
	return buf;
}

/*
 * The next entry of a layer: 0 and *@e, -1 at the end, or LM_EXIT_IMAGE
 * (printed) for a damaged or cut stream or one entry too many.  Shared
 * with inspect.c, which reads layers the same way without writing them.
 */
int lm_tar_next(struct archive *a, struct lm_stream *s, const char *obj,
		const struct lm_caps *caps, uint64_t *count,
		struct archive_entry **e)
{
	int r = archive_read_next_header(a, e);

	if (r == ARCHIVE_EOF)
		return -1;
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
		if (lm_stream_error(s))
			lm_err(obj, "%s", lm_stream_error(s));
		else if (lm_stream_truncated(s, UINT64_MAX))
			lm_err(obj, "stream ends inside a tar header "
			       "(truncated layer)");
		else
			lm_err(obj, "damaged tar stream: %s",
			       archive_error_string(a));
		return LM_EXIT_IMAGE;
	}
	if (++*count > caps->entries) {
		lm_err(obj, "more entries than the entry cap (%llu)",
		       (unsigned long long)caps->entries);
		return LM_EXIT_IMAGE;
	}
	return 0;
}
