// SPDX-License-Identifier: GPL-2.0
/*
 * source.c: the files of an image, from a directory or a docker-save tar.
 *
 * A directory is read with openat2(RESOLVE_BENEATH): symbolic links inside
 * the image are followed (docker save links shared layers), but no name or
 * link can lead outside it.  A tar file is indexed once (name, offset, size)
 * and members are then read in place with pread(); member names and link
 * targets are resolved lexically (lm_path_parse() with LM_PATH_RESOLVE)
 * and must stay inside the archive too.  Names given by manifests are
 * refused when absolute or containing ".." (LM_PATH_REFUSE).  A name that
 * two members share (but for directories) is refused: tar -x would keep
 * the last, a reader of the index might take either.
 *
 * A gzip or zstd compressed archive (docker save | gzip) is first
 * decompressed into an unnamed file (O_TMPFILE) in the store's tmp/, under
 * the --max-bytes cap, and indexed there: it vanishes with the process.
 *
 * Every file is opened with O_NONBLOCK and must be a regular file (or the
 * image a directory): a FIFO or a device never makes the helper wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "layermount.h"

enum { M_FILE, M_SYMLINK, M_HARDLINK, M_DIR, M_OTHER };

struct lm_member {
	char *name;
	char *link;
	int type;
	uint64_t off, size;
};

static int member_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lm_member *)a)->name,
		      ((const struct lm_member *)b)->name);
}

/* @in (relative to the member directory @dir, "" for the root) resolved. */
static const char *resolve(struct lm_path *p, const char *dir, const char *in,
			   char *out, size_t len)
{
	char *joined = lm_xasprintf("%s/%s", dir, in);
	const char *why = lm_path_parse(p, joined, LM_PATH_MAX, LM_PATH_RESOLVE);

	free(joined);
	if (!why)
		lm_path_join(p, p->n, out, len);
	return why;
}

static int member_type(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return M_HARDLINK;
	switch (archive_entry_filetype(e)) {
	case AE_IFLNK:
		return M_SYMLINK;
	case AE_IFREG:
		return archive_entry_sparse_count(e) ? M_OTHER : M_FILE;
	case AE_IFDIR:
		return M_DIR;
	}
	return M_OTHER;
}

/* Index the entry @e of the archive @a as the member @name. */
static void add_member(struct lm_source *src, size_t *cap, struct archive *a,
		       struct archive_entry *e, const char *name)
{
	struct lm_member *m;

	if (src->nmembers == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		src->members = lm_xrealloc(src->members, *cap * sizeof(*m));
	}
	m = &src->members[src->nmembers++];
	memset(m, 0, sizeof(*m));
	m->name = lm_xstrdup(name);
	m->off = archive_filter_bytes(a, 0);
	m->size = archive_entry_size(e);
	m->type = member_type(e);
	if (m->type == M_HARDLINK)
		m->link = lm_xstrdup(archive_entry_hardlink(e));
	else if (m->type == M_SYMLINK)
		m->link = lm_xstrdup(archive_entry_symlink(e));
}

/* Sort the index; a name two members share (but for directories) is bad. */
static int sort_members(struct lm_source *src)
{
	size_t i;

	qsort(src->members, src->nmembers, sizeof(*src->members), member_cmp);
	for (i = 1; i < src->nmembers; i++) {
		struct lm_member *m = &src->members[i];

		if (!strcmp(m[-1].name, m->name) &&
		    (m[-1].type != M_DIR || m->type != M_DIR)) {
			lm_err(src->path, "%s: two members of this name "
			       "(ambiguous archive)", m->name);
			return LM_EXIT_IMAGE;
		}
	}
	return 0;
}

static int index_tar(struct lm_source *src, const struct lm_caps *caps)
{
	struct archive *a = archive_read_new();
	struct lm_path *p = lm_xmalloc(sizeof(*p));
	struct archive_entry *e;
	size_t cap = 0;
	char name[LM_PATH_MAX + 1];
	int r, ret = LM_EXIT_IMAGE;

	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, src->tarfd, 65536) != ARCHIVE_OK) {
		lm_err(src->path, "not a tar archive: %s", archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		const char *why, *raw = archive_entry_pathname(e);

		if (src->nmembers >= caps->entries) {
			lm_err(src->path, "more entries than the entry cap");
			goto out;
		}
		why = raw ? resolve(p, "", raw, name, sizeof(name)) : "empty name";
		if (why) {
			lm_err(src->path, "%s: %s", raw ? raw : "", why);
			goto out;
		}
		add_member(src, &cap, a, e, name);
		archive_read_data_skip(a);
	}
	if (r != ARCHIVE_EOF) {
		lm_err(src->path, "damaged tar archive: %s", archive_error_string(a));
		goto out;
	}
	ret = sort_members(src);
out:
	free(p);
	archive_read_free(a);
	return ret;
}

/* An unnamed file in the store's tmp/ (no store: $TMPDIR), gone when closed. */
static int tmp_file(struct lm_store *st)
{
	char name[40], rnd[17];
	const char *tmpdir = getenv("TMPDIR");
	int fd;

	if (!st) {
		fd = open(tmpdir && *tmpdir ? tmpdir : "/tmp",
			  O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		return fd < 0 ? -errno : fd;
	}
	fd = openat(st->fd, "tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd < 0 ? -errno : fd;
	if (lm_random_hex(rnd, 16))
		return -EIO;
	snprintf(name, sizeof(name), "tmp/archive.%s", rnd);
	fd = openat(st->fd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	unlinkat(st->fd, name, 0);
	return fd;
}

/* Replace a compressed archive by its decompressed copy. */
static int decompress(struct lm_source *src, const struct lm_caps *caps,
		      struct lm_store *st, const struct stat *sb)
{
	struct lm_reader rd = { .fd = src->tarfd, .end = sb->st_size };
	bool copied;
	int fd = tmp_file(st), err;

	if (fd < 0) {
		lm_err(st ? st->path : "$TMPDIR", "tmp/: %s", strerror(-fd));
		return LM_EXIT_SYSTEM;
	}
	err = lm_stream_decompress(&rd, fd, src->path, caps, &copied);
	if (err || !copied) {
		close(fd);
		return err;
	}
	close(src->tarfd);
	src->tarfd = fd;
	if (lseek(fd, 0, SEEK_SET)) {
		lm_err(src->path, "lseek: %s", strerror(errno));
		return LM_EXIT_SYSTEM;
	}
	return 0;
}

int lm_source_open(struct lm_source *src, const char *path,
		   const struct lm_caps *caps, struct lm_store *st)
{
	struct stat sb;
	int fd, err;

	memset(src, 0, sizeof(*src));
	src->path = path;
	src->dirfd = src->tarfd = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &sb)) {
		lm_err(path, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return errno == ENOENT ? LM_EXIT_USAGE : LM_EXIT_SYSTEM;
	}
	if (S_ISDIR(sb.st_mode)) {
		src->dirfd = fd;
		return 0;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		lm_err(path, "not a directory or a tar file");
		return LM_EXIT_IMAGE;
	}
	src->tarfd = fd;
	err = decompress(src, caps, st, &sb);
	return err ? err : index_tar(src, caps);
}

void lm_source_close(struct lm_source *src)
{
	size_t i;

	for (i = 0; i < src->nmembers; i++) {
		free(src->members[i].name);
		free(src->members[i].link);
	}
	free(src->members);
	if (src->dirfd >= 0)
		close(src->dirfd);
	if (src->tarfd >= 0)
		close(src->tarfd);
}

static struct lm_member *find(struct lm_source *src, const char *name)
{
	struct lm_member key = { .name = (char *)name };

	return bsearch(&key, src->members, src->nmembers,
		       sizeof(key), member_cmp);
}

/* Follow member links; -ENOENT, -ELOOP, -EXDEV (leaves the image). */
static int tar_lookup(struct lm_source *src, const char *name,
		      struct lm_member **out)
{
	char cur[LM_PATH_MAX + 1], next[LM_PATH_MAX + 1];
	struct lm_path *p = lm_xmalloc(sizeof(*p));
	int hops, err = -ELOOP;

	snprintf(cur, sizeof(cur), "%s", name);
	for (hops = 0; hops < 16 && err == -ELOOP; hops++) {
		struct lm_member *m = find(src, cur);
		char *slash;

		if (!m || m->type == M_OTHER) {
			err = m ? -EINVAL : -ENOENT;
			break;
		}
		if (m->type == M_FILE) {
			*out = m;
			err = 0;
			break;
		}
		slash = strrchr(cur, '/');
		if (m->type == M_HARDLINK || !slash)
			cur[0] = '\0';		/* relative to the root */
		else
			*slash = '\0';		/* to the link's directory */
		if ((m->type == M_SYMLINK && m->link[0] == '/') ||
		    resolve(p, cur, m->link, next, sizeof(next))) {
			err = -EXDEV;
			break;
		}
		memcpy(cur, next, sizeof(cur));
	}
	free(p);
	return err;
}

int lm_source_check_name(struct lm_source *src, const char *name)
{
	struct lm_path *p = lm_xmalloc(sizeof(*p));
	const char *why = name[0] == '/' ? "absolute path" :
			  lm_path_parse(p, name, LM_PATH_MAX, LM_PATH_REFUSE);

	free(p);
	if (!why)
		return 0;
	lm_err(src->path, "%s: path leaves the image (%s)", name, why);
	return LM_EXIT_IMAGE;
}

static int dir_open(struct lm_source *src, const char *name)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return syscall(SYS_openat2, src->dirfd, name, &how, sizeof(how));
}

bool lm_source_exists(struct lm_source *src, const char *name)
{
	struct lm_member *m;
	int fd;

	if (src->tarfd >= 0)
		return !tar_lookup(src, name, &m);
	fd = dir_open(src, name);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int lm_source_open_file(struct lm_source *src, const char *name,
			struct lm_reader *rd)
{
	struct lm_member *m;
	struct stat st;
	int err, fd;

	err = lm_source_check_name(src, name);
	if (err)
		return err;
	if (src->tarfd >= 0) {
		err = tar_lookup(src, name, &m);
		if (!err) {
			rd->fd = src->tarfd;
			rd->own = false;
			rd->off = m->off;
			rd->end = m->off + m->size;
			return 0;
		}
	} else {
		fd = dir_open(src, name);
		err = fd < 0 ? -errno : 0;
		if (!err && (fstat(fd, &st) || !S_ISREG(st.st_mode))) {
			close(fd);
			err = -EINVAL;
		}
		if (!err) {
			posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
			rd->fd = fd;
			rd->own = true;
			rd->off = 0;
			rd->end = st.st_size;
			return 0;
		}
	}
	if (err == -EXDEV)
		lm_err(src->path, "%s: path leaves the image", name);
	else if (err == -EINVAL)
		lm_err(src->path, "%s: not a regular file", name);
	else
		lm_err(src->path, "%s: %s", name, strerror(-err));
	return LM_EXIT_IMAGE;
}

int lm_source_read_file(struct lm_source *src, const char *name,
			uint64_t max, char **buf, size_t *len)
{
	struct lm_reader rd;
	ssize_t n;
	int err;

	err = lm_source_open_file(src, name, &rd);
	if (err)
		return err;
	if (rd.end - rd.off > max) {
		lm_err(src->path, "%s: larger than the JSON size cap (%llu bytes)",
		       name, (unsigned long long)max);
		lm_reader_close(&rd);
		return LM_EXIT_IMAGE;
	}
	*len = rd.end - rd.off;
	*buf = lm_xmalloc(*len + 1);
	n = lm_reader_read(&rd, *buf, *len);
	lm_reader_close(&rd);
	if (n != (ssize_t)*len) {
		lm_err(src->path, "%s: short read", name);
		free(*buf);
		return LM_EXIT_SYSTEM;
	}
	(*buf)[*len] = '\0';
	return 0;
}

/* Reads up to @len bytes; returns 0 at the end, -errno on error. */
ssize_t lm_reader_read(struct lm_reader *rd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len && rd->off < rd->end) {
		size_t want = len - done;
		ssize_t n;

		if (want > rd->end - rd->off)
			want = rd->end - rd->off;
		n = pread(rd->fd, (char *)buf + done, want, rd->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		rd->off += n;
		done += n;
	}
	return done;
}

void lm_reader_close(struct lm_reader *rd)
{
	if (rd->own && rd->fd >= 0)
		close(rd->fd);
	rd->fd = -1;
}
