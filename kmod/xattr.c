// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: the xattrs and POSIX ACLs of union objects.
 *
 * Owns listxattr, the xattr handlers and the ACL inode operations. A
 * union object's xattrs and ACLs are its topmost real object's, read
 * with the mounter's credentials; changes go to the upper object after a
 * copy-up (layerfs_change_upper()). The private trusted.overlay.* names
 * are never shown nor changed, and trusted.* names are listed only to
 * callers with CAP_SYS_ADMIN, as a real filesystem decides for its own.
 *
 * POSIX ACLs are never cached in the union inode (ACL_DONT_CACHE, see
 * inode.c): every check asks the real inode, whose own cache stays right
 * across copy-up. Where the kernel routes ACL names through the xattr
 * handlers (compat.h), ACL handlers convert them and call the same
 * functions.
 *
 * Locking: none of its own. setxattr and set_acl run with the union
 * inode's i_rwsem held by the VFS; layerfs_change_upper() takes the
 * copy-up and write-access locks.
 */
#include <linux/xattr.h>
#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/posix_acl_xattr.h>

#include "layerfs.h"

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

/* setxattr and removexattr, for layerfs_change_upper() */
struct layerfs_xattr_change {
	const char *name;
	const void *value;
	size_t size;
	int flags;
};

static int layerfs_change_xattr(struct dentry *upper, void *arg)
{
	struct layerfs_xattr_change *x = arg;

	return layerfs_do_setxattr(upper, x->name, x->value, x->size,
				   x->flags);
}

static int layerfs_xattr_set(const struct xattr_handler *handler,
			     struct layerfs_idmap *idmap,
			     struct dentry *dentry, struct inode *inode,
			     const char *name, const void *value,
			     size_t size, int flags)
{
	struct layerfs_xattr_change x = { name, value, size, flags };

	if (layerfs_is_private_xattr(name))
		return -EOPNOTSUPP;
	return layerfs_change_upper(dentry, 0, layerfs_change_xattr, &x);
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
		return layerfs_do_get_cached_acl(ri, type);
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

/* set_acl, for layerfs_change_upper() */
struct layerfs_acl_change {
	struct posix_acl *acl;
	int type;
};

static int layerfs_change_acl(struct dentry *upper, void *arg)
{
	struct layerfs_acl_change *c = arg;

	return layerfs_do_set_acl(upper, c->type, c->acl);
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
	struct layerfs_fs *lfs = LAYERFS_FS(inode->i_sb);
	struct layerfs_acl_change c = { acl, type };
	int err;

	if (!lfs->workdir || !IS_POSIXACL(d_inode(lfs->workdir)))
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
	return layerfs_change_upper(dentry, 0, layerfs_change_acl, &c);
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
	err = layerfs_compat_acl_to_xattr(acl, buffer, size);
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

