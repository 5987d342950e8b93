// SPDX-License-Identifier: GPL-2.0
/*
 * whiteout.c: OCI whiteouts to the overlayfs on-disk format.
 *
 * ".wh.NAME" hides NAME of lower layers: it becomes a character device 0:0
 * named NAME.  ".wh..wh..opq" makes its directory opaque: the xattr
 * trusted.overlay.opaque="y".  Other ".wh..wh." names are reserved by the
 * OCI spec and skipped.  Layers may not carry overlayfs's own xattrs
 * (trusted.overlay.*, user.overlay.*): they would forge whiteouts, opaque
 * directories or redirects, so the unpacker strips them.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "layermount.h"

#define WH_PREFIX	".wh."
#define WH_META		".wh..wh."
#define WH_OPAQUE	".wh..wh..opq"

enum lm_wh_kind lm_whiteout_kind(const char *name)
{
	/* LAB 6.1 BEGIN: ".wh.NAME", ".wh..wh..opq" and other ".wh..wh." names */
	if (strncmp(name, WH_PREFIX, 4))
		return LM_WH_NONE;
	if (!strcmp(name, WH_OPAQUE))
		return LM_WH_OPAQUE;
	if (!strncmp(name, WH_META, 8))
		return LM_WH_META;
	return LM_WH_FILE;
	/* LAB 6.1 END */
}

/* A reserved ".wh..wh." name: skipped with a warning (true). */
bool lm_whiteout_skip(const char *obj, const char *entry, enum lm_wh_kind kind)
{
	if (kind != LM_WH_META)
		return false;
	lm_warn(obj, "entry %s: reserved whiteout name skipped", entry);
	return true;
}

/* ".wh.", ".wh.." and ".wh..." hide nothing that can be named. */
bool lm_whiteout_invalid(enum lm_wh_kind kind, const char *hidden)
{
	return kind == LM_WH_FILE && (!*hidden || !strcmp(hidden, ".") ||
				      !strcmp(hidden, ".."));
}

/* @name is the hidden name, without ".wh.". */
int lm_whiteout_make(int parentfd, const char *name)
{
	/* LAB 6.2 BEGIN: a whiteout is a character device 0:0 named NAME */
	if (mknodat(parentfd, name, S_IFCHR | 0, makedev(0, 0)))
		return -errno;
	return 0;
	/* LAB 6.2 END */
}

int lm_opaque_set(int dirfd)
{
	/* LAB 6.3 BEGIN: an opaque directory has trusted.overlay.opaque = "y" */
	if (fsetxattr(dirfd, "trusted.overlay.opaque", "y", 1, 0))
		return -errno;
	return 0;
	/* LAB 6.3 END */
}

bool lm_xattr_reserved(const char *name)
{
	return !strncmp(name, "trusted.overlay.", 16) ||
	       !strncmp(name, "user.overlay.", 13);
}
