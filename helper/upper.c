// SPDX-License-Identifier: GPL-2.0
/*
 * upper.c: a mount's upper directory walked as diff and commit read it.
 *
 * The upper is written by the container, so nothing here trusts it: every
 * object is reached from its parent's fd with O_NOFOLLOW (a directory with
 * O_DIRECTORY too), checked by fstat() to be the inode lstat() saw (a swap
 * in between is an error, not a detour), and must be on the upper's
 * filesystem (something mounted inside the upper is refused).  Paths are
 * capped at 4096 bytes and at the depth cap (--max-depth): unpack refuses
 * what is deeper, and each level holds a few fds.  What the upper holds is
 * refused with LM_EXIT_IMAGE, a failing system call is LM_EXIT_SYSTEM; a
 * name removed between readdir and lstat is left out.
 *
 * Order, per directory, as the OCI layer wants it: the directory itself
 * (visited by its parent), then its whiteouts (character devices 0:0)
 * sorted bytewise, then its other children sorted bytewise.  The caller
 * writes an opaque directory's ".wh..wh..opq" when it visits the directory,
 * so it comes before the whiteouts.
 *
 * With lower layers (diff), every entry says whether its path exists in
 * them, looked up as overlayfs does: top-down, stopping at a whiteout, at
 * a non-directory and below an opaque directory; a directory carries its
 * own stack of lower directories (for an opaque one: what it hides).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "layermount.h"

struct walk {
	const char *obj;	/* the upper, for messages */
	lm_uwalk_fn fn;
	void *arg;
	uint64_t max_depth;
	dev_t dev;
	char path[LM_PATH_MAX + LM_NAME_MAX + 2];	/* + a name in messages */
};

bool lm_is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static bool is_opaque(int fd)
{
	char v[2];

	return fgetxattr(fd, "trusted.overlay.opaque", v, sizeof(v)) == 1 &&
	       v[0] == 'y';
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in the directory @fd, sorted bytewise; -errno on failure. */
static int read_names(int fd, char ***out, size_t *n)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	size_t cap = 0;
	struct dirent *de;
	int err;

	*out = NULL;
	*n = 0;
	if (!d) {
		err = -errno;
		if (dfd >= 0)
			close(dfd);
		return err;
	}
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*out = lm_xrealloc(*out, cap * sizeof(char *));
		}
		(*out)[(*n)++] = lm_xstrdup(de->d_name);
	}
	err = -errno;
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(char *), name_cmp);
	return err;
}

static void free_names(char **names, size_t n)
{
	while (n--)
		free(names[n]);
	free(names);
}

/*
 * @name in the lower stack @parent (topmost first): whether it exists, and
 * for a directory its own stack in @out (fds, the caller closes them).
 */
static size_t lower_lookup(const int *parent, size_t np, const char *name,
			   int *out, bool *exists)
{
	struct stat sb;
	size_t i, n = 0;
	int fd;

	*exists = false;
	for (i = 0; i < np; i++) {
		if (fstatat(parent[i], name, &sb, AT_SYMLINK_NOFOLLOW))
			continue;
		if (lm_is_whiteout(&sb))
			break;
		*exists = true;
		if (!S_ISDIR(sb.st_mode) || !out)
			break;
		fd = openat(parent[i], name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			break;
		out[n++] = fd;
		if (is_opaque(fd))
			break;
	}
	return n;
}

static int walk_dir(struct walk *w, int fd, size_t plen, const int *lowers,
		    size_t nl, uint64_t depth);

/* A system call failed (@err: errno, exit 4) or the upper is refused (0, 2) */
static int problem(struct walk *w, const char *what, int err)
{
	lm_err(w->obj, "%s: %s%s%s", w->path, what, err ? ": " : "",
	       err ? strerror(err) : "");
	return err ? LM_EXIT_SYSTEM : LM_EXIT_IMAGE;
}

/* The directory @name of @e (already lstat()ed) opened and checked. */
static int open_dir(struct walk *w, struct lm_uent *e)
{
	struct stat sb;

	e->fd = openat(e->dirfd, e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		       O_CLOEXEC);
	if (e->fd < 0)
		return problem(w, "open", errno);
	if (fstat(e->fd, &sb) || sb.st_ino != e->st.st_ino ||
	    sb.st_dev != e->st.st_dev)
		return problem(w, "changed while read", 0);
	e->opaque = is_opaque(e->fd);
	return 0;
}

/* Visit @name of the directory @dirfd, then its children. */
static int visit(struct walk *w, int dirfd, size_t plen, const char *name,
		 const struct stat *st, const int *lowers, size_t nl,
		 uint64_t depth)
{
	struct lm_uent e = { .path = w->path, .name = name, .dirfd = dirfd,
			     .fd = -1, .st = *st };
	size_t len = plen + !!plen + strlen(name), n = 0;
	int *stack = NULL, err = 0;

	if (len > LM_PATH_MAX || depth > w->max_depth) {
		w->path[plen] = '\0';
		lm_err(w->obj, "%s/%.64s...: path longer than %s", w->path,
		       name, len > LM_PATH_MAX ? "4096 bytes" : "the depth cap");
		return LM_EXIT_IMAGE;
	}
	sprintf(w->path + plen, "%s%s", plen ? "/" : "", name);
	if (st->st_dev != w->dev)
		return problem(w, "another filesystem mounted in the upper", 0);
	e.whiteout = lm_is_whiteout(st);
	if (S_ISDIR(st->st_mode)) {
		err = open_dir(w, &e);
		stack = lm_xmalloc((nl + 1) * sizeof(int));
	}
	if (!err && !e.whiteout) {
		n = lower_lookup(lowers, nl, name, stack, &e.in_lower);
		e.lowers = stack;
		e.nlowers = n;
	}
	if (!err)
		err = w->fn(&e, w->arg);
	if (!err && e.fd >= 0)
		err = walk_dir(w, e.fd, len, e.opaque ? NULL : stack,
			       e.opaque ? 0 : n, depth + 1);
	while (n--)
		close(stack[n]);
	free(stack);
	if (e.fd >= 0)
		close(e.fd);
	return err;
}

static int walk_dir(struct walk *w, int fd, size_t plen, const int *lowers,
		    size_t nl, uint64_t depth)
{
	struct stat *st = NULL;
	char **names;
	size_t n, i;
	int pass, err;

	err = read_names(fd, &names, &n);
	if (err) {
		w->path[plen] = '\0';
		free_names(names, n);
		return problem(w, "read directory", -err);
	}
	st = lm_xmalloc((n + 1) * sizeof(*st));
	for (i = 0; !err && i < n; i++) {
		if (!fstatat(fd, names[i], &st[i], AT_SYMLINK_NOFOLLOW))
			continue;
		if (errno == ENOENT) {	/* removed meanwhile: not there */
			st[i].st_mode = 0;
			continue;
		}
		sprintf(w->path + plen, "%s%.255s", plen ? "/" : "", names[i]);
		err = problem(w, "stat", errno);
	}
	/* whiteouts first, then the rest; each pass in bytewise order */
	for (pass = 0; pass < 2 && !err; pass++)
		for (i = 0; i < n && !err; i++)
			if (st[i].st_mode && lm_is_whiteout(&st[i]) == !pass)
				err = visit(w, fd, plen, names[i], &st[i],
					    lowers, nl, depth);
	w->path[plen] = '\0';
	free(st);
	free_names(names, n);
	return err;
}

int lm_upper_walk(const char *obj, int rootfd, const int *lowers,
		  size_t nlowers, uint64_t max_depth, lm_uwalk_fn fn, void *arg)
{
	struct walk w = { .obj = obj, .fn = fn, .arg = arg,
			  .max_depth = max_depth };
	struct stat sb;

	if (fstat(rootfd, &sb)) {
		lm_err(obj, "%s", strerror(errno));
		return LM_EXIT_SYSTEM;
	}
	w.dev = sb.st_dev;
	return walk_dir(&w, rootfd, 0, lowers, nlowers, 1);
}

/*
 * The names a lower stack (topmost first) shows in its merged directory:
 * keys of @names (owned), a whiteout hiding a name of the layers below it.
 */
int lm_lower_names(const int *lowers, size_t n, struct lm_map *names)
{
	static char shown, hidden;
	struct lm_map seen = { 0 };
	struct stat sb;
	char **list;
	size_t i, k, cnt;
	int err = 0;

	memset(names, 0, sizeof(*names));
	for (i = 0; i < n && !err; i++) {
		err = read_names(lowers[i], &list, &cnt);
		for (k = 0; k < cnt && !err; k++) {
			if (lm_map_get(&seen, list[k]))
				continue;
			if (fstatat(lowers[i], list[k], &sb, AT_SYMLINK_NOFOLLOW))
				err = -errno;
			else if (lm_is_whiteout(&sb))
				lm_map_put(&seen, lm_xstrdup(list[k]), &hidden);
			else
				lm_map_put(&seen, lm_xstrdup(list[k]), &shown);
		}
		free_names(list, cnt);
	}
	for (i = 0; i < seen.cap; i++)
		if (seen.keys[i] && seen.vals[i] == &shown)
			lm_map_put(names, lm_xstrdup(seen.keys[i]), &shown);
	lm_map_free_keys(&seen);
	return err;
}
