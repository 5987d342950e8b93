// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: union inodes, their attributes, xattrs and inode numbers.
 *
 * Owns inode allocation from a lower stack (layerfs_get_inode()), the
 * inode-number scheme (layerfs_map_ino()), and the inode operations that
 * all types share: permission, getattr, xattrs; plus the operations of
 * regular files, symlinks and special files.
 *
 * Union inodes are hashed by the real inode they show (the upper inode
 * once issue 4's copy-up exists, the topmost lower until then), so two
 * names of one hard-linked real file share one union inode.
 *
 * Inode numbers: st_ino is the real inode number of the topmost real
 * object with the layer's filesystem index (fsid) in the top xino_bits
 * bits. With a single filesystem nothing changes. A real number that
 * already uses those bits is passed through unchanged (documented
 * fallback: it stays stable but may collide across filesystems).
 *
 * Locking: the stack of an inode is set before unlock_new_inode() and
 * never changes, so it is read without locks; attribute copies into the
 * union inode are plain stores, as in other stacking filesystems.
 */
#include <linux/fs_stack.h>
#include <linux/xattr.h>
#include <linux/slab.h>
#include <linux/cred.h>

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
 * @ofs:   the mount
 * @layer: the layer the real inode lives in
 * @ino:   the real inode number
 *
 * Return: @ino with @layer's fsid in the high bits, or @ino itself when
 * the mount spans one filesystem or @ino needs those bits.
 */
u64 layerfs_map_ino(struct layerfs_fs *ofs, const struct layerfs_layer *layer,
		    u64 ino)
{
	unsigned int shift = 64 - ofs->xino_bits;

	if (!ofs->xino_bits)
		return ino;
	if (ino >> shift) {
		pr_warn_once("inode number %llu too large for %u fs bits, not mapped\n",
			     ino, ofs->xino_bits);
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

/* The topmost real object with its layer. */
static struct layerfs_path layerfs_top(struct inode *inode)
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

/**
 * layerfs_copy_attr() - refresh a union inode from its real inode
 * @inode: union inode
 */
void layerfs_copy_attr(struct inode *inode)
{
	struct dentry *real = layerfs_real_dentry(inode);
	struct inode *ri = real ? d_inode(real) : NULL;

	if (!ri)
		return;
	fsstack_copy_attr_all(inode, ri);
	fsstack_copy_inode_size(inode, ri);
	if (!S_ISDIR(inode->i_mode))
		set_nlink(inode, ri->i_nlink);
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
 * directories (counted over the merged view).
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

	fsstack_copy_attr_all(inode, d_inode(real.dentry));
	stat->dev = inode->i_sb->s_dev;
	stat->ino = inode->i_ino;
	if (S_ISDIR(inode->i_mode) && layerfs_is_merged(inode))
		stat->nlink = layerfs_dir_nlink(path->dentry);
	return 0;
}

/**
 * layerfs_listxattr() - list the xattrs users may see
 * @dentry: union dentry
 * @list:   buffer, or NULL to query the size
 * @size:   buffer size
 *
 * The size query may count hidden names; the list itself never has them.
 *
 * Return: list length or a negative errno.
 */
ssize_t layerfs_listxattr(struct dentry *dentry, char *list, size_t size)
{
	struct dentry *real = layerfs_real_dentry(d_inode(dentry));
	const struct cred *old;
	ssize_t res, len;
	char *s;

	old = layerfs_override_creds(dentry->d_sb);
	res = layerfs_do_listxattr(real, list, size);
	layerfs_revert_creds(old);
	if (res <= 0 || !size)
		return res;

	/* squeeze the private names out of the list */
	for (s = list; s < list + res; s += len) {
		len = strnlen(s, list + res - s) + 1;
		if (!layerfs_is_private_xattr(s))
			continue;
		memmove(s, s + len, list + res - (s + len));
		res -= len;
		len = 0;
	}
	return res;
}

static int layerfs_xattr_get(const struct xattr_handler *handler,
			     struct dentry *dentry, struct inode *inode,
			     const char *name, void *buffer, size_t size)
{
	struct layerfs_path top = layerfs_top(inode);
	const struct cred *old;
	ssize_t res;

	if (layerfs_is_private_xattr(name))
		return -EOPNOTSUPP;
	old = layerfs_override_creds(inode->i_sb);
	res = layerfs_do_getxattr(&top, name, buffer, size);
	layerfs_revert_creds(old);
	return res;
}

static int layerfs_xattr_set(const struct xattr_handler *handler,
			     struct layerfs_idmap *idmap,
			     struct dentry *dentry, struct inode *inode,
			     const char *name, const void *value,
			     size_t size, int flags)
{
	struct super_block *sb = inode->i_sb;
	const struct cred *old;
	int err;

	if (layerfs_is_private_xattr(name))
		return -EOPNOTSUPP;
	err = layerfs_copy_up(dentry);
	if (err)
		return err;
	old = layerfs_override_creds(sb);
	err = layerfs_want_write(sb);
	if (!err) {
		err = layerfs_do_setxattr(layerfs_upper(inode), name, value,
					  size, flags);
		layerfs_drop_write(sb);
	}
	layerfs_revert_creds(old);
	layerfs_copy_attr(inode);
	return err;
}

/* One handler for every name; the prefix "" hands us the full name. */
static const struct xattr_handler layerfs_xattr_handler = {
	.prefix	= "",
	.get	= layerfs_xattr_get,
	.set	= layerfs_xattr_set,
};

const struct xattr_handler *layerfs_xattr_handlers[] = {
	&layerfs_xattr_handler,
	NULL
};

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
	struct inode *inode = d_inode(dentry);
	struct super_block *sb = inode->i_sb;
	const struct cred *old;
	int err;

	err = setattr_prepare(idmap, dentry, attr);
	if (err)
		return err;
	err = layerfs_copy_up_flags(dentry, (attr->ia_valid & ATTR_SIZE) &&
				    !attr->ia_size ? O_TRUNC : 0);
	if (err)
		return err;
	/* the file in @attr is the union file, not the upper one */
	attr->ia_valid &= ~ATTR_FILE;
	/* the upper filesystem does its own set-id clearing */
	if (attr->ia_valid & (ATTR_KILL_SUID | ATTR_KILL_SGID))
		attr->ia_valid &= ~ATTR_MODE;
	old = layerfs_override_creds(sb);
	err = layerfs_want_write(sb);
	if (!err) {
		err = layerfs_do_setattr(layerfs_upper(inode), attr);
		layerfs_drop_write(sb);
	}
	layerfs_revert_creds(old);
	layerfs_copy_attr(inode);
	return err;
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

static const struct inode_operations layerfs_file_iops = {
	.permission	= layerfs_permission,
	.setattr	= layerfs_setattr,
	.getattr	= layerfs_getattr,
	.listxattr	= layerfs_listxattr,
};

static const struct inode_operations layerfs_symlink_iops = {
	.get_link	= layerfs_get_link,
	.setattr	= layerfs_setattr,
	.getattr	= layerfs_getattr,
	.listxattr	= layerfs_listxattr,
};

static const struct inode_operations layerfs_special_iops = {
	.permission	= layerfs_permission,
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
	fsstack_copy_attr_all(inode, real);
	fsstack_copy_inode_size(inode, real);
	inode->i_mapping->a_ops = &layerfs_aops;

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
		inode->i_op = &layerfs_special_iops;
		init_special_inode(inode, mode, real->i_rdev);
		break;
	}
}

/*
 * Which real inode a union inode is hashed by, and which one gives its
 * number: a directory keeps its topmost lower (its origin) when it has
 * one; a non-directory is hashed by its upper once it has one, and takes
 * its number from its verified origin unless that was hard-linked (the
 * links were broken by copy-up, so the number would repeat).
 */
static struct layerfs_path layerfs_key(struct super_block *sb,
				       struct dentry *upper,
				       struct layerfs_path *stack,
				       unsigned int num, bool for_ino)
{
	struct layerfs_path key = { &LAYERFS_FS(sb)->layers[0], upper };

	if (!num)
		return key;
	if (!upper || d_is_dir(upper))
		return stack[0];
	if (for_ino && d_inode(stack[0].dentry)->i_nlink == 1)
		return stack[0];
	return key;
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
	struct layerfs_path key = layerfs_key(sb, upper, stack, num, false);
	struct layerfs_path ino = layerfs_key(sb, upper, stack, num, true);
	struct inode *real = d_inode(key.dentry);
	struct layerfs_inode *li;
	struct inode *inode;
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
	if (hashed && !(inode->i_state & I_NEW)) {
		/* another name of the same real object */
		dput(upper);
		layerfs_put_stack(stack, num);
		return inode;
	}

	li = LAYERFS_I(inode);
	li->upper = upper;
	li->lower = stack;
	li->numlower = num;
	inode->i_ino = layerfs_map_ino(LAYERFS_FS(sb), ino.layer,
				       d_inode(ino.dentry)->i_ino);
	layerfs_init_inode(inode, d_inode(upper ? upper : stack[0].dentry));
	if (hashed)
		unlock_new_inode(inode);
	return inode;
}
