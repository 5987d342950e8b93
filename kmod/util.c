// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: the thin layer between the union and the real filesystems.
 *
 * Every call into a lower or upper filesystem goes through one of the
 * layerfs_do_*() wrappers here, each with a pr_debug() trace, so that a
 * dynamic-debug session shows exactly what the union asked of its layers.
 * Most wrappers do not switch credentials: callers bracket each layer
 * access with layerfs_override_creds() and layerfs_revert_creds(). The
 * wrappers for I/O on an open file take the union file and switch to the
 * mounter's credentials themselves.
 *
 * Locking: none of its own. The wrappers take whatever locks the VFS
 * helpers they call take; callers hold no layerfs locks across them
 * except where the caller's comment says so.
 */
#include <linux/namei.h>
#include <linux/xattr.h>
#include <linux/statfs.h>
#include <linux/cred.h>
#include <linux/exportfs.h>
#include <linux/slab.h>
#include <linux/uuid.h>

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
 * layerfs_do_llseek_real() - reposition a real file the union opened
 * @real:   the real file
 * @offset: offset
 * @whence: SEEK_* (SEEK_DATA and SEEK_HOLE included)
 *
 * Context: mounter's credentials.
 * Return: the new position or a negative errno.
 */
loff_t layerfs_do_llseek_real(struct file *real, loff_t offset, int whence)
{
	loff_t ret = vfs_llseek(real, offset, whence);

	pr_debug("llseek(%pD2, %lld, %d) = %lld\n", real, offset, whence, ret);
	return ret;
}

/**
 * layerfs_do_llseek() - reposition the real file of a union file
 * @file:   the union file
 * @real:   the real file
 * @offset: offset
 * @whence: SEEK_* (SEEK_DATA and SEEK_HOLE included)
 *
 * Return: the new position or a negative errno.
 */
loff_t layerfs_do_llseek(struct file *file, struct file *real, loff_t offset,
			 int whence)
{
	const struct cred *old = layerfs_override_creds(file_inode(file)->i_sb);
	loff_t ret = layerfs_do_llseek_real(real, offset, whence);

	layerfs_revert_creds(old);
	return ret;
}

/**
 * layerfs_do_fadvise() - pass access advice to a real file
 * @file:   the union file
 * @real:   the real file
 * @offset: start of the range
 * @len:    length of the range
 * @advice: POSIX_FADV_*
 *
 * Return: 0 or a negative errno.
 */
int layerfs_do_fadvise(struct file *file, struct file *real, loff_t offset,
		       loff_t len, int advice)
{
	const struct cred *old = layerfs_override_creds(file_inode(file)->i_sb);
	int err = vfs_fadvise(real, offset, len, advice);

	layerfs_revert_creds(old);
	pr_debug("fadvise(%pD2, %d) = %d\n", real, advice, err);
	return err;
}

/*
 * Namespace operations on the upper layer. The caller holds write access
 * to the upper mount (layerfs_want_write()) and the parent's i_rwsem, as
 * the VFS helpers require, and runs with the mounter's credentials.
 */

/**
 * layerfs_do_lookup_locked() - look a name up in a locked real directory
 * @base: the real parent, i_rwsem held
 * @name: the name
 * @len:  its length
 *
 * Return: a positive or negative dentry, or an ERR_PTR().
 */
struct dentry *layerfs_do_lookup_locked(struct dentry *base, const char *name,
					int len)
{
	struct dentry *d = lookup_one_len(name, base, len);

	pr_debug("lookup_locked(%pd2, %.*s) = %d\n", base, len, name,
		 PTR_ERR_OR_ZERO(d));
	return d;
}

/**
 * layerfs_do_create() - make an upper object of any type
 * @dir:    the real parent directory, i_rwsem held
 * @dentry: the negative real dentry
 * @mode:   type and permission bits
 * @rdev:   device number for devices
 * @link:   target for symlinks
 *
 * Return: 0 or a negative errno.
 */
int layerfs_do_create(struct inode *dir, struct dentry *dentry, umode_t mode,
		      dev_t rdev, const char *link)
{
	struct layerfs_idmap *idmap = LAYERFS_NOP_IDMAP;
	int err;

	switch (mode & S_IFMT) {
	case S_IFREG:
		err = vfs_create(idmap, dir, dentry, mode, true);
		break;
	case S_IFDIR:
		err = vfs_mkdir(idmap, dir, dentry, mode);
		break;
	case S_IFLNK:
		err = vfs_symlink(idmap, dir, dentry, link);
		break;
	default:
		err = vfs_mknod(idmap, dir, dentry, mode, rdev);
		break;
	}
	/* some filesystems leave the dentry unhashed after mkdir */
	if (!err && d_unhashed(dentry))
		err = -EIO;
	pr_debug("create(%pd2, %#o) = %d\n", dentry, mode, err);
	return err;
}

/**
 * layerfs_do_whiteout() - make a whiteout at a negative real dentry
 * @dir:    the real parent directory, i_rwsem held
 * @dentry: the negative real dentry
 *
 * Return: 0 or a negative errno.
 */
int layerfs_do_whiteout(struct inode *dir, struct dentry *dentry)
{
	int err = vfs_whiteout(LAYERFS_NOP_IDMAP, dir, dentry);

	pr_debug("whiteout(%pd2) = %d\n", dentry, err);
	return err;
}

/**
 * layerfs_do_link() - hard link in the upper layer
 * @old:    existing real dentry
 * @dir:    real parent of the new name, i_rwsem held
 * @new:    negative real dentry
 *
 * Return: 0 or a negative errno.
 */
int layerfs_do_link(struct dentry *old, struct inode *dir, struct dentry *new)
{
	int err = vfs_link(old, LAYERFS_NOP_IDMAP, dir, new, NULL);

	pr_debug("link(%pd2, %pd2) = %d\n", old, new, err);
	return err;
}

/**
 * layerfs_do_remove() - unlink or rmdir a real dentry
 * @dir:    real parent, i_rwsem held
 * @dentry: the positive real dentry
 *
 * Return: 0 or a negative errno.
 */
int layerfs_do_remove(struct inode *dir, struct dentry *dentry)
{
	int err;

	/*
	 * An extra reference makes the VFS unhash the dentry instead of
	 * turning it negative: a union inode may still point at it.
	 */
	dget(dentry);
	if (d_is_dir(dentry))
		err = vfs_rmdir(LAYERFS_NOP_IDMAP, dir, dentry);
	else
		err = vfs_unlink(LAYERFS_NOP_IDMAP, dir, dentry, NULL);
	pr_debug("remove(%pd2) = %d\n", dentry, err);
	dput(dentry);
	return err;
}

/**
 * layerfs_do_rename() - rename within the upper filesystem
 * @olddir: real source parent
 * @old:    real source dentry
 * @newdir: real target parent
 * @new:    real target dentry
 * @flags:  RENAME_* flags
 *
 * Context: both parents locked with lock_rename().
 * Return: 0 or a negative errno.
 */
int layerfs_do_rename(struct inode *olddir, struct dentry *old,
		      struct inode *newdir, struct dentry *new,
		      unsigned int flags)
{
	struct renamedata rd = {
		.LAYERFS_RD_OLD_IDMAP	= LAYERFS_NOP_IDMAP,
		.old_dir		= olddir,
		.old_dentry		= old,
		.LAYERFS_RD_NEW_IDMAP	= LAYERFS_NOP_IDMAP,
		.new_dir		= newdir,
		.new_dentry		= new,
		.flags			= flags,
	};
	int err = vfs_rename(&rd);

	pr_debug("rename(%pd2, %pd2, %#x) = %d\n", old, new, flags, err);
	return err;
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

/**
 * layerfs_do_open() - open a real object for the union's own use
 * @path:  real path
 * @flags: open flags
 *
 * Context: mounter's credentials.
 * Return: the open file or an ERR_PTR().
 */
struct file *layerfs_do_open(const struct path *path, int flags)
{
	struct file *f = dentry_open(path, flags | O_LARGEFILE, current_cred());

	pr_debug("open_internal(%pd2, %#o) = %d\n", path->dentry, flags,
		 PTR_ERR_OR_ZERO(f));
	return f;
}

/**
 * layerfs_do_copy_range() - copy file data between real files
 * @in:   source, open for reading
 * @pos:  source and destination offset, advanced
 * @out:  destination, open for writing
 * @len:  bytes to copy
 *
 * Context: mounter's credentials; no freeze protection held on @out.
 * Return: bytes copied or a negative errno.
 */
ssize_t layerfs_do_copy_range(struct file *in, loff_t *pos, struct file *out,
			      size_t len)
{
	loff_t opos = *pos;
	ssize_t ret = layerfs_compat_splice_direct(in, pos, out, &opos, len);

	pr_debug("copy(%pD2, %pD2, %zu) = %zd\n", in, out, len, ret);
	return ret;
}

/**
 * layerfs_do_write_iter() - write to a real file
 * @real: the real file
 * @iocb: the union file's I/O control block
 * @iter: source
 *
 * Context: any credentials; the write runs with the mounter's.
 * Return: bytes written or a negative errno.
 */
ssize_t layerfs_do_write_iter(struct file *real, struct kiocb *iocb,
			      struct iov_iter *iter)
{
	struct super_block *sb = file_inode(iocb->ki_filp)->i_sb;
	loff_t pos = iocb->ki_pos;
	ssize_t ret;

	ret = layerfs_compat_write_iter(real, iocb, iter,
					LAYERFS_FS(sb)->creds);
	pr_debug("write(%pD2, %lld) = %zd\n", real, pos, ret);
	return ret;
}

/**
 * layerfs_do_splice_write() - splice from a pipe into a real file
 * @pipe:  source pipe
 * @file:  the union file
 * @real:  the real file
 * @ppos:  file position
 * @len:   most bytes to move
 * @flags: SPLICE_F_* flags
 *
 * Return: bytes moved or a negative errno.
 */
ssize_t layerfs_do_splice_write(struct pipe_inode_info *pipe,
				struct file *file, struct file *real,
				loff_t *ppos, size_t len, unsigned int flags)
{
	struct super_block *sb = file_inode(file)->i_sb;
	ssize_t ret;

	ret = layerfs_compat_splice_write(pipe, file, real, ppos, len, flags,
					  LAYERFS_FS(sb)->creds);
	pr_debug("splice_write(%pD2, %zu) = %zd\n", real, len, ret);
	return ret;
}

/**
 * layerfs_do_fsync() - flush a real file
 * @file:     the union file
 * @real:     the real file
 * @start:    start of the range
 * @end:      end of the range
 * @datasync: only data and what is needed to find it
 *
 * Return: 0 or a negative errno.
 */
int layerfs_do_fsync(struct file *file, struct file *real, loff_t start,
		     loff_t end, int datasync)
{
	const struct cred *old = layerfs_override_creds(file_inode(file)->i_sb);
	int err = vfs_fsync_range(real, start, end, datasync);

	layerfs_revert_creds(old);
	pr_debug("fsync(%pD2) = %d\n", real, err);
	return err;
}

/**
 * layerfs_do_fallocate() - allocate or punch space in a real file
 * @file:   the union file
 * @real:   the real file
 * @mode:   FALLOC_FL_* mode
 * @offset: start
 * @len:    length
 *
 * Return: 0 or a negative errno.
 */
int layerfs_do_fallocate(struct file *file, struct file *real, int mode,
			 loff_t offset, loff_t len)
{
	const struct cred *old = layerfs_override_creds(file_inode(file)->i_sb);
	int err = vfs_fallocate(real, mode, offset, len);

	layerfs_revert_creds(old);
	pr_debug("fallocate(%pD2, %d) = %d\n", real, mode, err);
	return err;
}

/* overlayfs's origin file handle: version, magic, len, flags, type, uuid */
#define LAYERFS_FH_HDR		21

/**
 * layerfs_origin_encode() - the trusted.overlay.origin value of an object
 * @lower: the lower object a copy-up starts from
 * @buf:   at least LAYERFS_ORIGIN_MAX bytes
 *
 * The value is overlayfs's on-disk file handle: a 21-byte header (version
 * 0, magic 0xfb, total length, flags, handle type, filesystem uuid)
 * followed by the filesystem's own handle, so overlayfs reads it too.
 *
 * Return: the value length, or a negative errno when the lower
 * filesystem cannot encode file handles.
 */
int layerfs_origin_encode(struct dentry *lower, u8 *buf)
{
	u32 fid[MAX_HANDLE_SZ / 4];
	int dwords = ARRAY_SIZE(fid);
	int type;

	type = exportfs_encode_fh(lower, (struct fid *)fid, &dwords, 0);
	if (type < 0 || type == FILEID_INVALID || dwords > ARRAY_SIZE(fid))
		return -EOPNOTSUPP;
	buf[0] = 0;		/* version */
	buf[1] = 0xfb;		/* magic */
	buf[2] = LAYERFS_FH_HDR + dwords * 4;
	buf[3] = 0;		/* flags: little-endian handle */
	buf[4] = type;
	memcpy(buf + 5, &lower->d_sb->s_uuid, 16);
	memcpy(buf + LAYERFS_FH_HDR, fid, dwords * 4);
	return LAYERFS_FH_HDR + dwords * 4;
}

/* overlayfs origin flags: big-endian handle, handle of an upper object */
#define LAYERFS_FH_BIG_ENDIAN	0x01
#define LAYERFS_FH_PATH_UPPER	0x04

/* The origin of a non-directory may be disconnected: only its inode counts. */
static int layerfs_origin_acceptable(void *ctx, struct dentry *dentry)
{
	return !d_is_dir(dentry);
}

/*
 * The lower layer on the filesystem an origin's uuid names: only when no
 * other filesystem of the lowers has that uuid, and never a null one.
 */
static struct layerfs_layer *layerfs_origin_layer(struct layerfs_fs *ofs,
						  const uuid_t *uuid)
{
	struct layerfs_layer *found = NULL;
	unsigned int i;

	if (uuid_is_null(uuid))
		return NULL;
	for (i = 1; i <= ofs->numlower; i++) {
		struct layerfs_layer *layer = &ofs->layers[i];

		if (!uuid_equal(uuid, &layer->mnt->mnt_sb->s_uuid))
			continue;
		if (found && found->mnt->mnt_sb != layer->mnt->mnt_sb)
			return NULL;
		if (!found)
			found = layer;
	}
	return found;
}

/**
 * layerfs_do_decode_origin() - the lower object an upper file was copied from
 * @ofs:    the mount
 * @upper:  an upper non-directory
 * @origin: result: the origin (a reference is held) and a lower layer on
 *          its filesystem; origin->dentry is NULL when there is none
 *
 * Decodes the file handle of @upper's trusted.overlay.origin (written by
 * layerfs_origin_encode() or by overlayfs) on the lower filesystem its
 * uuid names, wherever the file now is. A missing, malformed or stale
 * handle, or one that names an object of another type, is no origin.
 *
 * Context: mounter's credentials.
 * Return: 0, or -ENOMEM.
 */
int layerfs_do_decode_origin(struct layerfs_fs *ofs, struct dentry *upper,
			     struct layerfs_path *origin)
{
	u32 fid[MAX_HANDLE_SZ / 4];
	struct layerfs_layer *layer;
	struct dentry *real = NULL;
	ssize_t len;
	uuid_t uuid;
	u8 *buf;

	origin->dentry = NULL;
	buf = kmalloc(LAYERFS_ORIGIN_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = vfs_getxattr(LAYERFS_NOP_IDMAP, upper, LAYERFS_XATTR_ORIGIN,
			   buf, LAYERFS_ORIGIN_MAX);
	if (len <= LAYERFS_FH_HDR || buf[0] != 0 || buf[1] != 0xfb ||
	    buf[2] != len || (len - LAYERFS_FH_HDR) % 4 ||
	    (buf[3] & (LAYERFS_FH_BIG_ENDIAN | LAYERFS_FH_PATH_UPPER)))
		goto out_free;
	memcpy(&uuid, buf + 5, sizeof(uuid));
	layer = layerfs_origin_layer(ofs, &uuid);
	if (!layer)
		goto out_free;
	/* the handle, aligned for the filesystem */
	memcpy(fid, buf + LAYERFS_FH_HDR, len - LAYERFS_FH_HDR);
	real = exportfs_decode_fh(layer->mnt, (struct fid *)fid,
				  (len - LAYERFS_FH_HDR) / 4, buf[4],
				  layerfs_origin_acceptable, NULL);
	if (IS_ERR_OR_NULL(real)) {
		real = NULL;
		goto out_free;
	}
	if (d_is_negative(real) ||
	    ((d_inode(real)->i_mode ^ d_inode(upper)->i_mode) & S_IFMT)) {
		dput(real);
		real = NULL;
		goto out_free;
	}
	origin->layer = layer;
	origin->dentry = real;
out_free:
	kfree(buf);
	pr_debug("decode_origin(%pd2) = %s\n", upper, real ? "found" : "none");
	return 0;
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
