// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: the wrappers for the attributes and xattrs of real objects.
 *
 * Owns the layerfs_do_*() wrappers (see util.c for the contract) that
 * read or change one real object: getattr and setattr, permission,
 * xattrs and POSIX ACLs, the opaque mark of a directory, the body of a
 * symbolic link. None switches credentials: the caller runs them with
 * the mounter's.
 *
 * Locking: none of its own; layerfs_do_setattr() takes the real inode's
 * i_rwsem, as notify_change() requires. The changes are made in the upper
 * layer with write access to it held by the caller.
 */
#include <linux/xattr.h>
#include <linux/posix_acl.h>

#include "layerfs.h"

/**
 * layerfs_do_is_opaque() - does a real directory hide the layers below?
 * @p: the real directory
 *
 * A directory is opaque when it carries trusted.overlay.opaque = "y".
 *
 * Context: mounter's credentials.
 * Return: true if opaque.
 */
bool layerfs_do_is_opaque(struct layerfs_path *p)
{
	/* LAB 2.3 BEGIN: opaque: the xattr LAYERFS_XATTR_OPAQUE is "y" */
	char val[2];
	ssize_t res;

	res = vfs_getxattr(layerfs_mnt_idmap(p->layer->mnt), p->dentry,
			   LAYERFS_XATTR_OPAQUE, val, sizeof(val));
	pr_debug("getxattr(%pd2, opaque) = %zd\n", p->dentry, res);
	return res == 1 && val[0] == 'y';
	/* LAB 2.3 END */
}

/**
 * layerfs_do_set_opaque() - make a real upper directory hide the layers below
 * @dentry: the real directory
 *
 * Context: mounter's credentials, write access to the upper layer held.
 * Return: 0 or a negative errno.
 */
int layerfs_do_set_opaque(struct dentry *dentry)
{
	return layerfs_do_setxattr(dentry, LAYERFS_XATTR_OPAQUE, "y", 1, 0);
}

/**
 * layerfs_do_getattr() - stat a real object
 * @path:  real path
 * @stat:  result
 * @mask:  STATX_* wanted
 * @flags: AT_* flags
 *
 * Context: mounter's credentials.
 * Return: 0 or a negative errno.
 */
int layerfs_do_getattr(const struct path *path, struct kstat *stat,
		       u32 mask, unsigned int flags)
{
	int err = layerfs_compat_getattr(path, stat, mask, flags);

	pr_debug("getattr(%pd2, %#x) = %d\n", path->dentry, mask, err);
	return err;
}

/**
 * layerfs_do_permission() - check access to a real inode
 * @p:    real object
 * @mask: MAY_* mask
 *
 * Context: mounter's credentials; may be called in RCU walk mode.
 * Return: 0 or a negative errno.
 */
int layerfs_do_permission(struct layerfs_path *p, int mask)
{
	struct inode *inode = d_inode_rcu(p->dentry);
	int err;

	if (!inode)
		return -ECHILD;
	err = inode_permission(layerfs_mnt_idmap(p->layer->mnt), inode, mask);
	pr_debug("permission(%pd2, %#x) = %d\n", p->dentry, mask, err);
	return err;
}

/**
 * layerfs_do_getxattr() - read an xattr of a real object
 * @p:     real object
 * @name:  full xattr name
 * @value: buffer, or NULL to query the size
 * @size:  buffer size
 *
 * Context: mounter's credentials.
 * Return: value length or a negative errno.
 */
ssize_t layerfs_do_getxattr(struct layerfs_path *p, const char *name,
			    void *value, size_t size)
{
	ssize_t res = vfs_getxattr(layerfs_mnt_idmap(p->layer->mnt), p->dentry,
				   name, value, size);

	pr_debug("getxattr(%pd2, %s, %zu) = %zd\n", p->dentry, name, size, res);
	return res;
}

/**
 * layerfs_do_get_acl() - read the POSIX ACL of a real object
 * @p:      real object
 * @type:   ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT
 * @noperm: for a permission check: skip the security hook of a read
 *
 * Context: mounter's credentials.
 * Return: the ACL (referenced), NULL for none, or an ERR_PTR().
 */
struct posix_acl *layerfs_do_get_acl(struct layerfs_path *p, int type,
				     bool noperm)
{
	struct posix_acl *acl;

	acl = layerfs_compat_get_acl(p->layer->mnt, p->dentry, type, noperm);
	pr_debug("get_acl(%pd2, %d) = %d\n", p->dentry, type,
		 PTR_ERR_OR_ZERO(acl));
	return acl;
}

/**
 * layerfs_do_get_cached_acl() - the cached POSIX ACL of a real inode
 * @inode: the real inode
 * @type:  ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT
 *
 * Context: RCU walk mode: does not block and asks nothing of the real
 * filesystem.
 * Return: as get_cached_acl_rcu(): the ACL, NULL, or ACL_NOT_CACHED.
 */
struct posix_acl *layerfs_do_get_cached_acl(struct inode *inode, int type)
{
	struct posix_acl *acl = get_cached_acl_rcu(inode, type);

	pr_debug("get_cached_acl(%llu, %d)\n", (u64)inode->i_ino, type);
	return acl;
}

/**
 * layerfs_do_set_acl() - set or remove the POSIX ACL of a real upper object
 * @dentry: real dentry
 * @type:   ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT
 * @acl:    the ACL, NULL to remove it
 *
 * Context: mounter's credentials, write access to the upper layer held.
 * Return: 0 or a negative errno; removing an absent ACL is not an error.
 */
int layerfs_do_set_acl(struct dentry *dentry, int type, struct posix_acl *acl)
{
	int err = layerfs_compat_set_acl(dentry, type, acl);

	if (!acl && err == -ENODATA)
		err = 0;
	pr_debug("set_acl(%pd2, %d, %s) = %d\n", dentry, type,
		 acl ? "set" : "remove", err);
	return err;
}

/**
 * layerfs_do_listxattr() - list the xattrs of a real object
 * @dentry: real object
 * @list:   buffer, or NULL to query the size
 * @size:   buffer size
 *
 * Context: mounter's credentials.
 * Return: list length or a negative errno.
 */
ssize_t layerfs_do_listxattr(struct dentry *dentry, char *list, size_t size)
{
	ssize_t res = vfs_listxattr(dentry, list, size);

	pr_debug("listxattr(%pd2, %zu) = %zd\n", dentry, size, res);
	return res;
}

/**
 * layerfs_do_get_link() - read a real symbolic link
 * @dentry: real symlink
 * @done:   destructor for the returned body
 *
 * Context: mounter's credentials.
 * Return: the link body or an ERR_PTR().
 */
const char *layerfs_do_get_link(struct dentry *dentry,
				struct delayed_call *done)
{
	const char *link = vfs_get_link(dentry, done);

	pr_debug("get_link(%pd2) = %d\n", dentry, PTR_ERR_OR_ZERO(link));
	return link;
}

/**
 * layerfs_do_setattr() - change attributes of a real upper object
 * @dentry: real dentry
 * @attr:   the change
 *
 * Context: takes the real inode's i_rwsem.
 * Return: 0 or a negative errno.
 */
int layerfs_do_setattr(struct dentry *dentry, struct iattr *attr)
{
	int err;

	inode_lock(d_inode(dentry));
	err = notify_change(LAYERFS_NOP_IDMAP, dentry, attr, NULL);
	inode_unlock(d_inode(dentry));
	pr_debug("setattr(%pd2, %#x) = %d\n", dentry, attr->ia_valid, err);
	return err;
}

/**
 * layerfs_do_setxattr() - set or remove an xattr of a real upper object
 * @dentry: real dentry
 * @name:   full name
 * @value:  value, or NULL to remove
 * @size:   value length
 * @flags:  XATTR_CREATE/XATTR_REPLACE
 *
 * Return: 0 or a negative errno.
 */
int layerfs_do_setxattr(struct dentry *dentry, const char *name,
			const void *value, size_t size, int flags)
{
	int err;

	if (value)
		err = vfs_setxattr(LAYERFS_NOP_IDMAP, dentry, name, value, size,
				   flags);
	else
		err = vfs_removexattr(LAYERFS_NOP_IDMAP, dentry, name);
	pr_debug("setxattr(%pd2, %s, %zu) = %d\n", dentry, name, size, err);
	return err;
}
