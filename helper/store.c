// SPDX-License-Identifier: GPL-2.0
/*
 * store.c: the layer store and the publication of verified layers.
 *
 *   STORE/            mode 0700, owned by the user (root): device nodes and
 *                     setuid files of layers stay out of reach of others
 *   STORE/layers/HEX  one overlayfs-format tree per layer, HEX = diff_id
 *   STORE/rootmeta/HEX  present when layer HEX carried a root entry, whose
 *                     mode, owner and times are those of layers/HEX itself
 *   STORE/tmp/HEX.RND a layer being unpacked
 *   STORE/locks/HEX   held (flock) while HEX is unpacked, then removed
 *   STORE/mounts/ID   per-mount state (see mount.c)
 *
 * A layer is unpacked into tmp/, verified (lm_stream_finish), synced and
 * renamed to layers/HEX: readers see a whole verified layer or none.
 * Unpackers of the same layer serialise on its lock file; the second one
 * finds the layer present and reads no blob.  Stale tmp/HEX.* directories
 * (a crash) are removed by the next unpacker of HEX, under the lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layermount.h"

static const char *const subdirs[] = {
	"layers", "rootmeta", "tmp", "locks", "mounts",
};

int lm_store_open(struct lm_store *st, const char *path)
{
	struct stat sb;
	size_t i;
	int err;

	st->fd = -1;
	st->path = NULL;
	err = lm_mkdir_p(path, 0700);
	if (err) {
		lm_err(path, "cannot create the store: %s", strerror(-err));
		return LM_EXIT_SYSTEM;
	}
	st->path = realpath(path, NULL);
	st->fd = st->path ? open(st->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (st->fd < 0 || fstat(st->fd, &sb)) {
		lm_err(path, "cannot open the store: %s", strerror(errno));
		return LM_EXIT_SYSTEM;
	}
	if (sb.st_uid != geteuid() || (sb.st_mode & 077)) {
		lm_err(st->path, "the store must belong to uid %u and be "
		       "closed to others (mode 0700)", (unsigned int)geteuid());
		return LM_EXIT_SYSTEM;
	}
	for (i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		if (mkdirat(st->fd, subdirs[i], 0700) && errno != EEXIST) {
			lm_err(st->path, "mkdir %s: %s", subdirs[i],
			       strerror(errno));
			return LM_EXIT_SYSTEM;
		}
	}
	return 0;
}

void lm_store_close(struct lm_store *st)
{
	if (st->fd >= 0)
		close(st->fd);
	free(st->path);
}

bool lm_store_has_layer(struct lm_store *st, const struct lm_digest *d)
{
	char name[LM_HEX + 8];
	struct stat sb;

	snprintf(name, sizeof(name), "layers/%s", d->hex);
	return !fstatat(st->fd, name, &sb, AT_SYMLINK_NOFOLLOW) &&
	       S_ISDIR(sb.st_mode);
}

/* Take the lock of layer @hex; the file is removed by unlock_layer(). */
static int lock_layer(struct lm_store *st, const char *hex, char *name,
		      size_t len)
{
	struct stat a, b;
	int fd;

	snprintf(name, len, "locks/%s", hex);
	for (;;) {
		fd = openat(st->fd, name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX)) {
			close(fd);
			return -errno;
		}
		/* The holder before us may have removed the file. */
		if (!fstat(fd, &a) && !fstatat(st->fd, name, &b, 0) &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
}

static void unlock_layer(struct lm_store *st, const char *name, int fd)
{
	unlinkat(st->fd, name, 0);
	close(fd);
}

static void stale_one(int fd, const char *name, void *hex)
{
	if (!strncmp(name, hex, LM_HEX) && name[LM_HEX] == '.')
		lm_rm_rf_at(fd, name);
}

static int publish(struct lm_store *st, const char *tmp,
		   const struct lm_layer *l, bool root_seen)
{
	char name[LM_HEX + 16], meta[LM_HEX + 16];
	int fd;

	snprintf(name, sizeof(name), "layers/%s", l->diff.hex);
	snprintf(meta, sizeof(meta), "rootmeta/%s", l->diff.hex);
	if (root_seen) {
		fd = openat(st->fd, meta, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		close(fd);
	} else if (unlinkat(st->fd, meta, 0) && errno != ENOENT) {
		return -errno;
	}
	if (renameat(st->fd, tmp, st->fd, name))
		return -errno;
	return 0;
}

static int fetch_layer(struct lm_store *st, const struct lm_opts *o,
		       struct lm_source *src, const struct lm_layer *l,
		       const char *obj, struct lm_progress *prog)
{
	struct lm_unpack_stats ust;
	struct lm_stream *s = NULL;
	struct lm_reader rd = { .fd = -1 };
	char tmp[LM_HEX + 32], rnd[17], size[32];
	int fd = -1, err;

	if (lm_random_hex(rnd, 16)) {
		lm_err(obj, "no random numbers");
		return LM_EXIT_SYSTEM;
	}
	snprintf(tmp, sizeof(tmp), "tmp/%s.%s", l->diff.hex, rnd);
	if (mkdirat(st->fd, tmp, 0700) ||
	    (fd = openat(st->fd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		lm_err(st->path, "%s: %s", tmp, strerror(errno));
		return LM_EXIT_SYSTEM;
	}
	err = lm_source_open_file(src, l->path, &rd);
	if (!err && l->size >= 0 && rd.end - rd.off != (uint64_t)l->size) {
		lm_err(obj, "blob sha256:%s: size %llu does not match its "
		       "descriptor (%lld)", l->blob.hex,
		       (unsigned long long)(rd.end - rd.off), (long long)l->size);
		err = LM_EXIT_IMAGE;
	}
	if (!err)
		err = lm_stream_open(&s, &rd, obj, &o->caps, prog);
	if (!err)
		err = lm_unpack(lm_stream_archive(s), s, fd, obj, &o->caps, &ust);
	if (!err)
		err = lm_stream_finish(s, l);
	lm_progress_end(prog);
	if (!err && syncfs(fd)) {
		lm_err(st->path, "syncfs: %s", strerror(errno));
		err = LM_EXIT_SYSTEM;
	}
	if (!err) {
		err = publish(st, tmp, l, ust.root_seen);
		if (err == -EEXIST || err == -ENOTEMPTY)
			err = 0;	/* published by someone else */
		if (err) {
			lm_err(st->path, "publish %s: %s", obj, strerror(-err));
			err = LM_EXIT_SYSTEM;
		}
	}
	if (!err && !o->quiet) {
		lm_fmt_bytes(size, sizeof(size), prog->bytes);
		printf("%s: unpacked (%llu entries, %s read)\n", obj,
		       (unsigned long long)ust.entries, size);
	}
	lm_stream_free(s);
	lm_reader_close(&rd);
	close(fd);
	lm_rm_rf_at(st->fd, tmp);
	return err;
}

int lm_store_fetch(struct lm_store *st, const struct lm_opts *o,
		   struct lm_source *src, const struct lm_image *img)
{
	struct lm_progress prog;
	char lock[LM_HEX + 16], *obj;
	size_t i;
	int fd, err = 0;

	for (i = 0; i < img->nlayers && !err; i++) {
		const struct lm_layer *l = &img->layers[i];

		obj = lm_xasprintf("layer sha256:%s", l->diff.hex);
		if (lm_store_has_layer(st, &l->diff))
			goto present;
		fd = lock_layer(st, l->diff.hex, lock, sizeof(lock));
		if (fd < 0) {
			lm_err(st->path, "lock %s: %s", obj, strerror(-fd));
			err = LM_EXIT_SYSTEM;
			goto next;
		}
		if (lm_store_has_layer(st, &l->diff)) {
			unlock_layer(st, lock, fd);
			goto present;
		}
		lm_dir_each(st->fd, "tmp", stale_one, (void *)l->diff.hex);
		lm_progress_start(&prog, i + 1, img->nlayers, obj + 6);
		err = fetch_layer(st, o, src, l, obj, &prog);
		unlock_layer(st, lock, fd);
		goto next;
present:
		if (!o->quiet)
			printf("%s: present\n", obj);
next:
		free(obj);
	}
	fflush(stdout);
	return err;
}

/* The root of the image: that of the topmost layer with a root entry. */
int lm_store_root_meta(struct lm_store *st, const struct lm_image *img,
		       struct stat *meta)
{
	char name[LM_HEX + 16];
	size_t i;

	memset(meta, 0, sizeof(*meta));
	meta->st_mode = S_IFDIR | 0755;
	for (i = img->nlayers; i-- > 0;) {
		snprintf(name, sizeof(name), "rootmeta/%s",
			 img->layers[i].diff.hex);
		if (faccessat(st->fd, name, F_OK, 0))
			continue;
		snprintf(name, sizeof(name), "layers/%s",
			 img->layers[i].diff.hex);
		if (fstatat(st->fd, name, meta, 0)) {
			lm_err(st->path, "%s: %s", name, strerror(errno));
			return LM_EXIT_SYSTEM;
		}
		return 0;
	}
	return 0;
}
