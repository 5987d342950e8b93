// SPDX-License-Identifier: GPL-2.0
/*
 * images.c: image records, and `layermount rm`.
 *
 * STORE/images/HEX, HEX the hex of the image's ID: its manifest digest
 * (OCI layouts, docker 25), else its config digest (classic docker save).
 * The name comes from a digest checked to be 64 hex digits; refs, which
 * the image chooses, are only ever values inside the JSON:
 *
 *   {"id": "sha256:..", "manifest": "sha256:.." | null,
 *    "config": "sha256:..", "refs": ["app:1.2", ...],
 *    "platform": "linux/amd64" | null,
 *    "layers": [{"diff_id": "sha256:..", "size": N | null}, ...],
 *    "size": N | null}
 *
 * layers are bottom first; size is the layer blob's (compressed) size.
 * Writers (unpack, mount, rm) take an exclusive flock(2) on the images/
 * directory for their read-modify-write, so refs added by two processes
 * at once are both kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <json-c/json.h>

#include "layermount.h"

json_object *lm_digest_json(const struct lm_digest *d)
{
	char buf[LM_HEX + 8];

	snprintf(buf, sizeof(buf), "sha256:%s", d->hex);
	return json_object_new_string(buf);
}

static const struct lm_digest *image_id(const struct lm_image *img)
{
	return img->has_manifest ? &img->manifest : &img->config;
}

json_object *lm_image_id_json(const struct lm_image *img)
{
	return lm_digest_json(image_id(img));
}

/* The compressed size of a layer blob; -1 if it cannot be told. */
static int64_t layer_size(struct lm_source *src, const struct lm_layer *l)
{
	struct lm_reader rd = { .fd = -1 };
	int64_t n;

	if (l->size >= 0 || !src)
		return l->size;
	if (lm_source_open_file(src, l->path, &rd))
		return -1;
	n = rd.end - rd.off;
	lm_reader_close(&rd);
	return n;
}

static json_object *size_json(int64_t n)
{
	return n >= 0 ? json_object_new_int64(n) : NULL;
}

static json_object *layers_json(struct lm_source *src,
				const struct lm_image *img, int64_t *total)
{
	json_object *arr = json_object_new_array();
	size_t i;

	*total = 0;
	for (i = 0; i < img->nlayers; i++) {
		json_object *l = json_object_new_object();
		int64_t n = layer_size(src, &img->layers[i]);

		json_object_object_add(l, "diff_id",
				       lm_digest_json(&img->layers[i].diff));
		json_object_object_add(l, "size", size_json(n));
		json_object_array_add(arr, l);
		*total = n < 0 || *total < 0 ? -1 : *total + n;
	}
	return arr;
}

static bool has_string(json_object *arr, const char *s)
{
	size_t i;

	for (i = 0; arr && i < json_object_array_length(arr); i++)
		if (!strcmp(json_object_get_string(
				json_object_array_get_idx(arr, i)), s))
			return true;
	return false;
}

/* The refs of the old record (if any) and of this run, each once. */
static json_object *merged_refs(int dirfd, const char *name,
				const struct lm_image *img)
{
	json_object *old = NULL, *refs = json_object_new_array(), *arr;
	size_t i;

	if (!lm_record_read(dirfd, name, &old) && (arr = lm_jarr(old, "refs")))
		for (i = 0; i < json_object_array_length(arr); i++) {
			json_object *r = json_object_array_get_idx(arr, i);

			if (json_object_is_type(r, json_type_string) &&
			    !has_string(refs, json_object_get_string(r)))
				json_object_array_add(refs, json_object_get(r));
		}
	for (i = 0; i < img->nrefs; i++)
		if (!has_string(refs, img->refs[i]))
			json_object_array_add(refs,
					      json_object_new_string(img->refs[i]));
	json_object_put(old);
	return refs;
}

static int images_dir(struct lm_store *st)
{
	return lm_lock_at(st, "images", O_RDONLY | O_DIRECTORY, LOCK_EX);
}

int lm_image_record(struct lm_store *st, struct lm_source *src,
		    const struct lm_image *img)
{
	json_object *j = json_object_new_object();
	const char *hex = image_id(img)->hex;
	int64_t total;
	int dfd, err;

	json_object_object_add(j, "id", lm_image_id_json(img));
	json_object_object_add(j, "manifest", img->has_manifest ?
			       lm_digest_json(&img->manifest) : NULL);
	json_object_object_add(j, "config", lm_digest_json(&img->config));
	json_object_object_add(j, "platform", img->platform ?
			       json_object_new_string(img->platform) : NULL);
	json_object_object_add(j, "layers", layers_json(src, img, &total));
	json_object_object_add(j, "size", size_json(total));
	dfd = images_dir(st);
	if (dfd < 0) {
		json_object_put(j);
		return LM_EXIT_SYSTEM;
	}
	json_object_object_add(j, "refs", merged_refs(dfd, hex, img));
	err = lm_record_write(dfd, hex, j);
	close(dfd);
	json_object_put(j);
	if (err)
		lm_err(st->path, "images/%s: %s", hex, strerror(-err));
	return err ? LM_EXIT_SYSTEM : 0;
}

/* Call @fn for every image record (name checked, JSON parsed). */
void lm_images_each(struct lm_store *st,
		    void (*fn)(json_object *rec, const char *hex, void *arg),
		    void *arg)
{
	struct lm_map names = { 0 };
	size_t i;

	lm_hex_names(st, "images", LM_HEX, &names);
	for (i = 0; i < names.cap; i++) {
		char path[LM_HEX + 8];
		json_object *rec;

		if (!names.keys[i])
			continue;
		snprintf(path, sizeof(path), "images/%s", names.keys[i]);
		if (!lm_record_read(st->fd, path, &rec)) {
			fn(rec, names.keys[i], arg);
			json_object_put(rec);
		}
	}
	lm_map_free_keys(&names);
}

/* "sha256:HEX" or HEX names one of the record's digests. */
static bool digest_match(json_object *rec, const char *want)
{
	static const char *const keys[] = { "id", "manifest", "config" };
	size_t i;

	for (i = 0; i < 3; i++) {
		const char *d = lm_jstr(rec, keys[i]);

		if (d && !strncmp(d, "sha256:", 7) &&
		    (!strcmp(d, want) || !strcmp(d + 7, want)))
			return true;
	}
	return false;
}

/* Forget @name's ref, or the whole record when @name is a digest. */
static int forget(int dfd, const char *hex, json_object *rec,
		  const char *name, bool *hit)
{
	json_object *refs = lm_jarr(rec, "refs"), *left;
	size_t i;

	if (digest_match(rec, name)) {
		*hit = true;
		return unlinkat(dfd, hex, 0) ? -errno : 0;
	}
	if (!has_string(refs, name))
		return 0;
	*hit = true;
	left = json_object_new_array();
	for (i = 0; i < json_object_array_length(refs); i++) {
		json_object *r = json_object_array_get_idx(refs, i);

		if (strcmp(json_object_get_string(r), name))
			json_object_array_add(left, json_object_get(r));
	}
	if (!json_object_array_length(left)) {
		json_object_put(left);
		return unlinkat(dfd, hex, 0) ? -errno : 0;
	}
	json_object_object_add(rec, "refs", left);
	return lm_record_write(dfd, hex, rec);
}

struct rm_ctx {
	int dfd;
	const char *name;
	bool hit;
	int err;
};

static void rm_one(json_object *rec, const char *hex, void *arg)
{
	struct rm_ctx *c = arg;

	if (!c->err)
		c->err = forget(c->dfd, hex, rec, c->name, &c->hit);
}

/*
 * layermount rm IMAGE: by ref, that ref goes (and the record with its last
 * one); by digest, the record goes.  Layers stay until gc.
 */
int lm_cmd_rm(struct lm_store *st, const char *name)
{
	struct rm_ctx c = { .name = name };

	c.dfd = images_dir(st);
	if (c.dfd < 0)
		return LM_EXIT_SYSTEM;
	lm_images_each(st, rm_one, &c);
	if (!c.err)
		c.err = fsync(c.dfd) ? -errno : 0;
	close(c.dfd);
	if (c.err) {
		lm_err(st->path, "images: %s", strerror(-c.err));
		return LM_EXIT_SYSTEM;
	}
	if (!c.hit) {
		lm_err(name, "no such image in the store %s", st->path);
		return LM_EXIT_SELECT;
	}
	return 0;
}
