// SPDX-License-Identifier: GPL-2.0
/*
 * mounts.c: mount records, and whether a recorded mount is still alive.
 *
 * A mount made by layermount names itself: its source is
 * "layermount:ID:STORE" (ID: 16 hex digits, STORE: the store's absolute
 * path), and STORE/mounts/ID/record (JSON, see layermount(8)) holds:
 *
 *   id, store, source, target, type, image, ref, image_path (the image's
 *   absolute path when mounted, for commit), layers (diff_ids, bottom
 *   first), upper ("ephemeral", "dir" or "none"), upper_dir, boot_id,
 *   state ("mounting", "mounted", "umounted": unmounted here but alive in
 *   another mount namespace, "detached": lazily unmounted), and once
 *   mounted mnt_id (statx STATX_MNT_ID) and dev (the superblock's
 *   major:minor).
 *
 * The record is written with state "mounting" before the mount, and again
 * with mnt_id and dev after it: a crash in between leaves a record whose
 * mount is found (or not) by its source.
 *
 * Alive: some mount namespace (any /proc/PID/mountinfo) has a mount of the
 * record's type, source and, once known, dev.  Anyone can make a mount with
 * any source (FUSE, a user namespace): such a copy only keeps a record
 * alive, never makes layermount remove or unmount anything.  Dead: not
 * alive, and either from an earlier boot or not lazily detached (a detached
 * mount is in no mountinfo but may still be in use through open files, so
 * its state waits for the next boot).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libmount/libmount.h>

#include "layermount.h"

#define SOURCE_PREFIX	"layermount:"

char *lm_mount_source(const char *store, const char *id)
{
	return lm_xasprintf(SOURCE_PREFIX "%s:%s", id, store);
}

/* "layermount:ID:/STORE" -> ID and STORE; false for any other source. */
bool lm_mount_source_parse(const char *src, char *id, const char **store)
{
	size_t n = strlen(SOURCE_PREFIX);

	if (!src || strncmp(src, SOURCE_PREFIX, n) ||
	    strlen(src) < n + LM_ID + 2 || src[n + LM_ID] != ':' ||
	    src[n + LM_ID + 1] != '/')
		return false;
	memcpy(id, src + n, LM_ID);
	id[LM_ID] = '\0';
	*store = src + n + LM_ID + 1;
	return lm_is_hex(id, LM_ID);
}

json_object *lm_mount_record_new(const struct lm_store *st, const char *id,
				 const char *target, const char *type,
				 const struct lm_image *img)
{
	json_object *j = json_object_new_object(), *layers;
	char boot[64] = "", *src = lm_mount_source(st->path, id);
	size_t i;

	lm_boot_id(boot, sizeof(boot));
	lm_jset_str(j, "id", id);
	lm_jset_str(j, "store", st->path);
	lm_jset_str(j, "source", src);
	lm_jset_str(j, "target", target);
	lm_jset_str(j, "type", type);
	json_object_object_add(j, "image", lm_image_id_json(img));
	lm_jset_str(j, "ref", img->nrefs ? img->refs[0] : NULL);
	lm_jset_str(j, "image_path", img->origin);
	layers = json_object_new_array();
	for (i = 0; i < img->nlayers; i++)
		json_object_array_add(layers, lm_digest_json(&img->layers[i].diff));
	json_object_object_add(j, "layers", layers);
	lm_jset_str(j, "boot_id", boot);
	lm_jset_str(j, "state", "mounting");
	free(src);
	return j;
}

int lm_mount_record_write(const struct lm_store *st, json_object *rec)
{
	char dir[LM_ID + 8];
	int fd, err;

	snprintf(dir, sizeof(dir), "mounts/%s", lm_jstr(rec, "id"));
	fd = openat(st->fd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = lm_record_write(fd, "record", rec);
	close(fd);
	return err;
}

/* The record of mounts/@id; NULL (and -errno in *err) if none or bad. */
json_object *lm_mount_record_read(const struct lm_store *st, const char *id,
				  int *err)
{
	char name[LM_ID + 16];
	json_object *j;
	const char *rid;

	snprintf(name, sizeof(name), "mounts/%s/record", id);
	*err = lm_record_read(st->fd, name, &j);
	if (*err)
		return NULL;
	rid = lm_jstr(j, "id");
	if (!rid || strcmp(rid, id) || !lm_jstr(j, "source") ||
	    !lm_jstr(j, "type") || !lm_jstr(j, "state")) {
		json_object_put(j);
		*err = -EINVAL;
		return NULL;
	}
	return j;
}

static char *seen_key(const char *type, const char *dev, const char *src)
{
	return lm_xasprintf("%s\n%s\n%s", type, dev ? dev : "", src);
}

static void seen_table(struct lm_map *seen, struct libmnt_table *tb)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	char dev[32];

	while (it && !mnt_table_next_fs(tb, it, &fs)) {
		const char *type = mnt_fs_get_fstype(fs);
		const char *src = mnt_fs_get_source(fs);
		dev_t d = mnt_fs_get_devno(fs);
		char *k;

		if (!type || !src || strncmp(src, SOURCE_PREFIX,
					     strlen(SOURCE_PREFIX)))
			continue;
		snprintf(dev, sizeof(dev), "%u:%u", major(d), minor(d));
		k = seen_key(type, dev, src);
		if (!lm_map_get(seen, k))
			lm_map_put(seen, lm_xstrdup(k), seen);
		free(k);
		k = seen_key(type, NULL, src);
		if (!lm_map_get(seen, k))
			lm_map_put(seen, lm_xstrdup(k), seen);
		free(k);
	}
	mnt_free_iter(it);
}

/* Every layermount-looking mount of every mount namespace. */
void lm_mounts_seen(struct lm_map *seen)
{
	struct lm_map ns = { 0 };
	struct dirent *de;
	DIR *proc = opendir("/proc");
	char path[300], nskey[32];
	struct stat sb;

	memset(seen, 0, sizeof(*seen));
	while (proc && (de = readdir(proc))) {
		struct libmnt_table *tb;

		if (strspn(de->d_name, "0123456789") != strlen(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/mnt", de->d_name);
		if (stat(path, &sb))
			continue;	/* gone, or a kernel thread */
		snprintf(nskey, sizeof(nskey), "%llu",
			 (unsigned long long)sb.st_ino);
		if (lm_map_get(&ns, nskey))
			continue;
		lm_map_put(&ns, lm_xstrdup(nskey), &ns);
		snprintf(path, sizeof(path), "/proc/%s/mountinfo", de->d_name);
		tb = mnt_new_table_from_file(path);
		if (tb)
			seen_table(seen, tb);
		mnt_unref_table(tb);
	}
	if (proc)
		closedir(proc);
	lm_map_free_keys(&ns);
}

bool lm_mount_alive(const struct lm_map *seen, json_object *rec)
{
	char *k = seen_key(lm_jstr(rec, "type"), lm_jstr(rec, "dev"),
			   lm_jstr(rec, "source"));
	bool alive = lm_map_get(seen, k) != NULL;

	free(k);
	return alive;
}

bool lm_mount_dead(const struct lm_map *seen, json_object *rec,
		   const char *boot)
{
	const char *rb = lm_jstr(rec, "boot_id");

	if (lm_mount_alive(seen, rec))
		return false;
	return !rb || strcmp(rb, boot) ||
	       strcmp(lm_jstr(rec, "state"), "detached");
}

/*
 * After the mount: its kernel mount ID (statx of the target) and the dev
 * of its superblock, checked against /proc/self/mountinfo: the mount with
 * that ID must carry our source, else another mount raced onto the target.
 */
int lm_mount_record_done(const struct lm_store *st, json_object *rec,
			 const char *target)
{
	struct libmnt_table *tb = mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_fs *fs = NULL;
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct statx sx;
	char dev[32];
	int err = -ESRCH;

	if (statx(AT_FDCWD, target, 0, STATX_MNT_ID, &sx) ||
	    !(sx.stx_mask & STATX_MNT_ID))
		err = -errno;
	while (tb && it && !mnt_table_next_fs(tb, it, &fs)) {
		if ((uint64_t)mnt_fs_get_id(fs) != sx.stx_mnt_id ||
		    !mnt_fs_get_source(fs) ||
		    strcmp(mnt_fs_get_source(fs), lm_jstr(rec, "source")))
			continue;
		snprintf(dev, sizeof(dev), "%u:%u", major(mnt_fs_get_devno(fs)),
			 minor(mnt_fs_get_devno(fs)));
		json_object_object_add(rec, "mnt_id",
				       json_object_new_int64(sx.stx_mnt_id));
		lm_jset_str(rec, "dev", dev);
		lm_jset_str(rec, "state", "mounted");
		err = lm_mount_record_write(st, rec);
		break;
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return err;
}
