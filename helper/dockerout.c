// SPDX-License-Identifier: GPL-2.0
/*
 * dockerout.c: commit --format docker, the committed image as a docker
 * save archive.
 *
 * The commit is first written as an OCI layout in the store's tmp/
 * (flock(2)ed, so a concurrent cleaner leaves it alone), with a
 * manifest.json beside index.json: the archive is that directory as a
 * tar, the layout docker 25 and later save (docker load, skopeo's
 * docker-archive: and layermount read it).  Layer blobs keep their
 * compression; docker load and layermount detect it from the content.
 * The tar is written to a temporary file beside @file (O_EXCL, no symlink
 * followed), fsynced and renamed over @file: a killed commit leaves no
 * half archive.  Entries are sorted, owned by 0:0, mode 0644 (0755 for
 * directories), with SOURCE_DATE_EPOCH (or 0) as their mtime.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "layermount.h"

struct dout {
	struct archive *a;
	struct archive_entry *e;
	int64_t mtime;
	char *buf;
};

static int add_entry(struct dout *d, int dirfd, const char *name,
		     const char *path, bool dir)
{
	struct stat sb;
	ssize_t n = 0;
	int fd = -1, err = 0;

	archive_entry_clear(d->e);
	archive_entry_set_pathname(d->e, path);
	archive_entry_set_mtime(d->e, d->mtime, 0);
	archive_entry_set_filetype(d->e, dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(d->e, dir ? 0755 : 0644);
	if (!dir) {
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
			err = fd < 0 ? -errno : -EINVAL;
			goto out;
		}
		archive_entry_set_size(d->e, sb.st_size);
	}
	if (archive_write_header(d->a, d->e) != ARCHIVE_OK) {
		err = -EIO;
		goto out;
	}
	while (fd >= 0 && (n = read(fd, d->buf, 1 << 16)) > 0)
		if (archive_write_data(d->a, d->buf, n) != n) {
			err = -EIO;
			break;
		}
	if (n < 0)
		err = -errno;
out:
	if (fd >= 0)
		close(fd);
	return err;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* blobs/sha256/: every blob, sorted. */
static int add_blobs(struct dout *d, const struct lm_layout *l)
{
	int dfd = openat(l->sha, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = dfd < 0 ? NULL : fdopendir(dfd);
	char **names = NULL, path[LM_HEX + 16];
	size_t n = 0, i;
	struct dirent *de;
	int err = 0;

	if (!dir)
		return dfd < 0 ? -errno : -ENOMEM;
	while ((de = readdir(dir)))
		if (lm_is_hex(de->d_name, LM_HEX)) {
			names = lm_xrealloc(names, (n + 1) * sizeof(char *));
			names[n++] = lm_xstrdup(de->d_name);
		}
	if (n)
		qsort(names, n, sizeof(char *), name_cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "blobs/sha256/%s", names[i]);
		if (!err)
			err = add_entry(d, l->sha, names[i], path, false);
		free(names[i]);
	}
	free(names);
	closedir(dir);
	return err;
}

static int write_tar(struct dout *d, const struct lm_layout *l, int fd)
{
	static const char *const top[] = { "index.json", "manifest.json",
					   "oci-layout" };
	size_t i;
	int err = 0;

	if (archive_write_set_format_pax_restricted(d->a) != ARCHIVE_OK ||
	    archive_write_open_fd(d->a, fd) != ARCHIVE_OK)
		return -EIO;
	for (i = 0; i < 3 && !err; i++)
		err = add_entry(d, l->fd, top[i], top[i], false);
	if (!err)
		err = add_entry(d, -1, NULL, "blobs/", true);
	if (!err)
		err = add_entry(d, -1, NULL, "blobs/sha256/", true);
	if (!err)
		err = add_blobs(d, l);
	if (!err && archive_write_close(d->a) != ARCHIVE_OK)
		err = -EIO;
	return err;
}

/* The layout @l (with its manifest.json) as a tar at @file, atomically. */
int lm_docker_archive(const struct lm_layout *l, const char *file,
		      const int64_t *epoch)
{
	struct dout d = { .mtime = epoch ? *epoch : 0 };
	char *copy = lm_xstrdup(file), *tmp, rnd[17];
	int dirfd, fd = -1, err = 0;

	dirfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	copy = lm_xstrdup(file);
	tmp = lm_xasprintf(".%.200s.layermount-tmp-%s", basename(copy),
			   lm_random_hex(rnd, 16) ? "x" : rnd);
	if (dirfd < 0 || (fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
				      O_NOFOLLOW | O_CLOEXEC, 0644)) < 0)
		err = -errno;
	d.a = archive_write_new();
	d.e = archive_entry_new();
	d.buf = lm_xmalloc(1 << 16);
	if (!err)
		err = d.a && d.e ? write_tar(&d, l, fd) : -ENOMEM;
	if (!err && fsync(fd))
		err = -errno;
	if (!err && renameat(dirfd, tmp, dirfd, basename(copy)))
		err = -errno;
	if (!err && fsync(dirfd))
		err = -errno;
	if (err && fd >= 0)
		unlinkat(dirfd, tmp, 0);
	archive_entry_free(d.e);
	archive_write_free(d.a);
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	free(d.buf);
	free(tmp);
	free(copy);
	return err;
}
