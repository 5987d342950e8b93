// SPDX-License-Identifier: GPL-2.0
/*
 * ls.c: layermount ls [--json]: the image records and mount records of a
 * store, without taking its lock (records are replaced whole, by rename).
 *
 * Text: one table of images (ID, refs, platform, layers, size of the layer
 * blobs) and one of mounts (state ID, target, image, type, upper, status).
 * Refs and paths come from images and users: control characters in them
 * are shown as '?', so no name can forge a line.  --json prints
 * {"images": [image record...], "mounts": [mount record + "status"...]},
 * the records as layermount(8) describes them.  A mount's status: "alive"
 * (in some mountinfo), "detached" (lazily unmounted this boot: may still be
 * in use) or "dead" (gc removes its state).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "layermount.h"

struct ls {
	const struct lm_opts *o;
	struct lm_store *st;
	json_object *images, *mounts;
	struct lm_map seen;
	char boot[64];
};

/* @s for a terminal: control characters as '?'; NULL as "-". */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t i;

	if (!s)
		return "-";
	snprintf(buf, len, "%s", s);
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	return buf;
}

/* "sha256:0123456789ab": the start of a digest, as docker shows it. */
static const char *short_digest(const char *d)
{
	static char buf[16];

	if (!d || strncmp(d, "sha256:", 7))
		return "-";
	snprintf(buf, sizeof(buf), "%.12s", d + 7);
	return buf;
}

static void add_image(json_object *rec, const char *hex, void *arg)
{
	struct ls *l = arg;

	(void)hex;
	json_object_array_add(l->images, json_object_get(rec));
}

static void add_mount(int fd, const char *id, void *arg)
{
	struct ls *l = arg;
	json_object *rec;
	const char *status;
	int err;

	(void)fd;
	if (!lm_is_hex(id, LM_ID) || !(rec = lm_mount_record_read(l->st, id, &err)))
		return;
	status = lm_mount_alive(&l->seen, rec) ? "alive" :
		 lm_mount_dead(&l->seen, rec, l->boot) ? "dead" : "detached";
	lm_jset_str(rec, "status", status);
	json_object_array_add(l->mounts, rec);
}

static void print_images(json_object *arr)
{
	char a[512], size[32];
	size_t i;

	printf("%-12s  %-30s  %-12s  %6s  %10s\n", "IMAGE", "REF",
	       "PLATFORM", "LAYERS", "SIZE");
	for (i = 0; i < json_object_array_length(arr); i++) {
		json_object *r = json_object_array_get_idx(arr, i), *v;
		json_object *refs = lm_jarr(r, "refs"), *layers;

		layers = lm_jarr(r, "layers");
		snprintf(size, sizeof(size), "-");
		if (json_object_object_get_ex(r, "size", &v) && v)
			lm_fmt_bytes(size, sizeof(size), json_object_get_int64(v));
		printf("%-12s  %-30s  %-12s  %6zu  %10s\n",
		       short_digest(lm_jstr(r, "id")),
		       shown(refs && json_object_array_length(refs) ?
			     json_object_get_string(
				     json_object_array_get_idx(refs, 0)) :
			     "<none>", a, sizeof(a)),
		       lm_jstr(r, "platform") ? lm_jstr(r, "platform") : "-",
		       layers ? json_object_array_length(layers) : 0, size);
	}
}

static void print_mounts(json_object *arr)
{
	char a[4200];
	size_t i;

	printf("%-16s  %-12s  %-8s  %-9s  %-8s  %s\n", "MOUNT", "IMAGE",
	       "TYPE", "UPPER", "STATUS", "TARGET");
	for (i = 0; i < json_object_array_length(arr); i++) {
		json_object *r = json_object_array_get_idx(arr, i);

		printf("%-16s  %-12s  %-8s  %-9s  %-8s  %s\n",
		       lm_jstr(r, "id"), short_digest(lm_jstr(r, "image")),
		       lm_jstr(r, "type"),
		       lm_jstr(r, "upper") ? lm_jstr(r, "upper") : "-",
		       lm_jstr(r, "status"),
		       shown(lm_jstr(r, "target"), a, sizeof(a)));
	}
}

int lm_cmd_ls(struct lm_store *st, const struct lm_opts *o)
{
	struct ls l = { .o = o, .st = st };
	json_object *all;

	l.images = json_object_new_array();
	l.mounts = json_object_new_array();
	lm_boot_id(l.boot, sizeof(l.boot));
	lm_mounts_seen(&l.seen);
	lm_images_each(st, add_image, &l);
	lm_dir_each(st->fd, "mounts", add_mount, &l);
	if (o->json) {
		all = json_object_new_object();
		json_object_object_add(all, "images", l.images);
		json_object_object_add(all, "mounts", l.mounts);
		printf("%s\n", json_object_to_json_string_ext(all,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(all);
	} else {
		print_images(l.images);
		printf("\n");
		print_mounts(l.mounts);
		json_object_put(l.images);
		json_object_put(l.mounts);
	}
	lm_map_free_keys(&l.seen);
	return fflush(stdout) ? LM_EXIT_SYSTEM : 0;
}
