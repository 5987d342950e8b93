/* SPDX-License-Identifier: GPL-2.0 */
/*
 * layerfs: every difference between the supported kernels, in one place.
 *
 * The HAVE_* macros come from feature probes on the kernel headers in
 * kmod/Kbuild; nothing here looks at the kernel version number. The rest
 * of the module calls the layerfs_compat_*() helpers (only the wrappers
 * in real_*.c do) and the macros below, and never tests a HAVE_* macro
 * itself, with one exception: the rename locking that newer kernels
 * have in start_renaming() is emulated for older ones in real_rename.c,
 * its only user. Nothing here calls a function of the module: what an
 * I/O helper reports back to the union file goes through the hooks of
 * struct layerfs_io, which the caller fills in.
 *
 * Locking: none; the helpers take what the VFS helpers they call take.
 */
#ifndef _LAYERFS_COMPAT_H
#define _LAYERFS_COMPAT_H

#include <linux/fs.h>
#include <linux/cred.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/uio.h>
#include <linux/mm.h>
#include <linux/splice.h>
#include <linux/posix_acl.h>
#include <linux/posix_acl_xattr.h>
#include <linux/xattr.h>
#include <linux/slab.h>
#ifdef HAVE_BACKING_FILE
#include <linux/backing-file.h>
#endif

/*
 * Idmapped mounts: the VFS passes a struct mnt_idmap where older kernels
 * pass the mount's struct user_namespace. "struct layerfs_idmap" names
 * whichever the running kernel uses.
 */
#ifdef HAVE_MNT_IDMAP
#define layerfs_idmap			mnt_idmap
#define LAYERFS_NOP_IDMAP		(&nop_mnt_idmap)
#define layerfs_mnt_idmap(mnt)		mnt_idmap(mnt)
#else
#define layerfs_idmap			user_namespace
#define LAYERFS_NOP_IDMAP		(&init_user_ns)
#define layerfs_mnt_idmap(mnt)		mnt_user_ns(mnt)
#endif

/*
 * Looking a name up in a real directory without a permission check:
 * lookup_noperm*() with a qstr, formerly lookup_one_len*() with the name.
 */
#ifdef HAVE_LOOKUP_NOPERM
#define layerfs_compat_lookup(name, base, len)				\
	lookup_noperm(&QSTR_LEN(name, len), base)
#define layerfs_compat_lookup_unlocked(name, base, len)			\
	lookup_noperm_unlocked(&QSTR_LEN(name, len), base)
#else
#define layerfs_compat_lookup(name, base, len)				\
	lookup_one_len(name, base, len)
#define layerfs_compat_lookup_unlocked(name, base, len)			\
	lookup_one_len_unlocked(name, base, len)
#endif

/*
 * The namespace helpers: newer kernels pass a struct delegated_inode *
 * to all of them (NULL: no NFS delegation to break), and vfs_create()
 * finds the parent from the dentry.
 */
#ifdef HAVE_DELEGATED_INODE
#define layerfs_compat_mknod(idmap, dir, dentry, mode, rdev)		\
	vfs_mknod(idmap, dir, dentry, mode, rdev, NULL)
#define layerfs_compat_symlink(idmap, dir, dentry, link)		\
	vfs_symlink(idmap, dir, dentry, link, NULL)
#define layerfs_compat_rmdir(idmap, dir, dentry)			\
	vfs_rmdir(idmap, dir, dentry, NULL)
#else
#define layerfs_compat_mknod(idmap, dir, dentry, mode, rdev)		\
	vfs_mknod(idmap, dir, dentry, mode, rdev)
#define layerfs_compat_symlink(idmap, dir, dentry, link)		\
	vfs_symlink(idmap, dir, dentry, link)
#define layerfs_compat_rmdir(idmap, dir, dentry)			\
	vfs_rmdir(idmap, dir, dentry)
#endif

#ifdef HAVE_VFS_CREATE_DENTRY
#define layerfs_compat_create(idmap, dir, dentry, mode)			\
	vfs_create(idmap, dentry, mode, NULL)
#else
#define layerfs_compat_create(idmap, dir, dentry, mode)			\
	vfs_create(idmap, dir, dentry, mode, true)
#endif

/*
 * vfs_mkdir() on a locked parent, old contract: 0 or an errno, @dir
 * still locked and the caller's reference to @dentry kept. Newer kernels
 * return the dentry the filesystem used, which may be another one (not
 * ours to use: -EIO, as for an unhashed one), and drop @dentry on
 * failure, the newest also the lock on @dir.
 */
#ifdef HAVE_MKDIR_DENTRY
#ifdef HAVE_END_CREATING
#define layerfs_mkdir_failed(dir)	inode_lock_nested(dir, I_MUTEX_PARENT)
#else
#define layerfs_mkdir_failed(dir)	do { } while (0)
#endif
static inline int layerfs_compat_mkdir(struct layerfs_idmap *idmap,
				       struct inode *dir,
				       struct dentry *dentry, umode_t mode)
{
	struct dentry *de;

	de = vfs_mkdir(idmap, dir, dget(dentry), mode, NULL);
	if (IS_ERR(de)) {
		layerfs_mkdir_failed(dir);
		return PTR_ERR(de);
	}
	dput(de);
	return de == dentry ? 0 : -EIO;
}
#else
static inline int layerfs_compat_mkdir(struct layerfs_idmap *idmap,
				       struct inode *dir,
				       struct dentry *dentry, umode_t mode)
{
	return vfs_mkdir(idmap, dir, dentry, mode);
}
#endif

/*
 * ->create and ->mkdir of the union directory: LAYERFS_DEFINE_CREATE and
 * LAYERFS_DEFINE_MKDIR define @fn_op with the kernel's prototype around
 * int @fn(idmap, dir, dentry, mode). Newer kernels dropped ->create's
 * "excl" (always true for a stacking filesystem's callers) and let
 * ->mkdir return the dentry it used (NULL: @dentry itself).
 */
#ifdef HAVE_CREATE_NO_EXCL
#define LAYERFS_DEFINE_CREATE(fn)					\
static int fn##_op(struct layerfs_idmap *idmap, struct inode *dir,		\
		struct dentry *dentry, umode_t mode)			\
{									\
	return fn(idmap, dir, dentry, mode);				\
}
#else
#define LAYERFS_DEFINE_CREATE(fn)					\
static int fn##_op(struct layerfs_idmap *idmap, struct inode *dir,		\
		struct dentry *dentry, umode_t mode, bool excl)		\
{									\
	return fn(idmap, dir, dentry, mode);				\
}
#endif

#ifdef HAVE_MKDIR_DENTRY
#define LAYERFS_DEFINE_MKDIR(fn)					\
static struct dentry *fn##_op(struct layerfs_idmap *idmap,		\
			   struct inode *dir, struct dentry *dentry,	\
			   umode_t mode)				\
{									\
	return ERR_PTR(fn(idmap, dir, dentry, mode));			\
}
#else
#define LAYERFS_DEFINE_MKDIR(fn)					\
static int fn##_op(struct layerfs_idmap *idmap, struct inode *dir,		\
		struct dentry *dentry, umode_t mode)			\
{									\
	return fn(idmap, dir, dentry, mode);				\
}
#endif

/*
 * ->d_revalidate: newer kernels pass the parent inode and a stable copy
 * of the name. LAYERFS_DEFINE_D_REVALIDATE defines @fn_op with the
 * kernel's prototype around int @fn(dentry, flags).
 * layerfs_compat_revalidate() asks a real dentry's own ->d_revalidate,
 * with its parent and a snapshot of its name where the kernel wants them.
 */
#ifdef HAVE_D_REVALIDATE_NAME
#define LAYERFS_DEFINE_D_REVALIDATE(fn)				\
static int fn##_op(struct inode *dir, const struct qstr *qname,		\
		struct dentry *dentry, unsigned int flags)		\
{									\
	return fn(dentry, flags);					\
}

static inline int layerfs_compat_revalidate(struct dentry *real,
					    unsigned int flags)
{
	struct name_snapshot n;
	struct dentry *parent;
	struct inode *dir;
	int ret;

	if (flags & LOOKUP_RCU) {
		parent = READ_ONCE(real->d_parent);
		dir = d_inode_rcu(parent);
		if (!dir)
			return -ECHILD;
	} else {
		parent = dget_parent(real);
		dir = d_inode(parent);
	}
	take_dentry_name_snapshot(&n, real);
	ret = real->d_op->d_revalidate(dir, &n.name, real, flags);
	release_dentry_name_snapshot(&n);
	if (!(flags & LOOKUP_RCU))
		dput(parent);
	return ret;
}
#else
#define LAYERFS_DEFINE_D_REVALIDATE(fn)				\
static int fn##_op(struct dentry *dentry, unsigned int flags)		\
{									\
	return fn(dentry, flags);					\
}

static inline int layerfs_compat_revalidate(struct dentry *real,
					    unsigned int flags)
{
	return real->d_op->d_revalidate(real, flags);
}
#endif

/*
 * Inodes: i_state through accessors (read without i_lock here: only
 * I_NEW, which iget5_locked() set for us); the ->drop_inode that never
 * caches an unused inode; the default dentry operations of a superblock.
 */
#ifdef HAVE_INODE_STATE_ACCESSORS
#define layerfs_inode_is_new(inode)	(inode_state_read_once(inode) & I_NEW)
#else
#define layerfs_inode_is_new(inode)	((inode)->i_state & I_NEW)
#endif

#ifdef HAVE_INODE_JUST_DROP
#define layerfs_drop_inode		inode_just_drop
#else
#define layerfs_drop_inode		generic_delete_inode
#endif

#ifdef HAVE_SET_DEFAULT_D_OP
#define layerfs_set_d_op(sb, ops)	set_default_d_op(sb, ops)
#else
#define layerfs_set_d_op(sb, ops)	((sb)->s_d_op = (ops))
#endif

/*
 * Freeze protection: newer kernels take it inside the write helpers
 * (vfs_iter_write(), do_splice_direct()); older ones expect the caller
 * to hold it, and taking it twice can deadlock against a freeze.
 */
#ifdef HAVE_FILE_WRITE_STARTED
static inline ssize_t layerfs_compat_splice_direct(struct file *in,
						   loff_t *ppos,
						   struct file *out,
						   loff_t *opos, size_t len)
{
	return do_splice_direct(in, ppos, out, opos, len, 0);
}
#else
static inline ssize_t layerfs_compat_splice_direct(struct file *in,
						   loff_t *ppos,
						   struct file *out,
						   loff_t *opos, size_t len)
{
	ssize_t ret;

	file_start_write(out);
	ret = do_splice_direct(in, ppos, out, opos, len, 0);
	file_end_write(out);
	return ret;
}
#endif

/*
 * ->d_real(): newer kernels ask for a kind of real dentry, older ones for
 * the real dentry that owns a given inode (NULL: the topmost one).
 */
#ifdef HAVE_D_REAL_TYPE
#define LAYERFS_D_REAL_ARG		enum d_real_type
static inline bool layerfs_d_real_match(enum d_real_type type,
					struct dentry *real)
{
	return true;
}

static inline bool layerfs_d_real_self(enum d_real_type type,
				       struct dentry *dentry)
{
	return false;
}
#else
#define LAYERFS_D_REAL_ARG		const struct inode *
static inline bool layerfs_d_real_match(const struct inode *inode,
					struct dentry *real)
{
	return !inode || inode == d_inode(real);
}

/* file_dentry() of a union file asks about the union inode itself */
static inline bool layerfs_d_real_self(const struct inode *inode,
				       struct dentry *dentry)
{
	return inode && inode == d_inode(dentry);
}
#endif

/*
 * getattr of a real object: newer kernels pass AT_GETATTR_NOSEC down a
 * stack when the security check was already made, and vfs_getattr()
 * refuses that flag.
 */
#ifdef AT_GETATTR_NOSEC
static inline int layerfs_compat_getattr(const struct path *path,
					 struct kstat *stat, u32 mask,
					 unsigned int flags)
{
	if (flags & AT_GETATTR_NOSEC)
		return vfs_getattr_nosec(path, stat, mask, flags);
	return vfs_getattr(path, stat, mask, flags);
}
#else
static inline int layerfs_compat_getattr(const struct path *path,
					 struct kstat *stat, u32 mask,
					 unsigned int flags)
{
	return vfs_getattr(path, stat, mask, flags);
}
#endif

/*
 * POSIX ACLs. Newer kernels keep them out of the xattr helpers: the VFS
 * asks a stacking filesystem for them with ->get_inode_acl (permission
 * checks), ->get_acl and ->set_acl (the getxattr and setxattr system
 * calls), and the real ones are read and written with vfs_get_acl(),
 * vfs_set_acl() and vfs_remove_acl(). Older kernels have one ->get_acl
 * for permission checks and pass ACL names through the xattr handlers,
 * which must come before a catch-all handler (they are searched in
 * order), and the real ACLs are plain xattrs there.
 */
#ifdef HAVE_GET_INODE_ACL
#define LAYERFS_ACL_IOPS					\
	.get_inode_acl	= layerfs_get_inode_acl,		\
	.get_acl	= layerfs_get_acl,			\
	.set_acl	= layerfs_set_acl
/* the VFS never hands ACL names to xattr handlers */
#define LAYERFS_XATTR_HANDLERS(catch_all)	catch_all
/* (so the ACL handlers never convert: posix_acl_to_xattr() allocates now) */
static inline int layerfs_compat_acl_to_xattr(const struct posix_acl *acl,
					      void *buffer, size_t size)
{
	return -EOPNOTSUPP;
}

static inline struct posix_acl *
layerfs_compat_get_acl(struct vfsmount *mnt, struct dentry *real, int type,
		       bool noperm)
{
	if (noperm)
		return get_inode_acl(d_inode(real), type);
	return vfs_get_acl(mnt_idmap(mnt), real, posix_acl_xattr_name(type));
}

static inline int layerfs_compat_set_acl(struct dentry *real, int type,
					 struct posix_acl *acl)
{
	const char *name = posix_acl_xattr_name(type);

	if (!acl)
		return vfs_remove_acl(&nop_mnt_idmap, real, name);
	return vfs_set_acl(&nop_mnt_idmap, real, name, acl);
}
#else
#define LAYERFS_ACL_IOPS					\
	.get_acl	= layerfs_get_inode_acl
/* searched in order: the ACL handlers before the catch-all */
#define LAYERFS_XATTR_HANDLERS(catch_all)			\
	&layerfs_acl_access_xattr_handler,			\
	&layerfs_acl_default_xattr_handler,			\
	catch_all

static inline int layerfs_compat_acl_to_xattr(const struct posix_acl *acl,
					      void *buffer, size_t size)
{
	return posix_acl_to_xattr(&init_user_ns, acl, buffer, size);
}

static inline struct posix_acl *
layerfs_compat_get_acl(struct vfsmount *mnt, struct dentry *real, int type,
		       bool noperm)
{
	return get_acl(d_inode(real), type);
}

static inline int layerfs_compat_set_acl(struct dentry *real, int type,
					 struct posix_acl *acl)
{
	const char *name = type == ACL_TYPE_ACCESS ?
			   XATTR_NAME_POSIX_ACL_ACCESS :
			   XATTR_NAME_POSIX_ACL_DEFAULT;
	size_t size;
	void *value;
	int err;

	if (!acl)
		return vfs_removexattr(&init_user_ns, real, name);
	size = posix_acl_xattr_size(acl->a_count);
	value = kmalloc(size, GFP_KERNEL);
	if (!value)
		return -ENOMEM;
	err = posix_acl_to_xattr(&init_user_ns, acl, value, size);
	if (err >= 0)
		err = vfs_setxattr(&init_user_ns, real, name, value, size, 0);
	kfree(value);
	return err;
}
#endif

/*
 * I/O on the real file of a union file: the credentials it runs with,
 * and what the union file learns of it (its atime after a read; size and
 * times after a write). real_file.c fills it in, so that nothing here
 * calls back into the module.
 */
struct layerfs_io {
	const struct cred *cred;
	void (*accessed)(struct file *file);
#ifdef HAVE_BACKING_FILE_KIOCB
	void (*end_write)(struct kiocb *iocb, ssize_t ret);
#else
	void (*end_write)(struct file *file, loff_t pos, ssize_t ret);
#endif
};

/*
 * LAYERFS_DEFINE_END_WRITE defines @fn_op, the end_write hook of struct
 * layerfs_io in the form the kernel's backing-file helpers call, around
 * void @fn(union file). Newer kernels pass the union file's kiocb.
 */
#ifdef HAVE_BACKING_FILE_KIOCB
#define LAYERFS_DEFINE_END_WRITE(fn)				\
static void fn##_op(struct kiocb *iocb, ssize_t ret)			\
{									\
	fn(iocb->ki_filp);						\
}
#else
#define LAYERFS_DEFINE_END_WRITE(fn)				\
static void fn##_op(struct file *file, loff_t pos, ssize_t ret)		\
{									\
	fn(file);							\
}
#endif

#ifdef HAVE_BACKING_FILE

/* The user-visible side of a backing file: a file or, earlier, a path. */
#ifdef HAVE_BACKING_FILE_USER_FILE
#define layerfs_backing_user(file)	(file)
#else
#define layerfs_backing_user(file)	(&(file)->f_path)
#endif

static inline struct file *
layerfs_compat_open_real(struct file *file, const struct path *realpath,
			 int flags, const struct cred *cred)
{
	return backing_file_open(layerfs_backing_user(file), flags, realpath,
				 cred);
}

/* The backing-file helpers switch credentials and call the io hooks. */
static inline struct backing_file_ctx
layerfs_backing_ctx(struct file *file, const struct layerfs_io *io)
{
	return (struct backing_file_ctx) {
		.cred		= io->cred,
#ifdef HAVE_BACKING_CTX_USER_FILE
		.user_file	= file,
#endif
		.accessed	= io->accessed,
		.end_write	= io->end_write,
	};
}

/* backing_file_read_iter() or backing_file_write_iter(), as @rw says */
static inline ssize_t
layerfs_backing_rw_iter(ssize_t (*rw)(struct file *real,
				      struct iov_iter *iter,
				      struct kiocb *iocb, int flags,
				      struct backing_file_ctx *ctx),
			struct file *real, struct kiocb *iocb,
			struct iov_iter *iter, const struct layerfs_io *io)
{
	struct backing_file_ctx ctx = layerfs_backing_ctx(iocb->ki_filp, io);

	return rw(real, iter, iocb, iocb->ki_flags, &ctx);
}

static inline ssize_t
layerfs_compat_read_iter(struct file *real, struct kiocb *iocb,
			 struct iov_iter *iter, const struct layerfs_io *io)
{
	return layerfs_backing_rw_iter(backing_file_read_iter, real, iocb,
				       iter, io);
}

static inline ssize_t
layerfs_compat_write_iter(struct file *real, struct kiocb *iocb,
			  struct iov_iter *iter, const struct layerfs_io *io)
{
	return layerfs_backing_rw_iter(backing_file_write_iter, real, iocb,
				       iter, io);
}

#ifdef HAVE_BACKING_FILE_KIOCB
/* the splice helpers take a kiocb of the union file at the position */
static inline ssize_t
layerfs_compat_splice_read(struct file *file, struct file *real,
			   loff_t *ppos, struct pipe_inode_info *pipe,
			   size_t len, unsigned int flags,
			   const struct layerfs_io *io)
{
	struct backing_file_ctx ctx = layerfs_backing_ctx(file, io);
	struct kiocb iocb;
	ssize_t ret;

	init_sync_kiocb(&iocb, file);
	iocb.ki_pos = *ppos;
	ret = backing_file_splice_read(real, &iocb, pipe, len, flags, &ctx);
	*ppos = iocb.ki_pos;
	return ret;
}

static inline ssize_t
layerfs_compat_splice_write(struct pipe_inode_info *pipe, struct file *file,
			    struct file *real, loff_t *ppos, size_t len,
			    unsigned int flags, const struct layerfs_io *io)
{
	struct backing_file_ctx ctx = layerfs_backing_ctx(file, io);
	struct kiocb iocb;
	ssize_t ret;

	init_sync_kiocb(&iocb, file);
	iocb.ki_pos = *ppos;
	ret = backing_file_splice_write(pipe, real, &iocb, len, flags, &ctx);
	*ppos = iocb.ki_pos;
	return ret;
}
#else
static inline ssize_t
layerfs_compat_splice_read(struct file *file, struct file *real,
			   loff_t *ppos, struct pipe_inode_info *pipe,
			   size_t len, unsigned int flags,
			   const struct layerfs_io *io)
{
	struct backing_file_ctx ctx = layerfs_backing_ctx(file, io);

	return backing_file_splice_read(real, ppos, pipe, len, flags, &ctx);
}

static inline ssize_t
layerfs_compat_splice_write(struct pipe_inode_info *pipe, struct file *file,
			    struct file *real, loff_t *ppos, size_t len,
			    unsigned int flags, const struct layerfs_io *io)
{
	struct backing_file_ctx ctx = layerfs_backing_ctx(file, io);

	return backing_file_splice_write(pipe, real, ppos, len, flags, &ctx);
}
#endif

static inline int layerfs_compat_mmap(struct file *file, struct file *real,
				      struct vm_area_struct *vma,
				      const struct layerfs_io *io)
{
	struct backing_file_ctx ctx = layerfs_backing_ctx(file, io);

	return backing_file_mmap(real, vma, &ctx);
}

#else /* !HAVE_BACKING_FILE */

/*
 * Without backing files the real file carries the union path in f_path
 * and the real inode in f_inode; ->d_real() maps the two back together.
 */
static inline struct file *
layerfs_compat_open_real(struct file *file, const struct path *realpath,
			 int flags, const struct cred *cred)
{
	return open_with_fake_path(&file->f_path, flags,
				   d_inode(realpath->dentry), cred);
}

static inline rwf_t layerfs_iocb_to_rwf(int ifl)
{
	rwf_t flags = 0;

	if (ifl & IOCB_NOWAIT)
		flags |= RWF_NOWAIT;
	if (ifl & IOCB_HIPRI)
		flags |= RWF_HIPRI;
	if (ifl & IOCB_DSYNC)
		flags |= RWF_DSYNC;
	if (ifl & IOCB_SYNC)
		flags |= RWF_SYNC;
	if (ifl & IOCB_APPEND)
		flags |= RWF_APPEND;
	return flags;
}

static inline ssize_t
layerfs_compat_read_iter(struct file *real, struct kiocb *iocb,
			 struct iov_iter *iter, const struct layerfs_io *io)
{
	const struct cred *old;
	ssize_t ret;

	if (!iov_iter_count(iter))
		return 0;
	if ((iocb->ki_flags & IOCB_DIRECT) &&
	    !(real->f_mode & FMODE_CAN_ODIRECT))
		return -EINVAL;
	/* asynchronous requests complete synchronously here */
	old = override_creds(io->cred);
	ret = vfs_iter_read(real, iter, &iocb->ki_pos,
			    layerfs_iocb_to_rwf(iocb->ki_flags));
	revert_creds(old);
	io->accessed(iocb->ki_filp);
	return ret;
}

static inline ssize_t
layerfs_compat_splice_read(struct file *file, struct file *real,
			   loff_t *ppos, struct pipe_inode_info *pipe,
			   size_t len, unsigned int flags,
			   const struct layerfs_io *io)
{
	const struct cred *old;
	ssize_t ret;

	old = override_creds(io->cred);
	ret = generic_file_splice_read(real, ppos, pipe, len, flags);
	revert_creds(old);
	io->accessed(file);
	return ret;
}

static inline ssize_t
layerfs_compat_write_iter(struct file *real, struct kiocb *iocb,
			  struct iov_iter *iter, const struct layerfs_io *io)
{
	struct file *file = iocb->ki_filp;
	const struct cred *old;
	ssize_t ret;

	if (!iov_iter_count(iter))
		return 0;
	ret = file_remove_privs(file);
	if (ret)
		return ret;
	if ((iocb->ki_flags & IOCB_DIRECT) &&
	    !(real->f_mode & FMODE_CAN_ODIRECT))
		return -EINVAL;
	/* asynchronous requests complete synchronously here */
	old = override_creds(io->cred);
	file_start_write(real);
	ret = vfs_iter_write(real, iter, &iocb->ki_pos,
			     layerfs_iocb_to_rwf(iocb->ki_flags));
	file_end_write(real);
	revert_creds(old);
	io->end_write(file, iocb->ki_pos, ret);
	return ret;
}

static inline ssize_t
layerfs_compat_splice_write(struct pipe_inode_info *pipe, struct file *file,
			    struct file *real, loff_t *ppos, size_t len,
			    unsigned int flags, const struct layerfs_io *io)
{
	const struct cred *old;
	ssize_t ret;

	ret = file_remove_privs(file);
	if (ret)
		return ret;
	old = override_creds(io->cred);
	file_start_write(real);
	ret = iter_file_splice_write(pipe, real, ppos, len, flags);
	file_end_write(real);
	revert_creds(old);
	io->end_write(file, *ppos, ret);
	return ret;
}

static inline int layerfs_compat_mmap(struct file *file, struct file *real,
				      struct vm_area_struct *vma,
				      const struct layerfs_io *io)
{
	const struct cred *old;
	int ret;

	if (WARN_ON_ONCE(vma->vm_file != file))
		return -EIO;
	vma_set_file(vma, real);
	old = override_creds(io->cred);
	ret = call_mmap(vma->vm_file, vma);
	revert_creds(old);
	io->accessed(file);
	return ret;
}

#endif /* HAVE_BACKING_FILE */

#endif /* _LAYERFS_COMPAT_H */
