// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: union inodes, their attributes, xattrs and inode numbers.
 *
 * Owns inode allocation from a lower stack (layerfs_get_inode()), the
 * inode-number scheme (layerfs_map_ino()), and the inode operations that
 * all types share: permission, getattr, xattrs; plus the operations of
 * regular files, symlinks and special files.
 *
 * Union inodes of non-directories are hashed by the real inode they show
 * (the upper inode from copy-up on, the lower one until then), so all
 * names of one upper file share one union inode; directories by their
 * topmost lower directory while they have one.
 *
 * Inode numbers (layerfs_ino()): st_ino is the real inode number of the
 * origin (the lower object, for a copied-up file the one its origin file
 * handle names) or else of the upper object, with the layer's filesystem
 * index (fsid) in the top xino_bits bits. With a single filesystem
 * nothing changes. A real number that already uses those bits is passed
 * through unchanged (documented fallback: it stays stable but may collide
 * across filesystems).
 *
 * Locking: the stack of an inode is set before unlock_new_inode() and
 * never changes, so it is read without locks. The hash key (i_private) of
 * a non-directory changes once, at copy-up, under the copy-up mutex and
 * while the inode is unhashed (layerfs_rehash()). The union inode's copy of
 * the real attributes (what permission checks and set-id clearing use) is
 * refreshed from the real inode by layerfs_copy_attr() after every change
 * layerfs makes, with the union inode's i_rwsem held where the VFS or the
 * caller holds it; getattr only reads, so a stat racing a change never
 * writes an older mode back.
 *
 * POSIX ACLs are never cached in the union inode (ACL_DONT_CACHE): every
 * check asks the real inode, whose own cache stays right across copy-up.
 */
#include <linux/fs_stack.h>
#include <linux/xattr.h>
#include <linux/slab.h>
#include <linux/cred.h>
#include <linux/capability.h>

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

/*
 * The inode flags that describe the real object. The union inode's other
 * flags are its own: S_DEAD, S_NOCMTIME, and S_NOSEC (which only the
 * union's own set-id check may set, or file_remove_privs() would trust
 * the real inode's judgement, made for the mounter).
 */
#define LAYERFS_COPY_FLAGS	(S_SYNC | S_NOATIME | S_APPEND | S_IMMUTABLE)

/* Copy what belongs to the real object: owner, mode, times, size, flags. */
static void layerfs_copy_real_attr(struct inode *inode, struct inode *ri)
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
 * layerfs_copy_attr() - refresh a union inode from its real inode
 * @inode: union inode
 *
 * Context: after a change layerfs made to the real object; the union
 * inode's i_rwsem held where the change needed it.
 */
void layerfs_copy_attr(struct inode *inode)
{
	struct dentry *real = layerfs_real_dentry(inode);

	if (real && d_inode(real))
		layerfs_copy_real_attr(inode, d_inode(real));
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

/*
 * May the caller see xattr @name in a list? Not the private names, and
 * trusted.* only with CAP_SYS_ADMIN, as the real filesystems decide for
 * their own callers.
 */
static bool layerfs_can_list(const char *name, bool trusted)
{
	if (layerfs_is_private_xattr(name))
		return false;
	return trusted || strncmp(name, XATTR_TRUSTED_PREFIX,
				  XATTR_TRUSTED_PREFIX_LEN);
}

/**
 * layerfs_listxattr() - list the xattrs the caller may see
 * @dentry: union dentry
 * @list:   buffer, or NULL to query the size
 * @size:   buffer size
 *
 * The real list is read with the mounter's credentials, so the names the
 * caller may not see are taken out here. The size query may count them.
 *
 * Return: list length or a negative errno.
 */
ssize_t layerfs_listxattr(struct dentry *dentry, char *list, size_t size)
{
	struct dentry *real = layerfs_real_dentry(d_inode(dentry));
	bool trusted = capable(CAP_SYS_ADMIN);
	const struct cred *old;
	ssize_t res, left;
	size_t len;
	char *s;

	old = layerfs_override_creds(dentry->d_sb);
	res = layerfs_do_listxattr(real, list, size);
	layerfs_revert_creds(old);
	if (res <= 0 || !size)
		return res;

	/* squeeze the hidden names out, never reading past @res */
	for (s = list, left = res; left > 0; s += len, left -= len) {
		len = strnlen(s, left);
		/* a real list whose last name has no terminator */
		if (len == left)
			return -EIO;
		len++;
		if (layerfs_can_list(s, trusted))
			continue;
		memmove(s, s + len, left - len);
		res -= len;
		left -= len;
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

/**
 * layerfs_get_inode_acl() - the ACL of a union inode, for permission checks
 * @inode: union inode
 * @type:  ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT
 * @rcu:   called in RCU walk mode: must not block
 *
 * Context: any; in RCU walk mode only the real inode's cached ACL is used.
 * Return: the real object's ACL (referenced), NULL for none, or an
 * ERR_PTR() (ECHILD: retry outside RCU walk).
 */
struct posix_acl *layerfs_get_inode_acl(struct inode *inode, int type,
					bool rcu)
{
	struct layerfs_path top = layerfs_top(inode);
	struct inode *ri = top.dentry ? d_inode_rcu(top.dentry) : NULL;
	const struct cred *old;
	struct posix_acl *acl;

	if (!ri)
		return ERR_PTR(-ECHILD);
	if (!IS_POSIXACL(ri))
		return NULL;
	if (rcu)
		return get_cached_acl_rcu(ri, type);
	old = layerfs_override_creds(inode->i_sb);
	acl = layerfs_do_get_acl(&top, type, true);
	layerfs_revert_creds(old);
	return acl;
}

/**
 * layerfs_get_acl() - the ACL of a union object, for getxattr
 * @idmap:  idmap of the union mount
 * @dentry: union dentry
 * @type:   ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT
 *
 * Return: the real object's ACL (referenced), NULL for none, or an
 * ERR_PTR().
 */
struct posix_acl *layerfs_get_acl(struct layerfs_idmap *idmap,
				  struct dentry *dentry, int type)
{
	struct inode *inode = d_inode(dentry);
	struct layerfs_path top = layerfs_top(inode);
	const struct cred *old;
	struct posix_acl *acl;

	if (!IS_POSIXACL(d_inode(top.dentry)))
		return NULL;
	old = layerfs_override_creds(inode->i_sb);
	acl = layerfs_do_get_acl(&top, type, false);
	layerfs_revert_creds(old);
	return acl;
}

/**
 * layerfs_set_acl() - set or remove the ACL of a union object
 * @idmap:  idmap of the union mount
 * @dentry: union dentry
 * @acl:    the new ACL, NULL to remove it
 * @type:   ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT
 *
 * The caller is checked here, against the union inode, as the real
 * filesystem would check it: the change itself is made in the upper layer
 * with the mounter's credentials, which pass every check there.
 *
 * Context: the union inode's i_rwsem held.
 * Return: 0 or a negative errno.
 */
int layerfs_set_acl(struct layerfs_idmap *idmap, struct dentry *dentry,
		    struct posix_acl *acl, int type)
{
	struct inode *inode = d_inode(dentry);
	struct super_block *sb = inode->i_sb;
	struct layerfs_fs *ofs = LAYERFS_FS(sb);
	const struct cred *old;
	int err;

	if (!ofs->workdir || !IS_POSIXACL(d_inode(ofs->workdir)))
		return -EOPNOTSUPP;
	if (type == ACL_TYPE_DEFAULT && !S_ISDIR(inode->i_mode))
		return acl ? -EACCES : 0;
	if (!inode_owner_or_capable(idmap, inode))
		return -EPERM;
	/*
	 * The real filesystem clears the set-gid bit of an owner outside the
	 * group who sets an access ACL; for the mounter it would not.
	 */
	if ((inode->i_mode & S_ISGID) && type == ACL_TYPE_ACCESS &&
	    !in_group_p(inode->i_gid) &&
	    !capable_wrt_inode_uidgid(idmap, inode, CAP_FSETID)) {
		struct iattr iattr = { .ia_valid = ATTR_KILL_SGID };

		err = layerfs_setattr(idmap, dentry, &iattr);
		if (err)
			return err;
	}
	err = layerfs_copy_up(dentry);
	if (err)
		return err;
	old = layerfs_override_creds(sb);
	err = layerfs_want_write(sb);
	if (!err) {
		err = layerfs_do_set_acl(layerfs_upper(inode), type, acl);
		layerfs_drop_write(sb);
	}
	layerfs_revert_creds(old);
	/* the ACL may have changed the mode */
	layerfs_copy_attr(inode);
	return err;
}

/*
 * ACL names through xattr handlers, for kernels that route them there
 * (compat.h's LAYERFS_XATTR_HANDLERS): converted to ACLs and handed
 * to the same functions the newer kernels call directly.
 */
static int __maybe_unused
layerfs_acl_xattr_get(const struct xattr_handler *handler,
		      struct dentry *dentry, struct inode *inode,
		      const char *name, void *buffer, size_t size)
{
	struct posix_acl *acl;
	int err;

	acl = layerfs_get_acl(LAYERFS_NOP_IDMAP, dentry, handler->flags);
	if (IS_ERR(acl))
		return PTR_ERR(acl);
	if (!acl)
		return -ENODATA;
	err = posix_acl_to_xattr(&init_user_ns, acl, buffer, size);
	posix_acl_release(acl);
	return err;
}

static int __maybe_unused
layerfs_acl_xattr_set(const struct xattr_handler *handler,
		      struct layerfs_idmap *idmap, struct dentry *dentry,
		      struct inode *inode, const char *name,
		      const void *value, size_t size, int flags)
{
	struct posix_acl *acl;
	int err;

	acl = posix_acl_from_xattr(&init_user_ns, value, size);
	if (IS_ERR(acl))
		return PTR_ERR(acl);
	err = acl ? posix_acl_valid(&init_user_ns, acl) : 0;
	if (!err)
		err = layerfs_set_acl(idmap, dentry, acl, handler->flags);
	posix_acl_release(acl);
	return err;
}

static const struct xattr_handler __maybe_unused
layerfs_acl_access_xattr_handler = {
	.name	= XATTR_NAME_POSIX_ACL_ACCESS,
	.flags	= ACL_TYPE_ACCESS,
	.get	= layerfs_acl_xattr_get,
	.set	= layerfs_acl_xattr_set,
};

static const struct xattr_handler __maybe_unused
layerfs_acl_default_xattr_handler = {
	.name	= XATTR_NAME_POSIX_ACL_DEFAULT,
	.flags	= ACL_TYPE_DEFAULT,
	.get	= layerfs_acl_xattr_get,
	.set	= layerfs_acl_xattr_set,
};

/* Every other name; the prefix "" hands us the full name. */
static const struct xattr_handler layerfs_xattr_handler = {
	.prefix	= "",
	.get	= layerfs_xattr_get,
	.set	= layerfs_xattr_set,
};

/* with the ACL handlers where the kernel needs them (compat.h) */
const struct xattr_handler *layerfs_xattr_handlers[] = {
	LAYERFS_XATTR_HANDLERS(&layerfs_xattr_handler),
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
	/*
	 * The file in @attr is the union file, not the upper one; and the
	 * real file was not opened with O_TRUNC, so ATTR_OPEN (which lets
	 * e.g. FUSE skip a truncation it believes the open did) would lie.
	 */
	attr->ia_valid &= ~(ATTR_FILE | ATTR_OPEN);
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
	LAYERFS_ACL_IOPS,
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
	LAYERFS_ACL_IOPS,
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
	layerfs_copy_real_attr(inode, real);
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
		inode->i_op = &layerfs_special_iops;
		init_special_inode(inode, mode, real->i_rdev);
		break;
	}
}

/**
 * layerfs_ino() - the inode number of a union object
 * @ofs:    the mount
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
u64 layerfs_ino(struct layerfs_fs *ofs, struct dentry *upper,
		const struct layerfs_path *origin)
{
	struct inode *lo = origin && origin->dentry ?
			   d_inode(origin->dentry) : NULL;

	if (lo && (!upper || d_is_dir(upper) || lo->i_nlink == 1))
		return layerfs_map_ino(ofs, origin->layer, lo->i_ino);
	return layerfs_map_ino(ofs, &ofs->layers[0], d_inode(upper)->i_ino);
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
	inode->i_ino = layerfs_ino(LAYERFS_FS(sb), upper, num ? stack : NULL);
	layerfs_init_inode(inode, d_inode(upper ? upper : stack[0].dentry));
	if (hashed)
		unlock_new_inode(inode);
	return inode;
}
