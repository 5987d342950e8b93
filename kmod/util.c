// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: credentials, xattr names, and the calls that concern a whole
 * real filesystem.
 *
 * The wrapper contract: every call into a lower or upper filesystem goes
 * through a layerfs_do_*() wrapper, each with a pr_debug() trace, so that
 * a dynamic-debug session shows exactly what the union asked of its
 * layers. The wrappers are grouped by the kind of object they act on:
 * this file for a whole filesystem or mount (write access, statfs, sync),
 * real_namei.c for names in real directories, real_rename.c for renames
 * in the upper layer, real_inode.c for the attributes and xattrs of real
 * objects, real_file.c for open real files.
 *
 * Credentials: a plain layerfs_do_*() wrapper runs with the credentials
 * its caller has; callers bracket each layer access with
 * layerfs_override_creds() and layerfs_revert_creds(). A wrapper named
 * layerfs_do_*_as_mounter() switches to the mounter's credentials
 * itself, and may be called with any.
 *
 * Locking: none of its own. The wrappers take whatever locks the VFS
 * helpers they call take; what a wrapper expects its caller to hold is in
 * its kernel-doc comment.
 */
#include <linux/cred.h>
#include <linux/mount.h>
#include <linux/statfs.h>
#include <linux/xattr.h>

#include "layerfs.h"

/**
 * layerfs_override_creds() - act with the mounter's credentials
 * @sb: the layerfs superblock
 *
 * Context: process context; pair with layerfs_revert_creds().
 * Return: the credentials to restore.
 */
const struct cred *layerfs_override_creds(struct super_block *sb)
{
	return override_creds(LAYERFS_FS(sb)->creds);
}

/**
 * layerfs_revert_creds() - undo layerfs_override_creds()
 * @old: the value layerfs_override_creds() returned
 */
void layerfs_revert_creds(const struct cred *old)
{
	revert_creds(old);
}

/**
 * layerfs_is_private_xattr() - is @name in the namespace users never see?
 * @name: full xattr name
 *
 * Return: true for trusted.overlay.* names.
 */
bool layerfs_is_private_xattr(const char *name)
{
	return !strncmp(name, LAYERFS_XATTR_PREFIX,
			sizeof(LAYERFS_XATTR_PREFIX) - 1);
}

/**
 * layerfs_acl_type() - the ACL an xattr name stands for
 * @name: full xattr name
 *
 * Return: ACL_TYPE_ACCESS, ACL_TYPE_DEFAULT, or -1 for other names.
 */
int layerfs_acl_type(const char *name)
{
	if (!strcmp(name, XATTR_NAME_POSIX_ACL_ACCESS))
		return ACL_TYPE_ACCESS;
	if (!strcmp(name, XATTR_NAME_POSIX_ACL_DEFAULT))
		return ACL_TYPE_DEFAULT;
	return -1;
}

/**
 * layerfs_do_statfs() - statfs of a real filesystem
 * @path: any path on it
 * @buf:  result
 *
 * Context: mounter's credentials.
 * Return: 0 or a negative errno.
 */
int layerfs_do_statfs(const struct path *path, struct kstatfs *buf)
{
	int err = vfs_statfs(path, buf);

	pr_debug("statfs(%pd2) = %d\n", path->dentry, err);
	return err;
}

/**
 * layerfs_do_sync_fs() - write back the upper filesystem
 * @sb: the upper superblock
 *
 * Return: 0 or a negative errno.
 */
int layerfs_do_sync_fs(struct super_block *sb)
{
	int err;

	down_read(&sb->s_umount);
	err = sync_filesystem(sb);
	up_read(&sb->s_umount);
	pr_debug("sync_fs(%s) = %d\n", sb->s_id, err);
	return err;
}

/**
 * layerfs_do_want_write() - get write access to the upper layer
 * @sb: the layerfs superblock
 *
 * Return: 0 or a negative errno (EROFS without an upper layer).
 */
int layerfs_do_want_write(struct super_block *sb)
{
	struct vfsmount *mnt = layerfs_upper_mnt(LAYERFS_FS(sb));
	int err;

	if (!mnt)
		return -EROFS;
	err = mnt_want_write(mnt);
	pr_debug("want_write(%s) = %d\n", mnt->mnt_sb->s_id, err);
	return err;
}

/**
 * layerfs_do_drop_write() - undo layerfs_do_want_write()
 * @sb: the layerfs superblock
 */
void layerfs_do_drop_write(struct super_block *sb)
{
	struct vfsmount *mnt = layerfs_upper_mnt(LAYERFS_FS(sb));

	mnt_drop_write(mnt);
	pr_debug("drop_write(%s)\n", mnt->mnt_sb->s_id);
}
