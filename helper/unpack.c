// SPDX-License-Identifier: GPL-2.0
/*
 * unpack.c: write the entries of one tar layer below a directory fd.
 *
 * What this promises (compare bsdtar(1), SECURITY): nothing is created or
 * changed outside the directory.  Every name is parsed by lm_path_parse()
 * with LM_PATH_REFUSE (no "..", absolute names taken relative to the root,
 * length and depth caps), every parent is opened one component at a time with O_NOFOLLOW
 * and O_DIRECTORY, and the last component is created with *at() calls that
 * never follow a symlink.  A symlink met on the way, including a directory
 * replaced by a symlink earlier in the layer, is an error, not a detour.
 * Hard-link targets are looked up the same way and must already exist.
 * Owners are numeric; directory modes and times are set last (fixups), so a
 * read-only directory still receives its children.  Fix-ups are kept once
 * per distinct directory (a hash map by path), their bytes capped by
 * --max-dir-meta: memory grows with the tree, not with the entries.  An
 * entry that repeats a directory replaces it entirely, as with GNU tar and
 * umoci: owner, mode, times and xattrs are the last entry's.
 * Device nodes are made only by root: the caller keeps the store root-only
 * and mounts nodev.
 *
 * xattrs: overlayfs's own are stripped (whiteout.c), security.selinux and
 * system.nfs4_acl are dropped (umoci does the same: they belong to the
 * host, not to the image); security.capability and POSIX ACLs are kept.
 * ACLs in the SCHILY.acl.access/default form (bsdtar, star, GNU tar
 * --acls) are applied as system.posix_acl_* xattrs; NFSv4 ACLs are dropped
 * with a warning.
 *
 * Errors: a bad or hostile entry prints "layer X: entry Y: problem" and
 * returns LM_EXIT_IMAGE; the caller then throws the whole directory away.
 * A system call that fails because of what the entry asks (a file too big
 * for the filesystem, a name or value too long, a malformed xattr) is the
 * image's fault too (2); other failures (ENOSPC, EIO, ...) are the
 * system's (4).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "layermount.h"

struct fixup {
	char *path;
	mode_t mode;
	struct timespec ts[2];
};

/* What a fix-up costs: its path, the struct, its share of the map. */
#define FIXUP_COST(len)	((len) + 1 + sizeof(struct fixup) + 4 * sizeof(void *))

/* The last two parent directories opened, reused by consecutive entries. */
struct cache {
	char key[LM_PATH_MAX + 1];
	int fd;
};

struct ctx {
	struct archive *a;
	struct lm_stream *s;
	const char *obj;
	const char *raw;		/* entry name as in the tar */
	const struct lm_caps *caps;
	int rootfd;
	bool root;			/* euid 0: chown and mknod */
	struct lm_path path, link;
	struct cache cache[2];
	struct fixup **fix;		/* in order of first appearance */
	size_t nfix;
	struct lm_map fixmap;		/* path -> fixup */
	uint64_t fixbytes;
	struct lm_unpack_stats *st;
};

static int bad(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(struct ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lm_err(c->obj, "entry %s: %s", c->raw, msg);
	return LM_EXIT_IMAGE;
}

/* A failed system call: the image's fault (2) or the system's (4). */
static int sys(struct ctx *c, const char *what, int err)
{
	switch (err) {
	case EFBIG:		/* a size or offset the filesystem cannot hold */
	case ENAMETOOLONG:
	case EINVAL:		/* a malformed xattr value or ACL */
	case E2BIG:
	case ERANGE:
	case EMLINK:		/* more hard links than the filesystem allows */
	case EOVERFLOW:
		return bad(c, "%s: %s", what, strerror(err));
	}
	lm_err(c->obj, "entry %s: %s: %s", c->raw, what, strerror(err));
	return LM_EXIT_SYSTEM;
}

static void cache_drop(struct ctx *c, const char *prefix)
{
	size_t i, n = strlen(prefix);

	for (i = 0; i < 2; i++) {
		struct cache *k = &c->cache[i];

		if (k->fd >= 0 && (!n || (!strncmp(k->key, prefix, n) &&
			       (!k->key[n] || k->key[n] == '/')))) {
			close(k->fd);
			k->fd = -1;
		}
	}
}

static bool is_symlink(int dirfd, const char *name)
{
	struct stat st;

	return !fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) &&
	       S_ISLNK(st.st_mode);
}

/*
 * Open the directory made of the first @n components of @p (borrowed fd,
 * valid until the next walk on @slot).  Missing directories are created
 * (mode 0755) when @create.  Returns the fd or -errno: -ELOOP for a symlink
 * on the way, -ENOTDIR for a non-directory, -EINVAL for a whiteout name.
 */
static int walk(struct ctx *c, struct lm_path *p, size_t n, bool create,
		int slot)
{
	struct cache *k = &c->cache[slot];
	char key[LM_PATH_MAX + 1];
	int fd = c->rootfd, nfd;
	size_t i;

	if (!n)
		return c->rootfd;
	lm_path_join(p, n, key, sizeof(key));
	if (k->fd >= 0 && !strcmp(k->key, key))
		return k->fd;
	for (i = 0; i < n; i++) {
		const char *comp = p->comp[i];

		if (lm_whiteout_kind(comp) != LM_WH_NONE)
			nfd = -EINVAL;
		else
			nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY |
				     O_NOFOLLOW | O_CLOEXEC);
		if (nfd == -1 && errno == ENOENT && create) {
			if (mkdirat(fd, comp, 0755) && errno != EEXIST)
				nfd = -errno;
			else
				nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY |
					     O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd == -1)
			nfd = -errno;
		if (nfd == -ENOTDIR && is_symlink(fd, comp))
			nfd = -ELOOP;
		if (fd != c->rootfd)
			close(fd);
		if (nfd < 0)
			return nfd;
		fd = nfd;
	}
	if (k->fd >= 0)
		close(k->fd);
	k->fd = fd;
	memcpy(k->key, key, sizeof(key));
	return fd;
}

static int walk_error(struct ctx *c, int err, const char *what)
{
	const char *why = lm_walk_why(err);

	return why ? bad(c, "%s%s", what, why) : sys(c, "open parent", -err);
}

/* Make way for a new object; *dir_kept when an existing dir can stay. */
static int make_room(struct ctx *c, int pfd, const char *name, bool dir,
		     bool *dir_kept)
{
	char path[LM_PATH_MAX + 1];
	struct stat st;
	int err;

	*dir_kept = false;
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : sys(c, "stat", errno);
	if (S_ISDIR(st.st_mode)) {
		if (dir) {
			*dir_kept = true;
			return 0;
		}
		cache_drop(c, lm_path_join(&c->path, c->path.n, path, sizeof(path)));
		err = lm_rm_rf_at(pfd, name);
	} else {
		err = unlinkat(pfd, name, 0) ? -errno : 0;
	}
	return err ? sys(c, "replace", -err) : 0;
}

/* xattrs of the host, not of the image: dropped, as umoci does. */
static bool xattr_dropped(const char *name)
{
	return !strcmp(name, "security.selinux") ||
	       !strcmp(name, "system.nfs4_acl");
}

/* Remove the xattrs an earlier entry of this directory set. */
static int clear_xattrs(struct ctx *c, int fd)
{
	char *list, *name;
	ssize_t n = flistxattr(fd, NULL, 0);

	if (n <= 0)
		return n < 0 && errno != ENOTSUP ? sys(c, "list xattrs", errno) : 0;
	list = lm_xmalloc(n);
	n = flistxattr(fd, list, n);
	for (name = list; n > 0 && name < list + n; name += strlen(name) + 1)
		if (strncmp(name, "trusted.overlay.", 16) &&	/* opaque */
		    fremovexattr(fd, name) && errno != ENODATA) {
			free(list);
			return sys(c, "remove xattr", errno);
		}
	free(list);
	return n < 0 ? sys(c, "list xattrs", errno) : 0;
}

/* POSIX ACL xattr format (linux/posix_acl_xattr.h), little endian. */
struct acl_ent {
	uint16_t tag, perm;
	uint32_t id;
};

static int acl_tag(int ae_tag)
{
	switch (ae_tag) {
	case ARCHIVE_ENTRY_ACL_USER_OBJ: return 0x01;
	case ARCHIVE_ENTRY_ACL_USER: return 0x02;
	case ARCHIVE_ENTRY_ACL_GROUP_OBJ: return 0x04;
	case ARCHIVE_ENTRY_ACL_GROUP: return 0x08;
	case ARCHIVE_ENTRY_ACL_MASK: return 0x10;
	case ARCHIVE_ENTRY_ACL_OTHER: return 0x20;
	}
	return -1;
}

static int acl_cmp(const void *a, const void *b)
{
	const struct acl_ent *x = a, *y = b;

	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* SCHILY.acl.access / .default, as parsed by libarchive, to the xattrs. */
static int set_acls(struct ctx *c, struct archive_entry *e, int fd)
{
	static const struct { int type; const char *xattr; } kinds[] = {
		{ ARCHIVE_ENTRY_ACL_TYPE_ACCESS, "system.posix_acl_access" },
		{ ARCHIVE_ENTRY_ACL_TYPE_DEFAULT, "system.posix_acl_default" },
	};
	int type, perm, tag, qual, n, k, i;
	const char *name;
	struct acl_ent *ents;
	unsigned char *buf;

	if (archive_entry_acl_types(e) & ARCHIVE_ENTRY_ACL_TYPE_NFS4)
		lm_warn(c->obj, "entry %s: NFSv4 ACL dropped", c->raw);
	for (k = 0; k < 2; k++) {
		n = archive_entry_acl_reset(e, kinds[k].type);
		if (n <= 0)
			continue;
		if (fd < 0) {
			lm_warn(c->obj, "entry %s: ACL not kept on this file "
				"type", c->raw);
			return 0;
		}
		ents = lm_xmalloc(n * sizeof(*ents));
		for (i = 0; i < n && archive_entry_acl_next(e, kinds[k].type,
			     &type, &perm, &tag, &qual, &name) == ARCHIVE_OK; i++) {
			if (acl_tag(tag) < 0) {
				free(ents);
				return bad(c, "ACL entry of an unknown kind");
			}
			ents[i].tag = acl_tag(tag);
			ents[i].perm = perm & 7;
			ents[i].id = tag == ARCHIVE_ENTRY_ACL_USER ||
				     tag == ARCHIVE_ENTRY_ACL_GROUP ?
				     (uint32_t)qual : 0xffffffffU;
		}
		n = i;
		qsort(ents, n, sizeof(*ents), acl_cmp);
		buf = lm_xmalloc(4 + 8 * n);
		memcpy(buf, "\x02\0\0\0", 4);	/* version 2 */
		for (i = 0; i < n; i++) {
			unsigned char *p = buf + 4 + 8 * i;

			p[0] = ents[i].tag; p[1] = ents[i].tag >> 8;
			p[2] = ents[i].perm; p[3] = ents[i].perm >> 8;
			p[4] = ents[i].id; p[5] = ents[i].id >> 8;
			p[6] = ents[i].id >> 16; p[7] = ents[i].id >> 24;
		}
		i = fsetxattr(fd, kinds[k].xattr, buf, 4 + 8 * n, 0) ? errno : 0;
		free(buf);
		free(ents);
		if (i == ENOTSUP || i == EOPNOTSUPP)
			lm_warn(c->obj, "entry %s: ACL: %s", c->raw, strerror(i));
		else if (i)
			return sys(c, "set ACL", i);
	}
	return 0;
}

static int set_xattrs(struct ctx *c, struct archive_entry *e, int fd)
{
	const char *name;
	const void *val;
	size_t size;
	int err = set_acls(c, e, fd);

	if (err)
		return err;
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &val, &size) == ARCHIVE_OK) {
		if (lm_xattr_reserved(name)) {
			lm_warn(c->obj, "entry %s: xattr %s stripped", c->raw, name);
			continue;
		}
		if (xattr_dropped(name)) {
			lm_warn(c->obj, "entry %s: xattr %s dropped", c->raw, name);
			continue;
		}
		if (fd < 0) {
			lm_warn(c->obj, "entry %s: xattr %s not kept on this "
				"file type", c->raw, name);
			continue;
		}
		if (fsetxattr(fd, name, val, size, 0)) {
			if (errno != ENOTSUP && errno != EPERM)
				return sys(c, "set xattr", errno);
			lm_warn(c->obj, "entry %s: xattr %s: %s", c->raw, name,
				strerror(errno));
		}
	}
	return 0;
}

static void entry_times(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
	} else {
		ts[0] = ts[1];
	}
}

/* Owner, xattrs (after chown, which clears file capabilities), mode, times. */
static int finish_fd(struct ctx *c, struct archive_entry *e, int fd, bool dir)
{
	struct timespec ts[2];
	char path[LM_PATH_MAX + 1];
	const char *key;
	struct fixup *f;
	int err;

	if (c->root && fchown(fd, archive_entry_uid(e), archive_entry_gid(e)))
		return sys(c, "chown", errno);
	err = set_xattrs(c, e, fd);
	if (err)
		return err;
	entry_times(e, ts);
	if (!dir) {
		if (fchmod(fd, archive_entry_perm(e) & 07777))
			return sys(c, "chmod", errno);
		if (futimens(fd, ts))
			return sys(c, "set times", errno);
		return 0;
	}
	key = lm_path_join(&c->path, c->path.n, path, sizeof(path));
	f = lm_map_get(&c->fixmap, key);
	if (!f) {
		c->fixbytes += FIXUP_COST(strlen(key));
		if (c->fixbytes > c->caps->dir_meta)
			return bad(c, "more directory metadata than the cap "
				   "(%llu bytes, --max-dir-meta)",
				   (unsigned long long)c->caps->dir_meta);
		f = lm_xmalloc(sizeof(*f));
		f->path = lm_xstrdup(key);
		lm_map_put(&c->fixmap, f->path, f);
		c->fix = lm_xrealloc(c->fix, (c->nfix + 1) * sizeof(*c->fix));
		c->fix[c->nfix++] = f;
	}
	f->mode = archive_entry_perm(e) & 07777;
	f->ts[0] = ts[0];
	f->ts[1] = ts[1];
	return 0;
}

static int finish_at(struct ctx *c, struct archive_entry *e, int pfd,
		     const char *name, bool symlink)
{
	struct timespec ts[2];

	if (c->root && fchownat(pfd, name, archive_entry_uid(e),
				archive_entry_gid(e), AT_SYMLINK_NOFOLLOW))
		return sys(c, "chown", errno);
	if (!symlink && fchmodat(pfd, name, archive_entry_perm(e) & 07777, 0))
		return sys(c, "chmod", errno);
	entry_times(e, ts);
	if (utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW))
		return sys(c, "set times", errno);
	return set_xattrs(c, e, -1);
}

static int write_data(struct ctx *c, int fd)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(c->a, &buf, &size, &off)) ==
	       ARCHIVE_OK) {
		const char *p = buf;

		while (fd >= 0 && size) {
			ssize_t n = pwrite(fd, p, size, off);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return sys(c, "write", errno);
			p += n;
			off += n;
			size -= n;
		}
	}
	if (r == ARCHIVE_EOF)
		return 0;
	if (lm_stream_error(c->s)) {
		lm_err(c->obj, "%s", lm_stream_error(c->s));
		return LM_EXIT_IMAGE;
	}
	if (lm_stream_truncated(c->s, UINT64_MAX))
		return bad(c, "data ends before the size in its header "
			   "(truncated layer)");
	return bad(c, "%s", archive_error_string(c->a));
}

/* Read what is left of the entry's data; refuse data cut short. */
static int drain(struct ctx *c, struct archive_entry *e, uint64_t start)
{
	uint64_t end = start;
	int err = write_data(c, -1);

	if (err)
		return err;
	if (archive_entry_filetype(e) == AE_IFREG)
		end += archive_entry_size(e);
	if (archive_entry_sparse_count(e))
		end = lm_stream_pos(c->s);
	if (lm_stream_truncated(c->s, end))
		return bad(c, "data ends before the size in its header "
			   "(truncated layer)");
	return err;
}

static int regular(struct ctx *c, struct archive_entry *e, int pfd,
		   const char *name)
{
	int fd, err;

	fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		return sys(c, "create", errno);
	err = write_data(c, fd);
	if (!err && archive_entry_sparse_count(e) &&
	    ftruncate(fd, archive_entry_size(e)))
		err = sys(c, "truncate", errno);
	if (!err)
		err = finish_fd(c, e, fd, false);
	close(fd);
	return err;
}

static int directory(struct ctx *c, struct archive_entry *e, int pfd,
		     const char *name, bool kept)
{
	int fd, err;

	if (!kept && mkdirat(pfd, name, 0700))
		return sys(c, "mkdir", errno);
	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sys(c, "open", errno);
	err = kept ? clear_xattrs(c, fd) : 0;	/* the last entry wins */
	if (!err)
		err = finish_fd(c, e, fd, true);
	close(fd);
	return err;
}

static int special(struct ctx *c, struct archive_entry *e, int pfd,
		   const char *name)
{
	mode_t type = archive_entry_filetype(e);
	dev_t dev = makedev(archive_entry_rdevmajor(e),
			    archive_entry_rdevminor(e));

	if (type == AE_IFIFO) {
		if (mkfifoat(pfd, name, 0600))
			return sys(c, "mkfifo", errno);
	} else if (!c->root && !(type == AE_IFCHR && !dev)) {
		lm_warn(c->obj, "entry %s: device node skipped (not root)",
			c->raw);
		return 0;
	} else if (mknodat(pfd, name, type | 0600, dev)) {
		return sys(c, "mknod", errno);
	}
	return finish_at(c, e, pfd, name, false);
}

static int hardlink(struct ctx *c, const char *target, int pfd,
		    const char *name)
{
	const char *why = lm_path_parse(&c->link, target, c->caps->depth,
					 LM_PATH_REFUSE);
	int tfd;

	if (why)
		return bad(c, "hard link target %s: %s", target, why);
	if (!c->link.n)
		return bad(c, "hard link to the layer root");
	tfd = walk(c, &c->link, c->link.n - 1, false, 1);
	if (tfd < 0)
		return walk_error(c, tfd, "hard link target ");
	if (linkat(tfd, c->link.comp[c->link.n - 1], pfd, name, 0)) {
		if (errno == ENOENT)
			return bad(c, "hard link target %s does not exist",
				   target);
		if (errno == EPERM)
			return bad(c, "hard link target %s is a directory",
				   target);
		return sys(c, "link", errno);
	}
	return 0;
}

static bool same_path(struct ctx *c, const char *target)
{
	char a[LM_PATH_MAX + 1], b[LM_PATH_MAX + 1];

	return !lm_path_parse(&c->link, target, c->caps->depth,
			      LM_PATH_REFUSE) &&
	       !strcmp(lm_path_join(&c->link, c->link.n, a, sizeof(a)),
		       lm_path_join(&c->path, c->path.n, b, sizeof(b)));
}

static int whiteout(struct ctx *c, enum lm_wh_kind kind)
{
	size_t n = c->path.n;
	const char *hidden = c->path.comp[n - 1] + 4;
	struct stat st;
	int pfd, err;

	if (lm_whiteout_skip(c->obj, c->raw, kind))
		return 0;
	if (lm_whiteout_invalid(kind, hidden))
		return bad(c, "whiteout of an invalid name");
	pfd = walk(c, &c->path, n - 1, true, 0);
	if (pfd < 0)
		return walk_error(c, pfd, "");
	if (kind == LM_WH_OPAQUE) {
		err = lm_opaque_set(pfd);
		return err ? sys(c, "set opaque xattr", -err) : 0;
	}
	/* A real entry of the same name in this layer wins. */
	if (!fstatat(pfd, hidden, &st, AT_SYMLINK_NOFOLLOW))
		return 0;
	err = lm_whiteout_make(pfd, hidden);
	return err ? sys(c, "make whiteout", -err) : 0;
}

static int root_entry(struct ctx *c, struct archive_entry *e)
{
	int err;

	if (archive_entry_hardlink(e) || archive_entry_filetype(e) != AE_IFDIR)
		return bad(c, "the layer root replaced by a non-directory");
	c->st->root_seen = true;
	err = clear_xattrs(c, c->rootfd);
	return err ? err : finish_fd(c, e, c->rootfd, true);
}

static int entry(struct ctx *c, struct archive_entry *e)
{
	const char *why, *name, *hl = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);
	enum lm_wh_kind kind;
	char msg[64];
	bool kept;
	int pfd, err;

	why = lm_entry_path(e, &c->path, c->caps->depth, &c->raw);
	if (why)
		return bad(c, "%s", why);
	if (!c->path.n)
		return root_entry(c, e);
	name = c->path.comp[c->path.n - 1];
	kind = lm_whiteout_kind(name);
	if (kind != LM_WH_NONE)
		return whiteout(c, kind);
	if (hl && same_path(c, hl))
		return 0;	/* a link to itself: nothing to do */
	pfd = walk(c, &c->path, c->path.n - 1, true, 0);
	if (pfd < 0)
		return walk_error(c, pfd, "");
	err = make_room(c, pfd, name, !hl && type == AE_IFDIR, &kept);
	if (err)
		return err;
	if (hl)
		return hardlink(c, hl, pfd, name);
	why = lm_entry_type_why(e, msg, sizeof(msg));
	if (why)
		return bad(c, "%s", why);
	switch (type) {
	case AE_IFREG:
		return regular(c, e, pfd, name);
	case AE_IFDIR:
		return directory(c, e, pfd, name, kept);
	case AE_IFLNK:
		if (symlinkat(archive_entry_symlink(e), pfd, name))
			return sys(c, "symlink", errno);
		return finish_at(c, e, pfd, name, true);
	case AE_IFSOCK:
		lm_warn(c->obj, "entry %s: socket skipped", c->raw);
		return 0;
	}
	return special(c, e, pfd, name);	/* device or FIFO */
}

static void fixups(struct ctx *c)
{
	size_t i;

	for (i = c->nfix; i-- > 0;) {
		struct fixup *f = c->fix[i];
		int fd;

		if (!*f->path) {
			fd = c->rootfd;
		} else {
			const char *why = lm_path_parse(&c->path, f->path,
							c->caps->depth,
							LM_PATH_REFUSE);
			int pfd = why ? -EINVAL :
				  walk(c, &c->path, c->path.n - 1, false, 0);

			fd = pfd < 0 ? -1 :
			     openat(pfd, c->path.comp[c->path.n - 1],
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd >= 0) {
			fchmod(fd, f->mode);
			futimens(fd, f->ts);
			if (fd != c->rootfd)
				close(fd);
		}
		free(f->path);
		free(f);
	}
	free(c->fix);
	lm_map_free(&c->fixmap);
}

/* Read past entry @e's data (it began at stream offset @start), as unpack. */
int lm_tar_skip(struct archive *a, struct lm_stream *s, const char *obj,
		struct archive_entry *e, uint64_t start)
{
	struct ctx *c = lm_xmalloc(sizeof(*c));
	int err;

	memset(c, 0, sizeof(*c));
	c->a = a;
	c->s = s;
	c->obj = obj;
	c->raw = archive_entry_pathname(e) ? archive_entry_pathname(e) : "\"\"";
	err = drain(c, e, start);
	free(c);
	return err;
}

int lm_unpack(struct archive *a, struct lm_stream *s, int rootfd,
	      const char *obj, const struct lm_caps *caps,
	      struct lm_unpack_stats *st)
{
	struct ctx *c = lm_xmalloc(sizeof(*c));
	struct archive_entry *e;
	int r, err = 0;

	memset(c, 0, sizeof(*c));
	c->a = a;
	c->s = s;
	c->obj = obj;
	c->caps = caps;
	c->rootfd = rootfd;
	c->root = geteuid() == 0;
	c->cache[0].fd = c->cache[1].fd = -1;
	c->st = st;
	memset(st, 0, sizeof(*st));
	if (fchmod(rootfd, 0755)) {
		lm_err(obj, "chmod: %s", strerror(errno));
		err = LM_EXIT_SYSTEM;
	}
	while (!err) {
		uint64_t start;

		r = lm_tar_next(a, s, obj, caps, &st->entries, &e);
		if (r)
			err = r < 0 ? 0 : r;
		if (r)
			break;
		start = lm_stream_pos(s);
		err = entry(c, e);
		if (!err)
			err = drain(c, e, start);
	}
	cache_drop(c, "");
	fixups(c);
	cache_drop(c, "");
	free(c);
	return err;
}
