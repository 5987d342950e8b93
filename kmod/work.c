// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: the work directory W/work/ and what is done in it.
 *
 * Owns W/work/ on the upper filesystem: its setup at mount (made, or
 * emptied of what an interrupted operation left), the temporary objects
 * built in it under fresh names (copy-up's copies, new objects that
 * replace a whiteout) and their removal when an operation fails, and the
 * moves through it that make a change atomic: a finished copy renamed to
 * its name (publishing it), a new object swapped with the whiteout it
 * replaces, a removed object moved out of the way (leaving a whiteout
 * when a lower layer has the name) before it is deleted. Also
 * layerfs_cleanup_dir(), which empties W/work/, an entry of it, or a
 * logically empty upper directory.
 *
 * Locking: a temporary name is made and removed under W/work/'s i_rwsem;
 * a move between W/work/ and an upper directory holds both locked
 * (layerfs_do_start_rename*()), which checks that its dentries are still
 * where it found them. Every function runs with the mounter's credentials and
 * write access to the upper mount held by its caller, except
 * layerfs_work_setup() and layerfs_work_remove_own_write(), which take
 * write access themselves. None takes a union inode's lock.
 */
#include <linux/namei.h>
#include <linux/posix_acl.h>
#include <linux/slab.h>

#include "layerfs.h"

static atomic_t layerfs_tmp_seq = ATOMIC_INIT(0);

/* room for "#" and a 32-bit sequence number in hex */
#define LAYERFS_TMP_NAME	16

/* A fresh name for an object in W/work/, LAYERFS_TMP_NAME bytes. */
static void layerfs_tmp_name(char *buf)
{
	snprintf(buf, LAYERFS_TMP_NAME, "#%x",
		 atomic_inc_return(&layerfs_tmp_seq));
}

/**
 * layerfs_work_create() - make an object under a fresh name in W/work/
 * @lfs:  the mount
 * @mode: type and permission bits
 * @rdev: device number for devices
 * @link: target for symlinks
 * @old:  if not NULL, make a hard link to this upper dentry instead
 *
 * Context: mounter's credentials, write access to the upper layer held.
 * Return: the new positive dentry or an ERR_PTR().
 */
struct dentry *layerfs_work_create(struct layerfs_fs *lfs, umode_t mode,
				   dev_t rdev, const char *link,
				   struct dentry *old)
{
	struct inode *wdir = d_inode(lfs->workdir);
	char name[LAYERFS_TMP_NAME];
	struct dentry *tmp;
	int err;

	layerfs_tmp_name(name);
	inode_lock_nested(wdir, I_MUTEX_PARENT);
	tmp = layerfs_do_lookup_locked(lfs->workdir, name, strlen(name));
	if (IS_ERR(tmp))
		goto out_unlock;
	err = -EEXIST;
	if (d_is_positive(tmp))
		goto out_dput;
	if (old)
		err = layerfs_do_link(old, wdir, tmp);
	else
		err = layerfs_do_create(wdir, tmp, mode, rdev, link);
	if (err)
		goto out_dput;
	inode_unlock(wdir);
	return tmp;

out_dput:
	dput(tmp);
	tmp = ERR_PTR(err);
out_unlock:
	inode_unlock(wdir);
	return tmp;
}

/**
 * layerfs_work_remove() - remove an object from W/work/
 * @lfs: the mount
 * @tmp: an object in W/work/ (a failed temporary one, or one moved there
 *       to be deleted); its reference is dropped
 *
 * A directory is emptied first. Nothing is removed if @tmp has left
 * W/work/ meanwhile.
 *
 * Context: mounter's capabilities, write access to the upper layer held.
 * Return: 0 or the errno of the removal (what is left goes at the next
 * mount).
 */
int layerfs_work_remove(struct layerfs_fs *lfs, struct dentry *tmp)
{
	struct inode *wdir = d_inode(lfs->workdir);
	int err = 0;

	if (d_is_dir(tmp))
		layerfs_cleanup_dir(lfs, tmp, 1);
	inode_lock_nested(wdir, I_MUTEX_PARENT);
	if (tmp->d_parent == lfs->workdir && d_is_positive(tmp))
		err = layerfs_do_remove(wdir, tmp);
	inode_unlock(wdir);
	dput(tmp);
	return err;
}

/**
 * layerfs_work_remove_own_write() - layerfs_work_remove(), for a caller
 * without write access to the upper layer
 * @sb:  the layerfs superblock
 * @tmp: the object made by layerfs_work_create(); its reference is dropped
 *
 * Takes write access of its own; without it @tmp stays for the next mount
 * to remove.
 *
 * Context: mounter's credentials.
 */
void layerfs_work_remove_own_write(struct super_block *sb, struct dentry *tmp)
{
	if (layerfs_do_want_write(sb)) {
		dput(tmp);
		return;
	}
	layerfs_work_remove(LAYERFS_FS(sb), tmp);
	layerfs_do_drop_write(sb);
}

/* collects the names of a real directory */
struct layerfs_names_ctx {
	struct dir_context ctx;
	struct list_head names;
	int err;
};

struct layerfs_name {
	struct list_head list;
	int len;
	char name[];
};

static bool layerfs_names_actor(struct dir_context *ctx, const char *name,
				int len, loff_t offset, u64 ino,
				unsigned int d_type)
{
	struct layerfs_names_ctx *nc =
		container_of(ctx, struct layerfs_names_ctx, ctx);
	struct layerfs_name *n;

	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		return true;
	n = kmalloc(struct_size(n, name, len), GFP_KERNEL);
	if (!n) {
		nc->err = -ENOMEM;
		return false;
	}
	n->len = len;
	memcpy(n->name, name, len);
	list_add_tail(&n->list, &nc->names);
	return true;
}

/**
 * layerfs_cleanup_dir() - remove everything inside an upper directory
 * @lfs:   the mount
 * @dir:   a real directory on the upper filesystem (W/work/ or an entry
 *         of it, or a logically empty upper directory)
 * @level: how many levels of subdirectories to descend into
 *
 * Context: mounter's credentials, write access to the upper layer held.
 * Return: 0 or the first error.
 */
int layerfs_cleanup_dir(struct layerfs_fs *lfs, struct dentry *dir,
			int level)
{
	struct layerfs_names_ctx nc = { .ctx.actor = layerfs_names_actor };
	struct path path = { .mnt = layerfs_upper_mnt(lfs), .dentry = dir };
	struct layerfs_name *n, *next;
	struct dentry *this = NULL;
	struct file *f;
	int err;

	INIT_LIST_HEAD(&nc.names);
	f = layerfs_do_open_dir(&path, current_cred());
	if (IS_ERR(f))
		return PTR_ERR(f);
	err = layerfs_do_iterate(f, &nc.ctx);
	fput(f);
	if (!err)
		err = nc.err;
	list_for_each_entry_safe(n, next, &nc.names, list) {
		if (!err) {
			this = layerfs_do_lookup(dir, n->name, n->len);
			err = PTR_ERR_OR_ZERO(this);
		}
		if (!err && d_is_dir(this) && level > 0)
			err = layerfs_cleanup_dir(lfs, this, level - 1);
		if (!err && d_is_positive(this)) {
			inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
			if (this->d_parent == dir && !d_unhashed(this))
				err = layerfs_do_remove(d_inode(dir), this);
			inode_unlock(d_inode(dir));
		}
		if (!IS_ERR_OR_NULL(this))
			dput(this);
		this = NULL;
		list_del(&n->list);
		kfree(n);
	}
	return err;
}

/**
 * layerfs_work_setup() - make W/work, or empty what a mount left in it
 * @fc:   the mount's filesystem context, for error messages
 * @sb:   the layerfs superblock, its upper layer set up
 * @wdir: the workdir W given as an option
 *
 * Context: mounter's credentials; at mount, under s_umount.
 * Return: 0 or a negative errno; lfs->workdir is set once W/work exists
 * (kill_sb drops it).
 */
int layerfs_work_setup(struct fs_context *fc, struct super_block *sb,
		       struct dentry *wdir)
{
	struct layerfs_fs *lfs = LAYERFS_FS(sb);
	struct inode *dir = d_inode(wdir);
	struct dentry *work;
	int err;

	err = layerfs_do_want_write(sb);
	if (err)
		return err;
	inode_lock_nested(dir, I_MUTEX_PARENT);
	work = layerfs_do_lookup_locked(wdir, "work", 4);
	err = PTR_ERR(work);
	if (IS_ERR(work))
		goto out_unlock;
	err = 0;
	if (d_is_positive(work) && !d_is_dir(work)) {
		/*
		 * W/work is ours, whatever a crash or another tool left
		 * there. The removed dentry stays positive (unhashed, see
		 * layerfs_do_remove()): look the name up again.
		 */
		err = layerfs_do_remove(dir, work);
		dput(work);
		if (err)
			goto out_unlock;
		work = layerfs_do_lookup_locked(wdir, "work", 4);
		err = PTR_ERR(work);
		if (IS_ERR(work))
			goto out_unlock;
		err = 0;
	}
	if (d_is_negative(work))
		err = layerfs_do_create(dir, work, S_IFDIR | 0, 0, NULL);
	else if (!d_is_dir(work))
		err = -ENOTDIR;
	if (err)
		goto out_dput;
	inode_unlock(dir);
	lfs->workdir = work;
	err = layerfs_cleanup_dir(lfs, work, 2);
	if (err) {
		errorfc(fc, "workdir: cannot empty '%s/work': error %d",
			lfs->workname, err);
		goto out_drop;
	}
	/* a copy made in W/work must not inherit ACLs from W/work */
	err = layerfs_do_set_acl(work, ACL_TYPE_DEFAULT, NULL);
	if (!err)
		err = layerfs_do_set_acl(work, ACL_TYPE_ACCESS, NULL);
	if (err == -EOPNOTSUPP)
		err = 0;
	if (err)
		errorfc(fc, "workdir: cannot remove the ACLs of '%s/work': error %d",
			lfs->workname, err);
out_drop:
	layerfs_do_drop_write(sb);
	return err;

out_dput:
	dput(work);
out_unlock:
	inode_unlock(dir);
	layerfs_do_drop_write(sb);
	errorfc(fc, "workdir: cannot make '%s/work': error %d", lfs->workname,
		err);
	return err;
}

/**
 * layerfs_exchange_whiteout() - put an object in place of a whiteout
 * @rn:   a started rename: rn->old the real object to move, rn->new the
 *        whiteout
 * @keep: leave the whiteout at the object's old name (it hides a lower
 *        one)
 *
 * A directory cannot replace a device, so the two are swapped
 * (RENAME_EXCHANGE), which leaves the whiteout at the object's old name;
 * unless @keep, it is removed there.
 *
 * Context: both parents locked (layerfs_do_start_rename*()).
 * Return: 0, or the errno of the swap (nothing changed) or of the removal
 * (the object has taken the place of the whiteout).
 */
int layerfs_exchange_whiteout(struct layerfs_renaming *rn, bool keep)
{
	int err;

	err = layerfs_do_rename(rn, RENAME_EXCHANGE);
	if (!err && !keep)
		err = layerfs_do_remove(d_inode(rn->old_parent), rn->new);
	return err;
}

/* Put the finished work object @tmp in place of the whiteout @wh. */
static int layerfs_replace_whiteout(struct layerfs_fs *lfs, struct dentry *tmp,
				    struct dentry *udir, struct dentry *wh)
{
	struct layerfs_renaming rn = {
		.old_parent	= lfs->workdir,
		.new_parent	= udir,
	};
	int err;

	err = layerfs_do_start_rename_two(&rn, tmp, wh);
	if (err)
		return err == -EINVAL ? -EIO : err;
	err = -EIO;
	if (!layerfs_is_whiteout(wh))
		goto out_end;
	err = layerfs_exchange_whiteout(&rn, false);
	/* swapped: a whiteout left in W/work/ goes at the next mount */
	if (tmp->d_parent == udir)
		err = 0;
out_end:
	layerfs_do_end_rename(&rn);
	return err;
}

/*
 * Make a new object for the union @dentry in the work directory, with the
 * ACLs it would inherit from its union parent's default ACL (the work
 * directory has none to give).
 */
static struct dentry *layerfs_work_create_inherit(struct dentry *dentry,
						  umode_t mode, dev_t rdev,
						  const char *link,
						  struct dentry *old)
{
	struct layerfs_fs *lfs = LAYERFS_FS(dentry->d_sb);
	struct posix_acl *acl = NULL, *dacl = NULL;
	struct dentry *tmp;
	int err = 0;

	if (!old)
		err = posix_acl_create(d_inode(dentry->d_parent), &mode, &dacl,
				       &acl);
	if (err)
		return ERR_PTR(err);
	tmp = layerfs_work_create(lfs, mode, rdev, link, old);
	if (!IS_ERR(tmp) && acl)
		err = layerfs_do_set_acl(tmp, ACL_TYPE_ACCESS, acl);
	if (!IS_ERR(tmp) && dacl && !err)
		err = layerfs_do_set_acl(tmp, ACL_TYPE_DEFAULT, dacl);
	posix_acl_release(acl);
	posix_acl_release(dacl);
	if (err) {
		layerfs_work_remove(lfs, tmp);
		return ERR_PTR(err);
	}
	return tmp;
}

/**
 * layerfs_create_via_work() - make an upper object over a whiteout
 * @dentry: the negative union dentry
 * @udir:   its upper parent, not locked
 * @wh:     the whiteout at its name in @udir (the caller keeps its reference)
 * @mode:   type and permission bits
 * @rdev:   device number for devices
 * @link:   target for symlinks
 * @old:    if not NULL, make a hard link to this upper dentry instead
 *
 * The object is built in W/work/ (a new directory there is marked opaque:
 * it hides what the lower layers have at its name) and then swapped with
 * the whiteout, so the name never shows the lower object nor nothing.
 *
 * Context: as layerfs_work_create(); the caller's fsuid and fsgid.
 * Return: the new upper dentry, at its final name, or an ERR_PTR().
 */
struct dentry *layerfs_create_via_work(struct dentry *dentry,
				       struct dentry *udir, struct dentry *wh,
				       umode_t mode, dev_t rdev,
				       const char *link, struct dentry *old)
{
	struct layerfs_fs *lfs = LAYERFS_FS(dentry->d_sb);
	struct dentry *tmp;
	int err;

	tmp = layerfs_work_create_inherit(dentry, mode, rdev, link, old);
	err = PTR_ERR_OR_ZERO(tmp);
	if (!err && S_ISDIR(mode))
		err = layerfs_do_set_opaque(tmp);
	if (!err)
		err = layerfs_replace_whiteout(lfs, tmp, udir, wh);
	if (!err) {
		/* the swap gave the work dentry the final name */
		return tmp;
	}
	/* a failed object must not stay in W/work until the next mount */
	if (!IS_ERR(tmp))
		layerfs_work_remove(lfs, tmp);
	return ERR_PTR(err);
}

/**
 * layerfs_work_publish() - give a finished object in W/work/ its name
 * @lfs:  the mount
 * @tmp:  the object, made by layerfs_work_create()
 * @udir: the upper parent, not locked
 * @name: the name in @udir, which must be free
 *
 * Context: mounter's credentials, write access to the upper layer held.
 * Return: 0 (@tmp now carries @name) or a negative errno (EEXIST: the
 * name is taken, or @tmp has left W/work/).
 */
int layerfs_work_publish(struct layerfs_fs *lfs, struct dentry *tmp,
			 struct dentry *udir, const struct qstr *name)
{
	/* LAB 4.1 BEGIN: rename the finished copy from W/work/ to its name, never over another */
	struct layerfs_renaming rn = {
		.old_parent	= lfs->workdir,
		.new_parent	= udir,
		.flags		= RENAME_NOREPLACE,
	};
	int err;

	err = layerfs_do_start_rename_dentry(&rn, tmp, name);
	if (err)
		return err == -EINVAL ? -EEXIST : err;
	err = layerfs_do_rename(&rn, 0);
	layerfs_do_end_rename(&rn);
	return err;
	/* LAB 4.1 END */
}

/**
 * layerfs_remove_via_work() - remove an upper object through W/work/
 * @lfs:      the mount
 * @udir:     the upper parent, not locked
 * @name:     the object's name in @udir
 * @real:     the real inode that must be at @name (hard links share a
 *            union inode, so the union inode's own upper dentry may carry
 *            another name)
 * @whiteout: leave a whiteout at @name (a lower layer has the name)
 *
 * The object is moved to W/work/, atomically with the whiteout that takes
 * its place, and deleted there (a directory with its contents).
 *
 * Context: mounter's credentials, write access to the upper layer held.
 * Return: 0 or a negative errno (ESTALE: @name is no longer @real).
 */
int layerfs_remove_via_work(struct layerfs_fs *lfs, struct dentry *udir,
			    const struct qstr *name, struct inode *real,
			    bool whiteout)
{
	struct layerfs_renaming rn = {
		.old_parent	= udir,
		.new_parent	= lfs->workdir,
		.flags		= RENAME_NOREPLACE,
	};
	char tname[LAYERFS_TMP_NAME];
	struct dentry *victim;
	struct qstr tq;
	int err;

	layerfs_tmp_name(tname);
	tq = (struct qstr)QSTR_INIT(tname, strlen(tname));
	err = layerfs_do_start_rename(&rn, name, &tq);
	if (err)
		return err == -ENOENT || err == -EEXIST ? -ESTALE : err;
	err = -ESTALE;
	if (d_inode(rn.old) == real)
		err = layerfs_do_rename(&rn, whiteout ? RENAME_WHITEOUT : 0);
	victim = dget(rn.old);
	layerfs_do_end_rename(&rn);
	if (err) {
		dput(victim);
		return err;
	}
	/* @victim now lives in the work directory */
	return layerfs_work_remove(lfs, victim);
}

