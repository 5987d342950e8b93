// SPDX-License-Identifier: GPL-2.0
/*
 * inspect.c: `layermount inspect IMAGE`, what each layer adds, modifies,
 * deletes and wastes, read straight from the image's blobs.
 *
 * Each layer is read once through the same path as unpack (source.c,
 * stream.c: blob digest, gzip CRC and length, diff_id; lm_tar_next() of
 * tarentry.c and lm_tar_skip() of unpack.c for the tar stream), and its
 * entries are checked as unpack checks them, with the same messages and
 * exit status 2, against a model of the layer's directory (struct ipath
 * records) instead of a real one.  Nothing is written: no store, no root needed.  The one
 * exception is a compressed docker-save archive, decompressed into an
 * unnamed temporary file in $TMPDIR (source.c), gone with the process.
 *
 * Unpack refusals that come from the filesystem at write time (a file
 * larger than it holds, an xattr value the kernel rejects) are not seen
 * here: inspect never writes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <json-c/json.h>

#include "inspect.h"

struct rctx {
	struct inspect *in;
	struct ilayer *il;
	const char *obj;
	const char *raw;
	const struct lm_caps *caps;
	struct lm_path path, link;
};

static int bad(struct rctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(struct rctx *c, const char *fmt, ...)
{
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	lm_err(c->obj, "entry %s: %s", c->raw, msg ? msg : fmt);
	free(msg);
	return LM_EXIT_IMAGE;
}

static bool has_rec(const struct rctx *c, const struct ipath *p)
{
	return p && p->rec_layer == c->in->cur && p->rec.kind != IK_NONE;
}

/* The first @n components of @p joined into @buf ("" for none). */
static const char *prefix(const struct lm_path *p, size_t n, char *buf)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		off += snprintf(buf + off, LM_PATH_MAX + 1 - off, "%s%s",
				i ? "/" : "", p->comp[i]);
	return buf;
}

/*
 * The directory of the first @n components of @p in this layer, as unpack's
 * walk() finds it: missing ones are implied (0755, root) when @create;
 * -ELOOP for a symlink on the way, -ENOTDIR for another non-directory,
 * -EINVAL for a whiteout name, -ENOENT when missing and not @create.
 */
static int walk(struct rctx *c, const struct lm_path *p, size_t n,
		bool create, struct ipath **out)
{
	struct ipath *d = c->in->root;
	char buf[LM_PATH_MAX + 1];
	size_t i;

	for (i = 0; i < n; i++) {
		if (lm_whiteout_kind(p->comp[i]) != LM_WH_NONE)
			return -EINVAL;
		d = ipath_get(c->in, prefix(p, i + 1, buf), create);
		if (!has_rec(c, d)) {
			if (!create)
				return -ENOENT;
			ipath_record(c->in, d);
			d->rec.kind = IK_DIR;
			d->rec.type = 'd';
			d->rec.mode = 0755;
			continue;
		}
		if (d->rec.kind == IK_LNK)
			return -ELOOP;
		if (d->rec.kind != IK_DIR)
			return -ENOTDIR;
	}
	*out = d;
	return 0;
}

static int walk_error(struct rctx *c, int err, const char *what)
{
	return bad(c, "%s%s", what, lm_walk_why(err));
}

static int whiteout(struct rctx *c, enum lm_wh_kind kind)
{
	const char *hidden = c->path.comp[c->path.n - 1] + 4;
	char buf[LM_PATH_MAX + 1];
	struct ipath *dir, *p;
	size_t len;
	int err;

	if (lm_whiteout_skip(c->obj, c->raw, kind))
		return 0;
	if (lm_whiteout_invalid(kind, hidden))
		return bad(c, "whiteout of an invalid name");
	err = walk(c, &c->path, c->path.n - 1, true, &dir);
	if (err)
		return walk_error(c, err, "");
	if (kind == LM_WH_OPAQUE) {
		dir->rec_opaque = true;
		return 0;
	}
	len = strlen(prefix(&c->path, c->path.n - 1, buf));
	snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? "/" : "", hidden);
	p = ipath_get(c->in, buf, true);
	if (has_rec(c, p))
		return 0;	/* a real entry of the same name wins */
	ipath_record(c->in, p);
	p->rec.kind = IK_WHITEOUT;
	p->rec.type = 'w';
	p->rec_explicit = true;
	return 0;
}

static int hardlink(struct rctx *c, const char *target, struct ipath *p)
{
	const char *why = lm_path_parse(&c->link, target, c->caps->depth,
					LM_PATH_REFUSE);
	char buf[LM_PATH_MAX + 1];
	struct ipath *dir, *t;
	int err;

	if (why)
		return bad(c, "hard link target %s: %s", target, why);
	if (!c->link.n)
		return bad(c, "hard link to the layer root");
	err = walk(c, &c->link, c->link.n - 1, false, &dir);
	if (err)
		return walk_error(c, err, "hard link target ");
	t = ipath_get(c->in, prefix(&c->link, c->link.n, buf), false);
	if (!has_rec(c, t))
		return bad(c, "hard link target %s does not exist", target);
	if (t->rec.kind == IK_DIR)
		return bad(c, "hard link target %s is a directory", target);
	p->rec = t->rec;
	p->rec.type = t->rec.kind == IK_WHITEOUT ? 'w' : 'h';
	p->rec_explicit = true;
	if (p->rec.obj)
		p->rec.obj->refs++;
	return 0;
}

static bool same_path(struct rctx *c, const char *target)
{
	char a[LM_PATH_MAX + 1], b[LM_PATH_MAX + 1];

	return !lm_path_parse(&c->link, target, c->caps->depth,
			      LM_PATH_REFUSE) &&
	       !strcmp(prefix(&c->link, c->link.n, a),
		       prefix(&c->path, c->path.n, b));
}

/* Metadata of a new object at @p (already a record). */
static void set_meta(struct rctx *c, struct ipath *p, struct archive_entry *e,
		     enum ikind kind, char type)
{
	struct istate *r = &p->rec;

	r->kind = kind;
	r->type = type;
	r->mode = archive_entry_perm(e) & 07777;
	r->uid = archive_entry_uid(e);
	r->gid = archive_entry_gid(e);
	r->size = 0;
	p->rec_explicit = true;
	if (kind != IK_REG)
		return;
	r->size = archive_entry_size(e);
	r->obj = lm_xmalloc(sizeof(*r->obj));
	r->obj->path = p;
	r->obj->size = r->size;
	r->obj->layer = c->in->cur;
	r->obj->refs = 1;
	c->il->file_bytes += r->size;
}

static int special(struct rctx *c, struct archive_entry *e, struct ipath *p,
		   mode_t type)
{
	char t = type == AE_IFCHR ? 'c' : type == AE_IFBLK ? 'b' : 'p';

	/* a character device 0:0 is a whiteout in the store's format */
	if (type == AE_IFCHR && !archive_entry_rdevmajor(e) &&
	    !archive_entry_rdevminor(e)) {
		set_meta(c, p, e, IK_WHITEOUT, 'w');
		return 0;
	}
	set_meta(c, p, e, IK_OTHER, t);
	return 0;
}

static int by_type(struct rctx *c, struct archive_entry *e, struct ipath *p)
{
	mode_t type = archive_entry_filetype(e);
	char msg[64];
	const char *why = lm_entry_type_why(e, msg, sizeof(msg));

	if (why)
		return bad(c, "%s", why);
	switch (type) {
	case AE_IFREG:
		set_meta(c, p, e, IK_REG, 'f');
		return 0;
	case AE_IFDIR:
		set_meta(c, p, e, IK_DIR, 'd');
		return 0;
	case AE_IFLNK:
		set_meta(c, p, e, IK_LNK, 'l');
		return 0;
	case AE_IFSOCK:
		lm_warn(c->obj, "entry %s: socket skipped", c->raw);
		return 0;
	}
	return special(c, e, p, type);	/* device or FIFO */
}

static int root_entry(struct rctx *c, struct archive_entry *e)
{
	if (archive_entry_hardlink(e) || archive_entry_filetype(e) != AE_IFDIR)
		return bad(c, "the layer root replaced by a non-directory");
	set_meta(c, c->in->root, e, IK_DIR, 'd');
	return 0;
}

/* One tar entry, checked as unpack's entry() checks it, into the model. */
static int entry(struct rctx *c, struct archive_entry *e)
{
	const char *why, *hl = archive_entry_hardlink(e);
	char buf[LM_PATH_MAX + 1];
	struct ipath *dir, *p;
	enum lm_wh_kind kind;
	int err;

	why = lm_entry_path(e, &c->path, c->caps->depth, &c->raw);
	if (why)
		return bad(c, "%s", why);
	if (!c->path.n)
		return root_entry(c, e);
	kind = lm_whiteout_kind(c->path.comp[c->path.n - 1]);
	if (kind != LM_WH_NONE)
		return whiteout(c, kind);
	if (hl && same_path(c, hl))
		return 0;
	err = walk(c, &c->path, c->path.n - 1, true, &dir);
	if (err)
		return walk_error(c, err, "");
	p = ipath_get(c->in, prefix(&c->path, c->path.n, buf), true);
	if (has_rec(c, p) && (hl || p->rec.kind != IK_DIR ||
			      archive_entry_filetype(e) != AE_IFDIR))
		ipath_rec_drop(c->in, p);	/* make room */
	ipath_record(c->in, p);
	if (hl)
		return hardlink(c, hl, p);
	return by_type(c, e, p);
}

/* The descriptor's size, checked before anything is read (as unpack). */
static int open_blob(struct rctx *c, struct lm_source *src,
		     struct lm_reader *rd)
{
	const struct lm_layer *l = c->il->l;
	uint64_t size;
	int err = lm_source_open_file(src, l->path, rd);

	if (err)
		return err;
	size = rd->end - rd->off;
	if (l->size < 0 || size == (uint64_t)l->size)
		return 0;
	lm_err(c->obj, "blob sha256:%s: size %llu does not match its "
	       "descriptor (%lld)", l->blob.hex, (unsigned long long)size,
	       (long long)l->size);
	return LM_EXIT_IMAGE;
}

static int read_entries(struct rctx *c, struct lm_stream *s)
{
	struct archive *a = lm_stream_archive(s);
	struct archive_entry *e;
	uint64_t start;
	int r;

	for (;;) {
		r = lm_tar_next(a, s, c->obj, c->caps, &c->il->entries, &e);
		if (r)
			return r < 0 ? 0 : r;
		start = lm_stream_pos(s);
		r = entry(c, e);
		if (!r)
			r = lm_tar_skip(a, s, c->obj, e, start);
		if (r)
			return r;
	}
}

/* Read, check and verify layer @il, then add it to the merged tree. */
static int read_layer(struct inspect *in, struct lm_source *src,
		      struct ilayer *il)
{
	struct rctx *c = lm_xmalloc(sizeof(*c));
	struct lm_reader rd = { .fd = -1 };
	struct lm_stream *s = NULL;
	struct lm_progress prog;
	int err;

	memset(c, 0, sizeof(*c));
	c->in = in;
	c->il = il;
	c->caps = &in->o->caps;
	c->obj = lm_xasprintf("layer sha256:%s", il->l->diff.hex);
	in->keep_changes = in->o->inspect.files &&
		(!in->o->inspect.files_layer ||
		 in->o->inspect.files_layer == il->index);
	ipath_layer_start(in, il->index);
	lm_progress_start(&prog, il->index, in->nlayers, c->obj + 6);
	err = open_blob(c, src, &rd);
	if (!err)
		err = lm_stream_open(&s, &rd, c->obj, c->caps, &prog);
	if (!err)
		err = read_entries(c, s);
	if (!err)
		err = lm_stream_finish(s, il->l);
	lm_progress_end(&prog);
	if (!err) {
		lm_stream_sizes(s, &il->blob_bytes, &il->tar_bytes);
		ipath_apply(in, il);
	}
	lm_stream_free(s);
	lm_reader_close(&rd);
	free((char *)c->obj);
	free(c);
	return err;
}

/*
 * created_by of each layer from the config's history: entries with
 * empty_layer are skipped; when the rest do not pair one to one with the
 * layers, every layer's is unknown.
 */
static void history(struct inspect *in, json_object *config)
{
	json_object *h = NULL, *v;
	size_t i, n = 0, len;

	if (config && json_object_is_type(config, json_type_object))
		json_object_object_get_ex(config, "history", &h);
	if (!h || !json_object_is_type(h, json_type_array))
		return;
	len = json_object_array_length(h);
	for (i = 0; i < len; i++) {
		json_object *ent = json_object_array_get_idx(h, i);

		if (json_object_object_get_ex(ent, "empty_layer", &v) &&
		    json_object_get_boolean(v))
			continue;
		if (n < in->nlayers)
			in->layers[n].created_by =
				json_object_object_get_ex(ent, "created_by", &v) &&
				json_object_is_type(v, json_type_string) ?
				json_object_get_string(v) : NULL;
		n++;
	}
	for (i = 0; n != in->nlayers && i < in->nlayers; i++)
		in->layers[i].created_by = NULL;
}

static int run(struct inspect *in, struct lm_source *src,
	       struct lm_image *img)
{
	size_t i;
	int err = 0;

	in->nlayers = img->nlayers;
	in->layers = lm_xmalloc((img->nlayers + 1) * sizeof(*in->layers));
	memset(in->layers, 0, (img->nlayers + 1) * sizeof(*in->layers));
	for (i = 0; i < img->nlayers; i++) {
		in->layers[i].index = i + 1;
		in->layers[i].l = &img->layers[i];
	}
	history(in, img->config_doc);
	if (in->o->inspect.files_layer > img->nlayers) {
		lm_err(in->image, "--files=%u: the image has %zu layers",
		       in->o->inspect.files_layer, img->nlayers);
		return LM_EXIT_USAGE;
	}
	for (i = 0; i < img->nlayers && !err; i++) {
		struct ilayer *il = &in->layers[i];

		err = read_layer(in, src, il);
		in->blob_bytes += il->blob_bytes;
		in->tar_bytes += il->tar_bytes;
		in->file_bytes += il->file_bytes;
	}
	return err ? err : inspect_report(in);
}

int lm_inspect(const struct lm_opts *o, const char *image)
{
	struct inspect in;
	struct lm_source src;
	struct lm_image img;
	size_t i;
	int err;

	memset(&in, 0, sizeof(in));
	memset(&img, 0, sizeof(img));
	in.o = o;
	in.image = image;
	ipath_init(&in);
	err = lm_source_open(&src, image, &o->caps, NULL);
	if (!err)
		err = lm_image_load(o, &src, &img);
	if (!err)
		err = run(&in, &src, &img);
	for (i = 0; i < in.nlayers; i++)
		free(in.layers[i].changes);
	free(in.layers);
	ipath_free(&in);
	lm_image_free(&img);
	lm_source_close(&src);
	return err;
}
