// SPDX-License-Identifier: GPL-2.0
/*
 * layout.c: writing an OCI image layout, for commit.
 *
 * Root runs this on a directory a user named, maybe inside a tree others
 * can write: every name below the layout is opened or made relative to
 * the layout's fd, with O_NOFOLLOW (no symlink is ever followed), files are
 * made with O_EXCL under a random temporary name in the layout's root and
 * renamed into place.  An existing --output directory must be empty, a
 * directory (not a symlink) and root's (the caller's) alone to change.
 *
 * Atomic and durable: a blob is written in full, fsynced, renamed to
 * blobs/sha256/<hex> and the directory fsynced before anything names it;
 * index.json is replaced last, by rename, under an flock(2) of the layout
 * directory (two commits to one layout keep both refs).  A commit killed at
 * any point leaves the old index.json, every blob it names, and at worst
 * unreferenced blobs and ".layermount-tmp-*" files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "layermount.h"

#define TMP_PREFIX	".layermount-tmp-"

int lm_blob_open(struct lm_blob *b, const struct lm_layout *l)
{
	char rnd[17];

	memset(b, 0, sizeof(*b));
	b->l = l;
	b->fd = -1;
	if (lm_random_hex(rnd, 16))
		return -EIO;
	snprintf(b->tmp, sizeof(b->tmp), TMP_PREFIX "%s", rnd);
	b->fd = openat(l->fd, b->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		       O_CLOEXEC, 0644);
	if (b->fd < 0)
		return -errno;
	b->h = lm_hash_new();
	return 0;
}

int lm_blob_write(struct lm_blob *b, const void *buf, size_t len)
{
	lm_hash_update(b->h, buf, len);
	b->size += len;
	return lm_write_all(b->fd, buf, len);
}

void lm_blob_abort(struct lm_blob *b)
{
	if (b->fd >= 0) {
		close(b->fd);
		unlinkat(b->l->fd, b->tmp, 0);
	}
	b->fd = -1;
	lm_hash_free(b->h);
	b->h = NULL;
}

/* fsync, rename to blobs/sha256/<hex>, fsync the directory; its digest. */
int lm_blob_close(struct lm_blob *b, struct lm_digest *d)
{
	int err = 0;

	lm_hash_final(b->h, d);
	if (fsync(b->fd))
		err = -errno;
	if (!err && renameat(b->l->fd, b->tmp, b->l->sha, d->hex))
		err = -errno;
	if (!err && (fsync(b->l->sha) || fsync(b->l->fd)))
		err = -errno;
	if (err) {
		lm_blob_abort(b);
		return err;
	}
	close(b->fd);
	b->fd = -1;
	lm_hash_free(b->h);
	b->h = NULL;
	return 0;
}

int lm_blob_put(const struct lm_layout *l, const char *text,
		struct lm_digest *d)
{
	struct lm_blob b;
	int err = lm_blob_open(&b, l);

	if (!err)
		err = lm_blob_write(&b, text, strlen(text));
	if (!err)
		return lm_blob_close(&b, d);
	lm_blob_abort(&b);
	return err;
}

/* @name in the layout replaced by @text, atomically and durably. */
int lm_layout_put(const struct lm_layout *l, const char *name,
		    const char *text)
{
	struct lm_blob b;
	int err = lm_blob_open(&b, l);

	if (!err)
		err = lm_blob_write(&b, text, strlen(text));
	if (!err && fsync(b.fd))
		err = -errno;
	if (!err && renameat(l->fd, b.tmp, l->fd, name))
		err = -errno;
	if (!err && fsync(l->fd))
		err = -errno;
	if (err) {
		lm_blob_abort(&b);
		return err;
	}
	close(b.fd);
	lm_hash_free(b.h);
	return 0;
}

static int subdir(int dirfd, const char *name, bool make)
{
	if (make && mkdirat(dirfd, name, 0755) && errno != EEXIST)
		return -errno;
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		      O_CLOEXEC);
}

static bool dir_empty(int fd)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	struct dirent *de;
	bool empty = d != NULL;

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	if (d)
		closedir(d);
	else if (dfd >= 0)
		close(dfd);
	return empty;
}

/* --output DIR: made, or an existing empty directory of ours. */
static int open_new(struct lm_layout *l)
{
	struct stat sb;

	if (mkdir(l->path, 0755) && errno != EEXIST)
		return -errno;
	l->fd = open(l->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (l->fd < 0)
		return -errno;
	if (fstat(l->fd, &sb))
		return -errno;
	if (sb.st_uid != geteuid() || (sb.st_mode & 022) || !dir_empty(l->fd)) {
		lm_err(l->path, "--output: must be a new or empty directory of "
		       "uid %u, closed to others' writes",
		       (unsigned int)geteuid());
		return -EEXIST;
	}
	return 0;
}

/* The layout @l->path opened (@fresh: made, see above); -errno. */
int lm_layout_open(struct lm_layout *l, bool fresh)
{
	int err = 0, fd;

	l->sha = -1;
	if (fresh)
		err = open_new(l);
	else if ((l->fd = open(l->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			       O_CLOEXEC)) < 0)
		err = -errno;
	if (err)
		return err;
	fd = subdir(l->fd, "blobs", fresh);
	if (fd < 0)
		return fd;
	l->sha = subdir(fd, "sha256", fresh);
	close(fd);
	if (l->sha < 0)
		return l->sha;
	if (fresh)
		return lm_layout_put(l, "oci-layout",
				"{\"imageLayoutVersion\":\"1.0.0\"}");
	return 0;
}

void lm_layout_close(struct lm_layout *l)
{
	if (l->sha >= 0)
		close(l->sha);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = l->sha = -1;
}

/* Drop the top-level descriptors that carry the ref @ref. */
static void drop_ref(json_object *list, const char *ref)
{
	size_t i = json_object_array_length(list);
	json_object *ann;
	const char *r;

	while (i-- > 0) {
		json_object *d = json_object_array_get_idx(list, i);

		if (json_object_object_get_ex(d, "annotations", &ann) &&
		    (r = lm_jstr(ann, "org.opencontainers.image.ref.name")) &&
		    !strcmp(r, ref))
			json_object_array_del_idx(list, i, 1);
	}
}

/*
 * index.json with @desc added (and the ref it carries taken from any other
 * top-level descriptor): read, changed and renamed over under the lock.
 * @old: the current index of an existing layout, NULL for a new one.
 */
int lm_layout_index(const struct lm_layout *l, json_object *old,
		    json_object *desc, const char *ref)
{
	json_object *idx = old ? json_object_get(old) : json_object_new_object();
	json_object *list;
	int err;

	if (!json_object_object_get_ex(idx, "manifests", &list) ||
	    !json_object_is_type(list, json_type_array)) {
		json_object_object_add(idx, "schemaVersion",
				       json_object_new_int(2));
		list = json_object_new_array();
		json_object_object_add(idx, "manifests", list);
	}
	if (ref)
		drop_ref(list, ref);
	json_object_array_add(list, json_object_get(desc));
	err = lm_layout_put(l, "index.json", json_object_to_json_string_ext(idx,
				JSON_C_TO_STRING_PLAIN |
				JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(idx);
	return err;
}

int lm_layout_lock(const struct lm_layout *l)
{
	return flock(l->fd, LOCK_EX) ? -errno : 0;
}
