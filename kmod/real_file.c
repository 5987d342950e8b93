// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: the wrappers for open real files.
 *
 * Owns the layerfs_do_*() wrappers (see util.c for the contract) that
 * open real files and directories and act on them: reads, writes,
 * splice, mmap, seeks, advice, allocation, flushes, directory iteration
 * and the data copy of copy-up.
 *
 * Two kinds, told apart by their names. layerfs_do_*_as_mounter() serve
 * an open union file: they take it (and its real file), switch to the
 * mounter's credentials themselves (the backing-file helpers do it where
 * the kernel has them, see compat.h), and report what the real I/O
 * changed back to the union inode through a struct layerfs_io (atime
 * after a read, size and times after a write). The plain layerfs_do_*()
 * take only real objects and run with the credentials their caller has
 * (layerfs_do_open_dir() opens with the credentials it is given).
 *
 * Locking: none of its own. The callers in file.c hold the union inode's
 * i_rwsem around writes (see there); the real file's own locks are taken
 * by the VFS helpers.
 */
#include <linux/fs_stack.h>
#include <linux/mm.h>

#include "layerfs.h"

/* After a read of the real file: mirror its atime update. */
static void layerfs_file_accessed(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct dentry *real = layerfs_real_dentry(inode);

	if (real && !(file->f_flags & O_NOATIME))
		fsstack_copy_attr_atime(inode, d_inode(real));
}

/* After a write to the real file: mirror its size and times. */
static void layerfs_file_written(struct file *file)
{
	layerfs_refresh_inode(file_inode(file));
}

/* the same, in the form the write helpers call (compat.h) */
LAYERFS_DEFINE_END_WRITE(layerfs_file_written)

/* An I/O on the real file of the union file @file (compat.h). */
static struct layerfs_io layerfs_io_of(struct file *file)
{
	return (struct layerfs_io) {
		.cred		= LAYERFS_FS(file_inode(file)->i_sb)->creds,
		.accessed	= layerfs_file_accessed,
		.end_write	= layerfs_file_written_op,
	};
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
 * layerfs_do_open_as_mounter() - open the real file behind a union file
 * @file:     the union file being opened
 * @realpath: the real object
 * @flags:    open flags for the real file
 *
 * Context: any credentials; the real file is opened with the mounter's.
 * Return: the real file or an ERR_PTR().
 */
struct file *layerfs_do_open_as_mounter(struct file *file,
					const struct path *realpath,
					int flags)
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
 * layerfs_do_read_iter_as_mounter() - read from a real file
 * @real: the real file
 * @iocb: the union file's I/O control block
 * @iter: destination
 *
 * Context: any credentials; the read runs with the mounter's.
 * Return: bytes read or a negative errno.
 */
ssize_t layerfs_do_read_iter_as_mounter(struct file *real, struct kiocb *iocb,
					struct iov_iter *iter)
{
	struct layerfs_io io = layerfs_io_of(iocb->ki_filp);
	loff_t pos = iocb->ki_pos;
	ssize_t ret;

	ret = layerfs_compat_read_iter(real, iocb, iter, &io);
	pr_debug("read(%pD2, %lld) = %zd\n", real, pos, ret);
	return ret;
}

/**
 * layerfs_do_splice_read_as_mounter() - splice from a real file into a pipe
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
ssize_t layerfs_do_splice_read_as_mounter(struct file *file,
					  struct file *real, loff_t *ppos,
					  struct pipe_inode_info *pipe,
					  size_t len, unsigned int flags)
{
	struct layerfs_io io = layerfs_io_of(file);
	loff_t pos = *ppos;
	ssize_t ret;

	ret = layerfs_compat_splice_read(file, real, ppos, pipe, len, flags,
					 &io);
	pr_debug("splice_read(%pD2, %lld, %zu) = %zd\n", real, pos, len, ret);
	return ret;
}

/**
 * layerfs_do_mmap_as_mounter() - map a real file in place of a union file
 * @file: the union file, vma->vm_file on entry
 * @real: the real file, which the mapping ends up referencing
 * @vma:  the mapping
 *
 * Context: mmap_lock held for writing; the mapping is made with the
 * mounter's credentials.
 * Return: 0 or a negative errno.
 */
int layerfs_do_mmap_as_mounter(struct file *file, struct file *real,
			       struct vm_area_struct *vma)
{
	struct layerfs_io io = layerfs_io_of(file);
	int err;

	err = layerfs_compat_mmap(file, real, vma, &io);
	pr_debug("mmap(%pD2) = %d\n", real, err);
	return err;
}

/**
 * layerfs_do_llseek() - reposition a real file the union opened
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
 * layerfs_do_llseek_as_mounter() - reposition the real file of a union file
 * @file:   the union file
 * @real:   the real file
 * @offset: offset
 * @whence: SEEK_* (SEEK_DATA and SEEK_HOLE included)
 *
 * Context: any credentials; the seek runs with the mounter's.
 * Return: the new position or a negative errno.
 */
loff_t layerfs_do_llseek_as_mounter(struct file *file, struct file *real,
				    loff_t offset, int whence)
{
	const struct cred *old = layerfs_override_creds(file_inode(file)->i_sb);
	loff_t ret = layerfs_do_llseek(real, offset, whence);

	layerfs_revert_creds(old);
	return ret;
}

/**
 * layerfs_do_fadvise_as_mounter() - pass access advice to a real file
 * @file:   the union file
 * @real:   the real file
 * @offset: start of the range
 * @len:    length of the range
 * @advice: POSIX_FADV_*
 *
 * Return: 0 or a negative errno.
 */
int layerfs_do_fadvise_as_mounter(struct file *file, struct file *real,
				  loff_t offset, loff_t len, int advice)
{
	const struct cred *old = layerfs_override_creds(file_inode(file)->i_sb);
	int err = vfs_fadvise(real, offset, len, advice);

	layerfs_revert_creds(old);
	pr_debug("fadvise(%pD2, %d) = %d\n", real, advice, err);
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
 * layerfs_do_write_iter_as_mounter() - write to a real file
 * @real: the real file
 * @iocb: the union file's I/O control block
 * @iter: source
 *
 * Context: any credentials; the write runs with the mounter's.
 * Return: bytes written or a negative errno.
 */
ssize_t layerfs_do_write_iter_as_mounter(struct file *real,
					 struct kiocb *iocb,
					 struct iov_iter *iter)
{
	struct layerfs_io io = layerfs_io_of(iocb->ki_filp);
	loff_t pos = iocb->ki_pos;
	ssize_t ret;

	ret = layerfs_compat_write_iter(real, iocb, iter, &io);
	pr_debug("write(%pD2, %lld) = %zd\n", real, pos, ret);
	return ret;
}

/**
 * layerfs_do_splice_write_as_mounter() - splice from a pipe into a real file
 * @pipe:  source pipe
 * @file:  the union file
 * @real:  the real file
 * @ppos:  file position
 * @len:   most bytes to move
 * @flags: SPLICE_F_* flags
 *
 * Return: bytes moved or a negative errno.
 */
ssize_t layerfs_do_splice_write_as_mounter(struct pipe_inode_info *pipe,
					   struct file *file,
					   struct file *real, loff_t *ppos,
					   size_t len, unsigned int flags)
{
	struct layerfs_io io = layerfs_io_of(file);
	ssize_t ret;

	ret = layerfs_compat_splice_write(pipe, file, real, ppos, len, flags,
					  &io);
	pr_debug("splice_write(%pD2, %zu) = %zd\n", real, len, ret);
	return ret;
}

/**
 * layerfs_do_fsync_as_mounter() - flush a real file
 * @file:     the union file
 * @real:     the real file
 * @start:    start of the range
 * @end:      end of the range
 * @datasync: only data and what is needed to find it
 *
 * Return: 0 or a negative errno.
 */
int layerfs_do_fsync_as_mounter(struct file *file, struct file *real,
				loff_t start, loff_t end, int datasync)
{
	const struct cred *old = layerfs_override_creds(file_inode(file)->i_sb);
	int err = vfs_fsync_range(real, start, end, datasync);

	layerfs_revert_creds(old);
	pr_debug("fsync(%pD2) = %d\n", real, err);
	return err;
}

/**
 * layerfs_do_fallocate_as_mounter() - allocate or punch space in a real file
 * @file:   the union file
 * @real:   the real file
 * @mode:   FALLOC_FL_* mode
 * @offset: start
 * @len:    length
 *
 * Return: 0 or a negative errno.
 */
int layerfs_do_fallocate_as_mounter(struct file *file, struct file *real,
				    int mode, loff_t offset, loff_t len)
{
	const struct cred *old = layerfs_override_creds(file_inode(file)->i_sb);
	int err = vfs_fallocate(real, mode, offset, len);

	layerfs_revert_creds(old);
	pr_debug("fallocate(%pD2, %d) = %d\n", real, mode, err);
	return err;
}

/**
 * layerfs_do_fsync() - flush a real file the union opened for itself
 * @real:     the real file
 * @datasync: only data and what is needed to find it
 *
 * Context: mounter's credentials.
 * Return: 0 or a negative errno.
 */
int layerfs_do_fsync(struct file *real, int datasync)
{
	int err = vfs_fsync(real, datasync);

	pr_debug("fsync(%pD2, %d) = %d\n", real, datasync, err);
	return err;
}

/**
 * layerfs_do_check_flags() - may a real file take new status flags?
 * @real:  the real file
 * @flags: the status flags it is to have
 *
 * Context: any credentials.
 * Return: 0 or a negative errno from the real filesystem's ->check_flags().
 */
int layerfs_do_check_flags(struct file *real, unsigned int flags)
{
	int err = 0;

	if (real->f_op->check_flags)
		err = real->f_op->check_flags(flags);
	pr_debug("check_flags(%pD2, %#x) = %d\n", real, flags, err);
	return err;
}
