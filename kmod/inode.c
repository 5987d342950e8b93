// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: union inodes, their attributes and inode numbers.
 *
 * Owns inode allocation from a lower stack (layerfs_get_inode()), the
 * inode-number scheme (layerfs_ino(), layerfs_map_ino()), the union
 * inode's copy of the real attributes (layerfs_refresh_inode()), the
 * inode operations that all types share but xattrs (permission, setattr,
 * getattr; xattrs and ACLs are xattr.c's), and the inode operations of
 * regular files, symlinks and special files. Every change of a union
 * object's attributes, xattrs or ACLs reaches its upper copy through
 * layerfs_change_upper().
 *
 * Which union inode a name gets (layerfs_key()): the inode cache is keyed
 * by a real inode. A directory is keyed by its topmost lower directory
 * while it has one, else by its upper directory; a non-directory by its
 * upper inode once it has one, else by its lower inode. So every name of
 * one upper file shares one union inode. A lower non-directory with more
 * than one link is not hashed at all when the mount has an upper layer:
 * copy-up breaks the link, so each of its names gets a union inode of its
 * own. At copy-up a non-directory is hashed again, by its new upper inode
 * (layerfs_rehash()).
 *
 * Inode numbers (layerfs_ino()): st_ino is the real inode number of the
 * origin (the lower object; for a copied-up file, the one its origin file
 * handle names) for a directory, and for a file whose origin has a single
 * link; else the upper object's. The layer's filesystem index (fsid) goes
 * into the top xino_bits bits; with a single filesystem nothing changes.
 * A real number that already uses those bits is passed through unchanged
 * (documented fallback: it stays stable but may collide across
 * filesystems).
 *
 * Locking: the stack of an inode is set before unlock_new_inode() and
 * never changes, so it is read without locks. The hash key (i_private) of
 * a non-directory changes once, at copy-up, under the copy-up mutex and
 * while the inode is unhashed (layerfs_rehash()). The union inode's copy
 * of the real attributes (what permission checks and set-id clearing
 * use) is refreshed from the real inode by layerfs_refresh_inode() after
 * every change layerfs makes, with the union inode's i_rwsem held where
 * the VFS or the caller holds it; getattr only reads, so a stat racing a
 * change never writes an older mode back.
 *
 * POSIX ACLs are never cached in the union inode (ACL_DONT_CACHE, set
 * here): every check asks the real inode, whose own cache stays right
 * across copy-up.
 */
#include <linux/fs_stack.h>
#include <linux/slab.h>
#include <linux/cred.h>
#include <linux/posix_acl.h>

#include "layerfs.h"

/**
 * layerfs_put_stack() - drop the references of a lower stack
 * @stack: the stack (freed too)
 * @num:   its entries
 */
void layerfs_put_stack(struct layerfs_path *stack, unsigned int num)
{
	unsigned int i;

	for (i = 0; i < num; i++)
		dput(stack[i].dentry);
	kfree(stack);
}

/**
 * layerfs_map_ino() - the union inode number of a real inode number
 * @lfs:   the mount
 * @layer: the layer the real inode lives in
 * @ino:   the real inode number
 *
 * Return: @ino with @layer's fsid in the high bits, or @ino itself when
 * the mount spans one filesystem or @ino needs those bits.
 */
u64 layerfs_map_ino(struct layerfs_fs *lfs, const struct layerfs_layer *layer,
		    u64 ino)
{
	unsigned int shift = 64 - lfs->xino_bits;

	if (!lfs->xino_bits)
		return ino;
	if (ino >> shift) {
		pr_warn_once("inode number %llu too large for %u fs bits, not mapped\n",
			     ino, lfs->xino_bits);
		return ino;
	}
	return ino | ((u64)layer->fsid << shift);
}

/**
 * layerfs_real_dentry() - the real dentry a union inode shows
 * @inode: union inode
 *
 * Return: the upper dentry, else the topmost lower one (NULL if none).
 */
struct dentry *layerfs_real_dentry(struct inode *inode)
{
	struct layerfs_inode *li = LAYERFS_I(inode);
	struct dentry *upper = layerfs_upper(inode);

	if (upper)
		return upper;
	return li->numlower ? li->lower[0].dentry : NULL;
}

/**
 * layerfs_top() - the real object a union inode shows, with its layer
 * @inode: union inode
 *
 * Return: the upper object, else the topmost lower one (dentry NULL if
 * none); no reference is taken.
 */
struct layerfs_path layerfs_top(struct inode *inode)
{
	struct layerfs_inode *li = LAYERFS_I(inode);
	struct dentry *upper = layerfs_upper(inode);
	struct layerfs_path top = {};

	if (upper) {
		top.layer = &LAYERFS_FS(inode->i_sb)->layers[0];
		top.dentry = upper;
	} else if (li->numlower) {
		top = li->lower[0];
	}
	return top;
}

/**
 * layerfs_real_path() - the real path a union inode shows
 * @inode: union inode
 * @path:  result; no references are taken
 */
void layerfs_real_path(struct inode *inode, struct path *path)
{
	struct layerfs_path top = layerfs_top(inode);

	path->mnt = top.layer->mnt;
	path->dentry = top.dentry;
}

/*
 * The inode flags that describe the real object. The union inode's other
 * flags are its own: S_DEAD, S_NOCMTIME, and S_NOSEC (which only the
 * union's own set-id check may set, or file_remove_privs() would trust
 * the real inode's judgement, made for the mounter).
 */
#define LAYERFS_COPY_FLAGS	(S_SYNC | S_NOATIME | S_APPEND | S_IMMUTABLE)

/* Copy what belongs to the real object: owner, mode, times, size, flags. */
static void layerfs_attr_from_real(struct inode *inode, struct inode *ri)
{
	inode->i_mode = ri->i_mode;
	inode->i_uid = ri->i_uid;
	inode->i_gid = ri->i_gid;
	inode->i_blkbits = ri->i_blkbits;
	fsstack_copy_attr_times(inode, ri);
	fsstack_copy_inode_size(inode, ri);
	inode->i_flags = (inode->i_flags & ~LAYERFS_COPY_FLAGS) |
			 (ri->i_flags & LAYERFS_COPY_FLAGS);
	if (!S_ISDIR(inode->i_mode))
		set_nlink(inode, ri->i_nlink);
}

/**
 * layerfs_refresh_inode() - refresh a union inode from its real inode
 * @inode: union inode
 *
 * Context: after a change layerfs made to the real object; the union
 * inode's i_rwsem held where the change needed it.
 */
void layerfs_refresh_inode(struct inode *inode)
{
	struct dentry *real = layerfs_real_dentry(inode);

	if (real && d_inode(real))
		layerfs_attr_from_real(inode, d_inode(real));
}

/**
 * layerfs_permission() - may the caller access a union inode?
 * @idmap: idmap of the union mount
 * @inode: union inode
 * @mask:  MAY_* mask
 *
 * The caller is checked against the union inode's copy of the real
 * attributes, then the mounter against the real inode.
 *
 * Context: may be called in RCU walk mode (MAY_NOT_BLOCK).
 * Return: 0 or a negative errno.
 */
int layerfs_permission(struct layerfs_idmap *idmap, struct inode *inode,
		       int mask)
{
	struct layerfs_path top = layerfs_top(inode);
	const struct cred *old;
	int err;

	if (!top.dentry)
		return -ECHILD;
	err = generic_permission(idmap, inode, mask);
	if (err)
		return err;
	/* a lower object is written only after copy-up: it must be readable */
	if (top.layer->idx && (mask & (MAY_WRITE | MAY_APPEND)) &&
	    !special_file(inode->i_mode)) {
		mask &= ~(MAY_WRITE | MAY_APPEND);
		mask |= MAY_READ;
	}
	old = layerfs_override_creds(inode->i_sb);
	err = layerfs_do_permission(&top, mask);
	layerfs_revert_creds(old);
	return err;
}

/**
 * layerfs_getattr() - stat a union object
 * @idmap:        idmap of the union mount
 * @path:         the union path
 * @stat:         result
 * @request_mask: STATX_* wanted
 * @flags:        AT_* flags
 *
 * Everything comes from the topmost real object except st_dev (the
 * union's), st_ino (see layerfs_map_ino()) and the link count of merged
 * directories (counted over the merged view). The union inode is not
 * touched: the real attributes read here may already be older than a
 * change that completed meanwhile.
 *
 * Return: 0 or a negative errno.
 */
int layerfs_getattr(struct layerfs_idmap *idmap, const struct path *path,
		    struct kstat *stat, u32 request_mask, unsigned int flags)
{
	struct inode *inode = d_inode(path->dentry);
	const struct cred *old;
	struct path real;
	int err;

	layerfs_real_path(inode, &real);
	old = layerfs_override_creds(inode->i_sb);
	err = layerfs_do_getattr(&real, stat, request_mask, flags);
	layerfs_revert_creds(old);
	if (err)
		return err;

	stat->dev = inode->i_sb->s_dev;
	stat->ino = inode->i_ino;
	if (S_ISDIR(inode->i_mode) && layerfs_is_merged(inode))
		stat->nlink = layerfs_dir_nlink(path->dentry);
	return 0;
}

/**
 * layerfs_change_upper() - change the upper object of a union object
 * @dentry:     the union dentry
 * @copy_flags: open flags for layerfs_copy_up_flags() (O_TRUNC: skip the
 *              data)
 * @change:     the change, applied to the upper dentry
 * @arg:        passed to @change
 *
 * Every change of a union object's attributes or xattrs is made to its
 * upper object: @dentry is copied up, @change applied with the mounter's
 * credentials and write access to the upper layer, and the union inode
 * refreshed from the result (an xattr or ACL change may change the mode).
 *
 * Return: 0 or a negative errno.
 */
int layerfs_change_upper(struct dentry *dentry, int copy_flags,
			 int (*change)(struct dentry *upper, void *arg),
			 void *arg)
{
	struct inode *inode = d_inode(dentry);
	struct super_block *sb = inode->i_sb;
	const struct cred *old;
	int err;

	err = layerfs_copy_up_flags(dentry, copy_flags);
	if (err)
		return err;
	old = layerfs_override_creds(sb);
	err = layerfs_do_want_write(sb);
	if (!err) {
		err = change(layerfs_upper(inode), arg);
		layerfs_do_drop_write(sb);
	}
	layerfs_revert_creds(old);
	layerfs_refresh_inode(inode);
	return err;
}

/* setattr, for layerfs_change_upper() */
static int layerfs_change_attr(struct dentry *upper, void *arg)
{
	return layerfs_do_setattr(upper, arg);
}

/**
 * layerfs_setattr() - change attributes, after copy-up
 * @idmap: idmap of the union mount
 * @dentry: union dentry
 * @attr:  the change
 *
 * Return: 0 or a negative errno.
 */
int layerfs_setattr(struct layerfs_idmap *idmap, struct dentry *dentry,
		    struct iattr *attr)
{
	int copy_flags, err;

	err = setattr_prepare(idmap, dentry, attr);
	if (err)
		return err;
	/* a truncation to 0 need not copy the data up first */
	copy_flags = (attr->ia_valid & ATTR_SIZE) && !attr->ia_size ?
		     O_TRUNC : 0;
	/*
	 * The file in @attr is the union file, not the upper one; and the
	 * real file was not opened with O_TRUNC, so ATTR_OPEN (which lets
	 * e.g. FUSE skip a truncation it believes the open did) would lie.
	 */
	attr->ia_valid &= ~(ATTR_FILE | ATTR_OPEN);
	/* the upper filesystem does its own set-id clearing */
	if (attr->ia_valid & (ATTR_KILL_SUID | ATTR_KILL_SGID))
		attr->ia_valid &= ~ATTR_MODE;
	return layerfs_change_upper(dentry, copy_flags, layerfs_change_attr,
				    attr);
}

static const char *layerfs_get_link(struct dentry *dentry,
				    struct inode *inode,
				    struct delayed_call *done)
{
	const struct cred *old;
	const char *link;

	if (!dentry)
		return ERR_PTR(-ECHILD);
	old = layerfs_override_creds(inode->i_sb);
	link = layerfs_do_get_link(layerfs_real_dentry(inode), done);
	layerfs_revert_creds(old);
	return link;
}

/* regular files, and special files (devices, FIFOs, sockets) */
static const struct inode_operations layerfs_file_iops = {
	.permission	= layerfs_permission,
	.setattr	= layerfs_setattr,
	.getattr	= layerfs_getattr,
	.listxattr	= layerfs_listxattr,
	LAYERFS_ACL_IOPS,
};

static const struct inode_operations layerfs_symlink_iops = {
	.get_link	= layerfs_get_link,
	.setattr	= layerfs_setattr,
	.getattr	= layerfs_getattr,
	.listxattr	= layerfs_listxattr,
};

static int layerfs_inode_test(struct inode *inode, void *key)
{
	return inode->i_private == key;
}

static int layerfs_inode_set(struct inode *inode, void *key)
{
	inode->i_private = key;
	return 0;
}

#ifdef CONFIG_LOCKDEP
/*
 * Lookup in a layer that is itself a layerfs mount takes that mount's
 * directory lock while this mount's is held: one lock class per stacking
 * depth tells lockdep these are different locks.
 */
static struct lock_class_key layerfs_dir_rwsem_key[FILESYSTEM_MAX_STACK_DEPTH];

static void layerfs_lockdep_annotate_dir(struct inode *inode)
{
	int depth = inode->i_sb->s_stack_depth - 1;

	if (WARN_ON_ONCE(depth < 0 || depth >= FILESYSTEM_MAX_STACK_DEPTH))
		depth = 0;
	lockdep_set_class(&inode->i_rwsem, &layerfs_dir_rwsem_key[depth]);
}
#else
static inline void layerfs_lockdep_annotate_dir(struct inode *inode)
{
}
#endif

static void layerfs_init_inode(struct inode *inode, struct inode *real)
{
	umode_t mode = real->i_mode;

	inode->i_mode = mode;
	inode->i_flags |= S_NOCMTIME;
	layerfs_attr_from_real(inode, real);
	set_nlink(inode, real->i_nlink);
	inode->i_rdev = real->i_rdev;
	inode->i_mapping->a_ops = &layerfs_aops;
#ifdef CONFIG_FS_POSIX_ACL
	/* never cached here: the real inode's ACL is the one that counts */
	inode->i_acl = ACL_DONT_CACHE;
	inode->i_default_acl = ACL_DONT_CACHE;
#endif

	switch (mode & S_IFMT) {
	case S_IFREG:
		inode->i_op = &layerfs_file_iops;
		inode->i_fop = &layerfs_file_fops;
		break;
	case S_IFDIR:
		inode->i_op = &layerfs_dir_iops;
		inode->i_fop = &layerfs_dir_fops;
		layerfs_lockdep_annotate_dir(inode);
		break;
	case S_IFLNK:
		inode->i_op = &layerfs_symlink_iops;
		break;
	default:
		inode->i_op = &layerfs_file_iops;
		init_special_inode(inode, mode, real->i_rdev);
		break;
	}
}

/**
 * layerfs_ino() - the inode number of a union object
 * @lfs:    the mount
 * @upper:  its upper dentry, or NULL
 * @origin: its topmost lower object; for an upper non-directory the
 *          origin its file handle names (see namei.c); NULL or a NULL
 *          dentry for none
 *
 * The one rule for st_ino (lookup sets i_ino with it, getattr reports
 * i_ino) and d_ino (readdir.c): the lower number while there is a lower
 * object, for directories and for files whose origin has a single link;
 * the upper number otherwise (a lower hard link is broken by copy-up, so
 * its number would repeat). The result is mapped with layerfs_map_ino().
 *
 * Return: the union inode number.
 */
u64 layerfs_ino(struct layerfs_fs *lfs, struct dentry *upper,
		const struct layerfs_path *origin)
{
	struct inode *lo = origin && origin->dentry ?
			   d_inode(origin->dentry) : NULL;

	if (lo && (!upper || d_is_dir(upper) || lo->i_nlink == 1))
		return layerfs_map_ino(lfs, origin->layer, lo->i_ino);
	return layerfs_map_ino(lfs, &lfs->layers[0], d_inode(upper)->i_ino);
}

/*
 * Which real inode a union inode is hashed by: a directory keeps its
 * topmost lower (its origin) when it has one; a non-directory is hashed
 * by its upper once it has one, so that all names of an upper inode share
 * one union inode.
 */
static struct layerfs_path layerfs_key(struct super_block *sb,
				       struct dentry *upper,
				       struct layerfs_path *stack,
				       unsigned int num)
{
	struct layerfs_path key = { &LAYERFS_FS(sb)->layers[0], upper };

	if (num && (!upper || d_is_dir(upper)))
		return stack[0];
	return key;
}

/**
 * layerfs_rehash() - hash a copied-up non-directory by its upper inode
 * @inode: union inode whose upper dentry was just published
 *
 * Lookup finds the union inode of an upper non-directory by the upper
 * inode (layerfs_get_inode()); until its copy-up the inode was hashed by
 * its lower one, or not at all (a lower hard link). No other name of the
 * new upper inode exists yet, so no lookup can miss the inode while it is
 * moved.
 *
 * Context: the union inode's copy-up mutex held.
 */
void layerfs_rehash(struct inode *inode)
{
	struct dentry *upper = layerfs_upper(inode);

	if (!upper || S_ISDIR(inode->i_mode))
		return;
	remove_inode_hash(inode);
	inode->i_private = d_inode(upper);
	__insert_inode_hash(inode, (unsigned long)d_inode(upper));
}

/**
 * layerfs_get_inode() - find or make the union inode of a stack
 * @sb:    the layerfs superblock
 * @upper: the upper dentry or NULL; consumed
 * @stack: the lower stack, topmost first; consumed (owned by the inode
 *         or released) in every case
 * @num:   entries in @stack; at least one if @upper is NULL
 *
 * Return: a referenced inode or an ERR_PTR().
 */
struct inode *layerfs_get_inode(struct super_block *sb, struct dentry *upper,
				struct layerfs_path *stack, unsigned int num)
{
	struct layerfs_path key = layerfs_key(sb, upper, stack, num);
	struct inode *real = d_inode(key.dentry);
	struct layerfs_inode *li;
	struct inode *inode;
	unsigned int i;
	bool hashed;

	/*
	 * Lower hard links are broken by copy-up: with an upper layer each
	 * name of one gets its own union inode.
	 */
	hashed = upper || !layerfs_upper_mnt(LAYERFS_FS(sb)) ||
		 d_is_dir(key.dentry) || real->i_nlink == 1;

	if (hashed)
		inode = iget5_locked(sb, (unsigned long)real,
				     layerfs_inode_test, layerfs_inode_set,
				     real);
	else
		inode = new_inode(sb);
	if (!inode) {
		dput(upper);
		layerfs_put_stack(stack, num);
		return ERR_PTR(-ENOMEM);
	}
	if (hashed && !layerfs_inode_is_new(inode)) {
		/* another name of the same real object */
		dput(upper);
		layerfs_put_stack(stack, num);
		return inode;
	}

	li = LAYERFS_I(inode);
	li->upper = upper;
	li->lower = stack;
	li->numlower = num;
	for (i = 0; i < num; i++)
		if (stack[i].dentry->d_flags & DCACHE_OP_REVALIDATE)
			li->reval = true;
	inode->i_ino = layerfs_ino(LAYERFS_FS(sb), upper, num ? stack : NULL);
	layerfs_init_inode(inode, d_inode(upper ? upper : stack[0].dentry));
	if (hashed)
		unlock_new_inode(inode);
	return inode;
}

