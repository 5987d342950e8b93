// SPDX-License-Identifier: GPL-2.0
/*
 * layer.c: an upper directory written as one OCI layer blob (commit).
 *
 * libarchive writes a pax tar (pax_restricted: a plain ustar header unless
 * a name, a link, an id or xattrs need pax records) into sink(), which
 * hashes the tar (the diff_id) and compresses it itself, with zlib (a gzip
 * member: no name, time 0, level 6) or libzstd (level 3), or not at all,
 * into a blob of the layout (layout.c), hashed again (the blob digest):
 * one pass, both digests.
 *
 * Conversion from the overlayfs format (upper.c walks the upper in the
 * layer's order): a whiteout (0:0) becomes an empty ".wh.NAME", an opaque
 * directory is followed by its ".wh..wh..opq"; trusted.overlay.* and
 * user.overlay.* xattrs are never exported, and an upper that has
 * trusted.overlay.redirect or .metacopy (overlayfs with redirect_dir or
 * metacopy) is refused: a layer cannot say "this directory was renamed"
 * or "the data is below".  Other xattrs (POSIX ACLs too, as the
 * system.posix_acl_* xattrs) go as SCHILY.xattr records; security.selinux
 * stays on the host.  A regular file with other links in the upper is
 * written once and then as hard links.  Sockets are skipped (tar cannot
 * hold them).  A name that starts with ".wh." in the upper would read as
 * a whiteout: refused.  Files are dense (holes read as zeros) or, with
 * --sparse and a hole, a sparse entry: libarchive writes the PAX
 * GNU.sparse 1.0 map of the data regions found with SEEK_DATA/SEEK_HOLE
 * (the entry's sparse list) and skips the hole bytes it is handed.  The
 * bytes written are capped in total by --max-bytes.
 *
 * Reproducible: numeric owners only, no atime or ctime, whole-second
 * mtimes, clamped to SOURCE_DATE_EPOCH when it is set (whiteout and
 * opaque markers take their own object's mtime).  A file that changes
 * while it is read is taken with its size at its header and the bytes read
 * then (a file that shrank is padded with zeros).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>
#include <zstd.h>

#include "layermount.h"

#define BUF_SIZE	(256 << 10)
#define SPARSE_MAX	65536	/* data regions of a file in a sparse map */

struct sink {
	enum lm_compress comp;
	z_stream z;
	ZSTD_CCtx *zc;
	struct lm_hash *diff;
	struct lm_blob *blob;
	unsigned char *buf;
	int err;		/* -errno of the blob, or an LM_EXIT_* */
};

struct tw {
	const struct lm_opts *o;
	const char *obj;
	struct archive *a;
	struct archive_entry *e;
	struct lm_map links;	/* "dev:ino" -> first path (both owned) */
	const int64_t *epoch;
	uint64_t bytes;
	char *buf, *zeros;
};

/* Compress @len bytes of @in (or finish, @end) into the blob. */
static int squeeze(struct sink *s, const void *in, size_t len, bool end)
{
	ZSTD_inBuffer zi = { in, len, 0 };
	size_t left;
	int zr;

	s->z.next_in = (unsigned char *)in;
	s->z.avail_in = len;
	do {
		ZSTD_outBuffer zo = { s->buf, BUF_SIZE, 0 };

		if (s->comp == LM_GZIP) {
			s->z.next_out = s->buf;
			s->z.avail_out = BUF_SIZE;
			zr = deflate(&s->z, end ? Z_FINISH : Z_NO_FLUSH);
			if (zr == Z_STREAM_ERROR)
				return LM_EXIT_SYSTEM;
			zo.pos = BUF_SIZE - s->z.avail_out;
			left = end ? zr != Z_STREAM_END : s->z.avail_in;
		} else {
			left = ZSTD_compressStream2(s->zc, &zo, &zi, end ?
						    ZSTD_e_end : ZSTD_e_continue);
			if (ZSTD_isError(left))
				return LM_EXIT_SYSTEM;
			left = left || zi.pos < zi.size;
		}
		if (zo.pos && lm_blob_write(s->blob, s->buf, zo.pos))
			return -errno;
	} while (left);
	return 0;
}

static la_ssize_t sink_write(struct archive *a, void *arg, const void *buf,
			     size_t len)
{
	struct sink *s = arg;

	(void)a;
	if (s->err)
		return -1;
	lm_hash_update(s->diff, buf, len);
	if (s->comp == LM_NONE)
		s->err = lm_blob_write(s->blob, buf, len);
	else
		s->err = squeeze(s, buf, len, false);
	return s->err ? -1 : (la_ssize_t)len;
}

static int sink_open(struct sink *s, enum lm_compress comp,
		     struct lm_blob *blob)
{
	memset(s, 0, sizeof(*s));
	s->comp = comp;
	s->blob = blob;
	s->diff = lm_hash_new();
	s->buf = lm_xmalloc(BUF_SIZE);
	if (comp == LM_GZIP &&
	    deflateInit2(&s->z, 6, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return LM_EXIT_SYSTEM;
	if (comp == LM_ZSTD &&
	    (!(s->zc = ZSTD_createCCtx()) ||
	     ZSTD_isError(ZSTD_CCtx_setParameter(s->zc,
					ZSTD_c_compressionLevel, 3))))
		return LM_EXIT_SYSTEM;
	return 0;
}

static void sink_free(struct sink *s)
{
	if (s->comp == LM_GZIP)
		deflateEnd(&s->z);
	ZSTD_freeCCtx(s->zc);
	lm_hash_free(s->diff);
	free(s->buf);
}

static int refuse(struct tw *t, const char *path, const char *why)
{
	lm_err(t->obj, "%s: %s", path, why);
	return LM_EXIT_IMAGE;
}

/*
 * A name that is not ASCII cannot be converted from the C locale to UTF-8:
 * libarchive warns and writes that entry's name as its bytes
 * (hdrcharset=BINARY), which is what a layer wants.
 */
static int header(struct tw *t)
{
	int r = archive_write_header(t->a, t->e);

	return r == ARCHIVE_WARN ? ARCHIVE_OK : r;
}

static int64_t clamp(const struct tw *t, int64_t mtime)
{
	return t->epoch && mtime > *t->epoch ? *t->epoch : mtime;
}

/* An empty marker entry: ".wh.NAME" or ".wh..wh..opq". */
static int marker(struct tw *t, const char *path, size_t dirlen,
		  const char *name, int64_t mtime)
{
	char *p = lm_xasprintf("%.*s%s.wh.%s", (int)dirlen, path,
			       dirlen ? "/" : "", name);
	int r;

	archive_entry_clear(t->e);
	archive_entry_set_pathname(t->e, p);
	archive_entry_set_filetype(t->e, AE_IFREG);
	archive_entry_set_perm(t->e, 0);
	archive_entry_set_size(t->e, 0);
	archive_entry_set_mtime(t->e, clamp(t, mtime), 0);
	r = header(t);
	free(p);
	if (r != ARCHIVE_OK)
		return refuse(t, path, archive_error_string(t->a));
	return 0;
}

/* One xattr of @path: kept (1), skipped (0), or the upper refused. */
static int xattr_keep(struct tw *t, const char *path, const char *name)
{
	if (!strcmp(name, "trusted.overlay.redirect") ||
	    !strcmp(name, "trusted.overlay.metacopy"))
		return refuse(t, path, "written by overlayfs with redirect_dir "
			      "or metacopy (xattr trusted.overlay.redirect or "
			      ".metacopy): a layer cannot express it");
	return !lm_xattr_reserved(name) && strcmp(name, "security.selinux");
}

/*
 * @e's xattrs, through the /proc name of @fd: for an O_PATH fd that names
 * the object itself, a symlink included, never what a symlink points to.
 */
static int add_xattrs(struct tw *t, const struct lm_uent *u, int fd)
{
	char proc[64], *list = NULL, *name, *val = NULL;
	ssize_t n, vn;
	int err = 0, keep;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = listxattr(proc, NULL, 0);
	if (n > 0) {
		list = lm_xmalloc(n);
		n = listxattr(proc, list, n);
	}
	if (n < 0 && errno != ENOTSUP) {
		err = -errno;
		n = 0;
	}
	for (name = list; !err && n > 0 && name < list + n;
	     name += strlen(name) + 1) {
		keep = xattr_keep(t, u->path, name);
		if (keep <= 0) {
			err = keep;
			continue;
		}
		vn = getxattr(proc, name, NULL, 0);
		val = vn >= 0 ? lm_xrealloc(val, vn + 1) : val;
		if (vn >= 0)
			vn = getxattr(proc, name, val, vn);
		if (vn < 0)
			err = -errno;
		else
			archive_entry_xattr_add_entry(t->e, name, val, vn);
	}
	free(list);
	free(val);
	if (err < 0)
		return refuse(t, u->path, strerror(-err));
	return err;
}

/* Open @u (no symlink followed) and check it is what lstat() saw. */
static int open_obj(struct tw *t, const struct lm_uent *u, int *fd)
{
	int flags = S_ISREG(u->st.st_mode) ? O_RDONLY | O_NONBLOCK : O_PATH;
	struct stat sb;

	*fd = u->fd >= 0 ? dup(u->fd) :
	      openat(u->dirfd, u->name, flags | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0)
		return refuse(t, u->path, strerror(errno));
	if (fstat(*fd, &sb) || sb.st_ino != u->st.st_ino ||
	    sb.st_dev != u->st.st_dev ||
	    (sb.st_mode & S_IFMT) != (u->st.st_mode & S_IFMT))
		return refuse(t, u->path, "changed while read");
	return 0;
}

/*
 * @len bytes of @fd from @off into the entry; zeros for a hole (@fd < 0)
 * and past the file's end (it shrank since its header).
 */
static int copy_range(struct tw *t, const char *path, int fd, int64_t off,
		      int64_t len)
{
	const char *p;
	ssize_t n;

	if (fd >= 0 && lseek(fd, off, SEEK_SET) < 0)
		return refuse(t, path, strerror(errno));
	while (len > 0) {
		n = len < BUF_SIZE ? len : BUF_SIZE;
		p = t->zeros;
		if (fd >= 0) {
			n = read(fd, t->buf, n);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return refuse(t, path, strerror(errno));
			if (!n) {
				fd = -1;
				continue;
			}
			p = t->buf;
		}
		if (archive_write_data(t->a, p, n) != n)
			return refuse(t, path, archive_error_string(t->a));
		len -= n;
	}
	return 0;
}

/* A regular file's data: its data regions, zeros for the holes between. */
static int copy_data(struct tw *t, const char *path, int fd, int64_t size)
{
	la_int64_t start, len;
	int64_t off = 0;
	int err = 0;

	if (!archive_entry_sparse_reset(t->e))
		return copy_range(t, path, fd, 0, size);
	while (!err && archive_entry_sparse_next(t->e, &start, &len) ==
	       ARCHIVE_OK) {
		err = copy_range(t, path, -1, off, start - off);
		if (!err)
			err = copy_range(t, path, fd, start, len);
		off = start + len;
	}
	return err ? err : copy_range(t, path, -1, off, size - off);
}

/*
 * --sparse: the data regions of @fd (SEEK_DATA, SEEK_HOLE) up to @size as
 * the entry's sparse map, if the file has a hole; the bytes of data.  Past
 * SPARSE_MAX regions, the rest of the file is one region.
 */
static int64_t map_data(struct tw *t, int fd, int64_t size)
{
	struct archive_entry *e = t->e;
	int64_t off = 0, data, hole, bytes = 0;
	size_t n = 0;

	while (off < size) {
		data = n < SPARSE_MAX ? lseek(fd, off, SEEK_DATA) : off;
		if (data < 0 && errno == ENXIO)	/* a hole to the end */
			break;
		hole = data < 0 ? -1 : n < SPARSE_MAX ?
		       lseek(fd, data, SEEK_HOLE) : size;
		if (hole < 0) {	/* cannot tell: dense */
			archive_entry_sparse_clear(e);
			return size;
		}
		if (data >= size)
			break;
		hole = hole < size ? hole : size;
		archive_entry_sparse_add_entry(e, data, hole - data);
		bytes += hole - data;
		off = hole;
		n++;
	}
	if (bytes == size)	/* no hole */
		archive_entry_sparse_clear(e);
	else if (!n)		/* only a hole: an empty region at the end */
		archive_entry_sparse_add_entry(e, size, 0);
	return bytes;
}

/* A second link of a regular file: the path of the first, or NULL. */
static const char *link_of(struct tw *t, const struct lm_uent *u)
{
	char key[48];
	const char *first;

	if (!S_ISREG(u->st.st_mode) || u->st.st_nlink < 2)
		return NULL;
	snprintf(key, sizeof(key), "%ju:%ju", (uintmax_t)u->st.st_dev,
		 (uintmax_t)u->st.st_ino);
	first = lm_map_get(&t->links, key);
	if (!first)
		lm_map_put(&t->links, lm_xstrdup(key), lm_xstrdup(u->path));
	return first;
}

static int fill(struct tw *t, const struct lm_uent *u, int fd)
{
	struct archive_entry *e = t->e;
	char target[LM_PATH_MAX + 1];
	ssize_t n;

	archive_entry_set_mode(e, u->st.st_mode);
	archive_entry_set_uid(e, u->st.st_uid);
	archive_entry_set_gid(e, u->st.st_gid);
	archive_entry_set_mtime(e, clamp(t, u->st.st_mtime), 0);
	if (S_ISCHR(u->st.st_mode) || S_ISBLK(u->st.st_mode))
		archive_entry_set_rdev(e, u->st.st_rdev);
	if (S_ISLNK(u->st.st_mode)) {
		n = readlinkat(fd, "", target, sizeof(target));
		if (n < 0 || n >= (ssize_t)sizeof(target))
			return refuse(t, u->path, n < 0 ? strerror(errno) :
				      "symbolic link target too long");
		target[n] = '\0';
		archive_entry_set_symlink(e, target);
	}
	if (S_ISREG(u->st.st_mode)) {
		archive_entry_set_size(e, u->st.st_size);
		t->bytes += t->o->sparse ? map_data(t, fd, u->st.st_size) :
			    u->st.st_size;
		if (t->bytes > t->o->caps.bytes)
			return refuse(t, u->path, "the upper holds more bytes "
				      "than the cap (--max-bytes)");
	}
	return add_xattrs(t, u, fd);
}

static int put(struct lm_uent *u, void *arg)
{
	struct tw *t = arg;
	size_t dirlen = strlen(u->path) - strlen(u->name);
	const char *first;
	int fd = -1, err;

	dirlen -= !!dirlen;	/* the '/' before the name */
	if (u->whiteout)
		return marker(t, u->path, dirlen, u->name, u->st.st_mtime);
	if (!strncmp(u->name, ".wh.", 4))
		return refuse(t, u->path, "a name starting with \".wh.\" would "
			      "be read as a whiteout");
	if (S_ISSOCK(u->st.st_mode)) {
		lm_warn(t->obj, "%s: socket skipped", u->path);
		return 0;
	}
	archive_entry_clear(t->e);
	archive_entry_set_pathname(t->e, u->path);
	first = link_of(t, u);
	if (first) {
		archive_entry_copy_stat(t->e, &u->st);
		archive_entry_unset_atime(t->e);
		archive_entry_unset_ctime(t->e);
		archive_entry_unset_birthtime(t->e);
		archive_entry_set_mtime(t->e, clamp(t, u->st.st_mtime), 0);
		archive_entry_set_hardlink(t->e, first);
		archive_entry_set_size(t->e, 0);
		err = 0;
	} else {
		err = open_obj(t, u, &fd);
		if (!err)
			err = fill(t, u, fd);
	}
	if (!err && header(t) != ARCHIVE_OK)
		err = refuse(t, u->path, archive_error_string(t->a));
	if (!err && !first && S_ISREG(u->st.st_mode))
		err = copy_data(t, u->path, fd, u->st.st_size);
	if (!err && archive_write_finish_entry(t->a) != ARCHIVE_OK)
		err = refuse(t, u->path, archive_error_string(t->a));
	if (fd >= 0)
		close(fd);
	if (!err && u->opaque)
		err = marker(t, u->path, strlen(u->path), ".wh..opq",
			     u->st.st_mtime);
	return err;
}

static struct archive *writer(struct sink *s)
{
	struct archive *a = archive_write_new();

	if (!a || archive_write_set_format_pax_restricted(a) != ARCHIVE_OK)
		goto fail;
	/* SCHILY.xattr only: what container tools read (libarchive 3.6+) */
	archive_write_set_format_option(a, "pax", "xattrheader", "SCHILY");
	if (archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open2(a, s, NULL, sink_write, NULL, NULL) !=
	    ARCHIVE_OK)
		goto fail;
	return a;
fail:
	archive_write_free(a);
	return NULL;
}

/* The tar of the upper, through @s. */
static int write_tar(const struct lm_opts *o, const char *obj, int upperfd,
		     const int64_t *epoch, struct sink *s)
{
	struct tw t = { .o = o, .obj = obj, .epoch = epoch };
	int err;

	t.a = writer(s);
	t.e = archive_entry_new();
	t.buf = lm_xmalloc(BUF_SIZE);
	t.zeros = lm_xmalloc(BUF_SIZE);
	memset(t.zeros, 0, BUF_SIZE);
	if (!t.a || !t.e) {
		lm_err(obj, "cannot set up the tar writer");
		err = LM_EXIT_SYSTEM;
	} else {
		err = lm_upper_walk(obj, upperfd, NULL, 0, o->caps.depth, put,
				    &t);
	}
	if (!err && archive_write_close(t.a) != ARCHIVE_OK)
		err = refuse(&t, "tar", archive_error_string(t.a));
	archive_entry_free(t.e);
	archive_write_free(t.a);
	for (size_t i = 0; i < t.links.cap; i++)
		if (t.links.keys[i])
			free(t.links.vals[i]);
	lm_map_free_keys(&t.links);
	free(t.buf);
	free(t.zeros);
	return err;
}

int lm_layer_write(const struct lm_opts *o, const char *obj, int upperfd,
		   const struct lm_layout *l, enum lm_compress comp,
		   const int64_t *epoch, struct lm_layer_out *out)
{
	struct lm_blob blob;
	struct sink s;
	int err;

	err = lm_blob_open(&blob, l);
	if (err) {
		lm_err(l->path, "new blob: %s", strerror(-err));
		return LM_EXIT_SYSTEM;
	}
	err = sink_open(&s, comp, &blob);
	if (!err)
		err = write_tar(o, obj, upperfd, epoch, &s);
	if (!err && s.err)
		err = s.err;
	if (!err && comp != LM_NONE)
		err = squeeze(&s, NULL, 0, true);
	if (!err) {
		lm_hash_final(s.diff, &out->diff);
		out->size = blob.size;
		err = lm_blob_close(&blob, &out->blob);
	} else {
		lm_blob_abort(&blob);
	}
	sink_free(&s);
	if (err < 0)
		lm_err(l->path, "layer blob: %s", strerror(-err));
	return err < 0 ? LM_EXIT_SYSTEM : err;
}
