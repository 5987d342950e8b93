// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: directory inode operations.
 *
 * Owns the namespace operations of union directories: create, mkdir,
 * mknod, symlink, link, unlink, rmdir and rename. Every change lands in
 * the upper layer, after the parent (and, where needed, the object) has
 * been copied up. Names that exist in a lower layer are hidden with a
 * whiteout made atomically with the removal (RENAME_WHITEOUT into the
 * work directory); a new object over a whiteout is built in the work
 * directory and swapped in (a new directory there is opaque); work.c
 * does both. A rename goes in four steps (checks and copy-ups, opaque
 * marking, the locked upper rename, the link count of a replaced
 * target). Renaming a directory that exists in a lower layer fails with
 * EXDEV.
 *
 * Locking: the VFS holds the union parents' i_rwsem (and the rename
 * lock); under them this file takes the copy-up mutex of the object being
 * removed or replaced (so that a concurrent copy-up cannot publish an
 * upper copy between reading the upper dentry and acting on it), then
 * write access to the upper mount, then the real parents' i_rwsem
 * (layerfs_do_start_rename() for two of them), never the other way round. At most one
 * union inode's mutex is held at a time. New objects are made with the
 * mounter's capabilities and the caller's fsuid/fsgid.
 */
#include <linux/namei.h>
#include <linux/cred.h>

#include "layerfs.h"

/* The mounter's credentials with the caller's fsuid and fsgid. */
static const struct cred *layerfs_creator_creds(struct super_block *sb)
{
	kuid_t fsuid = current_fsuid();
	kgid_t fsgid = current_fsgid();
	const struct cred *old;
	struct cred *cred;

	old = layerfs_override_creds(sb);
	cred = prepare_creds();
	layerfs_revert_creds(old);
	if (!cred)
		return NULL;
	cred->fsuid = fsuid;
	cred->fsgid = fsgid;
	return cred;
}

/*
 * Does @name exist in a lower layer below union directory @dir? Then
 * removing or renaming it away needs a whiteout.
 */
static int layerfs_lower_positive(struct inode *dir, const struct qstr *name)
{
	struct layerfs_inode *li = LAYERFS_I(dir);
	struct dentry *this;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < li->numlower && !ret; i++) {
		this = layerfs_do_lookup(li->lower[i].dentry, name->name,
					 name->len);
		if (IS_ERR(this))
			return PTR_ERR(this);
		if (d_is_positive(this))
			ret = layerfs_is_whiteout(this) ? -ENOENT : 1;
		dput(this);
	}
	return ret == -ENOENT ? 0 : ret;
}

/*
 * Make a new upper object for the negative union @dentry: directly when
 * the upper parent has nothing at the name, through the work directory
 * when it holds a whiteout. Returns the positive upper dentry.
 */
static struct dentry *layerfs_create_upper(struct dentry *dentry,
					   umode_t mode, dev_t rdev,
					   const char *link,
					   struct dentry *old)
{
	struct dentry *udir = layerfs_upper(d_inode(dentry->d_parent));
	struct inode *dir = d_inode(udir);
	struct dentry *upper, *tmp;
	int err;

	inode_lock_nested(dir, I_MUTEX_PARENT);
	upper = layerfs_do_lookup_locked(udir, dentry->d_name.name,
					 dentry->d_name.len);
	if (IS_ERR(upper))
		goto out_unlock;
	err = 0;
	if (d_is_negative(upper)) {
		if (old)
			err = layerfs_do_link(old, dir, upper);
		else
			err = layerfs_do_create(dir, upper, mode, rdev, link);
	} else if (!layerfs_is_whiteout(upper)) {
		err = -EEXIST;
	} else {
		inode_unlock(dir);
		goto over_whiteout;
	}
	if (err) {
		dput(upper);
		upper = ERR_PTR(err);
	}
out_unlock:
	inode_unlock(dir);
	return upper;

over_whiteout:
	tmp = layerfs_create_via_work(dentry, udir, upper, mode, rdev, link,
				      old);
	dput(upper);
	return tmp;
}

/*
 * Make the upper object for the negative union @dentry in @dir. For a
 * hard link, @old is the union dentry linked to.
 */
static int layerfs_create_object(struct inode *dir, struct dentry *dentry,
				 umode_t mode, dev_t rdev, const char *link,
				 struct dentry *old)
{
	struct super_block *sb = dir->i_sb;
	struct dentry *upper, *oldupper = NULL;
	const struct cred *cred, *prev;
	struct inode *inode;
	int err;

	err = layerfs_copy_up(dentry->d_parent);
	if (!err && old)
		err = layerfs_copy_up(old);
	if (err)
		return err;
	if (old)
		oldupper = layerfs_upper(d_inode(old));
	/*
	 * The union has SB_POSIXACL, so the VFS left the umask to us: an
	 * upper filesystem with ACLs applies it (or a default ACL) itself.
	 */
	if (!old && !S_ISLNK(mode) &&
	    !IS_POSIXACL(d_inode(layerfs_upper(dir))))
		mode &= ~current_umask();
	err = -ENOMEM;
	cred = layerfs_creator_creds(sb);
	if (!cred)
		return err;
	err = layerfs_do_want_write(sb);
	if (err)
		goto out_cred;
	prev = override_creds(cred);
	upper = layerfs_create_upper(dentry, mode, rdev, link, oldupper);
	revert_creds(prev);
	layerfs_do_drop_write(sb);
	err = PTR_ERR(upper);
	if (IS_ERR(upper))
		goto out_cred;

	if (old) {
		/* the new name shares the union inode of the old one */
		dput(upper);
		inode = d_inode(old);
		ihold(inode);
		layerfs_refresh_inode(inode);
	} else {
		inode = layerfs_get_inode(sb, upper, NULL, 0);
		err = PTR_ERR(inode);
		if (IS_ERR(inode))
			goto out_cred;
	}
	d_instantiate(dentry, inode);
	layerfs_dir_changed(dir);
	err = 0;
out_cred:
	put_cred(cred);
	return err;
}

static int layerfs_create_file(struct layerfs_idmap *idmap, struct inode *dir,
			       struct dentry *dentry, umode_t mode)
{
	return layerfs_create_object(dir, dentry, (mode & 07777) | S_IFREG, 0,
				     NULL, NULL);
}

/* ->create and ->mkdir, in the kernel's prototypes (compat.h) */
LAYERFS_DEFINE_CREATE(layerfs_create_file)

static int layerfs_create_dir(struct layerfs_idmap *idmap, struct inode *dir,
			      struct dentry *dentry, umode_t mode)
{
	return layerfs_create_object(dir, dentry, (mode & 07777) | S_IFDIR, 0,
				     NULL, NULL);
}

LAYERFS_DEFINE_MKDIR(layerfs_create_dir)

static int layerfs_mknod(struct layerfs_idmap *idmap, struct inode *dir,
			 struct dentry *dentry, umode_t mode, dev_t rdev)
{
	/* users never make whiteouts */
	if (S_ISCHR(mode) && rdev == WHITEOUT_DEV)
		return -EPERM;
	return layerfs_create_object(dir, dentry, mode, rdev, NULL, NULL);
}

static int layerfs_symlink(struct layerfs_idmap *idmap, struct inode *dir,
			   struct dentry *dentry, const char *link)
{
	return layerfs_create_object(dir, dentry, S_IFLNK | 0777, 0, link,
				     NULL);
}

static int layerfs_link(struct dentry *old, struct inode *dir,
			struct dentry *new)
{
	return layerfs_create_object(dir, new, d_inode(old)->i_mode, 0, NULL,
				     old);
}

/*
 * Change the name @name of the upper parent @udir in place: unlink it
 * when it is the real inode @real, or, with @real NULL, hide a name that
 * only the lowers have with a new whiteout.
 */
static int layerfs_remove_upper(struct dentry *udir, const struct qstr *name,
				struct inode *real)
{
	struct inode *dir = d_inode(udir);
	struct dentry *this;
	int err;

	inode_lock_nested(dir, I_MUTEX_PARENT);
	this = layerfs_do_lookup_locked(udir, name->name, name->len);
	err = PTR_ERR(this);
	if (IS_ERR(this))
		goto out_unlock;
	/* LAB 5.1 BEGIN: a lower-only name gets a whiteout; else unlink the upper object */
	if (!real)
		err = d_is_negative(this) ? layerfs_do_whiteout(dir, this) :
					    -EEXIST;
	else
		err = d_inode(this) == real ? layerfs_do_remove(dir, this) :
					      -ESTALE;
	/* LAB 5.1 END */
	dput(this);
out_unlock:
	inode_unlock(dir);
	return err;
}

static int layerfs_remove(struct inode *dir, struct dentry *dentry)
{
	struct super_block *sb = dir->i_sb;
	struct layerfs_fs *lfs = LAYERFS_FS(sb);
	struct inode *inode = d_inode(dentry);
	struct layerfs_inode *li = LAYERFS_I(inode);
	struct dentry *udir, *upper;
	const struct cred *old;
	int lower, err;

	/* LAB 5.3 BEGIN: a directory with visible entries in the merged view is not empty */
	if (d_is_dir(dentry)) {
		err = layerfs_dir_check_empty(dentry);
		if (err)
			return err;
	}
	/* LAB 5.3 END */
	err = layerfs_copy_up(dentry->d_parent);
	if (err)
		return err;
	udir = layerfs_upper(dir);

	/* no copy-up of the victim (an open for writing) can publish now */
	mutex_lock(&li->lock);
	upper = layerfs_upper(inode);
	old = layerfs_override_creds(sb);
	lower = layerfs_lower_positive(dir, &dentry->d_name);
	err = lower;
	if (lower < 0)
		goto out_revert;
	err = layerfs_do_want_write(sb);
	if (err)
		goto out_revert;
	if (upper && (lower || d_is_dir(upper)))
		err = layerfs_remove_via_work(lfs, udir, &dentry->d_name,
					      d_inode(upper), lower);
	else
		err = layerfs_remove_upper(udir, &dentry->d_name,
					   upper ? d_inode(upper) : NULL);
	layerfs_do_drop_write(sb);
out_revert:
	layerfs_revert_creds(old);
	/* a link count of 0 tells a waiting copy-up that the name is gone */
	if (!err && !d_is_dir(dentry) && upper && d_inode(upper))
		set_nlink(inode, d_inode(upper)->i_nlink);
	else if (!err)
		clear_nlink(inode);
	mutex_unlock(&li->lock);
	if (err)
		return err;
	layerfs_dir_changed(dir);
	return 0;
}

static int layerfs_unlink(struct inode *dir, struct dentry *dentry)
{
	return layerfs_remove(dir, dentry);
}

static int layerfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	return layerfs_remove(dir, dentry);
}

/*
 * Empty the upper part of a logically empty merged directory (only
 * whiteouts are left in it) so that it can be renamed over.
 */
static int layerfs_clear_whiteouts(struct dentry *dentry)
{
	struct dentry *upper = layerfs_upper(d_inode(dentry));
	struct super_block *sb = dentry->d_sb;
	const struct cred *old;
	int err;

	if (!upper)
		return 0;
	old = layerfs_override_creds(sb);
	err = layerfs_do_want_write(sb);
	if (!err) {
		err = layerfs_cleanup_dir(LAYERFS_FS(sb), upper, 0);
		layerfs_do_drop_write(sb);
	}
	layerfs_revert_creds(old);
	return err;
}

/**
 * struct layerfs_rename - what the steps of one rename share
 * @olddir:   the union source parent
 * @old:      the union source
 * @newdir:   the union target parent
 * @new:      the union target, positive when it is replaced or exchanged
 * @oldupper: the source's upper dentry (it has been copied up)
 * @newupper: the target's upper dentry, NULL when it has none
 * @flags:    RENAME_NOREPLACE and RENAME_EXCHANGE, as the caller gave them
 * @exchange: @flags has RENAME_EXCHANGE
 * @lower:    the old name exists in a lower layer: a whiteout must stay
 *            there
 */
struct layerfs_rename {
	struct inode *olddir;
	struct dentry *old;
	struct inode *newdir;
	struct dentry *new;
	struct dentry *oldupper;
	struct dentry *newupper;
	unsigned int flags;
	bool exchange;
	int lower;
};

/*
 * Rename, step 1: the checks, then the copy-ups (the source, the target's
 * parent, an exchanged target) and the emptying of a directory renamed
 * over.
 */
static int layerfs_rename_prepare(struct dentry *old, struct dentry *new,
				  unsigned int flags)
{
	bool exchange = flags & RENAME_EXCHANGE;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	/* LAB 5.2 BEGIN: a directory with a lower part cannot move: EXDEV (redirect_dir=off) */
	/* directories that exist in a lower layer cannot move */
	if (d_is_dir(old) && LAYERFS_I(d_inode(old))->numlower)
		return -EXDEV;
	/* LAB 5.2 END */
	if (exchange && d_is_dir(new) && LAYERFS_I(d_inode(new))->numlower)
		return -EXDEV;
	if (!exchange && d_is_positive(new) && d_is_dir(new)) {
		err = layerfs_dir_check_empty(new);
		if (err)
			return err;
	}
	err = layerfs_copy_up(old);
	if (!err)
		err = layerfs_copy_up(new->d_parent);
	if (!err && exchange)
		err = layerfs_copy_up(new);
	if (!err && !exchange && d_is_positive(new) && d_is_dir(new))
		err = layerfs_clear_whiteouts(new);
	return err;
}

/*
 * Rename, step 2: a directory moved over a name that may exist below (in
 * a parent with lower layers) hides it: it is marked opaque; for an
 * exchange, each directory that moves.
 */
static int layerfs_rename_mark_opaque(const struct layerfs_rename *r)
{
	int err = 0;

	if (d_is_dir(r->old) && LAYERFS_I(r->newdir)->numlower)
		err = layerfs_do_set_opaque(r->oldupper);
	if (!err && r->exchange && d_is_dir(r->new) &&
	    LAYERFS_I(r->olddir)->numlower)
		err = layerfs_do_set_opaque(r->newupper);
	return err;
}

/*
 * Rename, step 3: the rename in the upper layer, with the two upper
 * parents locked, once the names there are checked to still hold the
 * objects the union expects.
 */
static int layerfs_rename_upper(const struct layerfs_rename *r)
{
	struct layerfs_renaming rn = {
		.old_parent	= layerfs_upper(r->olddir),
		.new_parent	= layerfs_upper(r->newdir),
		.flags		= r->exchange ? RENAME_EXCHANGE : 0,
	};
	unsigned int rflags = r->flags & ~RENAME_NOREPLACE;
	struct dentry *rold, *rnew;
	int err;

	if (r->lower)
		rflags |= RENAME_WHITEOUT;
	err = layerfs_do_start_rename(&rn, &r->old->d_name, &r->new->d_name);
	if (err)
		return err == -ENOENT ? -ESTALE : err;
	rold = rn.old;
	rnew = rn.new;
	/* hard links share a union inode: compare real inodes, not names */
	err = -ESTALE;
	if (d_inode(rold) != d_inode(r->oldupper))
		goto out_end;
	if (r->newupper ? d_inode(rnew) != d_inode(r->newupper) :
	    d_is_positive(rnew) && !layerfs_is_whiteout(rnew))
		goto out_end;
	/* a directory cannot replace the whiteout device: they swap */
	if (!r->exchange && layerfs_is_whiteout(rnew) && d_is_dir(rold))
		err = layerfs_exchange_whiteout(&rn, r->lower);
	else
		err = layerfs_do_rename(&rn, rflags);
out_end:
	layerfs_do_end_rename(&rn);
	return err;
}

/*
 * Rename, step 4: a replaced target without an upper copy is gone (link
 * count 0, which a waiting copy-up sees); one with an upper copy may have
 * other names left.
 */
static void layerfs_rename_fix_nlink(const struct layerfs_rename *r)
{
	if (d_is_dir(r->new) || !r->newupper)
		clear_nlink(d_inode(r->new));
	else
		layerfs_refresh_inode(d_inode(r->new));
}

static int layerfs_rename(struct layerfs_idmap *idmap, struct inode *olddir,
			  struct dentry *old, struct inode *newdir,
			  struct dentry *new, unsigned int flags)
{
	struct layerfs_rename r = {
		.olddir = olddir, .old = old, .newdir = newdir, .new = new,
		.flags = flags, .exchange = flags & RENAME_EXCHANGE,
	};
	struct super_block *sb = olddir->i_sb;
	const struct cred *cred, *prev;
	struct layerfs_inode *victim;
	int err;

	err = layerfs_rename_prepare(old, new, flags);
	if (err)
		return err;
	r.oldupper = layerfs_upper(d_inode(old));
	/* no copy-up of the target can publish while it is replaced */
	victim = d_is_positive(new) ? LAYERFS_I(d_inode(new)) : NULL;
	if (victim)
		mutex_lock(&victim->lock);
	r.newupper = victim ? layerfs_upper(d_inode(new)) : NULL;

	err = -ENOMEM;
	cred = layerfs_creator_creds(sb);
	if (!cred)
		goto out_unlock_victim;
	prev = override_creds(cred);
	r.lower = r.exchange ? 0 : layerfs_lower_positive(olddir, &old->d_name);
	err = r.lower;
	if (r.lower < 0)
		goto out_revert;
	err = layerfs_do_want_write(sb);
	if (err)
		goto out_revert;
	err = layerfs_rename_mark_opaque(&r);
	if (!err)
		err = layerfs_rename_upper(&r);
	layerfs_do_drop_write(sb);
out_revert:
	revert_creds(prev);
	put_cred(cred);
	if (!err && !r.exchange && victim)
		layerfs_rename_fix_nlink(&r);
out_unlock_victim:
	if (victim)
		mutex_unlock(&victim->lock);
	if (err)
		return err;
	layerfs_dir_changed(olddir);
	layerfs_dir_changed(newdir);
	return 0;
}

const struct inode_operations layerfs_dir_iops = {
	.lookup		= layerfs_lookup,
	.create		= layerfs_create_file_op,
	.mkdir		= layerfs_create_dir_op,
	.mknod		= layerfs_mknod,
	.symlink	= layerfs_symlink,
	.link		= layerfs_link,
	.unlink		= layerfs_unlink,
	.rmdir		= layerfs_rmdir,
	.rename		= layerfs_rename,
	.permission	= layerfs_permission,
	.setattr	= layerfs_setattr,
	.getattr	= layerfs_getattr,
	.listxattr	= layerfs_listxattr,
	LAYERFS_ACL_IOPS,
};
