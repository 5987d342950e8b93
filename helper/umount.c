// SPDX-License-Identifier: GPL-2.0
/*
 * umount.c: layermount umount [-l] MOUNTPOINT.
 *
 * A mount made by layermount names its state: its source is
 * "layermount:ID:STORE".  Before anything is unmounted, the topmost mount
 * at MOUNTPOINT must be layerfs or overlay with such a source, STORE a
 * store of ours (owned by us, mode 0700), and STORE/mounts/ID/record must
 * describe this very mount: the same source, the same kernel mount ID
 * (statx STATX_MNT_ID) and this boot.  Anything else is "not a layermount
 * mount" (exit 1) and stays mounted: anyone can make a mount with any
 * source string, so the source alone proves nothing.
 *
 * The mount is unmounted by path (an fd of ours would keep it busy), then
 * checked gone: if another mount took its place in between, nothing is
 * removed.  Its state, STORE/mounts/ID, goes with it unless the mount
 * lives on: as a copy in another mount namespace (the record says
 * "umounted"; gc removes it once no mountinfo shows the mount) or lazily
 * detached (-l; "detached": a detached mount is in no mountinfo but may
 * still be used through open files, so gc removes it after a reboot).
 * umount holds the store lock shared while it changes the state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libmount/libmount.h>

#include "layermount.h"

void lm_mnt_free(struct lm_mnt *v)
{
	free(v->target);
	free(v->type);
	free(v->source);
}

/* The mount with ID @id in our mountinfo; its fs in *fsp (NULL: none). */
static struct libmnt_table *find_id(uint64_t id, struct libmnt_fs **fsp)
{
	struct libmnt_table *tb = mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;

	*fsp = NULL;
	while (tb && it && !mnt_table_next_fs(tb, it, &fs))
		if ((uint64_t)mnt_fs_get_id(fs) == id) {
			*fsp = fs;
			break;
		}
	mnt_free_iter(it);
	return tb;
}

/* The topmost mount at @target, as the kernel resolves the path. */
static int find_victim(const char *target, struct lm_mnt *v)
{
	struct libmnt_table *tb;
	struct libmnt_fs *fs;
	struct statx sx;
	const char *t;

	v->target = realpath(target, NULL);
	if (!v->target || statx(AT_FDCWD, v->target, 0, STATX_MNT_ID, &sx)) {
		lm_err(target, "%s", strerror(errno));
		return LM_EXIT_MOUNT;
	}
	v->mnt_id = sx.stx_mnt_id;
	tb = find_id(v->mnt_id, &fs);
	t = fs ? mnt_fs_get_target(fs) : NULL;
	if (!t || strcmp(t, v->target)) {
		mnt_unref_table(tb);
		lm_err(target, "not mounted");
		return LM_EXIT_MOUNT;
	}
	v->type = lm_xstrdup(mnt_fs_get_fstype(fs) ? mnt_fs_get_fstype(fs) : "");
	v->source = lm_xstrdup(mnt_fs_get_source(fs) ? mnt_fs_get_source(fs) : "");
	mnt_unref_table(tb);
	if ((strcmp(v->type, "layerfs") && strcmp(v->type, "overlay")) ||
	    !lm_mount_source_parse(v->source, v->id, &v->store)) {
		lm_err(target, "not a layermount mount (%s %s)", v->type,
		       v->source);
		return LM_EXIT_USAGE;
	}
	return 0;
}

/* The record of the victim, if it describes exactly this mount. */
static json_object *matching_record(struct lm_store *st, struct lm_mnt *v)
{
	json_object *rec, *mid;
	const char *rb, *state;
	char boot[64] = "";
	int err;

	rec = lm_mount_record_read(st, v->id, &err);
	if (!rec)
		return NULL;
	lm_boot_id(boot, sizeof(boot));
	rb = lm_jstr(rec, "boot_id");
	state = lm_jstr(rec, "state");
	if (!json_object_object_get_ex(rec, "mnt_id", &mid) ||
	    (uint64_t)json_object_get_int64(mid) != v->mnt_id ||
	    strcmp(lm_jstr(rec, "source"), v->source) ||
	    strcmp(lm_jstr(rec, "type"), v->type) ||
	    !rb || strcmp(rb, boot) || strcmp(state, "mounted")) {
		json_object_put(rec);
		return NULL;
	}
	return rec;
}

static int check_store(const struct lm_opts *o, struct lm_store *st,
		       struct lm_mnt *v)
{
	char *want;
	bool same;

	if (lm_store_open_existing(st, v->store)) {
		lm_err(v->target, "not a layermount mount (no store %s)",
		       v->store);
		return LM_EXIT_USAGE;
	}
	if (!o->store_given)
		return 0;
	want = realpath(o->store, NULL);
	same = want && !strcmp(want, st->path);
	free(want);
	if (same)
		return 0;
	lm_err(v->target, "mounted from the store %s, not --store %s",
	       st->path, o->store);
	return LM_EXIT_USAGE;
}

/* umount2 by path, then make sure the mount that went was ours. */
static int do_umount(const struct lm_opts *o, struct lm_mnt *v)
{
	struct libmnt_table *tb;
	struct libmnt_fs *fs;
	bool still;

	if (umount2(v->target, UMOUNT_NOFOLLOW | (o->lazy ? MNT_DETACH : 0))) {
		lm_err(v->target, "umount failed: %s", errno == EBUSY ?
		       "target is busy" : strerror(errno));
		return LM_EXIT_MOUNT;
	}
	tb = find_id(v->mnt_id, &fs);
	still = fs && mnt_fs_get_source(fs) &&
		!strcmp(mnt_fs_get_source(fs), v->source);
	mnt_unref_table(tb);
	if (still) {
		lm_err(v->target, "another mount took the place of ours while "
		       "unmounting; its state is kept");
		return LM_EXIT_MOUNT;
	}
	return 0;
}

/* Remove the state, or mark it for gc when the mount lives on. */
static int drop_state(const struct lm_opts *o, struct lm_store *st,
		      struct lm_mnt *v, json_object *rec)
{
	char dir[LM_ID + 8];
	struct lm_map seen;
	bool alive;
	int err;

	lm_mounts_seen(&seen);
	alive = lm_mount_alive(&seen, rec);
	lm_map_free_keys(&seen);
	if (o->lazy || alive) {
		lm_jset_str(rec, "state", o->lazy ? "detached" : "umounted");
		err = lm_mount_record_write(st, rec);
		if (!err)
			lm_warn(v->target, "%s: its state stays in %s/mounts/%s "
				"until layermount gc finds the mount gone%s",
				o->lazy ? "lazily detached" :
				"still mounted in another mount namespace",
				st->path, v->id, o->lazy ? " after a reboot" : "");
	} else {
		snprintf(dir, sizeof(dir), "mounts/%s", v->id);
		err = lm_rm_rf_at(st->fd, dir);
	}
	if (err) {
		lm_err(st->path, "mounts/%s: %s", v->id, strerror(-err));
		return LM_EXIT_SYSTEM;
	}
	return 0;
}

/*
 * The layermount mount at @target, its store (opened in @st) and its
 * record (*@rec), with the store lock held shared (*@lock): for umount,
 * diff and commit.  On failure (printed) everything taken is released.
 */
int lm_mnt_open(const struct lm_opts *o, const char *target,
		struct lm_store *st, struct lm_mnt *v, json_object **rec,
		int *lock)
{
	int err;

	st->fd = -1;
	st->path = NULL;
	*rec = NULL;
	*lock = -1;
	err = find_victim(target, v);
	if (!err)
		err = check_store(o, st, v);
	if (!err && (*lock = lm_store_lock(st, LOCK_SH)) < 0)
		err = LM_EXIT_SYSTEM;
	if (!err && !(*rec = matching_record(st, v))) {
		lm_err(target, "not a layermount mount (no record of this "
		       "mount in %s)", st->path);
		err = LM_EXIT_USAGE;
	}
	if (err)
		lm_mnt_close(st, v, *rec, *lock);
	return err;
}

void lm_mnt_close(struct lm_store *st, struct lm_mnt *v, json_object *rec,
		  int lock)
{
	json_object_put(rec);
	if (lock >= 0)
		close(lock);
	lm_store_close(st);
	lm_mnt_free(v);
}

int lm_cmd_umount(const struct lm_opts *o, const char *target)
{
	struct lm_store st;
	struct lm_mnt v = { 0 };
	json_object *rec;
	int err, lock;

	err = lm_mnt_open(o, target, &st, &v, &rec, &lock);
	if (err)
		return err;
	err = do_umount(o, &v);
	if (!err)
		err = drop_state(o, &st, &v, rec);
	lm_mnt_close(&st, &v, rec, lock);
	return err;
}
