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
 * fcntl(F_SETFL) changes only the union file: the flags it may change
 * are passed on to the real file before each operation uses it.
 *
 * Set-id bits and file capabilities: the real filesystem would judge
 * whether a write clears them with the mounter's credentials (which keep
 * them), so every data-changing operation first refreshes the union
 * inode's mode and calls file_remove_privs() on the union file, with the
 * caller's credentials, under the union inode's i_rwsem.
 *
 * Locking: this file takes two locks of its own. Writes, splice writes
 * and fallocate take the union inode's i_rwsem (the VFS does not for
 * them) around the refresh, the set-id check and the real operation; the
 * switch from the lower to the upper real file takes the per-file mutex
 * (struct layerfs_file), never while holding the other. An open for
 * writing copies up first (copy_up.c's locks). The union file's position
 * is copied to and from the real file under the f_pos_lock the VFS holds
 * for seeks; reads use ki_pos or their own position; the real file's
 * flags are changed under its f_lock.
 */
#include <linux/mm.h>

#include "layerfs.h"

/**
 * struct layerfs_file - private_data of an open union file
 * @real:  the real file I/O goes to
 * @lower: the lower real file it replaced after a copy-up, kept until
 *         release because a concurrent operation may still use it
 * @lock:  serialises the switch from @lower to the upper file
 */
struct layerfs_file {
	struct file *real;
	struct file *lower;
	struct mutex lock;	/* see @lock above */
};

/* The status flags F_SETFL may change that matter to the real file. */
#define LAYERFS_SETFL_MASK	(O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME)

/*
 * Bring the real file's status flags in line with the union file's. The
 * caller's right to set them was checked on the union file by F_SETFL.
 */
static int layerfs_sync_flags(struct file *file, struct file *real)
{
	unsigned int flags = READ_ONCE(file->f_flags) & LAYERFS_SETFL_MASK;
	int err;

	if (!((flags ^ real->f_flags) & LAYERFS_SETFL_MASK))
		return 0;
	if ((flags & O_DIRECT) && !(real->f_mode & FMODE_CAN_ODIRECT))
		return -EINVAL;
	err = layerfs_do_check_flags(real, flags);
	if (err)
		return err;
	spin_lock(&real->f_lock);
	real->f_flags = (real->f_flags & ~LAYERFS_SETFL_MASK) | flags;
	real->f_iocb_flags = iocb_flags(real);
	spin_unlock(&real->f_lock);
	return 0;
}

/* The real file behind @file: the lower one, or the upper after copy-up. */
static struct file *layerfs_current_real(struct file *file)
{
	struct layerfs_file *lf = file->private_data;
	struct inode *inode = file_inode(file);
	struct dentry *upper = layerfs_upper(inode);
	struct file *real = READ_ONCE(lf->real);
	struct path path;

	if (!upper || file_inode(real) == d_inode(upper))
		return real;
	mutex_lock(&lf->lock);
	real = lf->real;
	if (file_inode(real) != d_inode(upper)) {
		path.mnt = layerfs_upper_mnt(LAYERFS_FS(inode->i_sb));
		path.dentry = upper;
		real = layerfs_do_open_as_mounter(file, &path, file->f_flags &
					    ~(O_CREAT | O_EXCL | O_NOCTTY |
					      O_TRUNC));
		if (!IS_ERR(real)) {
			lf->lower = lf->real;
			WRITE_ONCE(lf->real, real);
		}
	}
	mutex_unlock(&lf->lock);
	return real;
}

/*
 * The real file for I/O: after a copy-up (through any descriptor) the
 * upper file, opened on first use, so open descriptors follow the copy;
 * its status flags are the union file's.
 */
static struct file *layerfs_real_file(struct file *file)
{
	struct file *real = layerfs_current_real(file);
	int err;

	if (IS_ERR(real))
		return real;
	err = layerfs_sync_flags(file, real);
	return err ? ERR_PTR(err) : real;
}

/*
 * The real file for a data-changing operation, with the union inode's
 * i_rwsem taken and its mode refreshed: the mode file_remove_privs()
 * judges by (see the top of the file). The caller unlocks the inode.
 */
static struct file *layerfs_real_file_locked(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct file *real = layerfs_real_file(file);

	if (!IS_ERR(real)) {
		inode_lock(inode);
		layerfs_refresh_inode(inode);
	}
	return real;
}

static int layerfs_open(struct inode *inode, struct file *file)
{
	struct layerfs_file *lf;
	struct path realpath;
	struct file *real;
	int flags, err;

	/* writing, or truncating, needs the object in the upper layer */
	if ((file->f_mode & FMODE_WRITE) || (file->f_flags & O_TRUNC)) {
		err = layerfs_copy_up_flags(file->f_path.dentry,
					    file->f_flags);
		if (err)
			return err;
	}
	lf = kzalloc(sizeof(*lf), GFP_KERNEL);
	if (!lf)
		return -ENOMEM;
	mutex_init(&lf->lock);
	/* the union file did the creating and truncating, if any */
	flags = file->f_flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC);
	layerfs_real_path(inode, &realpath);
	real = layerfs_do_open_as_mounter(file, &realpath, flags);
	if (IS_ERR(real)) {
		kfree(lf);
		return PTR_ERR(real);
	}
	lf->real = real;
	file->private_data = lf;
	return 0;
}

static int layerfs_release(struct inode *inode, struct file *file)
{
	struct layerfs_file *lf = file->private_data;

	fput(lf->real);
	if (lf->lower)
		fput(lf->lower);
	kfree(lf);
	return 0;
}

static loff_t layerfs_llseek(struct file *file, loff_t offset, int whence)
{
	struct file *real = layerfs_real_file(file);
	loff_t ret;

	if (IS_ERR(real))
		return PTR_ERR(real);
	real->f_pos = file->f_pos;
	ret = layerfs_do_llseek_as_mounter(file, real, offset, whence);
	file->f_pos = real->f_pos;
	return ret;
}

static ssize_t layerfs_read_iter(struct kiocb *iocb, struct iov_iter *iter)
{
	struct file *real = layerfs_real_file(iocb->ki_filp);

	if (IS_ERR(real))
		return PTR_ERR(real);
	return layerfs_do_read_iter_as_mounter(real, iocb, iter);
}

static ssize_t layerfs_write_iter(struct kiocb *iocb, struct iov_iter *iter)
{
	struct file *file = iocb->ki_filp;
	struct file *real = layerfs_real_file_locked(file);
	ssize_t ret;

	if (IS_ERR(real))
		return PTR_ERR(real);
	ret = layerfs_do_write_iter_as_mounter(real, iocb, iter);
	inode_unlock(file_inode(file));
	return ret;
}

static ssize_t layerfs_splice_read(struct file *file, loff_t *ppos,
				   struct pipe_inode_info *pipe, size_t len,
				   unsigned int flags)
{
	struct file *real = layerfs_real_file(file);

	if (IS_ERR(real))
		return PTR_ERR(real);
	return layerfs_do_splice_read_as_mounter(file, real, ppos, pipe, len,
						 flags);
}

static ssize_t layerfs_splice_write(struct pipe_inode_info *pipe,
				    struct file *file, loff_t *ppos,
				    size_t len, unsigned int flags)
{
	struct file *real = layerfs_real_file_locked(file);
	ssize_t ret;

	if (IS_ERR(real))
		return PTR_ERR(real);
	ret = layerfs_do_splice_write_as_mounter(pipe, file, real, ppos, len,
						 flags);
	inode_unlock(file_inode(file));
	return ret;
}

static int layerfs_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct file *real = layerfs_real_file(file);

	if (IS_ERR(real))
		return PTR_ERR(real);
	return layerfs_do_mmap_as_mounter(file, real, vma);
}

static int layerfs_fadvise(struct file *file, loff_t offset, loff_t len,
			   int advice)
{
	struct file *real = layerfs_real_file(file);

	if (IS_ERR(real))
		return PTR_ERR(real);
	return layerfs_do_fadvise_as_mounter(file, real, offset, len, advice);
}

/* Only the upper layer has anything to write back. */
static int layerfs_fsync(struct file *file, loff_t start, loff_t end,
			 int datasync)
{
	struct file *real = layerfs_real_file(file);

	if (IS_ERR(real))
		return PTR_ERR(real);
	if (!layerfs_upper(file_inode(file)))
		return 0;
	return layerfs_do_fsync_as_mounter(file, real, start, end, datasync);
}

static long layerfs_fallocate(struct file *file, int mode, loff_t offset,
			      loff_t len)
{
	struct inode *inode = file_inode(file);
	struct file *real = layerfs_real_file_locked(file);
	int err;

	if (IS_ERR(real))
		return PTR_ERR(real);
	err = file_remove_privs(file);
	if (!err)
		err = layerfs_do_fallocate_as_mounter(file, real, mode, offset,
						      len);
	layerfs_refresh_inode(inode);
	inode_unlock(inode);
	return err;
}

const struct file_operations layerfs_file_fops = {
	.open		= layerfs_open,
	.release	= layerfs_release,
	.llseek		= layerfs_llseek,
	.read_iter	= layerfs_read_iter,
	.write_iter	= layerfs_write_iter,
	.splice_read	= layerfs_splice_read,
	.splice_write	= layerfs_splice_write,
	.fallocate	= layerfs_fallocate,
	.mmap		= layerfs_mmap,
	.fadvise	= layerfs_fadvise,
	.fsync		= layerfs_fsync,
};

/* Lets open() accept O_DIRECT; the real file decides at I/O time. */
const struct address_space_operations layerfs_aops = {
	.direct_IO	= noop_direct_IO,
};
