// SPDX-License-Identifier: GPL-2.0
/*
 * store.c: the layer store and the publication of verified layers.
 *
 *   STORE/            mode 0700, owned by the user (root): device nodes and
 *                     setuid files of layers stay out of reach of others
 *   STORE/layers/HEX  one overlayfs-format tree per layer, HEX = diff_id
 *   STORE/rootmeta/HEX  present when layer HEX carried a root entry, whose
 *                     mode, owner and times are those of layers/HEX itself
 *   STORE/tmp/HEX.RND a layer being unpacked, flock()ed by its unpacker
 *   STORE/mounts/ID   per-mount state and its record (mount.c, mounts.c)
 *   STORE/images/HEX  image records (images.c)
 *   STORE/lock, STORE/legacy  the store lock and the layers from before
 *                     records (records.c)
 *
 * No unpacker ever waits for another (containerd's approach): each one
 * unpacks every layer it misses into its own tmp/HEX.RND, verifies it
 * (lm_stream_finish), and when all of an image's missing layers are, makes
 * them durable and renames them to layers/HEX with RENAME_NOREPLACE.  The
 * first complete, verified rename wins; a loser finds layers/HEX taken and
 * throws its copy away.  A hostile image that claims a layer's diff_id, or
 * stalls, holds nothing anyone else needs.
 *
 * Durability, in this order: (1) syncfs() after every new tree is complete
 * (their files and directories reach the disk); (2) rootmeta/HEX created or
 * removed, then rootmeta/ fsync()ed; (3) the renames into layers/, then
 * layers/ fsync()ed.  After a crash a layers/HEX is whole and its rootmeta
 * entry right; a tmp/ leftover is garbage.
 *
 * Every unpacker holds an exclusive flock() on its tmp/ directory until it
 * is renamed or removed; any unpacker removes the tmp/ entries whose lock it
 * can take without waiting (their owner died: a crash or kill -9).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layermount.h"

static const char *const subdirs[] = {
	"layers", "rootmeta", "tmp", "mounts",
};

/* Open a store that exists, ours and closed to others; never creates it. */
int lm_store_open_existing(struct lm_store *st, const char *path)
{
	struct stat sb;

	st->path = realpath(path, NULL);
	st->fd = st->path ? open(st->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				 O_CLOEXEC) : -1;
	if (st->fd < 0 || fstat(st->fd, &sb)) {
		lm_err(path, "cannot open the store: %s", strerror(errno));
		return LM_EXIT_SYSTEM;
	}
	if (sb.st_uid != geteuid() || (sb.st_mode & 077)) {
		lm_err(st->path, "the store must belong to uid %u and be "
		       "closed to others (mode 0700)", (unsigned int)geteuid());
		return LM_EXIT_SYSTEM;
	}
	return 0;
}

int lm_store_open(struct lm_store *st, const char *path)
{
	size_t i;
	int err;

	st->fd = -1;
	st->path = NULL;
	err = lm_mkdir_p(path, 0700);
	if (err) {
		lm_err(path, "cannot create the store: %s", strerror(-err));
		return LM_EXIT_SYSTEM;
	}
	err = lm_store_open_existing(st, path);
	if (err)
		return err;
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

static bool has_layer(struct lm_store *st, const struct lm_digest *d)
{
	char name[LM_HEX + 8];
	struct stat sb;

	snprintf(name, sizeof(name), "layers/%s", d->hex);
	return !fstatat(st->fd, name, &sb, AT_SYMLINK_NOFOLLOW) &&
	       S_ISDIR(sb.st_mode);
}

/* Remove tmp/@name if its unpacker is gone (its lock is free). */
static void stale_one(int fd, const char *name, void *arg)
{
	int dfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			 O_CLOEXEC);

	(void)arg;
	if (dfd < 0) {
		if (errno == ENOTDIR || errno == ELOOP)
			unlinkat(fd, name, 0);
		return;
	}
	if (!flock(dfd, LOCK_EX | LOCK_NB))
		lm_rm_rf_at(fd, name);
	close(dfd);
}

/*
 * Make and lock tmp/HEX.RND; returns its fd or -errno.  A cleaner may take
 * the new directory for a dead one's between mkdir and flock: then it is
 * gone or going, and another name is tried.
 */
static int make_tmp(struct lm_store *st, const char *hex, char *name,
		    size_t len)
{
	struct stat a, b;
	char rnd[17];
	int tries, fd;

	for (tries = 0; tries < 100; tries++) {
		if (lm_random_hex(rnd, 16))
			return -EIO;
		snprintf(name, len, "tmp/%s.%s", hex, rnd);
		if (mkdirat(st->fd, name, 0700))
			return -errno;
		fd = openat(st->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!flock(fd, LOCK_EX | LOCK_NB) && !fstat(fd, &a) &&
		    !fstatat(st->fd, name, &b, AT_SYMLINK_NOFOLLOW) &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
	return -EAGAIN;
}

static int fsync_dir(struct lm_store *st, const char *sub)
{
	return lm_fsync_at(st->fd, sub);
}

/* One layer missing from the store. */
struct job {
	const struct lm_layer *l;
	unsigned int index;		/* 1-based, in the image */
	char *obj;
	char tmp[LM_HEX + 32];		/* "" until made */
	int tmpfd;			/* holds the lock on tmp */
	bool skip;			/* found present: nothing to publish */
	struct lm_unpack_stats ust;
	uint64_t read;
};

static void print_job(struct job *j, bool present)
{
	char size[32];

	if (lm_quiet)
		return;
	if (present) {
		printf("%s: present\n", j->obj);
		return;
	}
	lm_fmt_bytes(size, sizeof(size), j->read);
	printf("%s: unpacked (%llu entries, %s read)\n", j->obj,
	       (unsigned long long)j->ust.entries, size);
}

/* Unpack and verify one layer into its own tmp/HEX.RND; not published. */
static int unpack_job(struct lm_store *st, const struct lm_opts *o,
		      struct lm_source *src, struct job *j, unsigned int count)
{
	const struct lm_layer *l = j->l;
	struct lm_stream *s = NULL;
	struct lm_reader rd = { .fd = -1 };
	struct lm_progress prog;
	int err;

	j->tmpfd = make_tmp(st, l->diff.hex, j->tmp, sizeof(j->tmp));
	if (j->tmpfd < 0) {
		lm_err(st->path, "%s: %s", j->tmp, strerror(-j->tmpfd));
		j->tmp[0] = '\0';
		return LM_EXIT_SYSTEM;
	}
	lm_progress_start(&prog, j->index, count, j->obj + 6);
	err = lm_source_open_file(src, l->path, &rd);
	if (!err && l->size >= 0 && rd.end - rd.off != (uint64_t)l->size) {
		lm_err(j->obj, "blob sha256:%s: size %llu does not match its "
		       "descriptor (%lld)", l->blob.hex,
		       (unsigned long long)(rd.end - rd.off), (long long)l->size);
		err = LM_EXIT_IMAGE;
	}
	if (!err)
		err = lm_stream_open(&s, &rd, j->obj, &o->caps, &prog);
	if (!err)
		err = lm_unpack(lm_stream_archive(s), s, j->tmpfd, j->obj,
				&o->caps, &j->ust);
	if (!err)
		err = lm_stream_finish(s, l);
	lm_progress_end(&prog);
	j->read = prog.bytes;
	lm_stream_free(s);
	lm_reader_close(&rd);
	return err;
}

/* Steps (2) and (3) of the durability order; *lost: another won. */
static int publish_meta(struct lm_store *st, struct job *j)
{
	char meta[LM_HEX + 16];
	int fd;

	snprintf(meta, sizeof(meta), "rootmeta/%s", j->l->diff.hex);
	if (j->ust.root_seen) {
		fd = openat(st->fd, meta, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		close(fd);
	} else if (unlinkat(st->fd, meta, 0) && errno != ENOENT) {
		return -errno;
	}
	return 0;
}

static int publish_tree(struct lm_store *st, struct job *j, bool *lost)
{
	char name[LM_HEX + 16];

	snprintf(name, sizeof(name), "layers/%s", j->l->diff.hex);
	*lost = false;
	if (!renameat2(st->fd, j->tmp, st->fd, name, RENAME_NOREPLACE))
		return 0;
	if (errno != EEXIST && errno != ENOTEMPTY)
		return -errno;
	*lost = true;
	return 0;
}

static int publish_all(struct lm_store *st, struct job *jobs, size_t n)
{
	const char *what = "syncfs";
	size_t i;
	bool lost;
	int err = 0;

	if (syncfs(st->fd))
		err = -errno;
	for (i = 0; i < n && !err; i++)
		if (!jobs[i].skip && (err = publish_meta(st, &jobs[i])))
			what = "rootmeta";
	if (!err && (err = fsync_dir(st, "rootmeta")))
		what = "fsync rootmeta";
	for (i = 0; i < n && !err; i++) {
		if (jobs[i].skip)
			continue;
		err = publish_tree(st, &jobs[i], &lost);
		if (err) {
			what = jobs[i].obj;
			break;
		}
		if (!lost)
			jobs[i].tmp[0] = '\0';
		print_job(&jobs[i], lost);
	}
	if (!err && (err = fsync_dir(st, "layers")))
		what = "fsync layers";
	if (err) {
		lm_err(st->path, "publish: %s: %s", what, strerror(-err));
		return LM_EXIT_SYSTEM;
	}
	return 0;
}

/*
 * Unpack every missing layer, then publish them all: a bad layer anywhere
 * in the image leaves the store as it was.
 */
int lm_store_unpack_image(struct lm_store *st, const struct lm_opts *o,
			  struct lm_source *src, const struct lm_image *img)
{
	struct job *jobs = lm_xmalloc((img->nlayers + 1) * sizeof(*jobs));
	size_t i, n = 0;
	int err = 0;

	lm_dir_each(st->fd, "tmp", stale_one, NULL);
	for (i = 0; i < img->nlayers; i++) {
		const struct lm_layer *l = &img->layers[i];
		struct job *j = &jobs[n];

		if (l->dup)
			continue;	/* the same layer twice */
		memset(j, 0, sizeof(*j));
		j->l = l;
		j->index = i + 1;
		j->tmpfd = -1;
		j->obj = lm_xasprintf("layer sha256:%s", l->diff.hex);
		if (!has_layer(st, &l->diff)) {
			n++;
			continue;
		}
		print_job(j, true);
		free(j->obj);
	}
	for (i = 0; i < n && !err; i++) {
		/* published by another unpacker meanwhile: not read */
		if (has_layer(st, &jobs[i].l->diff)) {
			jobs[i].skip = true;
			print_job(&jobs[i], true);
			continue;
		}
		err = unpack_job(st, o, src, &jobs[i], img->nlayers);
	}
	if (!err && n)
		err = publish_all(st, jobs, n);
	for (i = 0; i < n; i++) {
		if (jobs[i].tmp[0])
			lm_rm_rf_at(st->fd, jobs[i].tmp);
		if (jobs[i].tmpfd >= 0)
			close(jobs[i].tmpfd);
		free(jobs[i].obj);
	}
	free(jobs);
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
