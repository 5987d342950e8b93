// SPDX-License-Identifier: GPL-2.0
/*
 * commit.c: layermount commit [--ref NAME] [--output DIR] MOUNTPOINT, the
 * upper of a mount as a new layer on top of its image.
 *
 * The mount's record names its upper and the image it was mounted from
 * (image_path, and its ID).  An OCI layout (a directory, or docker 25's
 * save archive, an OCI layout in a tar) gives the manifest by the digest
 * the record holds, read from the blobs and checked, so a layout whose
 * index.json changed since still gives the mounted image.  A classic
 * docker save archive (manifest.json, layer files not named by digest)
 * gives the image picked by the ref the record holds, which must have the
 * recorded config digest; its layer files are copied into the new layout
 * and checked on the way (their diff_ids), and their descriptors make the
 * manifest's layers.  Written (layer.c, layout.c): the layer
 * blob, a config with the new diff_id appended, "created" set and, only if
 * the source config has a history, one more history entry (created_by:
 * --message), and a manifest with the source's layer descriptors and the
 * new one.  Then either the source layout gets the manifest under --ref
 * NAME (index.json replaced last; an older manifest of that ref leaves
 * the index, its blobs stay; only an OCI layout directory), or --output
 * DIR becomes a new layout with every blob it needs (copied and checked)
 * and the manifest (ref: --ref, if given), or --format docker writes that
 * layout as a docker save archive.  The new manifest's digest goes to
 * stdout (not with -q).
 *
 * Reproducible: with SOURCE_DATE_EPOCH set, "created" (config and
 * history) is that time and mtimes are clamped to it (layer.c); without,
 * "created" is the current time, so the config and manifest differ from
 * run to run while the layer blob is the same for the same upper.
 *
 * The mount stays mounted and usable; the store lock is held shared, so
 * gc waits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "layermount.h"

#define MT_MANIFEST	"application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG	"application/vnd.oci.image.config.v1+json"
#define MT_LAYER	"application/vnd.oci.image.layer.v1.tar"
#define REF_ANNOTATION	"org.opencontainers.image.ref.name"

struct commit {
	const struct lm_opts *o;
	const char *target;
	json_object *rec;
	struct lm_source src;
	json_object *man, *config;
	struct lm_layout out;
	enum lm_compress comp;
	int64_t epoch;
	bool has_epoch;
	struct lm_layer_out layer;
	struct lm_digest cdigest, mdigest;
	size_t csize, msize;
	bool docker;		/* --format docker */
	bool oci;		/* the source is an OCI layout, else docker save */
	struct lm_image img;	/* docker save: the mounted image */
	char tmp[40];		/* its layout, STORE/tmp/commit-RND */
	char *tmp_path;
};

static json_object *jobj(json_object *o, const char *key, json_type type)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

static int parse_epoch(struct commit *c)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;

	if (!s || !*s)
		return 0;
	errno = 0;
	c->epoch = strtoll(s, &end, 10);
	if (*end || errno || c->epoch < 0 || s[0] == '-' || s[0] == '+') {
		lm_err("SOURCE_DATE_EPOCH", "not a number of seconds: %s", s);
		return LM_EXIT_USAGE;
	}
	c->has_epoch = true;
	return 0;
}

/* An OCI layout: the manifest the mount recorded, by its digest. */
static int load_oci(struct commit *c, const char *id,
		    const struct lm_digest *md)
{
	const char *path = c->src.path;
	struct lm_digest cd;
	json_object *d;
	char name[LM_HEX + 16];
	int err = 0;

	snprintf(name, sizeof(name), "blobs/sha256/%s", md->hex);
	if (!lm_source_exists(&c->src, name)) {
		lm_err(path, "has no manifest %s (the mounted image)", id);
		err = LM_EXIT_IMAGE;
	}
	if (!err)
		err = lm_image_read_json(&c->src, c->o, name, md, -1, &c->man);
	d = err ? NULL : jobj(c->man, "config", json_type_object);
	if (!err && (!d || !lm_jstr(d, "digest") ||
		     lm_digest_parse(lm_jstr(d, "digest"), &cd) ||
		     !jobj(c->man, "layers", json_type_array))) {
		lm_err(path, "manifest %s: no config or layers", id);
		err = LM_EXIT_IMAGE;
	}
	snprintf(name, sizeof(name), "blobs/sha256/%s", cd.hex);
	if (!err)
		err = lm_image_read_json(&c->src, c->o, name, &cd, -1,
					 &c->config);
	if (!err && !jobj(jobj(c->config, "rootfs", json_type_object),
			  "diff_ids", json_type_array)) {
		lm_err(path, "config sha256:%s has no rootfs.diff_ids", cd.hex);
		err = LM_EXIT_IMAGE;
	}
	return err;
}

/*
 * A classic docker save archive: the image picked as the mount picked it
 * (by the ref it recorded), which must still be the one mounted (the ID
 * is its config's digest).  Its layers are copied by copy_layers().
 */
static int load_docker(struct commit *c, const char *id,
		       const struct lm_digest *md)
{
	struct lm_opts o = *c->o;
	int err;

	o.ref = lm_jstr(c->rec, "ref");
	err = lm_image_load(&o, &c->src, &c->img);
	if (!err && (c->img.has_manifest ||
		     strcmp(c->img.config.hex, md->hex))) {
		lm_err(c->src.path, "the image %s is no longer there (the "
		       "archive changed since it was mounted)", id);
		err = LM_EXIT_IMAGE;
	}
	if (!err)
		c->config = json_object_get(c->img.config_doc);
	return err;
}

/* The mounted image's manifest (OCI) or layers (docker save), config. */
static int load_source(struct commit *c, struct lm_store *st)
{
	const char *path = lm_jstr(c->rec, "image_path");
	const char *id = lm_jstr(c->rec, "image");
	struct lm_digest md;
	int err;

	if (!path || !id || lm_digest_parse(id, &md)) {
		lm_err(c->target, "the mount's record does not name its image "
		       "(mounted by an older layermount?)");
		return LM_EXIT_USAGE;
	}
	err = lm_source_open(&c->src, path, &c->o->caps, st);
	if (err)
		return err;
	c->oci = lm_source_exists(&c->src, "oci-layout") &&
		 lm_source_exists(&c->src, "index.json");
	if (!c->o->output && (!c->oci || c->src.dirfd < 0)) {
		lm_err(path, "commit --ref without --output adds to an OCI "
		       "layout directory, not to %s: give --output (a new "
		       "layout, or with --format docker an archive)",
		       c->oci ? "a tar file" : "a docker save archive");
		return LM_EXIT_USAGE;
	}
	return c->oci ? load_oci(c, id, &md) : load_docker(c, id, &md);
}

static json_object *digest_str(const struct lm_digest *d)
{
	return lm_digest_json(d);
}

static json_object *descriptor(const char *mt, const struct lm_digest *d,
			       uint64_t size)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "mediaType", json_object_new_string(mt));
	json_object_object_add(o, "digest", digest_str(d));
	json_object_object_add(o, "size", json_object_new_int64(size));
	return o;
}

static char *json_text(json_object *o)
{
	return lm_xstrdup(json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* The new config: diff_id, created, history; written as a blob. */
static int put_config(struct commit *c)
{
	json_object *cfg = c->config, *hist, *h;
	char when[32], *text;
	time_t t = c->has_epoch ? (time_t)c->epoch : time(NULL);
	struct tm tm;
	int err;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_array_add(jobj(jobj(cfg, "rootfs", json_type_object),
				   "diff_ids", json_type_array),
			      digest_str(&c->layer.diff));
	json_object_object_add(cfg, "created", json_object_new_string(when));
	hist = jobj(cfg, "history", json_type_array);
	if (hist) {
		h = json_object_new_object();
		json_object_object_add(h, "created",
				       json_object_new_string(when));
		json_object_object_add(h, "created_by", json_object_new_string(
				c->o->message ? c->o->message :
				"layermount commit"));
		json_object_array_add(hist, h);
	}
	text = json_text(cfg);
	c->csize = strlen(text);
	err = lm_blob_put(&c->out, text, &c->cdigest);
	free(text);
	return err;
}

static const char *layer_type(enum lm_compress comp)
{
	return comp == LM_GZIP ? MT_LAYER "+gzip" :
	       comp == LM_ZSTD ? MT_LAYER "+zstd" : MT_LAYER;
}

/* The new manifest: the source's layers and the new one. */
static int put_manifest(struct commit *c)
{
	json_object *m = json_object_new_object(), *layers, *src;
	char *text;
	size_t i;
	int err;

	src = jobj(c->man, "layers", json_type_array);
	layers = json_object_new_array();
	for (i = 0; i < json_object_array_length(src); i++)
		json_object_array_add(layers, json_object_get(
				json_object_array_get_idx(src, i)));
	json_object_array_add(layers, descriptor(layer_type(c->comp),
						 &c->layer.blob,
						 c->layer.size));
	json_object_object_add(m, "schemaVersion", json_object_new_int(2));
	json_object_object_add(m, "mediaType",
			       json_object_new_string(MT_MANIFEST));
	json_object_object_add(m, "config", descriptor(MT_CONFIG, &c->cdigest,
						       c->csize));
	json_object_object_add(m, "layers", layers);
	text = json_text(m);
	c->msize = strlen(text);
	err = lm_blob_put(&c->out, text, &c->mdigest);
	free(text);
	json_object_put(m);
	return err;
}

/* --output: a source layer blob copied into the new layout, checked. */
static int copy_blob(struct commit *c, json_object *desc)
{
	const char *ds = lm_jstr(desc, "digest");
	struct lm_reader rd = { .fd = -1 };
	struct lm_digest want, got;
	struct lm_blob b;
	char name[LM_HEX + 16], *buf;
	ssize_t n = 0;
	int err;

	if (!ds || lm_digest_parse(ds, &want)) {
		lm_err(c->src.path, "a layer descriptor without a digest");
		return LM_EXIT_IMAGE;
	}
	snprintf(name, sizeof(name), "blobs/sha256/%s", want.hex);
	err = lm_source_open_file(&c->src, name, &rd);
	if (err)
		return err;
	buf = lm_xmalloc(1 << 16);
	err = lm_blob_open(&b, &c->out);
	while (!err && (n = lm_reader_read(&rd, buf, 1 << 16)) > 0)
		err = lm_blob_write(&b, buf, n);
	if (!err && n < 0)
		err = -EIO;
	if (!err)	/* named by its content, whatever it holds */
		err = lm_blob_close(&b, &got);
	else
		lm_blob_abort(&b);
	if (!err && strcmp(got.hex, want.hex))
		err = LM_EXIT_IMAGE;
	if (err == LM_EXIT_IMAGE)
		lm_err(c->src.path, "%s: changed since it was mounted", name);
	else if (err)
		lm_err(c->out.path, "blob %s: %s", want.hex, strerror(-err));
	lm_reader_close(&rd);
	free(buf);
	return err < 0 ? LM_EXIT_SYSTEM : err;
}

static int tee_blob(void *arg, const void *buf, size_t len)
{
	return lm_blob_write(arg, buf, len);
}

/*
 * docker save: every layer file copied into the new layout and checked
 * on the way (lm_stream_copy(): its diff_id, and digest when its name
 * gives one), its descriptor (digest, size, media type from its
 * compression) into the manifest's layers, as an OCI source has them.
 */
static int copy_layers(struct commit *c)
{
	json_object *layers = json_object_new_array();
	struct lm_reader rd = { .fd = -1 };
	enum lm_compress comp = LM_NONE;
	struct lm_digest d;
	struct lm_blob b;
	size_t i;
	int err = 0;

	c->man = json_object_new_object();
	json_object_object_add(c->man, "layers", layers);
	for (i = 0; !err && i < c->img.nlayers; i++) {
		err = lm_source_open_file(&c->src, c->img.layers[i].path, &rd);
		if (err)
			break;
		err = lm_blob_open(&b, &c->out);
		if (err)
			lm_err(c->out.path, "new blob: %s", strerror(-err));
		else
			err = lm_stream_copy(&rd, c->img.layers[i].path,
					     &c->o->caps, &c->img.layers[i],
					     tee_blob, &b, &comp);
		if (!err && (err = lm_blob_close(&b, &d)))
			lm_err(c->out.path, "blob: %s", strerror(-err));
		else if (err && b.fd >= 0)
			lm_blob_abort(&b);
		lm_reader_close(&rd);
		if (!err)
			json_object_array_add(layers, descriptor(
					layer_type(comp), &d, b.size));
	}
	return err < 0 ? LM_EXIT_SYSTEM : err;
}

/* The new manifest's descriptor for index.json. */
static json_object *index_desc(struct commit *c)
{
	json_object *d = descriptor(MT_MANIFEST, &c->mdigest, c->msize), *ann;

	if (c->o->ref) {
		ann = json_object_new_object();
		json_object_object_add(ann, REF_ANNOTATION,
				       json_object_new_string(c->o->ref));
		json_object_object_add(d, "annotations", ann);
	}
	return d;
}

/* The source layout's index.json, under the layout lock, then replaced. */
static int publish_in_place(struct commit *c, json_object *desc)
{
	json_object *old = NULL;
	int err = lm_layout_lock(&c->out);

	if (err) {
		lm_err(c->out.path, "lock: %s", strerror(-err));
		return LM_EXIT_SYSTEM;
	}
	err = lm_image_read_json(&c->src, c->o, "index.json", NULL, -1, &old);
	if (!err && !jobj(old, "manifests", json_type_array)) {
		lm_err(c->out.path, "index.json: no manifests array");
		err = LM_EXIT_IMAGE;
	}
	if (!err && (err = lm_layout_index(&c->out, old, desc, c->o->ref))) {
		lm_err(c->out.path, "index.json: %s", strerror(-err));
		err = LM_EXIT_SYSTEM;
	}
	json_object_put(old);
	return err;
}

static int publish(struct commit *c)
{
	json_object *layers = jobj(c->man, "layers", json_type_array);
	json_object *desc = index_desc(c);
	size_t i;
	int err = 0;

	if (!c->o->output) {
		err = publish_in_place(c, desc);
	} else {
		for (i = 0; !err && c->oci &&
		     i < json_object_array_length(layers); i++)
			err = copy_blob(c, json_object_array_get_idx(layers, i));
		if (!err && (err = lm_layout_index(&c->out, NULL, desc,
						   c->o->ref))) {
			lm_err(c->out.path, "index.json: %s", strerror(-err));
			err = LM_EXIT_SYSTEM;
		}
	}
	json_object_put(desc);
	return err;
}

/* --format docker: manifest.json beside index.json, then the tar. */
static int docker_out(struct commit *c)
{
	json_object *m = json_object_new_object(), *list, *layers, *tags, *d;
	char path[LM_HEX + 16], *text;
	size_t i;
	int err;

	layers = json_object_new_array();
	list = jobj(c->man, "layers", json_type_array);
	for (i = 0; i <= json_object_array_length(list); i++) {
		d = json_object_array_get_idx(list, i);
		snprintf(path, sizeof(path), "blobs/sha256/%s", d ?
			 lm_jstr(d, "digest") + 7 : c->layer.blob.hex);
		json_object_array_add(layers, json_object_new_string(path));
	}
	snprintf(path, sizeof(path), "blobs/sha256/%s", c->cdigest.hex);
	json_object_object_add(m, "Config", json_object_new_string(path));
	tags = json_object_new_array();
	if (c->o->ref)
		json_object_array_add(tags, json_object_new_string(c->o->ref));
	json_object_object_add(m, "RepoTags", tags);
	json_object_object_add(m, "Layers", layers);
	list = json_object_new_array();
	json_object_array_add(list, m);
	text = json_text(list);
	err = lm_layout_put(&c->out, "manifest.json", text);
	free(text);
	json_object_put(list);
	if (!err)
		err = lm_docker_archive(&c->out, c->o->output,
					c->has_epoch ? &c->epoch : NULL);
	if (err)
		lm_err(c->o->output, "docker archive: %s", strerror(-err));
	return err ? LM_EXIT_SYSTEM : 0;
}

/*
 * The layout written to: --output DIR (new), the source's, or for
 * --format docker a new one in STORE/tmp (flock()ed: gc leaves it alone).
 */
static int open_out(struct commit *c, struct lm_store *st)
{
	char rnd[17];
	int err;

	c->out.fd = c->out.sha = -1;
	c->out.path = c->o->output ? c->o->output : c->src.path;
	if (c->docker) {
		if (lm_random_hex(rnd, 16))
			return LM_EXIT_SYSTEM;
		snprintf(c->tmp, sizeof(c->tmp), "tmp/commit-%s", rnd);
		c->tmp_path = lm_xasprintf("%s/%s", st->path, c->tmp);
		c->out.path = c->tmp_path;
	}
	err = lm_layout_open(&c->out, c->o->output != NULL);
	if (!err && c->docker)
		err = lm_layout_lock(&c->out);
	if (err && err != -EEXIST)
		lm_err(c->out.path, "layout: %s", strerror(-err));
	return err ? LM_EXIT_SYSTEM : 0;
}

static int commit_run(struct commit *c, struct lm_store *st, int upper)
{
	int err = load_source(c, st);

	if (!err)
		err = open_out(c, st);
	if (!err && !c->oci)
		err = copy_layers(c);
	if (!err)
		err = lm_layer_write(c->o, lm_jstr(c->rec, "upper_dir"), upper,
				     &c->out, c->comp,
				     c->has_epoch ? &c->epoch : NULL,
				     &c->layer);
	if (!err && (err = put_config(c)) == 0 && (err = put_manifest(c))) {
		lm_err(c->out.path, "blob: %s", strerror(-err));
		err = LM_EXIT_SYSTEM;
	} else if (err < 0) {
		lm_err(c->out.path, "config blob: %s", strerror(-err));
		err = LM_EXIT_SYSTEM;
	}
	if (!err)
		err = publish(c);
	if (!err && c->docker)
		err = docker_out(c);
	if (c->tmp[0])
		lm_rm_rf_at(st->fd, c->tmp);
	if (!err && !lm_quiet)
		printf("sha256:%s\n", c->mdigest.hex);
	return err;
}

int lm_cmd_commit(const struct lm_opts *o, const char *target)
{
	struct commit c = { .o = o, .target = target };
	const char *comp = o->compress ? o->compress : "gzip";
	struct lm_store st;
	struct lm_mnt v = { 0 };
	int err, lock, upper;

	c.comp = !strcmp(comp, "gzip") ? LM_GZIP : !strcmp(comp, "zstd") ?
		 LM_ZSTD : LM_NONE;
	c.docker = o->format && !strcmp(o->format, "docker");
	if (c.docker && !o->output) {
		lm_err(target, "commit --format docker: give --output FILE");
		return LM_EXIT_USAGE;
	}
	c.src.dirfd = c.src.tarfd = -1;
	c.out.fd = c.out.sha = -1;
	if (!o->ref && !o->output) {
		lm_err(target, "commit: give --ref NAME (added to the image's "
		       "layout) or --output DIR (a new layout)");
		return LM_EXIT_USAGE;
	}
	err = parse_epoch(&c);
	if (!err)
		err = lm_mnt_open(o, target, &st, &v, &c.rec, &lock);
	if (err)
		return err;
	upper = lm_mnt_upper(target, c.rec);
	err = upper < 0 ? LM_EXIT_USAGE : commit_run(&c, &st, upper);
	if (upper >= 0)
		close(upper);
	lm_layout_close(&c.out);
	json_object_put(c.man);
	json_object_put(c.config);
	lm_image_free(&c.img);
	lm_source_close(&c.src);
	free(c.tmp_path);
	lm_mnt_close(&st, &v, c.rec, lock);
	return err;
}
