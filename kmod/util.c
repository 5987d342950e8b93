// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: the thin layer between the union and the real filesystems.
 *
 * Every call into a lower or upper filesystem goes through one of the
 * layerfs_do_*() wrappers here, each with a pr_debug() trace, so that a
 * dynamic-debug session shows exactly what the union asked of its layers.
 * The wrappers do not switch credentials: callers bracket each layer
 * access with layerfs_override_creds() and layerfs_revert_creds().
 *
 * Locking: none of its own. The wrappers take whatever locks the VFS
 * helpers they call take; callers hold no layerfs locks across them
 * except where the caller's comment says so.
 */
#include <linux/namei.h>
#include <linux/xattr.h>
#include <linux/statfs.h>
#include <linux/cred.h>

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
 * layerfs_do_lookup() - look a name up in a real directory
 * @base: the real parent directory, not locked
 * @name: the name
 * @len:  its length
 *
 * Context: mounter's credentials; takes the real parent's i_rwsem.
 * Return: a positive or negative dentry, or an ERR_PTR().
 */
struct dentry *layerfs_do_lookup(struct dentry *base, const char *name,
				 int len)
{
	struct dentry *d = lookup_one_len_unlocked(name, base, len);

	pr_debug("lookup(%pd2, %.*s) = %d%s\n", base, len, name,
		 PTR_ERR_OR_ZERO(d),
		 !IS_ERR(d) && d_is_negative(d) ? " (negative)" : "");
	return d;
}

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
	char val[2];
	ssize_t res;

	res = vfs_getxattr(layerfs_mnt_idmap(p->layer->mnt), p->dentry,
			   LAYERFS_XATTR_OPAQUE, val, sizeof(val));
	pr_debug("getxattr(%pd2, opaque) = %zd\n", p->dentry, res);
	return res == 1 && val[0] == 'y';
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
 * layerfs_do_open_dir() - open a real directory for reading
 * @path: real directory
 * @cred: credentials to open with
 *
 * Return: the open file or an ERR_PTR().
 */
struct file *layerfs_do_open_dir(const struct path *path,
				 const struct cred *cred)
{
	struct file *f = dentry_open(path, O_RDONLY | O_DIRECTORY | O_LARGEFILE,
				     cred);

	pr_debug("open_dir(%pd2) = %d\n", path->dentry, PTR_ERR_OR_ZERO(f));
	return f;
}

/**
 * layerfs_do_iterate() - read entries of a real directory
 * @dir: real directory file
 * @ctx: the directory context whose actor receives the entries
 *
 * Context: mounter's credentials; takes the real directory's i_rwsem.
 * Return: 0 or a negative errno.
 */
int layerfs_do_iterate(struct file *dir, struct dir_context *ctx)
{
	int err = iterate_dir(dir, ctx);

	pr_debug("iterate(%pD2, %lld) = %d\n", dir, ctx->pos, err);
	return err;
}

/**
 * layerfs_do_open_real() - open the real file behind a union file
 * @file:     the union file being opened
 * @realpath: the real object
 * @flags:    open flags for the real file
 *
 * Context: any credentials; the real file is opened with the mounter's.
 * Return: the real file or an ERR_PTR().
 */
struct file *layerfs_do_open_real(struct file *file,
				  const struct path *realpath, int flags)
{
	const struct cred *cred = LAYERFS_FS(file_inode(file)->i_sb)->creds;
	const struct cred *old;
	struct file *real;

	old = override_creds(cred);
	real = layerfs_compat_open_real(file, realpath, flags, cred);
	revert_creds(old);
	pr_debug("open(%pd2, %#o) = %d\n", realpath->dentry, flags,
		 PTR_ERR_OR_ZERO(real));
	return real;
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
 * layerfs_do_read_iter() - read from a real file
 * @real: the real file
 * @iocb: the union file's I/O control block
 * @iter: destination
 *
 * Context: any credentials; the read runs with the mounter's.
 * Return: bytes read or a negative errno.
 */
ssize_t layerfs_do_read_iter(struct file *real, struct kiocb *iocb,
			     struct iov_iter *iter)
{
	struct super_block *sb = file_inode(iocb->ki_filp)->i_sb;
	loff_t pos = iocb->ki_pos;
	ssize_t ret;

	ret = layerfs_compat_read_iter(real, iocb, iter, LAYERFS_FS(sb)->creds);
	pr_debug("read(%pD2, %lld) = %zd\n", real, pos, ret);
	return ret;
}

/**
 * layerfs_do_splice_read() - splice from a real file into a pipe
 * @file:  the union file
 * @real:  the real file
 * @ppos:  file position
 * @pipe:  destination pipe
 * @len:   most bytes to move
 * @flags: SPLICE_F_* flags
 *
 * Context: any credentials; the read runs with the mounter's.
 * Return: bytes moved or a negative errno.
 */
ssize_t layerfs_do_splice_read(struct file *file, struct file *real,
			       loff_t *ppos, struct pipe_inode_info *pipe,
			       size_t len, unsigned int flags)
{
	struct super_block *sb = file_inode(file)->i_sb;
	loff_t pos = *ppos;
	ssize_t ret;

	ret = layerfs_compat_splice_read(file, real, ppos, pipe, len, flags,
					 LAYERFS_FS(sb)->creds);
	pr_debug("splice_read(%pD2, %lld, %zu) = %zd\n", real, pos, len, ret);
	return ret;
}

/**
 * layerfs_do_mmap() - map a real file in place of a union file
 * @file: the union file, vma->vm_file on entry
 * @real: the real file, which the mapping ends up referencing
 * @vma:  the mapping
 *
 * Context: mmap_lock held for writing; the mapping is made with the
 * mounter's credentials.
 * Return: 0 or a negative errno.
 */
int layerfs_do_mmap(struct file *file, struct file *real,
		    struct vm_area_struct *vma)
{
	struct super_block *sb = file_inode(file)->i_sb;
	int err;

	err = layerfs_compat_mmap(file, real, vma, LAYERFS_FS(sb)->creds);
	pr_debug("mmap(%pD2) = %d\n", real, err);
	return err;
}

/**
 * layerfs_do_llseek() - reposition a real file
 * @real:   the real file
 * @offset: offset
 * @whence: SEEK_* (SEEK_DATA and SEEK_HOLE included)
 *
 * Context: mounter's credentials.
 * Return: the new position or a negative errno.
 */
loff_t layerfs_do_llseek(struct file *real, loff_t offset, int whence)
{
	loff_t ret = vfs_llseek(real, offset, whence);

	pr_debug("llseek(%pD2, %lld, %d) = %lld\n", real, offset, whence, ret);
	return ret;
}

/**
 * layerfs_do_fadvise() - pass access advice to a real file
 * @real:   the real file
 * @offset: start of the range
 * @len:    length of the range
 * @advice: POSIX_FADV_*
 *
 * Context: mounter's credentials.
 * Return: 0 or a negative errno.
 */
int layerfs_do_fadvise(struct file *real, loff_t offset, loff_t len,
		       int advice)
{
	int err = vfs_fadvise(real, offset, len, advice);

	pr_debug("fadvise(%pD2, %d) = %d\n", real, advice, err);
	return err;
}
