// SPDX-License-Identifier: GPL-2.0
/*
 * stream.c: one layer blob from the source to libarchive's tar reader.
 *
 * The blob is read once.  Its bytes are hashed (descriptor digest) and
 * decompressed here, not by libarchive: zlib checks every gzip member's CRC
 * and length, libzstd a frame's checksum, and the uncompressed bytes are
 * hashed (diff_id) as they are handed to libarchive, which sees a plain tar
 * with only the tar format enabled.  The compression is found from the first
 * bytes, whatever the media type says.  A compressed stream's diff_id is
 * computed on a second thread (hashpipe.c), so that decompressing and
 * hashing use both cores, as `zstd -dc | tar` does.
 *
 * After the real end of the stream the reader hands out zero blocks, so a
 * layer that lacks its last padding or end-of-archive blocks still reads to
 * ARCHIVE_EOF; lm_stream_truncated() tells the extractor whether an entry's
 * data reached into those zeros, which is an error.  lm_stream_finish()
 * drains whatever follows the tar end marker through the hashes and compares
 * the three checks; only then may the layer be published.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <zlib.h>
#include <zstd.h>

#include "layermount.h"

#define IN_SIZE		(256 * 1024)
#define OUT_SIZE	(256 * 1024)
#define ZERO_TAIL	(16 * 1024)

enum kind { K_TAR, K_GZIP, K_ZSTD };

struct lm_stream {
	struct lm_reader *rd;
	const char *obj;
	const struct lm_caps *caps;
	struct lm_progress *prog;
	enum kind kind;
	struct archive *a;
	z_stream z;
	bool z_init, member_end;
	ZSTD_DCtx *zd;
	size_t zret;
	unsigned char *in, *out;
	const unsigned char *outp;	/* what produce() made */
	size_t in_len, in_pos;
	bool in_eof, done, failed;
	size_t zeros;
	unsigned char *zero;		/* the zero blocks after the end */
	struct lm_hash *blob_h, *diff_h;
	struct lm_hashpipe *pipe;	/* the diff_id's thread, if compressed */
	uint64_t blob_bytes, diff_bytes;
	lm_tee_fn tee;		/* the blob's bytes, as read */
	void *tee_arg;
	int tee_err;
	char err[256];
};

static ssize_t fail(struct lm_stream *s, const char *fmt, const char *detail)
{
	snprintf(s->err, sizeof(s->err), fmt, detail ? detail : "");
	s->failed = true;
	return -1;
}

/* Make at least @want unread input bytes available unless at the end. */
static int fill(struct lm_stream *s, size_t want)
{
	while (!s->in_eof && s->in_len - s->in_pos < want) {
		ssize_t n;

		memmove(s->in, s->in + s->in_pos, s->in_len - s->in_pos);
		s->in_len -= s->in_pos;
		s->in_pos = 0;
		n = lm_reader_read(s->rd, s->in + s->in_len, IN_SIZE - s->in_len);
		if (n < 0)
			return fail(s, "read error: %s", strerror((int)-n));
		if (!n)
			s->in_eof = true;
		if (s->tee && n > 0 &&
		    (s->tee_err = s->tee(s->tee_arg, s->in + s->in_len, n)))
			return fail(s, "write error: %s", strerror(-s->tee_err));
		if (s->kind != K_TAR && n > 0)
			lm_hash_update(s->blob_h, s->in + s->in_len, n);
		s->blob_bytes += n;
		s->in_len += n;
	}
	return 0;
}

static ssize_t gunzip(struct lm_stream *s)
{
	int ret;

	s->z.next_out = s->out;
	s->z.avail_out = OUT_SIZE;
	while (s->z.avail_out == OUT_SIZE) {
		if (fill(s, s->member_end ? 2 : 1))
			return -1;
		if (s->member_end) {
			if (s->in_pos == s->in_len)
				return 0;	/* clean end after a member */
			if (s->in_len - s->in_pos < 2 || s->in[s->in_pos] != 0x1f ||
			    s->in[s->in_pos + 1] != 0x8b)
				return fail(s, "trailing garbage after the gzip stream%s", NULL);
			inflateReset(&s->z);
			s->member_end = false;
		}
		/* With no input left, inflate may still flush output. */
		s->z.next_in = s->in + s->in_pos;
		s->z.avail_in = s->in_len - s->in_pos;
		ret = inflate(&s->z, Z_NO_FLUSH);
		s->in_pos = s->in_len - s->z.avail_in;
		if (ret == Z_STREAM_END)
			s->member_end = true;
		else if (ret == Z_BUF_ERROR && s->in_eof)
			return fail(s, "gzip stream truncated%s", NULL);
		else if (ret != Z_OK && ret != Z_BUF_ERROR)
			return fail(s, "corrupt gzip stream: %s",
				    s->z.msg ? s->z.msg : "inflate error");
	}
	return OUT_SIZE - s->z.avail_out;
}

static ssize_t unzstd(struct lm_stream *s)
{
	ZSTD_outBuffer ob = { s->out, OUT_SIZE, 0 };

	while (!ob.pos) {
		ZSTD_inBuffer ib;

		if (fill(s, 1))
			return -1;
		if (s->in_pos == s->in_len && !s->zret)
			return 0;	/* every frame complete and flushed */
		ib.src = s->in;
		ib.size = s->in_len;
		ib.pos = s->in_pos;
		s->zret = ZSTD_decompressStream(s->zd, &ob, &ib);
		s->in_pos = ib.pos;
		if (ZSTD_isError(s->zret))
			return fail(s, "corrupt zstd stream: %s",
				    ZSTD_getErrorName(s->zret));
		if (!ob.pos && s->in_pos == s->in_len && s->in_eof)
			return fail(s, "zstd stream truncated%s", NULL);
	}
	return ob.pos;
}

/* Plain tar: the blob is the stream, hashed once (as the diff_id). */
static ssize_t plain(struct lm_stream *s)
{
	ssize_t n;

	if (fill(s, 1))
		return -1;
	n = s->in_len - s->in_pos;
	s->outp = s->in + s->in_pos;
	s->in_pos = s->in_len;
	return n;
}

/* Next piece of the real uncompressed stream; 0 at its end. */
static ssize_t produce(struct lm_stream *s)
{
	ssize_t n;

	if (s->done)
		return 0;
	if (s->pipe)
		s->out = lm_hashpipe_buffer(s->pipe);
	s->outp = s->out;
	switch (s->kind) {
	case K_GZIP: n = gunzip(s); break;
	case K_ZSTD: n = unzstd(s); break;
	default: n = plain(s); break;
	}
	if (n < 0)
		return n;
	if (!n) {
		s->done = true;
		return 0;
	}
	if (s->pipe)
		lm_hashpipe_submit(s->pipe, n);
	else
		lm_hash_update(s->diff_h, s->outp, n);
	s->diff_bytes += n;
	if (s->diff_bytes > s->caps->bytes)
		return fail(s, "more uncompressed bytes than the size cap%s", NULL);
	lm_progress_update(s->prog, s->blob_bytes);
	return n;
}

static la_ssize_t cb_read(struct archive *a, void *data, const void **buf)
{
	struct lm_stream *s = data;
	ssize_t n;
	size_t z;

	if (s->failed) {
		archive_set_error(a, EIO, "%s", s->err);
		return -1;
	}
	n = produce(s);
	if (n < 0) {
		archive_set_error(a, EIO, "%s", s->err);
		return -1;
	}
	*buf = s->outp;
	if (n)
		return n;
	*buf = s->zero;
	z = ZERO_TAIL - s->zeros;
	s->zeros += z;
	return z;
}

/* The compression, from the first bytes, and its decompressor. */
static int stream_init(struct lm_stream **sp, struct lm_reader *rd,
		       const char *obj, const struct lm_caps *caps,
		       struct lm_progress *prog, lm_tee_fn tee, void *arg)
{
	struct lm_stream *s = lm_xmalloc(sizeof(*s));
	static const unsigned char zmagic[] = { 0x28, 0xb5, 0x2f, 0xfd };
	unsigned char *p;

	memset(s, 0, sizeof(*s));
	s->rd = rd;
	s->obj = obj;
	s->caps = caps;
	s->prog = prog;
	s->tee = tee;
	s->tee_arg = arg;
	s->in = lm_xmalloc(IN_SIZE);
	s->zero = lm_xmalloc(ZERO_TAIL);
	memset(s->zero, 0, ZERO_TAIL);
	s->blob_h = lm_hash_new();
	*sp = s;
	/* Peek at the magic; fill() hashes what it reads. */
	s->kind = K_GZIP;
	if (fill(s, 4)) {
		lm_err(obj, "%s", s->err);
		return LM_EXIT_SYSTEM;
	}
	p = s->in;
	if (s->in_len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		s->kind = K_GZIP;
	else if (s->in_len >= 4 && (!memcmp(p, zmagic, 4) ||
		 ((p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d &&
		  p[3] == 0x18)))
		s->kind = K_ZSTD;
	else if (s->in_len >= 3 && !memcmp(p, "BZh", 3))
		goto unsupported;
	else if (s->in_len >= 6 && !memcmp(p, "\xfd" "7zXZ", 5))
		goto unsupported;
	else
		s->kind = K_TAR;
	if (s->kind == K_GZIP) {
		if (inflateInit2(&s->z, 15 + 16) != Z_OK)
			goto nomem;
		s->z_init = true;
	} else if (s->kind == K_ZSTD) {
		s->zd = ZSTD_createDCtx();
		if (!s->zd)
			goto nomem;
	}
	/* the diff_id's hash and the output buffers: the hash thread and
	 * its ring, or a hash and a buffer of our own */
	if (s->kind != K_TAR)
		s->pipe = lm_hashpipe_new(OUT_SIZE);
	if (!s->pipe) {
		s->diff_h = lm_hash_new();
		s->out = lm_xmalloc(OUT_SIZE);
	}
	return 0;
unsupported:
	lm_err(obj, "unsupported compression (only tar, gzip and zstd)");
	return LM_EXIT_IMAGE;
nomem:
	lm_err(obj, "out of memory");
	return LM_EXIT_SYSTEM;
}

static int stream_fail_msg(struct lm_stream *s, const char *msg)
{
	lm_err(s->obj, "%s", msg);
	return LM_EXIT_IMAGE;
}

/* An error of the stream: the image's (2) or a read error (4). */
static int stream_fail(struct lm_stream *s)
{
	lm_err(s->obj, "%s", s->err);
	return strncmp(s->err, "read error", 10) ? LM_EXIT_IMAGE : LM_EXIT_SYSTEM;
}

int lm_stream_open(struct lm_stream **sp, struct lm_reader *rd,
		   const char *obj, const struct lm_caps *caps,
		   struct lm_progress *prog)
{
	struct lm_stream *s;
	int err = stream_init(sp, rd, obj, caps, prog, NULL, NULL);

	if (err)
		return err;
	s = *sp;
	s->a = archive_read_new();
	if (!s->a) {
		lm_err(obj, "out of memory");
		return LM_EXIT_SYSTEM;
	}
	archive_read_support_format_tar(s->a);
	if (archive_read_open(s->a, s, NULL, cb_read, NULL) != ARCHIVE_OK) {
		if (s->failed)
			return stream_fail(s);
		lm_err(obj, "%s", archive_error_string(s->a));
		return LM_EXIT_IMAGE;
	}
	return 0;
}

/*
 * Decompress a gzip or zstd stream into @outfd (*copied), under the byte
 * cap; a plain stream is left alone.  For compressed docker save archives.
 */
int lm_stream_decompress(struct lm_reader *rd, int outfd, const char *obj,
			 const struct lm_caps *caps, bool *copied)
{
	struct lm_progress prog = { .tty = false };
	struct lm_stream *s = NULL;
	uint64_t off = 0;
	ssize_t n;
	int err;

	*copied = false;
	err = stream_init(&s, rd, obj, caps, &prog, NULL, NULL);
	if (err || s->kind == K_TAR)
		goto out;
	*copied = true;
	while ((n = produce(s)) > 0) {
		err = lm_write_all(outfd, s->outp, n);
		if (err) {
			lm_err(obj, "decompress into the store's tmp/: %s",
			       strerror(-err));
			err = LM_EXIT_SYSTEM;
			goto out;
		}
		off += n;
	}
	if (n < 0)
		err = stream_fail(s);
	else if (!off)
		err = stream_fail_msg(s, "empty compressed archive");
out:
	lm_stream_free(s);
	return err;
}

/*
 * Read the blob of @rd to its end, handing its bytes to @tee as they are
 * read, and check it as unpack does (lm_stream_finish(): @l's blob digest
 * and size when known, the gzip CRC and length, the diff_id); *comp: its
 * compression.  For commit, which copies layers that a docker save
 * archive does not name by digest.
 */
int lm_stream_copy(struct lm_reader *rd, const char *obj,
		   const struct lm_caps *caps, const struct lm_layer *l,
		   lm_tee_fn tee, void *arg, enum lm_compress *comp)
{
	struct lm_progress prog = { .tty = false };
	struct lm_stream *s = NULL;
	int err = stream_init(&s, rd, obj, caps, &prog, tee, arg);

	if (!err) {
		*comp = s->kind == K_GZIP ? LM_GZIP :
			s->kind == K_ZSTD ? LM_ZSTD : LM_NONE;
		err = lm_stream_finish(s, l);
	}
	if (s && s->tee_err)	/* the copy's fault, not the image's */
		err = LM_EXIT_SYSTEM;
	lm_stream_free(s);
	return err;
}

struct archive *lm_stream_archive(struct lm_stream *s)
{
	return s->a;
}

/* Bytes of the uncompressed stream the tar reader has consumed. */
uint64_t lm_stream_pos(struct lm_stream *s)
{
	return archive_filter_bytes(s->a, 0);
}

/*
 * Does stream offset @end lie past the real end of the stream?  With
 * UINT64_MAX: has the reader gone past it at all (then a tar error means
 * the layer was cut short)?
 */
bool lm_stream_truncated(struct lm_stream *s, uint64_t end)
{
	return s->zeros && end > s->diff_bytes;
}

/* Bytes of the blob and of the uncompressed stream read so far. */
void lm_stream_sizes(struct lm_stream *s, uint64_t *blob, uint64_t *tar)
{
	*blob = s->blob_bytes;
	*tar = s->diff_bytes;
}

/* A decompression error hidden behind a libarchive error, if any. */
const char *lm_stream_error(struct lm_stream *s)
{
	return s->failed ? s->err : NULL;
}

int lm_stream_finish(struct lm_stream *s, const struct lm_layer *l)
{
	struct lm_digest got, diff;
	char *obj;
	int err = 0;

	while (produce(s) > 0)
		;
	if (s->pipe)
		lm_hashpipe_final(s->pipe, &diff);
	else
		lm_hash_final(s->diff_h, &diff);
	if (s->failed)
		return stream_fail(s);
	if (l->has_blob) {
		obj = lm_xasprintf("blob sha256:%s", l->blob.hex);
		if (s->kind == K_TAR)
			got = diff;
		else
			lm_hash_final(s->blob_h, &got);
		if (l->size >= 0 && (uint64_t)l->size != s->blob_bytes) {
			lm_err(obj, "size %llu does not match its descriptor (%lld)",
			       (unsigned long long)s->blob_bytes,
			       (long long)l->size);
			err = LM_EXIT_IMAGE;
		} else {
			err = lm_digest_check(obj, &l->blob, &got);
		}
		free(obj);
		if (err)
			return err;
	}
	if (strcmp(diff.hex, l->diff.hex)) {
		lm_err(s->obj, "diff_id mismatch: config says sha256:%s, "
		       "uncompressed stream is sha256:%s", l->diff.hex, diff.hex);
		return LM_EXIT_IMAGE;
	}
	return 0;
}

void lm_stream_free(struct lm_stream *s)
{
	if (!s)
		return;
	if (s->a)
		archive_read_free(s->a);
	if (s->z_init)
		inflateEnd(&s->z);
	ZSTD_freeDCtx(s->zd);
	lm_hash_free(s->blob_h);
	lm_hash_free(s->diff_h);
	if (s->pipe)
		lm_hashpipe_free(s->pipe);	/* s->out is one of its ring */
	else
		free(s->out);
	free(s->in);
	free(s->zero);
	free(s);
}
