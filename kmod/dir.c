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
 * directory and swapped in (a new directory there is opaque). Renaming a
 * directory that exists in a lower layer fails with EXDEV.
 *
 * Locking: the VFS holds the union parents' i_rwsem (and the rename
 * lock); under them this file takes the copy-up mutex of the object being
 * removed or replaced (so that a concurrent copy-up cannot publish an
 * upper copy between reading the upper dentry and acting on it), then
 * write access to the upper mount, then the real parents' i_rwsem
 * (lock_rename() for two of them), never the other way round. At most one
 * union inode's mutex is held at a time. New objects are made with the
 * mounter's capabilities and the caller's fsuid/fsgid.
 */
#include <linux/namei.h>
#include <linux/cred.h>
#include <linux/slab.h>
#include <linux/xattr.h>
#include <linux/posix_acl.h>

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

/* Put the finished work object @tmp in place of the whiteout @wh. */
static int layerfs_replace_whiteout(struct layerfs_fs *ofs, struct dentry *tmp,
				    struct dentry *udir, struct dentry *wh)
{
	struct inode *wdir = d_inode(ofs->workdir);
	struct dentry *trap;
	int err;

	trap = lock_rename(ofs->workdir, udir);
	if (IS_ERR(trap))
		return PTR_ERR(trap);
	err = -EIO;
	if (tmp->d_parent != ofs->workdir || wh->d_parent != udir ||
	    d_unhashed(wh) || !layerfs_is_whiteout(wh) || trap == tmp ||
	    trap == wh)
		goto out_unlock;
	/* a directory cannot replace a device: swap them instead */
	err = layerfs_do_rename(wdir, tmp, d_inode(udir), wh, RENAME_EXCHANGE);
	/* the swap moved the whiteout's dentry into the work directory */
	if (!err)
		layerfs_do_remove(wdir, wh);
out_unlock:
	unlock_rename(ofs->workdir, udir);
	return err;
}

/*
 * Make a new object for the union @dentry in the work directory, with the
 * ACLs it would inherit from its union parent's default ACL (the work
 * directory has none to give).
 */
static struct dentry *layerfs_work_tmp_inherit(struct dentry *dentry,
					       umode_t mode, dev_t rdev,
					       const char *link,
					       struct dentry *old)
{
	struct layerfs_fs *ofs = LAYERFS_FS(dentry->d_sb);
	struct posix_acl *acl = NULL, *dacl = NULL;
	struct dentry *tmp;
	int err = 0;

	if (!old)
		err = posix_acl_create(d_inode(dentry->d_parent), &mode, &dacl,
				       &acl);
	if (err)
		return ERR_PTR(err);
	tmp = layerfs_work_tmp(ofs, mode, rdev, link, old);
	if (!IS_ERR(tmp) && acl)
		err = layerfs_do_set_acl(tmp, ACL_TYPE_ACCESS, acl);
	if (!IS_ERR(tmp) && dacl && !err)
		err = layerfs_do_set_acl(tmp, ACL_TYPE_DEFAULT, dacl);
	posix_acl_release(acl);
	posix_acl_release(dacl);
	if (err) {
		layerfs_work_drop(ofs, tmp);
		return ERR_PTR(err);
	}
	return tmp;
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
	struct layerfs_fs *ofs = LAYERFS_FS(dentry->d_sb);
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
	tmp = layerfs_work_tmp_inherit(dentry, mode, rdev, link, old);
	err = PTR_ERR_OR_ZERO(tmp);
	if (!err && S_ISDIR(mode))
		err = layerfs_do_setxattr(tmp, LAYERFS_XATTR_OPAQUE, "y", 1, 0);
	if (!err)
		err = layerfs_replace_whiteout(ofs, tmp, udir, upper);
	dput(upper);
	if (!err) {
		/* the swap gave the work dentry the final name */
		return tmp;
	}
	/* a failed object must not stay in W/work until the next mount */
	if (!IS_ERR(tmp))
		layerfs_work_drop(ofs, tmp);
	return ERR_PTR(err);
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
	err = layerfs_want_write(sb);
	if (err)
		goto out_cred;
	prev = override_creds(cred);
	upper = layerfs_create_upper(dentry, mode, rdev, link, oldupper);
	revert_creds(prev);
	layerfs_drop_write(sb);
	err = PTR_ERR(upper);
	if (IS_ERR(upper))
		goto out_cred;

	if (old) {
		/* the new name shares the union inode of the old one */
		dput(upper);
		inode = d_inode(old);
		ihold(inode);
		layerfs_copy_attr(inode);
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

static int layerfs_create(struct layerfs_idmap *idmap, struct inode *dir,
			  struct dentry *dentry, umode_t mode, bool excl)
{
	return layerfs_create_object(dir, dentry, (mode & 07777) | S_IFREG, 0,
				     NULL, NULL);
}

static int layerfs_mkdir(struct layerfs_idmap *idmap, struct inode *dir,
			 struct dentry *dentry, umode_t mode)
{
	return layerfs_create_object(dir, dentry, (mode & 07777) | S_IFDIR, 0,
				     NULL, NULL);
}

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
 * Move the upper object named @name in @udir, which must be the real
 * inode @real (hard links share a union inode, so the union inode's own
 * upper dentry may carry another name), to the work directory, leaving a
 * whiteout in its place if @whiteout, and delete it there.
 */
static int layerfs_remove_via_work(struct layerfs_fs *ofs, struct dentry *udir,
				   const struct qstr *name, struct inode *real,
				   bool whiteout)
{
	struct inode *wdir = d_inode(ofs->workdir);
	struct dentry *trap, *tmp, *victim;
	char tname[LAYERFS_TMP_NAME];
	int err;

	layerfs_tmp_name(tname);
	trap = lock_rename(ofs->workdir, udir);
	if (IS_ERR(trap))
		return PTR_ERR(trap);
	victim = layerfs_do_lookup_locked(udir, name->name, name->len);
	err = PTR_ERR(victim);
	if (IS_ERR(victim))
		goto out_unlock;
	tmp = layerfs_do_lookup_locked(ofs->workdir, tname, strlen(tname));
	err = PTR_ERR(tmp);
	if (IS_ERR(tmp))
		goto out_dput_victim;
	err = -ESTALE;
	if (d_is_positive(tmp) || d_inode(victim) != real ||
	    trap == victim || trap == tmp)
		goto out_dput;
	err = layerfs_do_rename(d_inode(udir), victim, wdir, tmp,
				whiteout ? RENAME_WHITEOUT : 0);
out_dput:
	dput(tmp);
	if (err)
		goto out_dput_victim;
	unlock_rename(ofs->workdir, udir);
	/* @victim now lives in the work directory */
	if (d_is_dir(victim))
		layerfs_cleanup_dir(ofs, victim, 1);
	inode_lock_nested(wdir, I_MUTEX_PARENT);
	if (victim->d_parent == ofs->workdir && d_is_positive(victim))
		err = layerfs_do_remove(wdir, victim);
	inode_unlock(wdir);
	dput(victim);
	return err;

out_dput_victim:
	dput(victim);
out_unlock:
	unlock_rename(ofs->workdir, udir);
	return err;
}

/* Plain unlink of the upper non-directory @name (inode @real). */
static int layerfs_unlink_upper(struct dentry *udir, const struct qstr *name,
				struct inode *real)
{
	struct inode *dir = d_inode(udir);
	struct dentry *victim;
	int err;

	inode_lock_nested(dir, I_MUTEX_PARENT);
	victim = layerfs_do_lookup_locked(udir, name->name, name->len);
	err = PTR_ERR(victim);
	if (IS_ERR(victim))
		goto out_unlock;
	err = -ESTALE;
	if (d_inode(victim) == real)
		err = layerfs_do_remove(dir, victim);
	dput(victim);
out_unlock:
	inode_unlock(dir);
	return err;
}

/* Hide a lower-only name with a new whiteout in the upper parent. */
static int layerfs_make_whiteout(struct dentry *udir, const struct qstr *name)
{
	struct inode *dir = d_inode(udir);
	struct dentry *wh;
	int err;

	inode_lock_nested(dir, I_MUTEX_PARENT);
	wh = layerfs_do_lookup_locked(udir, name->name, name->len);
	err = PTR_ERR(wh);
	if (IS_ERR(wh))
		goto out_unlock;
	err = d_is_negative(wh) ? layerfs_do_whiteout(dir, wh) : -EEXIST;
	dput(wh);
out_unlock:
	inode_unlock(dir);
	return err;
}

static int layerfs_remove(struct inode *dir, struct dentry *dentry)
{
	struct super_block *sb = dir->i_sb;
	struct layerfs_fs *ofs = LAYERFS_FS(sb);
	struct inode *inode = d_inode(dentry);
	struct layerfs_inode *li = LAYERFS_I(inode);
	struct dentry *udir, *upper;
	const struct cred *old;
	int lower, err;

	if (d_is_dir(dentry)) {
		err = layerfs_dir_check_empty(dentry);
		if (err)
			return err;
	}
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
	err = layerfs_want_write(sb);
	if (err)
		goto out_revert;
	if (!upper)
		err = layerfs_make_whiteout(udir, &dentry->d_name);
	else if (lower || d_is_dir(upper))
		err = layerfs_remove_via_work(ofs, udir, &dentry->d_name,
					      d_inode(upper), lower);
	else
		err = layerfs_unlink_upper(udir, &dentry->d_name,
					   d_inode(upper));
	layerfs_drop_write(sb);
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
	err = layerfs_want_write(sb);
	if (!err) {
		err = layerfs_cleanup_dir(LAYERFS_FS(sb), upper, 0);
		layerfs_drop_write(sb);
	}
	layerfs_revert_creds(old);
	return err;
}

static int layerfs_rename(struct layerfs_idmap *idmap, struct inode *olddir,
			  struct dentry *old, struct inode *newdir,
			  struct dentry *new, unsigned int flags)
{
	struct super_block *sb = olddir->i_sb;
	bool exchange = flags & RENAME_EXCHANGE;
	struct dentry *oldudir, *newudir, *oldupper, *newupper, *trap;
	struct dentry *od, *nd;
	struct layerfs_inode *victim;
	unsigned int rflags = flags & ~RENAME_NOREPLACE;
	const struct cred *cred, *prev;
	int lower, err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	/* directories that exist in a lower layer cannot move */
	if (d_is_dir(old) && LAYERFS_I(d_inode(old))->numlower)
		return -EXDEV;
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
	if (err)
		return err;
	oldudir = layerfs_upper(olddir);
	newudir = layerfs_upper(newdir);
	oldupper = layerfs_upper(d_inode(old));
	/* no copy-up of the target can publish while it is replaced */
	victim = d_is_positive(new) ? LAYERFS_I(d_inode(new)) : NULL;
	if (victim)
		mutex_lock(&victim->lock);
	newupper = victim ? layerfs_upper(d_inode(new)) : NULL;

	err = -ENOMEM;
	cred = layerfs_creator_creds(sb);
	if (!cred)
		goto out_unlock_victim;
	prev = override_creds(cred);
	lower = exchange ? 0 : layerfs_lower_positive(olddir, &old->d_name);
	err = lower;
	if (lower < 0)
		goto out_revert;
	if (lower)
		rflags |= RENAME_WHITEOUT;
	err = layerfs_want_write(sb);
	if (err)
		goto out_revert;
	/* a directory moved over a name that may exist below hides it */
	if (d_is_dir(old) && LAYERFS_I(newdir)->numlower) {
		err = layerfs_do_setxattr(oldupper, LAYERFS_XATTR_OPAQUE, "y",
					  1, 0);
		if (err)
			goto out_drop;
	}
	if (exchange && d_is_dir(new) && LAYERFS_I(olddir)->numlower) {
		err = layerfs_do_setxattr(newupper, LAYERFS_XATTR_OPAQUE, "y",
					  1, 0);
		if (err)
			goto out_drop;
	}

	trap = lock_rename(newudir, oldudir);
	err = PTR_ERR(trap);
	if (IS_ERR(trap))
		goto out_drop;
	od = layerfs_do_lookup_locked(oldudir, old->d_name.name,
				      old->d_name.len);
	err = PTR_ERR(od);
	if (IS_ERR(od))
		goto out_unlock;
	nd = layerfs_do_lookup_locked(newudir, new->d_name.name,
				      new->d_name.len);
	err = PTR_ERR(nd);
	if (IS_ERR(nd))
		goto out_dput_od;
	/* hard links share a union inode: compare real inodes, not names */
	err = -ESTALE;
	if (d_inode(od) != d_inode(oldupper) || od == trap || nd == trap)
		goto out_dput;
	if (newupper ? d_inode(nd) != d_inode(newupper) :
	    d_is_positive(nd) && !layerfs_is_whiteout(nd))
		goto out_dput;
	/*
	 * A directory cannot replace the whiteout device: swap them, which
	 * leaves the whiteout at the old name; drop it unless that name
	 * needs one.
	 */
	if (!exchange && layerfs_is_whiteout(nd) && d_is_dir(od))
		rflags = (rflags & ~RENAME_WHITEOUT) | RENAME_EXCHANGE;
	err = layerfs_do_rename(d_inode(oldudir), od, d_inode(newudir), nd,
				rflags);
	if (!err && (rflags & RENAME_EXCHANGE) && !exchange && !lower)
		err = layerfs_do_remove(d_inode(oldudir), nd);
out_dput:
	dput(nd);
out_dput_od:
	dput(od);
out_unlock:
	unlock_rename(newudir, oldudir);
out_drop:
	layerfs_drop_write(sb);
out_revert:
	revert_creds(prev);
	put_cred(cred);
	/* a replaced target without an upper copy is gone (nlink 0) */
	if (!err && !exchange && victim) {
		if (d_is_dir(new) || !newupper)
			clear_nlink(d_inode(new));
		else
			layerfs_copy_attr(d_inode(new));
	}
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
	.create		= layerfs_create,
	.mkdir		= layerfs_mkdir,
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
