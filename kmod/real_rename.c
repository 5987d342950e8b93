// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: the wrappers for renames in the upper layer.
 *
 * Owns layerfs_do_start_rename*(), layerfs_do_rename() and
 * layerfs_do_end_rename() (see util.c for the wrapper contract). The
 * caller fills in a struct layerfs_renaming (layerfs.h): the two real
 * parents, and RENAME_EXCHANGE or RENAME_NOREPLACE for the checks. A
 * start locks both parents, finds or re-checks the two objects and
 * refuses a source that is an ancestor of the target parent or the
 * reverse (EINVAL, or ENOTEMPTY for a target), a missing source
 * (ENOENT), a missing target of an exchange (ENOENT) and, with
 * RENAME_NOREPLACE, an existing target (EEXIST). layerfs_do_rename()
 * renames the two objects; layerfs_do_end_rename() unlocks and drops
 * them.
 *
 * Newer kernels do the locking and the checks in start_renaming*() and
 * end_renaming(); on older ones this file does them with lock_rename()
 * and lookups. It is the one kernel difference kept out of compat.h: an
 * emulation rather than a shim, used by nothing but these wrappers.
 *
 * Locking: a start takes both parents' i_rwsem as lock_rename() does
 * (and the filesystem's rename mutex for two different parents) and
 * holds them and the two dentries until layerfs_do_end_rename(); a start
 * that fails leaves nothing locked or held. The caller holds write
 * access to the upper mount and runs with the mounter's credentials.
 */
#include <linux/namei.h>

#include "layerfs.h"

#ifdef HAVE_START_RENAMING

static struct renamedata
layerfs_renamedata(const struct layerfs_renaming *rn, unsigned int flags)
{
	return (struct renamedata) {
		.mnt_idmap	= &nop_mnt_idmap,
		.old_parent	= rn->old_parent,
		.old_dentry	= rn->old,
		.new_parent	= rn->new_parent,
		.new_dentry	= rn->new,
		.flags		= flags,
	};
}

/* start_renaming*() leave the two dentries in rd on success */
static int layerfs_renaming_started(struct layerfs_renaming *rn,
				    const struct renamedata *rd, int err)
{
	if (!err) {
		rn->old = rd->old_dentry;
		rn->new = rd->new_dentry;
	}
	return err;
}

static int layerfs_start_renaming(struct layerfs_renaming *rn,
				  const struct qstr *oldname,
				  const struct qstr *newname)
{
	struct renamedata rd = layerfs_renamedata(rn, rn->flags);
	struct qstr o = QSTR_LEN(oldname->name, oldname->len);
	struct qstr n = QSTR_LEN(newname->name, newname->len);

	return layerfs_renaming_started(rn, &rd,
					start_renaming(&rd, 0, &o, &n));
}

static int layerfs_start_renaming_dentry(struct layerfs_renaming *rn,
					 struct dentry *old,
					 const struct qstr *newname)
{
	struct renamedata rd = layerfs_renamedata(rn, rn->flags);
	struct qstr n = QSTR_LEN(newname->name, newname->len);

	return layerfs_renaming_started(rn, &rd,
					start_renaming_dentry(&rd, 0, old,
							      &n));
}

static int layerfs_start_renaming_two(struct layerfs_renaming *rn,
				      struct dentry *old, struct dentry *new)
{
	struct renamedata rd = layerfs_renamedata(rn, rn->flags);

	return layerfs_renaming_started(rn, &rd,
					start_renaming_two_dentries(&rd, old,
								    new));
}

static void layerfs_end_renaming(struct layerfs_renaming *rn)
{
	struct renamedata rd = layerfs_renamedata(rn, rn->flags);

	end_renaming(&rd);
}

static int layerfs_vfs_rename(struct layerfs_renaming *rn, unsigned int flags)
{
	struct renamedata rd = layerfs_renamedata(rn, flags);

	return vfs_rename(&rd);
}

#else /* !HAVE_START_RENAMING */

/*
 * The parents are locked (@locked: the source parent as lock_rename()
 * saw it) and rn->old and rn->new found: make start_renaming()'s checks
 * against the trap lock_rename() returned. On failure, drop the two
 * dentries and unlock.
 */
static int layerfs_renaming_locked(struct layerfs_renaming *rn,
				   struct dentry *trap, struct dentry *locked)
{
	unsigned int flags = rn->flags;
	int err = 0;

	if (IS_ERR(rn->old))
		err = PTR_ERR(rn->old);
	else if (IS_ERR(rn->new))
		err = PTR_ERR(rn->new);
	else if (rn->old == trap)
		err = -EINVAL;
	else if (rn->new == trap)
		err = flags & RENAME_EXCHANGE ? -EINVAL : -ENOTEMPTY;
	else if (d_is_negative(rn->old))
		err = -ENOENT;
	else if (d_is_negative(rn->new) && (flags & RENAME_EXCHANGE))
		err = -ENOENT;
	else if (d_is_positive(rn->new) && (flags & RENAME_NOREPLACE))
		err = -EEXIST;
	if (!err)
		return 0;
	if (!IS_ERR_OR_NULL(rn->new))
		dput(rn->new);
	if (!IS_ERR_OR_NULL(rn->old))
		dput(rn->old);
	rn->old = NULL;
	rn->new = NULL;
	unlock_rename(locked, rn->new_parent);
	return err;
}

static int layerfs_start_renaming(struct layerfs_renaming *rn,
				  const struct qstr *oldname,
				  const struct qstr *newname)
{
	struct dentry *trap;

	trap = lock_rename(rn->old_parent, rn->new_parent);
	if (IS_ERR(trap))
		return PTR_ERR(trap);
	rn->old = layerfs_compat_lookup(oldname->name, rn->old_parent,
					oldname->len);
	rn->new = NULL;
	if (!IS_ERR(rn->old))
		rn->new = layerfs_compat_lookup(newname->name, rn->new_parent,
						newname->len);
	return layerfs_renaming_locked(rn, trap, rn->old_parent);
}

/* lock_rename_child(): @old's parent as it is once locked */
static int layerfs_start_renaming_dentry(struct layerfs_renaming *rn,
					 struct dentry *old,
					 const struct qstr *newname)
{
	struct dentry *trap;

	trap = lock_rename_child(old, rn->new_parent);
	if (IS_ERR(trap))
		return PTR_ERR(trap);
	rn->old = dget(old);
	if (d_unhashed(old) || old->d_parent != rn->old_parent)
		rn->new = ERR_PTR(-EINVAL);
	else
		rn->new = layerfs_compat_lookup(newname->name, rn->new_parent,
						newname->len);
	return layerfs_renaming_locked(rn, trap, old->d_parent);
}

static int layerfs_start_renaming_two(struct layerfs_renaming *rn,
				      struct dentry *old, struct dentry *new)
{
	struct dentry *trap;

	trap = lock_rename_child(old, rn->new_parent);
	if (IS_ERR(trap))
		return PTR_ERR(trap);
	rn->old = dget(old);
	rn->new = dget(new);
	if (d_unhashed(old) || old->d_parent != rn->old_parent ||
	    d_unhashed(new) || new->d_parent != rn->new_parent) {
		dput(rn->new);
		rn->new = ERR_PTR(-EINVAL);
	}
	return layerfs_renaming_locked(rn, trap, old->d_parent);
}

static void layerfs_end_renaming(struct layerfs_renaming *rn)
{
	unlock_rename(rn->old_parent, rn->new_parent);
	dput(rn->old);
	dput(rn->new);
}

static int layerfs_vfs_rename(struct layerfs_renaming *rn, unsigned int flags)
{
	struct renamedata rd = {
#ifdef HAVE_MNT_IDMAP
		.old_mnt_idmap	= &nop_mnt_idmap,
		.new_mnt_idmap	= &nop_mnt_idmap,
#else
		.old_mnt_userns	= &init_user_ns,
		.new_mnt_userns	= &init_user_ns,
#endif
		.old_dir	= d_inode(rn->old_parent),
		.old_dentry	= rn->old,
		.new_dir	= d_inode(rn->new_parent),
		.new_dentry	= rn->new,
		.flags		= flags,
	};

	return vfs_rename(&rd);
}

#endif /* HAVE_START_RENAMING */

/**
 * layerfs_do_start_rename() - lock two parents and find two names
 * @rn:      parents and flags; receives the two dentries
 * @oldname: the source name in rn->old_parent
 * @newname: the target name in rn->new_parent (may be free)
 *
 * Return: 0 or a negative errno (EINVAL, ENOTEMPTY: one object is an
 * ancestor of the other's parent; ENOENT: no source).
 */
int layerfs_do_start_rename(struct layerfs_renaming *rn,
			    const struct qstr *oldname,
			    const struct qstr *newname)
{
	int err = layerfs_start_renaming(rn, oldname, newname);

	pr_debug("start_rename(%pd2/%.*s, %pd2/%.*s) = %d\n", rn->old_parent,
		 oldname->len, oldname->name, rn->new_parent, newname->len,
		 newname->name, err);
	return err;
}

/**
 * layerfs_do_start_rename_dentry() - lock for moving a known object
 * @rn:      parents and flags; receives the two dentries
 * @old:     the source, which must still be in rn->old_parent
 * @newname: the target name in rn->new_parent (may be free)
 *
 * Return: 0 or a negative errno (EINVAL: @old moved or was removed).
 */
int layerfs_do_start_rename_dentry(struct layerfs_renaming *rn,
				   struct dentry *old,
				   const struct qstr *newname)
{
	int err = layerfs_start_renaming_dentry(rn, old, newname);

	pr_debug("start_rename(%pd2, %pd2/%.*s) = %d\n", old, rn->new_parent,
		 newname->len, newname->name, err);
	return err;
}

/**
 * layerfs_do_start_rename_two() - lock for swapping two known objects
 * @rn:  parents and flags; receives the two dentries
 * @old: the source, which must still be in rn->old_parent
 * @new: the target, which must still be in rn->new_parent
 *
 * Return: 0 or a negative errno (EINVAL: one of them moved or was
 * removed).
 */
int layerfs_do_start_rename_two(struct layerfs_renaming *rn,
				struct dentry *old, struct dentry *new)
{
	int err = layerfs_start_renaming_two(rn, old, new);

	pr_debug("start_rename(%pd2, %pd2) = %d\n", old, new, err);
	return err;
}

/**
 * layerfs_do_end_rename() - unlock what a start locked, drop its dentries
 * @rn: a started rename
 */
void layerfs_do_end_rename(struct layerfs_renaming *rn)
{
	layerfs_end_renaming(rn);
}

/**
 * layerfs_do_rename() - rename the two objects of a started rename
 * @rn:    a started rename
 * @flags: RENAME_* flags of this rename
 *
 * Return: 0 or a negative errno.
 */
int layerfs_do_rename(struct layerfs_renaming *rn, unsigned int flags)
{
	int err = layerfs_vfs_rename(rn, flags);

	pr_debug("rename(%pd2, %pd2, %#x) = %d\n", rn->old, rn->new, flags,
		 err);
	return err;
}
