// SPDX-License-Identifier: GPL-2.0
/*
 * image.c: from an image (OCI layout or docker save) to its list of layers.
 *
 * OCI: index.json, nested indexes (depth <= 8), --ref by the annotation
 * org.opencontainers.image.ref.name (or docker 25's io.containerd.image.name),
 * --platform among platform descriptors.
 * Every blob read here (index, manifest, config) is checked against its
 * descriptor's size and digest before it is parsed.  docker save: the
 * classic manifest.json ("Config", "RepoTags", "Layers"), used when there is
 * no oci-layout file; --ref matches one of RepoTags.
 * JSON is parsed with a depth cap and a size cap; any malformed or
 * unexpected document is a bad image (exit status 2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <json-c/json.h>

#include "layermount.h"

#define MT_OCI_INDEX	"application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST	"application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST	"application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define REF_ANNOTATION	"org.opencontainers.image.ref.name"
#define CONTAINERD_ANNOTATION "io.containerd.image.name"	/* docker 25 */
#define MAX_NESTING	8
#define JSON_DEPTH	64

struct candidate {
	struct lm_digest digest;
	int64_t size;
	char *label;		/* ref name or platform, for messages */
	char *ref;		/* its ref annotation, or NULL */
};

struct resolve {
	const struct lm_opts *o;
	struct lm_source *src;
	char platform[128];
	struct candidate *cand;
	size_t ncand;
	char *seen;		/* labels of descriptors passed over */
};

static int parse_json(const char *obj, const char *buf, size_t len,
		      json_object **out)
{
	struct json_tokener *tok = json_tokener_new_ex(JSON_DEPTH);
	enum json_tokener_error jerr;
	json_object *j;

	if (!tok) {
		lm_err(obj, "out of memory");
		return LM_EXIT_SYSTEM;
	}
	j = json_tokener_parse_ex(tok, buf, len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_success &&
	    json_tokener_get_parse_end(tok) < len &&
	    strspn(buf + json_tokener_get_parse_end(tok), " \t\r\n") !=
	    len - json_tokener_get_parse_end(tok))
		jerr = json_tokener_error_parse_unexpected;
	json_tokener_free(tok);
	if (jerr != json_tokener_success || !j) {
		json_object_put(j);
		lm_err(obj, "malformed JSON: %s",
		       jerr == json_tokener_continue ? "unexpected end" :
		       json_tokener_error_desc(jerr));
		return LM_EXIT_IMAGE;
	}
	*out = j;
	return 0;
}

/* The member @key of the object @o if it has the @type, else NULL. */
static json_object *jget(json_object *o, const char *key, json_type type)
{
	json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v = jget(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

/* @name of the image, checked (size, digest: -1, NULL for none), parsed. */
int lm_image_read_json(struct lm_source *src, const struct lm_opts *o,
		       const char *name, const struct lm_digest *want,
		       int64_t size, json_object **out)
{
	struct lm_digest got;
	struct lm_hash *h;
	char *buf, *obj;
	size_t len;
	int err;

	err = lm_source_read_file(src, name, o->caps.json, &buf, &len);
	if (err)
		return err;
	obj = want ? lm_xasprintf("blob sha256:%s", want->hex) :
		     lm_xasprintf("%s", name);
	if (size >= 0 && (uint64_t)size != len) {
		lm_err(obj, "size %zu does not match its descriptor (%lld)",
		       len, (long long)size);
		err = LM_EXIT_IMAGE;
	} else if (want) {
		h = lm_hash_new();
		lm_hash_update(h, buf, len);
		lm_hash_final(h, &got);
		lm_hash_free(h);
		err = lm_digest_check(obj, want, &got);
	}
	if (!err)
		err = parse_json(obj, buf, len, out);
	free(obj);
	free(buf);
	return err;
}

static char *blob_path(const struct lm_digest *d)
{
	return lm_xasprintf("blobs/sha256/%s", d->hex);
}

/* A descriptor: digest and size, both required and well formed. */
static int descriptor(const char *obj, json_object *d, struct lm_digest *dg,
		      int64_t *size)
{
	const char *s = jstr(d, "digest");
	json_object *sz = jget(d, "size", json_type_int);

	if (!s || lm_digest_parse(s, dg)) {
		lm_err(obj, "descriptor with a missing, malformed or "
		       "unsupported digest \"%s\"", s ? s : "");
		return LM_EXIT_IMAGE;
	}
	if (!sz || json_object_get_int64(sz) < 0) {
		lm_err(obj, "descriptor sha256:%s without a valid size", dg->hex);
		return LM_EXIT_IMAGE;
	}
	*size = json_object_get_int64(sz);
	return 0;
}

static void host_platform(char *buf, size_t len)
{
	static const struct { const char *uname, *oci; } map[] = {
		{ "x86_64", "amd64" }, { "aarch64", "arm64" },
		{ "i686", "386" }, { "armv7l", "arm" }, { "ppc64le", "ppc64le" },
		{ "s390x", "s390x" }, { "riscv64", "riscv64" },
	};
	struct utsname u;
	const char *arch = "amd64";
	size_t i;

	if (!uname(&u))
		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (!strcmp(u.machine, map[i].uname))
				arch = map[i].oci;
	snprintf(buf, len, "linux/%s", arch);
}

static void note_seen(struct resolve *r, const char *label)
{
	char *s = lm_xasprintf("%s%s%s", r->seen ? r->seen : "",
			       r->seen ? ", " : "", label);

	free(r->seen);
	r->seen = s;
}

/* Returns the platform label of @d ("os/arch[/variant]"), NULL if none. */
static char *platform_of(json_object *d)
{
	json_object *p = jget(d, "platform", json_type_object);
	const char *os = jstr(p, "os"), *arch = jstr(p, "architecture");
	const char *var = jstr(p, "variant");

	if (!os || !arch)
		return NULL;
	return lm_xasprintf("%s/%s%s%s", os, arch, var ? "/" : "",
			    var ? var : "");
}

static bool platform_match(const char *want, const char *have)
{
	size_t n = strlen(want);

	/* "linux/arm" matches "linux/arm/v7"; "linux/arm/v7" only itself. */
	return !strcmp(want, have) ||
	       (!strncmp(want, have, n) && have[n] == '/' &&
		!strchr(want + strcspn(want, "/") + 1, '/'));
}

static int collect(struct resolve *r, json_object *arr, int depth,
		   bool matched);

static int consider(struct resolve *r, json_object *d, int depth,
		    bool matched)
{
	const char *mt = jstr(d, "mediaType");
	json_object *ann = jget(d, "annotations", json_type_object);
	const char *ref = jstr(ann, REF_ANNOTATION);
	const char *cname = jstr(ann, CONTAINERD_ANNOTATION);
	char *plat = platform_of(d);
	struct lm_digest dg;
	json_object *child, *list;
	char *path, *label;
	int64_t size;
	int err;

	err = descriptor("index.json", d, &dg, &size);
	if (err)
		goto out;
	if (r->o->ref && !matched && (ref || cname)) {
		if ((!ref || strcmp(ref, r->o->ref)) &&
		    (!cname || strcmp(cname, r->o->ref))) {
			note_seen(r, ref ? ref : cname);
			goto out;
		}
		matched = true;
	}
	if (plat && !platform_match(r->platform, plat)) {
		note_seen(r, plat);
		goto out;
	}
	if (mt && (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST))) {
		if (depth >= MAX_NESTING) {
			lm_err("index.json", "indexes nested deeper than %d",
			       MAX_NESTING);
			err = LM_EXIT_IMAGE;
			goto out;
		}
		path = blob_path(&dg);
		err = lm_image_read_json(r->src, r->o, path, &dg, size, &child);
		free(path);
		if (err)
			goto out;
		list = jget(child, "manifests", json_type_array);
		if (!list) {
			lm_err("index.json", "index sha256:%s has no manifests",
			       dg.hex);
			err = LM_EXIT_IMAGE;
		} else {
			err = collect(r, list, depth + 1, matched);
		}
		json_object_put(child);
		goto out;
	}
	if (mt && strcmp(mt, MT_OCI_MANIFEST) && strcmp(mt, MT_DOCKER_MANIFEST))
		goto out;	/* not an image (signature, attestation, ...) */
	if (r->o->ref && !matched) {
		if (!ref)
			note_seen(r, "(no ref.name)");
		goto out;
	}
	label = ref ? lm_xstrdup(ref) : plat ? lm_xstrdup(plat) :
		lm_xasprintf("sha256:%s", dg.hex);
	r->cand = lm_xrealloc(r->cand, (r->ncand + 1) * sizeof(*r->cand));
	r->cand[r->ncand].digest = dg;
	r->cand[r->ncand].size = size;
	r->cand[r->ncand].ref = ref || cname ? lm_xstrdup(ref ? ref : cname) :
				NULL;
	r->cand[r->ncand++].label = label;
out:
	free(plat);
	return err;
}

static int collect(struct resolve *r, json_object *arr, int depth,
		   bool matched)
{
	size_t i;
	int err;

	for (i = 0; i < json_object_array_length(arr); i++) {
		json_object *d = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(d, json_type_object)) {
			lm_err("index.json", "descriptor is not an object");
			return LM_EXIT_IMAGE;
		}
		err = consider(r, d, depth, matched);
		if (err)
			return err;
	}
	return 0;
}

static int choose(struct resolve *r, size_t *which)
{
	const char *what = r->o->ref ? r->o->ref : r->platform;
	char *list = NULL, *s;
	size_t i;

	if (r->ncand == 1) {
		*which = 0;
		return 0;
	}
	if (!r->ncand) {
		lm_err(r->src->path, "no image for %s%s (available: %s)",
		       r->o->ref ? "--ref " : "platform ", what,
		       r->seen ? r->seen : "none");
		return LM_EXIT_SELECT;
	}
	for (i = 0; i < r->ncand; i++) {
		s = lm_xasprintf("%s%s%s", list ? list : "", list ? ", " : "",
				 r->cand[i].label);
		free(list);
		list = s;
	}
	lm_err(r->src->path, "several images, choose one with --ref or "
	       "--platform: %s", list);
	free(list);
	return LM_EXIT_SELECT;
}

/*
 * The image's layers, zeroed; --max-layers is checked before any layer
 * descriptor is looked at.
 */
static int layers_alloc(const char *obj, const struct lm_opts *o,
			json_object *layers, struct lm_image *img)
{
	img->nlayers = json_object_array_length(layers);
	if (img->nlayers > o->caps.layers) {
		lm_err(obj, "%zu layers, more than the layer cap (%llu, "
		       "--max-layers)", img->nlayers,
		       (unsigned long long)o->caps.layers);
		img->nlayers = 0;
		return LM_EXIT_IMAGE;
	}
	img->layers = lm_xmalloc((img->nlayers + 1) * sizeof(*img->layers));
	memset(img->layers, 0, (img->nlayers + 1) * sizeof(*img->layers));
	return 0;
}

/* Mark the layers that occur again higher in the stack. */
static void mark_dups(struct lm_image *img)
{
	struct lm_map seen = { 0 };
	size_t i;

	for (i = img->nlayers; i-- > 0;) {
		struct lm_layer *l = &img->layers[i];

		l->dup = lm_map_get(&seen, l->diff.hex) != NULL;
		if (!l->dup)
			lm_map_put(&seen, l->diff.hex, l);
	}
	lm_map_free(&seen);
}

/* For the image record: "os/arch[/variant]" as the config says. */
static void config_platform(json_object *config, struct lm_image *img)
{
	const char *os = jstr(config, "os"), *arch = jstr(config, "architecture");
	const char *var = jstr(config, "variant");

	if (os && arch)
		img->platform = lm_xasprintf("%s/%s%s%s", os, arch,
					     var ? "/" : "", var ? var : "");
}

/* For the image record: a name the image is known by. */
static void add_ref(struct lm_image *img, const char *ref)
{
	img->refs = lm_xrealloc(img->refs, (img->nrefs + 1) * sizeof(char *));
	img->refs[img->nrefs++] = lm_xstrdup(ref);
}

static int diff_ids(const char *obj, json_object *config, struct lm_image *img)
{
	json_object *ids = jget(jget(config, "rootfs", json_type_object),
				"diff_ids", json_type_array);
	size_t i;

	if (!ids) {
		lm_err(obj, "config has no rootfs.diff_ids");
		return LM_EXIT_IMAGE;
	}
	if (json_object_array_length(ids) != img->nlayers) {
		lm_err(obj, "config has %zu diff_ids for %zu layers",
		       json_object_array_length(ids), img->nlayers);
		return LM_EXIT_IMAGE;
	}
	for (i = 0; i < img->nlayers; i++) {
		json_object *v = json_object_array_get_idx(ids, i);
		const char *s = json_object_is_type(v, json_type_string) ?
				json_object_get_string(v) : "";

		if (lm_digest_parse(s, &img->layers[i].diff)) {
			lm_err(obj, "malformed or unsupported diff_id \"%s\"", s);
			return LM_EXIT_IMAGE;
		}
	}
	mark_dups(img);
	config_platform(config, img);
	return 0;
}

static int oci_manifest(struct lm_source *src, const struct lm_opts *o,
			const struct candidate *c, struct lm_image *img)
{
	json_object *man = NULL, *config = NULL, *layers;
	char *path = blob_path(&c->digest), *obj;
	struct lm_digest cdigest;
	int64_t csize;
	size_t i;
	int err;

	obj = lm_xasprintf("manifest sha256:%s", c->digest.hex);
	err = lm_image_read_json(src, o, path, &c->digest, c->size, &man);
	free(path);
	if (err)
		goto out;
	layers = jget(man, "layers", json_type_array);
	if (!layers || !jget(man, "config", json_type_object)) {
		lm_err(obj, "no config or layers");
		err = LM_EXIT_IMAGE;
		goto out;
	}
	err = descriptor(obj, jget(man, "config", json_type_object),
			 &cdigest, &csize);
	if (!err)
		err = layers_alloc(obj, o, layers, img);
	if (err)
		goto out;
	for (i = 0; i < img->nlayers; i++) {
		struct lm_layer *l = &img->layers[i];
		json_object *d = json_object_array_get_idx(layers, i);

		err = descriptor(obj, d, &l->blob, &l->size);
		if (err)
			goto out;
		l->has_blob = true;
		l->path = blob_path(&l->blob);
	}
	path = blob_path(&cdigest);
	err = lm_image_read_json(src, o, path, &cdigest, csize, &config);
	free(path);
	img->config = cdigest;
	if (!err)
		err = diff_ids(obj, config, img);
	if (!err)
		img->config_doc = json_object_get(config);	/* for inspect */
out:
	json_object_put(config);
	json_object_put(man);
	free(obj);
	return err;
}

static int load_oci(const struct lm_opts *o, struct lm_source *src,
		    struct lm_image *img)
{
	struct resolve r = { .o = o, .src = src };
	json_object *index, *list;
	size_t i, which;
	int err;

	if (o->platform)
		snprintf(r.platform, sizeof(r.platform), "%s", o->platform);
	else
		host_platform(r.platform, sizeof(r.platform));
	err = lm_image_read_json(src, o, "index.json", NULL, -1, &index);
	if (err)
		return err;
	list = jget(index, "manifests", json_type_array);
	if (!list) {
		lm_err("index.json", "no manifests array");
		err = LM_EXIT_IMAGE;
	} else {
		err = collect(&r, list, 0, false);
	}
	if (!err)
		err = choose(&r, &which);
	if (!err)
		err = oci_manifest(src, o, &r.cand[which], img);
	if (!err) {
		img->manifest = r.cand[which].digest;
		img->has_manifest = true;
		if (r.cand[which].ref || o->ref)	/* or a parent's */
			add_ref(img, r.cand[which].ref ? r.cand[which].ref :
				o->ref);
	}
	for (i = 0; i < r.ncand; i++) {
		free(r.cand[i].label);
		free(r.cand[i].ref);
	}
	free(r.cand);
	free(r.seen);
	json_object_put(index);
	return err;
}

/* "blobs/sha256/<hex>" or "<hex>.json"/"<hex>.tar"/"<hex>/layer.tar". */
static bool digest_from_name(const char *name, struct lm_digest *d)
{
	const char *base = strrchr(name, '/');
	char buf[80];

	if (!strncmp(name, "blobs/sha256/", 13)) {
		snprintf(buf, sizeof(buf), "sha256:%s", name + 13);
		return !lm_digest_parse(buf, d);
	}
	base = base ? base + 1 : name;
	if (strlen(base) != LM_HEX + 5 || strcmp(base + LM_HEX, ".json"))
		return false;
	snprintf(buf, sizeof(buf), "sha256:%.64s", base);
	return !lm_digest_parse(buf, d);
}

static bool has_tag(json_object *m, const char *ref)
{
	json_object *tags = jget(m, "RepoTags", json_type_array);
	size_t i;

	for (i = 0; tags && i < json_object_array_length(tags); i++) {
		json_object *t = json_object_array_get_idx(tags, i);

		if (json_object_is_type(t, json_type_string) &&
		    !strcmp(json_object_get_string(t), ref))
			return true;
	}
	return false;
}

static int docker_pick(const struct lm_opts *o, struct lm_source *src,
		       json_object *list, json_object **out)
{
	size_t i, n = json_object_array_length(list);
	char *tags = NULL, *s;

	for (i = 0; i < n; i++) {
		json_object *m = json_object_array_get_idx(list, i);

		if (o->ref ? has_tag(m, o->ref) : n == 1) {
			*out = m;
			return 0;
		}
		s = lm_xasprintf("%s%s%s", tags ? tags : "", tags ? ", " : "",
				 json_object_to_json_string_ext(
					 jget(m, "RepoTags", json_type_array) ?
					 jget(m, "RepoTags", json_type_array) :
					 jget(m, "Config", json_type_string),
					 JSON_C_TO_STRING_PLAIN));
		free(tags);
		tags = s;
	}
	if (o->ref)
		lm_err(src->path, "no image tagged %s (available: %s)", o->ref,
		       tags ? tags : "none");
	else
		lm_err(src->path, "%s, choose one with --ref: %s",
		       n ? "several images" : "no image", tags ? tags : "");
	free(tags);
	return LM_EXIT_SELECT;
}

/* A config not named by its digest: the digest of its bytes. */
static int config_digest(struct lm_source *src, const struct lm_opts *o,
			 const char *name, struct lm_digest *d)
{
	struct lm_hash *h;
	size_t len;
	char *buf;
	int err;

	err = lm_source_read_file(src, name, o->caps.json, &buf, &len);
	if (err)
		return err;
	h = lm_hash_new();
	lm_hash_update(h, buf, len);
	lm_hash_final(h, d);
	lm_hash_free(h);
	free(buf);
	return 0;
}

/* The image record's refs: --ref, else every RepoTags entry. */
static void docker_refs(const struct lm_opts *o, json_object *m,
			struct lm_image *img)
{
	json_object *tags = jget(m, "RepoTags", json_type_array);
	size_t i;

	if (o->ref) {
		add_ref(img, o->ref);
		return;
	}
	for (i = 0; tags && i < json_object_array_length(tags); i++) {
		json_object *t = json_object_array_get_idx(tags, i);

		if (json_object_is_type(t, json_type_string))
			add_ref(img, json_object_get_string(t));
	}
}

static int load_docker(const struct lm_opts *o, struct lm_source *src,
		       struct lm_image *img)
{
	json_object *list = NULL, *config = NULL, *m, *layers;
	struct lm_digest cd, *want = NULL;
	const char *cname;
	size_t i;
	int err;

	err = lm_image_read_json(src, o, "manifest.json", NULL, -1, &list);
	if (err)
		return err;
	err = LM_EXIT_IMAGE;
	if (!json_object_is_type(list, json_type_array)) {
		lm_err("manifest.json", "not an array");
		goto out;
	}
	err = docker_pick(o, src, list, &m);
	if (err)
		goto out;
	err = LM_EXIT_IMAGE;
	cname = jstr(m, "Config");
	layers = jget(m, "Layers", json_type_array);
	if (!cname || !layers) {
		lm_err("manifest.json", "entry without Config or Layers");
		goto out;
	}
	err = layers_alloc("manifest.json", o, layers, img);
	if (err)
		goto out;
	err = LM_EXIT_IMAGE;
	for (i = 0; i < img->nlayers; i++) {
		json_object *v = json_object_array_get_idx(layers, i);
		struct lm_layer *l = &img->layers[i];

		if (!json_object_is_type(v, json_type_string) ||
		    !*json_object_get_string(v)) {
			lm_err("manifest.json", "layer %zu: not a file name", i + 1);
			goto out;
		}
		l->path = lm_xstrdup(json_object_get_string(v));
		l->size = -1;
		err = lm_source_check_name(src, l->path);
		if (err)
			goto out;
		err = LM_EXIT_IMAGE;
		if (!strncmp(l->path, "blobs/sha256/", 13))
			l->has_blob = digest_from_name(l->path, &l->blob);
	}
	if (digest_from_name(cname, &cd))
		want = &cd;
	err = lm_image_read_json(src, o, cname, want, -1, &config);
	if (!err && !want)
		err = config_digest(src, o, cname, &cd);
	if (err)
		goto out;
	img->config = cd;
	docker_refs(o, m, img);
	err = diff_ids(cname, config, img);
	if (!err)
		img->config_doc = json_object_get(config);	/* for inspect */
out:
	json_object_put(config);
	json_object_put(list);
	return err;
}

int lm_image_load(const struct lm_opts *o, struct lm_source *src,
		  struct lm_image *img)
{
	memset(img, 0, sizeof(*img));
	if (lm_source_exists(src, "oci-layout") &&
	    lm_source_exists(src, "index.json"))
		return load_oci(o, src, img);
	if (lm_source_exists(src, "manifest.json"))
		return load_docker(o, src, img);
	lm_err(src->path, "not an OCI image layout or a docker save archive "
	       "(no oci-layout or manifest.json)");
	return LM_EXIT_IMAGE;
}

void lm_image_free(struct lm_image *img)
{
	size_t i;

	for (i = 0; img->layers && i < img->nlayers; i++)
		free(img->layers[i].path);
	for (i = 0; i < img->nrefs; i++)
		free(img->refs[i]);
	free(img->refs);
	free(img->platform);
	free(img->origin);
	free(img->layers);
	json_object_put(img->config_doc);
	memset(img, 0, sizeof(*img));
}
