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
 * Each missing layer is unpacked into tmp/ and verified (lm_stream_finish);
 * when all of an image's missing layers are, they are synced and renamed to
 * layers/HEX: readers see whole verified layers, and a bad layer publishes
 * nothing.  Unpackers take the locks of the layers they miss in digest
 * order and keep them until they publish; a second unpacker then finds the
 * layers present and reads no blob.  Stale tmp/HEX.* directories
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

/* One layer missing from the store. */
struct job {
	const struct lm_layer *l;
	unsigned int index;		/* 1-based, in the image */
	char *obj;
	char lock[LM_HEX + 16];
	int lockfd;
	char tmp[LM_HEX + 32];		/* "" until made */
	bool skip;			/* present once locked */
	struct lm_unpack_stats ust;
	uint64_t read;
};

static int job_cmp(const void *a, const void *b)
{
	const struct job *x = *(struct job *const *)a;
	const struct job *y = *(struct job *const *)b;

	return strcmp(x->l->diff.hex, y->l->diff.hex);
}

/* Unpack and verify one layer into tmp/HEX.RND; not published yet. */
static int unpack_job(struct lm_store *st, const struct lm_opts *o,
		      struct lm_source *src, struct job *j, unsigned int count)
{
	const struct lm_layer *l = j->l;
	struct lm_stream *s = NULL;
	struct lm_reader rd = { .fd = -1 };
	struct lm_progress prog;
	char rnd[17];
	int fd = -1, err;

	lm_dir_each(st->fd, "tmp", stale_one, (void *)l->diff.hex);
	if (lm_random_hex(rnd, 16)) {
		lm_err(j->obj, "no random numbers");
		return LM_EXIT_SYSTEM;
	}
	snprintf(j->tmp, sizeof(j->tmp), "tmp/%s.%s", l->diff.hex, rnd);
	if (mkdirat(st->fd, j->tmp, 0700) ||
	    (fd = openat(st->fd, j->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		lm_err(st->path, "%s: %s", j->tmp, strerror(errno));
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
		err = lm_unpack(lm_stream_archive(s), s, fd, j->obj, &o->caps,
				&j->ust);
	if (!err)
		err = lm_stream_finish(s, l);
	lm_progress_end(&prog);
	j->read = prog.bytes;
	lm_stream_free(s);
	lm_reader_close(&rd);
	close(fd);
	return err;
}

static void print_job(const struct lm_opts *o, struct job *j, bool present)
{
	char size[32];

	if (o->quiet)
		return;
	if (present) {
		printf("%s: present\n", j->obj);
		return;
	}
	lm_fmt_bytes(size, sizeof(size), j->read);
	printf("%s: unpacked (%llu entries, %s read)\n", j->obj,
	       (unsigned long long)j->ust.entries, size);
}

/* Lock every missing layer, in digest order (no deadlock between images). */
static int lock_jobs(struct lm_store *st, const struct lm_opts *o,
		     struct job *jobs, size_t n)
{
	struct job **order = lm_xmalloc(n * sizeof(*order));
	size_t i;
	int err = 0;

	for (i = 0; i < n; i++)
		order[i] = &jobs[i];
	qsort(order, n, sizeof(*order), job_cmp);
	for (i = 0; i < n && !err; i++) {
		struct job *j = order[i];

		j->lockfd = lock_layer(st, j->l->diff.hex, j->lock,
				       sizeof(j->lock));
		if (j->lockfd < 0) {
			lm_err(st->path, "lock %s: %s", j->obj,
			       strerror(-j->lockfd));
			err = LM_EXIT_SYSTEM;
		} else if (lm_store_has_layer(st, &j->l->diff)) {
			j->skip = true;
			print_job(o, j, true);
		}
	}
	free(order);
	return err;
}

/*
 * Unpack every missing layer, then publish them all: a bad layer anywhere
 * in the image leaves the store as it was.  One syncfs() makes the new
 * layers durable before the first rename.
 */
int lm_store_fetch(struct lm_store *st, const struct lm_opts *o,
		   struct lm_source *src, const struct lm_image *img)
{
	struct job *jobs = lm_xmalloc((img->nlayers + 1) * sizeof(*jobs));
	size_t i, k, n = 0;
	int err = 0;

	for (i = 0; i < img->nlayers; i++) {
		const struct lm_layer *l = &img->layers[i];
		struct job *j = &jobs[n];

		for (k = 0; k < n && strcmp(jobs[k].l->diff.hex, l->diff.hex); k++)
			;
		if (k < n)
			continue;	/* the same layer twice */
		memset(j, 0, sizeof(*j));
		j->l = l;
		j->index = i + 1;
		j->lockfd = -1;
		j->obj = lm_xasprintf("layer sha256:%s", l->diff.hex);
		if (!lm_store_has_layer(st, &l->diff)) {
			n++;
			continue;
		}
		print_job(o, j, true);
		free(j->obj);
	}
	err = lock_jobs(st, o, jobs, n);
	for (i = 0; i < n && !err; i++)
		if (!jobs[i].skip)
			err = unpack_job(st, o, src, &jobs[i], img->nlayers);
	if (!err && n && syncfs(st->fd)) {
		lm_err(st->path, "syncfs: %s", strerror(errno));
		err = LM_EXIT_SYSTEM;
	}
	for (i = 0; i < n && !err; i++) {
		if (jobs[i].skip)
			continue;
		err = publish(st, jobs[i].tmp, jobs[i].l, jobs[i].ust.root_seen);
		if (err) {
			lm_err(st->path, "publish %s: %s", jobs[i].obj,
			       strerror(-err));
			err = LM_EXIT_SYSTEM;
			break;
		}
		jobs[i].tmp[0] = '\0';
		print_job(o, &jobs[i], false);
	}
	for (i = 0; i < n; i++) {
		if (jobs[i].tmp[0])
			lm_rm_rf_at(st->fd, jobs[i].tmp);
		if (jobs[i].lockfd >= 0)
			unlock_layer(st, jobs[i].lock, jobs[i].lockfd);
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
