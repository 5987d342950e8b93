// SPDX-License-Identifier: GPL-2.0
/*
 * mount.c: mount an image's layers from the store, and unmount it.
 *
 * Each mount owns STORE/mounts/ID/: "record" (mounts.c; its source string
 * "layermount:ID:STORE" names it), and as needed "upper" and "work"
 * (ephemeral upper), "root" (an empty
 * directory with the image's root metadata, put on top of a read-only stack
 * whose top layer has another root) and "l/" (short symlinks to layers).
 *
 * Lower directories are named relative to STORE/layers (the helper chdirs
 * there), 65 bytes a layer.  When the option string would not fit in a
 * page, the filesystem gets one fsconfig(2) "lowerdir+" per layer; overlay
 * before 6.8 lacks "lowerdir+" and gets short names instead: l/<base36
 * index> symlinks, about 4 bytes a layer, enough for its 500-layer limit.
 * Mounts are nodev and nosuid unless --dev and --suid: the store keeps
 * device nodes, set-id bits and file capabilities as the image has them,
 * and any local user who can reach the mount point would otherwise use
 * them.  -o adds the user's options (ro, noexec, noatime, ...).
 * layerfs also gets immutable_lowers: every lower is a store layer (never
 * changed once unpacked) or the mount's own root directory.
 *
 * A persistent upper (--upper DIR) holds what the container writes, set-id
 * files and device nodes included, outside the mount's flags: DIR is made
 * 0700, and an existing DIR must be root's and closed to others.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libmount/libmount.h>

#include "layermount.h"

#define OPTS_MAX	4000	/* of the kernel's one page of options */
#define NEED_SHORT_NAMES 1

struct plan {
	const struct lm_opts *o;
	struct lm_store *st;
	char id[17];
	char mdir[32];		/* mounts/ID */
	const char **lowers;	/* topmost first, relative to cwd */
	char **owned;		/* lowers allocated here */
	size_t n;
	char *upper, *work;	/* absolute, or NULL */
	const char *cwd;	/* relative to the store */
	char *source;		/* layermount:ID:STORE */
	bool made, mounted;	/* mounts/ID made; the mount done */
};

static void mnt_error(struct libmnt_context *cxt, int rc, char *buf,
		      size_t len);

static int set_meta(int fd, const struct stat *m)
{
	struct timespec ts[2] = { m->st_atim, m->st_mtim };

	if ((!geteuid() && fchown(fd, m->st_uid, m->st_gid)) ||
	    fchmod(fd, m->st_mode & 07777) ||
	    (m->st_mtime && futimens(fd, ts)))
		return -errno;
	return 0;
}

/* mkdir @path (absolute or relative to the store) with the root meta. */
static int make_root_dir(struct plan *p, const char *path,
			 const struct stat *m, bool *fresh)
{
	int fd, err;

	*fresh = !mkdirat(p->st->fd, path, 0700);
	if (!*fresh && errno != EEXIST)
		return -errno;
	fd = openat(p->st->fd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = *fresh ? set_meta(fd, m) : 0;
	close(fd);
	return err;
}

static bool opt_safe(const char *s)
{
	return !strpbrk(s, ",:\\\"");
}

/* --upper DIR: nobody but its owner, the user, may enter or change it. */
static int private_dir(const char *dir)
{
	struct stat sb;

	if (lstat(dir, &sb) || !S_ISDIR(sb.st_mode)) {
		lm_err(dir, "--upper: not a directory");
		return LM_EXIT_SYSTEM;
	}
	if (sb.st_uid != geteuid() || (sb.st_mode & 033)) {
		lm_err(dir, "--upper: must belong to uid %u and be closed to "
		       "others (mode 0700; it is %04o, uid %u): other users "
		       "could reach the container's files, set-id programs and "
		       "devices in %s/upper", (unsigned int)geteuid(),
		       (unsigned int)(sb.st_mode & 07777),
		       (unsigned int)sb.st_uid, dir);
		return LM_EXIT_SYSTEM;
	}
	return 0;
}

static int plan_upper(struct plan *p, const struct stat *meta)
{
	const struct lm_opts *o = p->o;
	char *rel_upper, *rel_work;
	bool fresh;
	int err;

	if (o->read_only)
		return 0;
	if (o->upper) {
		char *dir;

		err = lm_mkdir_p(o->upper, 0700);
		dir = err ? NULL : realpath(o->upper, NULL);
		if (!dir) {
			lm_err(o->upper, "%s", strerror(err ? -err : errno));
			return LM_EXIT_SYSTEM;
		}
		err = private_dir(dir);
		if (err) {
			free(dir);
			return err;
		}
		p->upper = lm_xasprintf("%s/upper", dir);
		p->work = lm_xasprintf("%s/work", dir);
		free(dir);
		rel_upper = lm_xstrdup(p->upper);
		rel_work = lm_xstrdup(p->work);
	} else {
		p->upper = lm_xasprintf("%s/%s/upper", p->st->path, p->mdir);
		p->work = lm_xasprintf("%s/%s/work", p->st->path, p->mdir);
		rel_upper = lm_xasprintf("%s/upper", p->mdir);
		rel_work = lm_xasprintf("%s/work", p->mdir);
	}
	err = make_root_dir(p, rel_upper, meta, &fresh);
	if (!err && mkdirat(p->st->fd, rel_work, 0700) && errno != EEXIST)
		err = -errno;
	if (err)
		lm_err(p->upper, "%s", strerror(-err));
	else if (!opt_safe(p->upper))
		lm_err(p->upper, "path contains one of , : \\ \"");
	free(rel_upper);
	free(rel_work);
	return err || !opt_safe(p->upper) ? LM_EXIT_SYSTEM : 0;
}

static int plan_lowers(struct plan *p, const struct lm_image *img,
		       const struct stat *meta)
{
	char name[LM_HEX + 16];
	struct stat top;
	size_t i;
	bool fresh;
	int err;

	p->lowers = lm_xmalloc((img->nlayers + 1) * sizeof(char *));
	p->owned = lm_xmalloc((img->nlayers + 2) * sizeof(char *));
	memset(p->owned, 0, (img->nlayers + 2) * sizeof(char *));
	p->cwd = "layers";
	if (p->o->read_only && img->nlayers) {
		snprintf(name, sizeof(name), "layers/%s",
			 img->layers[img->nlayers - 1].diff.hex);
		if (fstatat(p->st->fd, name, &top, 0))
			top = *meta;
		if (top.st_mode != meta->st_mode || top.st_uid != meta->st_uid ||
		    top.st_gid != meta->st_gid) {
			snprintf(name, sizeof(name), "%s/root", p->mdir);
			err = make_root_dir(p, name, meta, &fresh);
			if (err) {
				lm_err(p->st->path, "%s: %s", name, strerror(-err));
				return LM_EXIT_SYSTEM;
			}
			p->owned[0] = lm_xasprintf("../%s/root", p->mdir);
			p->lowers[p->n++] = p->owned[0];
		}
	}
	for (i = img->nlayers; i-- > 0;)	/* a repeated layer adds nothing */
		if (!img->layers[i].dup)
			p->lowers[p->n++] = img->layers[i].diff.hex;
	if (!p->n) {
		lm_err(NULL, "the image has no layers to mount");
		return LM_EXIT_IMAGE;
	}
	return 0;
}

/* Replace lowers by l/<base36> symlinks in mounts/ID/l. */
static int shorten(struct plan *p)
{
	char dir[64], link[96], target[LM_HEX + 32];
	size_t i;

	snprintf(dir, sizeof(dir), "%s/l", p->mdir);
	if (mkdirat(p->st->fd, dir, 0700))
		return -errno;
	for (i = 0; i < p->n; i++) {
		char b36[16], *s = b36 + sizeof(b36) - 1;
		size_t v = i;

		*s = '\0';
		do
			*--s = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
		while ((v /= 36));
		snprintf(link, sizeof(link), "%s/%s", dir, s);
		snprintf(target, sizeof(target), "../../../layers/%s",
			 p->lowers[i]);
		if (p->lowers[i][0] == '.')	/* ../mounts/ID/root */
			snprintf(target, sizeof(target), "../root");
		if (symlinkat(target, p->st->fd, link))
			return -errno;
		free(p->owned[i + 1]);
		p->owned[i + 1] = lm_xstrdup(s);
		p->lowers[i] = p->owned[i + 1];
	}
	p->cwd = lm_xstrdup(dir);
	return 0;
}

static char *options(struct plan *p)
{
	size_t i, len = 96 + (p->upper ? strlen(p->upper) + strlen(p->work) : 0) +
		   (p->o->mount_opts ? strlen(p->o->mount_opts) : 0);
	char *s, *o;

	for (i = 0; i < p->n; i++)
		len += strlen(p->lowers[i]) + 1;
	s = o = lm_xmalloc(len);
	o += sprintf(o, "lowerdir=");
	for (i = 0; i < p->n; i++)
		o += sprintf(o, "%s%s", i ? ":" : "", p->lowers[i]);
	if (p->upper)
		o += sprintf(o, ",upperdir=%s,workdir=%s", p->upper, p->work);
	if (!strcmp(p->o->type, "layerfs"))
		o += sprintf(o, ",immutable_lowers");
	sprintf(o, "%s%s%s%s%s", p->o->dev ? "" : ",nodev",
		p->o->suid ? "" : ",nosuid", p->o->read_only ? ",ro" : "",
		p->o->mount_opts ? "," : "",
		p->o->mount_opts ? p->o->mount_opts : "");
	return s;
}

static int do_libmount(struct plan *p, const char *target, const char *opts)
{
	struct libmnt_context *cxt = mnt_new_context();
	char buf[BUFSIZ] = "";
	int rc;

	if (!cxt)
		return -ENOMEM;
	mnt_context_disable_helpers(cxt, 1);
	mnt_context_disable_mtab(cxt, 1);
	mnt_context_disable_canonicalize(cxt, 1);
	mnt_context_set_fstype(cxt, p->o->type);
	mnt_context_set_source(cxt, p->source);
	mnt_context_set_target(cxt, target);
	mnt_context_set_options(cxt, opts);
	rc = mnt_context_mount(cxt);
	if (rc) {
		mnt_error(cxt, rc, buf, sizeof(buf));
		lm_err(target, "mount -t %s failed: %s", p->o->type, buf);
	}
	mnt_free_context(cxt);
	return rc ? -EIO : 0;
}

static void fs_log(int fd, const char *target)
{
	char buf[512];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		lm_err(target, "kernel: %s", buf);
	}
}

/*
 * -o for the new mount API: per-mount flags (ro, noexec, noatime, ...)
 * become mount attributes, anything else goes to fsconfig() as a flag or
 * key=value, as mount(8) would pass it.
 */
static int fsconfig_user_opts(int fs, const char *opts, unsigned int *attr)
{
	static const struct { unsigned long ms; unsigned int attr; } map[] = {
		{ MS_RDONLY, MOUNT_ATTR_RDONLY },
		{ MS_NOSUID, MOUNT_ATTR_NOSUID },
		{ MS_NODEV, MOUNT_ATTR_NODEV },
		{ MS_NOEXEC, MOUNT_ATTR_NOEXEC },
		{ MS_NOATIME, MOUNT_ATTR_NOATIME },
		{ MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
		{ MS_STRICTATIME, MOUNT_ATTR_STRICTATIME },
		{ MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
	};
	char *name, *val, *str = (char *)opts;
	size_t nlen, vlen, i;
	unsigned long fl;
	int err = 0;

	while (!err && !mnt_optstr_next_option(&str, &name, &nlen, &val, &vlen)) {
		char *key = lm_xasprintf("%.*s", (int)nlen, name);
		char *v = val ? lm_xasprintf("%.*s", (int)vlen, val) : NULL;

		fl = 0;
		mnt_optstr_get_flags(key, &fl, mnt_get_builtin_optmap(MNT_LINUX_MAP));
		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (fl & map[i].ms)
				*attr |= map[i].attr;
		if (!(fl & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC |
			    MS_NOATIME | MS_NODIRATIME | MS_STRICTATIME |
			    MS_NOSYMFOLLOW)) && strcmp(key, "relatime") &&
		    (v ? fsconfig(fs, FSCONFIG_SET_STRING, key, v, 0) :
			 fsconfig(fs, FSCONFIG_SET_FLAG, key, NULL, 0)))
			err = -errno;
		free(key);
		free(v);
	}
	return err;
}

/*
 * The new mount API: one "lowerdir+" per layer, no page limit.  Overlayfs
 * before Linux 6.8 does not know "lowerdir+" (its legacy option string then
 * overflows, or the option is refused at create): for overlay any failure
 * returns NEED_SHORT_NAMES, silently, and the caller retries with those.
 */
static int do_fsconfig(struct plan *p, const char *target)
{
	int fs, mnt = -1, err = 0;
	unsigned int attr = (p->o->dev ? 0 : MOUNT_ATTR_NODEV) |
			    (p->o->suid ? 0 : MOUNT_ATTR_NOSUID) |
			    (p->o->read_only ? MOUNT_ATTR_RDONLY : 0);
	size_t i;

	fs = fsopen(p->o->type, FSOPEN_CLOEXEC);
	if (fs < 0) {
		lm_err(target, "fsopen %s: %s", p->o->type, strerror(errno));
		return -errno;
	}
	for (i = 0; i < p->n && !err; i++)
		if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+",
			     p->lowers[i], 0))
			err = -errno;

	if (!err && p->upper &&
	    (fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", p->upper, 0) ||
	     fsconfig(fs, FSCONFIG_SET_STRING, "workdir", p->work, 0)))
		err = -errno;
	if (!err && !strcmp(p->o->type, "layerfs") &&
	    fsconfig(fs, FSCONFIG_SET_FLAG, "immutable_lowers", NULL, 0))
		err = -errno;
	if (!err && p->o->mount_opts)
		err = fsconfig_user_opts(fs, p->o->mount_opts, &attr);
	if (!err && (fsconfig(fs, FSCONFIG_SET_STRING, "source", p->source, 0) ||
		     fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)))
		err = -errno;
	if (!err && (mnt = fsmount(fs, FSMOUNT_CLOEXEC, attr)) < 0)
		err = -errno;
	if (!err && move_mount(mnt, "", AT_FDCWD, target,
			       MOVE_MOUNT_F_EMPTY_PATH))
		err = -errno;
	if (err && strcmp(p->o->type, "layerfs")) {
		err = NEED_SHORT_NAMES;	/* overlay without "lowerdir+" */
	} else if (err) {
		fs_log(fs, target);
		lm_err(target, "mount -t %s (fsconfig) failed: %s", p->o->type,
		       strerror(-err));
	}
	if (mnt >= 0)
		close(mnt);
	close(fs);
	return err;
}

static int mount_plan(struct plan *p, const char *target)
{
	char *opts = options(p);
	int cwd, err;

	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || fchdir(p->st->fd) || chdir(p->cwd)) {
		lm_err(p->st->path, "chdir: %s", strerror(errno));
		if (cwd >= 0)
			close(cwd);
		free(opts);
		return LM_EXIT_SYSTEM;
	}
	if (strlen(opts) <= OPTS_MAX) {
		err = do_libmount(p, target, opts);
	} else if ((err = do_fsconfig(p, target)) == NEED_SHORT_NAMES) {
		err = shorten(p);
		if (err || fchdir(p->st->fd) || chdir(p->cwd)) {
			lm_err(p->st->path, "%s/l: %s", p->mdir,
			       strerror(err ? -err : errno));
			err = -EIO;
		} else {
			free(opts);
			opts = options(p);
			err = do_libmount(p, target, opts);
		}
	}
	if (fchdir(cwd))
		err = err ? err : -errno;
	close(cwd);
	free(opts);
	return err ? LM_EXIT_MOUNT : 0;
}

/* The record, before the mount: a crash after it leaves a findable state. */
static json_object *record_begin(struct plan *p, const struct lm_image *img,
				 const char *target)
{
	const struct lm_opts *o = p->o;
	json_object *rec = lm_mount_record_new(p->st, p->id, target, o->type,
					       img);
	int err;

	lm_jset_str(rec, "upper", o->read_only ? "none" :
		    o->upper ? "dir" : "ephemeral");
	lm_jset_str(rec, "upper_dir", p->upper);
	err = lm_mount_record_write(p->st, rec);
	if (err) {
		lm_err(p->st->path, "%s/record: %s", p->mdir, strerror(-err));
		json_object_put(rec);
		return NULL;
	}
	return rec;
}

static int mount_recorded(struct plan *p, const struct lm_image *img,
			  const char *target)
{
	json_object *rec = record_begin(p, img, target);
	int err;

	if (!rec)
		return LM_EXIT_SYSTEM;
	err = mount_plan(p, target);
	p->mounted = !err;
	if (!err && (err = lm_mount_record_done(p->st, rec, target))) {
		lm_err(target, "mounted, but its record is incomplete (%s): "
		       "unmount it with umount(8)", strerror(-err));
		err = LM_EXIT_SYSTEM;
	}
	json_object_put(rec);
	return err;
}

int lm_mount(const struct lm_opts *o, struct lm_store *st,
	     const struct lm_image *img, const char *target)
{
	struct plan p = { .o = o, .st = st };
	struct stat meta;
	char *rtarget = realpath(target, NULL);
	size_t i;
	int err;

	if (!rtarget) {
		lm_err(target, "mount point: %s", strerror(errno));
		return LM_EXIT_MOUNT;
	}
	if (lm_random_hex(p.id, LM_ID)) {
		lm_err(NULL, "no random numbers");
		free(rtarget);
		return LM_EXIT_SYSTEM;
	}
	snprintf(p.mdir, sizeof(p.mdir), "mounts/%s", p.id);
	p.source = lm_mount_source(st->path, p.id);
	err = lm_store_root_meta(st, img, &meta);
	if (!err && mkdirat(st->fd, p.mdir, 0700)) {
		lm_err(st->path, "%s: %s", p.mdir, strerror(errno));
		err = LM_EXIT_SYSTEM;
	}
	p.made = !err;
	if (!err)
		err = plan_upper(&p, &meta);
	if (!err)
		err = plan_lowers(&p, img, &meta);
	if (!err)
		err = mount_recorded(&p, img, rtarget);
	if (err && p.made && !p.mounted)
		lm_rm_rf_at(st->fd, p.mdir);
	for (i = 0; p.owned && i < img->nlayers + 2; i++)
		free(p.owned[i]);
	if (strcmp(p.cwd ? p.cwd : "layers", "layers"))
		free((char *)p.cwd);
	free(p.owned);
	free(p.lowers);
	free(p.upper);
	free(p.work);
	free(p.source);
	free(rtarget);
	return err;
}

/* Why libmount failed, in words. */
static void mnt_error(struct libmnt_context *cxt, int rc, char *buf,
		      size_t len)
{
	if (mnt_context_syscall_called(cxt))
		snprintf(buf, len, "%s",
			 strerror(mnt_context_get_syscall_errno(cxt)));
	else
		mnt_context_get_excode(cxt, rc, buf, len);
}
