// SPDX-License-Identifier: GPL-2.0
/*
 * gc.c: layermount gc [--dry-run] [--all].
 *
 * gc holds the store lock exclusive for its whole run: every unpack and
 * mount holds it shared from its first look at layers/ until its image
 * and mount records are written (records.c), so no layer gc sees is
 * between being looked up or published and being recorded.  It removes:
 *
 *   - the state (STORE/mounts/ID) of dead mounts (mounts.c: in no
 *     mountinfo and, if lazily detached, from an earlier boot), and
 *     mounts/ID directories without a record or a "target" file (a mount
 *     that died before its record); a mounts/ID with a "target" file is
 *     from before records and left alone;
 *   - tmp/ entries whose unpacker is gone (their flock(2) is free) and
 *     temporary record files in images/;
 *   - every layer that no image record and no live mount record names,
 *     but for those listed in STORE/legacy (made before records), which
 *     only --all removes (and STORE/legacy with them).
 *
 * A layer is renamed from layers/ into tmp/ first (one atomic step: a
 * crash never leaves part of a layer in layers/; the next unpack removes
 * the tmp/ leftover), layers/ is fsynced, then the tree and its rootmeta
 * entry are removed.  --dry-run takes the same lock, prints the same
 * lines and removes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "layermount.h"

struct gc {
	struct lm_store *st;
	const struct lm_opts *o;
	struct lm_map keep;	/* hex of the layers to keep (keys owned) */
	struct lm_map seen;	/* mounts.c: mounts of every namespace */
	char boot[64];
	unsigned int nlayers, nmounts, ntmp;
	int err;
};

static void say(const char *fmt, const char *a, const char *b)
{
	if (lm_quiet)
		return;
	printf(fmt, a, b);
	putchar('\n');
}

static void gone(struct gc *g, int err, const char *what)
{
	if (err && !g->err) {
		lm_err(g->st->path, "%s: %s", what, strerror(-err));
		g->err = err;
	}
}

static void keep(struct gc *g, const char *d)
{
	if (d && !strncmp(d, "sha256:", 7))
		d += 7;
	if (d && lm_is_hex(d, LM_HEX) && !lm_map_get(&g->keep, d))
		lm_map_put(&g->keep, lm_xstrdup(d), g);
}

/* Strings, or objects with a diff_id (image records). */
static void keep_all(struct gc *g, json_object *arr)
{
	size_t i;

	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);

		keep(g, json_object_is_type(e, json_type_object) ?
		     lm_jstr(e, "diff_id") : json_object_get_string(e));
	}
}

static void image_layers(json_object *rec, const char *hex, void *arg)
{
	(void)hex;
	keep_all(arg, lm_jarr(rec, "layers"));
}

static void drop_mount(struct gc *g, const char *id, const char *target)
{
	char dir[LM_ID + 8];

	say("mount %s %s", id, target);
	g->nmounts++;
	snprintf(dir, sizeof(dir), "mounts/%s", id);
	if (!g->o->dry_run)
		gone(g, lm_rm_rf_at(g->st->fd, dir), dir);
}

static void one_mount(int fd, const char *id, void *arg)
{
	struct gc *g = arg;
	json_object *rec;
	char name[LM_ID + 8];
	int err;

	if (!lm_is_hex(id, LM_ID))
		return;
	rec = lm_mount_record_read(g->st, id, &err);
	if (!rec) {
		snprintf(name, sizeof(name), "%s/target", id);
		if (err == -ENOENT && faccessat(fd, name, F_OK,
						AT_SYMLINK_NOFOLLOW))
			drop_mount(g, id, "(no record)");
		return;
	}
	if (lm_mount_dead(&g->seen, rec, g->boot))
		drop_mount(g, id, lm_jstr(rec, "target") ?
			   lm_jstr(rec, "target") : "?");
	else
		keep_all(g, lm_jarr(rec, "layers"));
	json_object_put(rec);
}

/* tmp/NAME whose unpacker is gone: its lock is free. */
static void one_tmp(int fd, const char *name, void *arg)
{
	struct gc *g = arg;
	int dfd = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			 O_CLOEXEC);

	if (dfd >= 0 && flock(dfd, LOCK_EX | LOCK_NB)) {
		close(dfd);
		return;
	}
	say("tmp %s%s", name, "");
	g->ntmp++;
	if (!g->o->dry_run)
		gone(g, lm_rm_rf_at(fd, name), name);
	if (dfd >= 0)
		close(dfd);
}

static void one_image_tmp(int fd, const char *name, void *arg)
{
	struct gc *g = arg;
	size_t n = strlen(name);

	if (name[0] != '.' || n < 5 || strcmp(name + n - 4, ".tmp"))
		return;
	say("tmp images/%s%s", name, "");
	g->ntmp++;
	if (!g->o->dry_run && unlinkat(fd, name, 0))
		gone(g, -errno, name);
}

static void one_layer(struct gc *g, const char *hex)
{
	char from[LM_HEX + 16], to[LM_HEX + 40], rnd[17];

	if (lm_map_get(&g->keep, hex))
		return;
	say("layer sha256:%s%s", hex, "");
	g->nlayers++;
	if (g->o->dry_run || g->err)
		return;
	snprintf(from, sizeof(from), "layers/%s", hex);
	if (lm_random_hex(rnd, 16)) {
		gone(g, -EIO, "random");
		return;
	}
	snprintf(to, sizeof(to), "tmp/%s.gc%s", hex, rnd);
	if (renameat(g->st->fd, from, g->st->fd, to)) {
		gone(g, -errno, from);
		return;
	}
	gone(g, lm_rm_rf_at(g->st->fd, to), to);
	snprintf(from, sizeof(from), "rootmeta/%s", hex);
	if (unlinkat(g->st->fd, from, 0) && errno != ENOENT)
		gone(g, -errno, from);
}

/* Layers from before records: kept unless --all. */
static void legacy(struct gc *g)
{
	json_object *rec;

	if (g->o->all || lm_record_read(g->st->fd, "legacy", &rec))
		return;
	keep_all(g, lm_jarr(rec, "layers"));
	json_object_put(rec);
}

static void layers(struct gc *g)
{
	struct lm_map names;
	size_t i;
	int err;

	lm_hex_names(g->st, "layers", LM_HEX, &names);
	for (i = 0; i < names.cap; i++)
		if (names.keys[i])
			one_layer(g, names.keys[i]);
	lm_map_free_keys(&names);
	if (g->o->dry_run || !g->nlayers)
		return;
	err = lm_fsync_at(g->st->fd, "layers");
	gone(g, err, "fsync layers");
}

int lm_cmd_gc(struct lm_store *st, const struct lm_opts *o)
{
	struct gc g = { .st = st, .o = o };
	int lock;

	lock = lm_store_lock(st, LOCK_EX);
	if (lock < 0)
		return LM_EXIT_SYSTEM;
	if (lm_boot_id(g.boot, sizeof(g.boot))) {
		lm_err("/proc/sys/kernel/random/boot_id", "%s", strerror(errno));
		close(lock);
		return LM_EXIT_SYSTEM;
	}
	lm_mounts_seen(&g.seen);
	lm_dir_each(st->fd, "mounts", one_mount, &g);
	lm_images_each(st, image_layers, &g);
	legacy(&g);
	lm_dir_each(st->fd, "tmp", one_tmp, &g);
	lm_dir_each(st->fd, "images", one_image_tmp, &g);
	if (!g.err)
		layers(&g);
	if (!g.err && o->all && !o->dry_run &&
	    unlinkat(st->fd, "legacy", 0) && errno != ENOENT)
		gone(&g, -errno, "legacy");
	if (!lm_quiet)
		printf("%s %u layers, %u mount states, %u temporary entries\n",
		       o->dry_run ? "would remove" : "removed", g.nlayers,
		       g.nmounts, g.ntmp);
	lm_map_free_keys(&g.seen);
	lm_map_free_keys(&g.keep);
	close(lock);
	return g.err ? LM_EXIT_SYSTEM : 0;
}
