// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: regular files and their I/O.
 *
 * Owns the file_operations of union regular files. Opening a union file
 * opens the real file behind it with the mounter's credentials (a backing
 * file where the kernel has them, a file with the union path and the
 * real inode otherwise; see compat.h) and keeps it in private_data.
 * Every I/O operation is forwarded to that real file: reads, splice,
 * mmap (the mapping then references the real file), seeks including
 * SEEK_DATA and SEEK_HOLE.
 *
 * Locking: the union file's position is copied to and from the real file
 * under the f_pos_lock the VFS holds for seeks; reads use ki_pos or their
 * own position. No layerfs locks are taken.
 */
#include <linux/fs_stack.h>
#include <linux/mm.h>

#include "layerfs.h"

static struct file *layerfs_real_file(struct file *file)
{
	return file->private_data;
}

/**
 * layerfs_file_accessed() - mirror a real file's atime update
 * @file: the union file that was read
 */
void layerfs_file_accessed(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct dentry *real = layerfs_real_dentry(inode);

	if (real && !(file->f_flags & O_NOATIME))
		fsstack_copy_attr_atime(inode, d_inode(real));
}

static int layerfs_open(struct inode *inode, struct file *file)
{
	struct file *real;
	struct path realpath;
	int flags;

	/* the union file did the creating and truncating, if any */
	flags = file->f_flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC);
	layerfs_real_path(inode, &realpath);
	real = layerfs_do_open_real(file, &realpath, flags);
	if (IS_ERR(real))
		return PTR_ERR(real);
	file->private_data = real;
	return 0;
}

static int layerfs_release(struct inode *inode, struct file *file)
{
	fput(layerfs_real_file(file));
	return 0;
}

static loff_t layerfs_llseek(struct file *file, loff_t offset, int whence)
{
	struct file *real = layerfs_real_file(file);
	const struct cred *old;
	loff_t ret;

	real->f_pos = file->f_pos;
	old = layerfs_override_creds(file_inode(file)->i_sb);
	ret = layerfs_do_llseek(real, offset, whence);
	layerfs_revert_creds(old);
	file->f_pos = real->f_pos;
	return ret;
}

static ssize_t layerfs_read_iter(struct kiocb *iocb, struct iov_iter *iter)
{
	return layerfs_do_read_iter(layerfs_real_file(iocb->ki_filp), iocb,
				    iter);
}

static ssize_t layerfs_splice_read(struct file *file, loff_t *ppos,
				   struct pipe_inode_info *pipe, size_t len,
				   unsigned int flags)
{
	return layerfs_do_splice_read(file, layerfs_real_file(file), ppos,
				      pipe, len, flags);
}

static int layerfs_mmap(struct file *file, struct vm_area_struct *vma)
{
	return layerfs_do_mmap(file, layerfs_real_file(file), vma);
}

static int layerfs_fadvise(struct file *file, loff_t offset, loff_t len,
			   int advice)
{
	const struct cred *old;
	int err;

	old = layerfs_override_creds(file_inode(file)->i_sb);
	err = layerfs_do_fadvise(layerfs_real_file(file), offset, len, advice);
	layerfs_revert_creds(old);
	return err;
}

/* Nothing to write back: the lowers are never written through layerfs. */
static int layerfs_fsync(struct file *file, loff_t start, loff_t end,
			 int datasync)
{
	return 0;
}

const struct file_operations layerfs_file_fops = {
	.open		= layerfs_open,
	.release	= layerfs_release,
	.llseek		= layerfs_llseek,
	.read_iter	= layerfs_read_iter,
	.splice_read	= layerfs_splice_read,
	.mmap		= layerfs_mmap,
	.fadvise	= layerfs_fadvise,
	.fsync		= layerfs_fsync,
};

/* Lets open() accept O_DIRECT; the real file decides at I/O time. */
const struct address_space_operations layerfs_aops = {
	.direct_IO	= noop_direct_IO,
};
