// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: copy-up.
 *
 * Owns layerfs_copy_up(): before anything changes an object that lives
 * only in the lowers, the object is rebuilt in the upper layer. The copy
 * is built as a temporary object in W/work/ (work.c): data with its
 * holes, flushed to disk; xattrs without the private ones, the overlayfs
 * origin handle; owner, mode and times. It is renamed into the upper
 * directory only when complete, so a crash never leaves a partial object
 * visible (the next mount empties W/work/). Parents are copied before
 * their children, each with its own metadata.
 *
 * Locking: the union inode's mutex serialises copy-up of that inode; the
 * upper dentry is published with a release store and read with an
 * acquire load (layerfs_upper()), and never changes afterwards. Under
 * that mutex, work.c takes W/work/'s and the upper parent's locks, and
 * layerfs_dir_forget_listing() the union parent's i_lock. Data
 * is copied without write access to the upper mount held, as the newer
 * kernels' copy helpers take freeze protection themselves; the rest of
 * the copy holds it.
 */
#include <linux/slab.h>
#include <linux/xattr.h>
#include <linux/mount.h>
#include <linux/cred.h>
#include <linux/posix_acl.h>

#include "layerfs.h"

/* Copy the data of @lower into @tmp, keeping holes. */
static int layerfs_copy_data(struct layerfs_fs *lfs, struct path *lower,
			     struct dentry *tmp, loff_t size)
{
	struct path upath = { .mnt = layerfs_upper_mnt(lfs), .dentry = tmp };
	struct file *in, *out;
	/* LAB 4.2 BEGIN: the copy's position, data and hole offsets, bytes copied */
	loff_t pos = 0, data, hole;
	ssize_t n;
	/* LAB 4.2 END */
	int err;

	in = layerfs_do_open(lower, O_RDONLY);
	if (IS_ERR(in))
		return PTR_ERR(in);
	out = layerfs_do_open(&upath, O_WRONLY);
	err = PTR_ERR(out);
	if (IS_ERR(out))
		goto out_in;

	/* LAB 4.2 BEGIN: copy data segments (SEEK_DATA/SEEK_HOLE) with layerfs_do_copy_range() */
	err = 0;
	while (pos < size) {
		data = layerfs_do_llseek(in, pos, SEEK_DATA);
		if (data == -ENXIO)
			break;
		if (data < 0)
			data = pos;	/* no hole support: copy it all */
		hole = layerfs_do_llseek(in, data, SEEK_HOLE);
		if (hole < 0 || hole > size)
			hole = size;
		pos = data;
		while (pos < hole) {
			n = layerfs_do_copy_range(in, &pos, out,
						  min_t(loff_t, hole - pos,
							SZ_1M));
			if (n <= 0) {
				err = n ? n : -EIO;
				goto out_out;
			}
			if (fatal_signal_pending(current)) {
				err = -EINTR;
				goto out_out;
			}
		}
	}
	/* LAB 4.2 END */
	/*
	 * The data must be on disk before the rename publishes the copy:
	 * otherwise a crash could leave the new name with a short or empty
	 * file (delayed allocation on ext4 and xfs).
	 */
	/* LAB 4.3 BEGIN: the data on disk before the rename publishes the copy */
	err = layerfs_do_fsync(out, 0);
	/* LAB 4.3 END */
out_out:
	fput(out);
out_in:
	fput(in);
	return err;
}

/*
 * Copy a POSIX ACL as an ACL: newer kernels do not pass ACL names
 * through the xattr helpers.
 */
static int layerfs_copy_acl(struct layerfs_path *lp, struct dentry *tmp,
			    int type)
{
	struct posix_acl *acl = layerfs_do_get_acl(lp, type, false);
	int err;

	if (!acl || PTR_ERR(acl) == -EOPNOTSUPP)
		return 0;
	if (IS_ERR(acl))
		return PTR_ERR(acl);
	err = layerfs_do_set_acl(tmp, type, acl);
	posix_acl_release(acl);
	/* an upper filesystem without ACLs gets the mode alone */
	return err == -EOPNOTSUPP ? 0 : err;
}

/* a value that keeps changing size between two reads gives up */
#define LAYERFS_XATTR_TRIES	3

/*
 * Read the value of xattr @name of @lp into *@value, a kvmalloc()ed
 * buffer of *@size bytes (NULL, 0 at first), made larger when the size
 * query asks for it.
 */
static ssize_t layerfs_read_xattr(struct layerfs_path *lp, const char *name,
				  void **value, size_t *size)
{
	unsigned int tries;
	ssize_t len;
	void *buf;

	for (tries = 0; tries < LAYERFS_XATTR_TRIES; tries++) {
		len = layerfs_do_getxattr(lp, name, NULL, 0);
		if (len <= 0)
			return len;
		if (len > XATTR_SIZE_MAX)
			return -E2BIG;
		if (len > *size) {
			buf = kvmalloc(len, GFP_KERNEL);
			if (!buf)
				return -ENOMEM;
			kvfree(*value);
			*value = buf;
			*size = len;
		}
		len = layerfs_do_getxattr(lp, name, *value, *size);
		/* ERANGE: it grew since the size query */
		if (len != -ERANGE)
			return len;
	}
	return -ERANGE;
}

/* Copy the xattrs users can see (ACLs included), and record the origin. */
static int layerfs_copy_xattrs(struct layerfs_path *lp, struct dentry *tmp)
{
	struct dentry *lower = lp->dentry;
	ssize_t len, vlen;
	char *names, *s;
	int err = 0, type;
	void *value = NULL;
	size_t vsize = 0;
	u8 *origin;

	len = layerfs_do_listxattr(lower, NULL, 0);
	if (len == -EOPNOTSUPP)
		len = 0;
	if (len < 0)
		return len;
	names = kvmalloc(len + 1, GFP_KERNEL);
	origin = kmalloc(LAYERFS_ORIGIN_MAX, GFP_KERNEL);
	err = -ENOMEM;
	if (!names || !origin)
		goto out_free;
	len = len ? layerfs_do_listxattr(lower, names, len) : 0;
	err = len;
	if (len < 0)
		goto out_free;
	/* a last name without its terminator ends here */
	names[len] = '\0';
	err = 0;
	for (s = names; s < names + len; s += strlen(s) + 1) {
		if (layerfs_is_private_xattr(s))
			continue;
		type = layerfs_acl_type(s);
		if (type >= 0) {
			err = layerfs_copy_acl(lp, tmp, type);
			if (err)
				break;
			continue;
		}
		vlen = layerfs_read_xattr(lp, s, &value, &vsize);
		if (vlen == -ENODATA || vlen == -EOPNOTSUPP)
			continue;
		err = vlen;
		if (vlen < 0)
			break;
		/* an empty value is a value, not a removal */
		err = layerfs_do_setxattr(tmp, s, vlen ? value : "", vlen, 0);
		/* names the upper cannot hold (e.g. some security ones) */
		if (err == -EOPNOTSUPP)
			err = 0;
		if (err)
			break;
	}
	if (!err) {
		len = layerfs_do_encode_origin(lower, origin);
		if (len > 0)
			err = layerfs_do_setxattr(tmp, LAYERFS_XATTR_ORIGIN,
						  origin, len, 0);
		if (err == -EOPNOTSUPP)
			err = 0;
	}
out_free:
	kfree(origin);
	kvfree(value);
	kvfree(names);
	return err;
}

/* Owner, then mode (chown may clear set-id bits), then size and times. */
static int layerfs_copy_stat(struct dentry *tmp, struct kstat *st, bool trunc)
{
	struct iattr attr = {
		.ia_valid = ATTR_UID | ATTR_GID,
		.ia_uid = st->uid,
		.ia_gid = st->gid,
	};
	int err;

	err = layerfs_do_setattr(tmp, &attr);
	if (err)
		return err;
	if (!S_ISLNK(st->mode)) {
		attr.ia_valid = ATTR_MODE;
		attr.ia_mode = st->mode;
		err = layerfs_do_setattr(tmp, &attr);
		if (err)
			return err;
	}
	if (S_ISREG(st->mode) && !trunc &&
	    i_size_read(d_inode(tmp)) != st->size) {
		attr.ia_valid = ATTR_SIZE;
		attr.ia_size = st->size;
		err = layerfs_do_setattr(tmp, &attr);
		if (err)
			return err;
	}
	attr.ia_valid = ATTR_ATIME | ATTR_MTIME | ATTR_ATIME_SET |
			ATTR_MTIME_SET;
	attr.ia_atime = st->atime;
	attr.ia_mtime = st->mtime;
	return layerfs_do_setattr(tmp, &attr);
}

/* Make the temporary copy of @lp in W/work/. */
static struct dentry *layerfs_copy_build(struct layerfs_fs *lfs,
					 struct layerfs_path *lp,
					 struct kstat *st,
					 struct super_block *sb, bool trunc)
{
	struct path lower = { .mnt = lp->layer->mnt, .dentry = lp->dentry };
	DEFINE_DELAYED_CALL(done);
	const char *link = NULL;
	struct dentry *tmp;
	umode_t mode;
	int err;

	if (S_ISLNK(st->mode)) {
		link = layerfs_do_get_link(lp->dentry, &done);
		if (IS_ERR(link))
			return ERR_CAST(link);
	}
	/* created private to the mounter; attributes come last */
	mode = S_ISREG(st->mode) || S_ISDIR(st->mode) ?
	       (st->mode & S_IFMT) | 0700 : st->mode;
	err = layerfs_do_want_write(sb);
	if (err) {
		do_delayed_call(&done);
		return ERR_PTR(err);
	}
	tmp = layerfs_work_create(lfs, mode, st->rdev, link, NULL);
	layerfs_do_drop_write(sb);
	do_delayed_call(&done);
	if (IS_ERR(tmp))
		return tmp;

	err = 0;
	if (S_ISREG(st->mode) && !trunc)
		err = layerfs_copy_data(lfs, &lower, tmp, st->size);
	if (!err)
		err = layerfs_do_want_write(sb);
	if (err)
		goto out_drop;
	err = layerfs_copy_xattrs(lp, tmp);
	if (!err)
		err = layerfs_copy_stat(tmp, st, trunc);
	layerfs_do_drop_write(sb);
	if (err)
		goto out_drop;
	return tmp;

out_drop:
	layerfs_work_remove_own_write(sb, tmp);
	return ERR_PTR(err);
}

/*
 * Rename the finished copy to its name in the upper parent, leaving the
 * parent's times as they were.
 */
static int layerfs_copy_publish(struct layerfs_fs *lfs, struct dentry *tmp,
				struct dentry *udir, const struct qstr *name)
{
	struct path pp = { .mnt = layerfs_upper_mnt(lfs), .dentry = udir };
	struct iattr times = {};
	struct kstat pst;
	int err;

	if (!layerfs_do_getattr(&pp, &pst, STATX_ATIME | STATX_MTIME,
				AT_STATX_SYNC_AS_STAT)) {
		times.ia_valid = ATTR_ATIME | ATTR_MTIME | ATTR_ATIME_SET |
				 ATTR_MTIME_SET;
		times.ia_atime = pst.atime;
		times.ia_mtime = pst.mtime;
	}
	err = layerfs_work_publish(lfs, tmp, udir, name);
	/* best effort, as the parent's times are not part of the copy */
	if (!err && times.ia_valid)
		layerfs_do_setattr(udir, &times);
	return err;
}

/* Copy up @dentry, whose parent already has an upper directory. */
static int layerfs_copy_up_one(struct dentry *parent, struct dentry *dentry,
			       int flags)
{
	struct super_block *sb = dentry->d_sb;
	struct layerfs_fs *lfs = LAYERFS_FS(sb);
	struct inode *inode = d_inode(dentry);
	struct layerfs_inode *li = LAYERFS_I(inode);
	struct dentry *udir = layerfs_upper(d_inode(parent));
	struct dentry *tmp;
	const struct cred *old;
	struct path lower;
	struct kstat st;
	int err;

	if (WARN_ON_ONCE(!udir || !li->numlower))
		return -EIO;

	mutex_lock(&li->lock);
	err = 0;
	if (layerfs_upper(inode))
		goto out_unlock;
	/* removed or replaced while this copy-up waited for the lock */
	err = -ENOENT;
	if (!inode->i_nlink)
		goto out_unlock;

	lower.mnt = li->lower[0].layer->mnt;
	lower.dentry = li->lower[0].dentry;
	old = layerfs_override_creds(sb);
	err = layerfs_do_getattr(&lower, &st, STATX_BASIC_STATS,
				 AT_STATX_SYNC_AS_STAT);
	if (err)
		goto out_revert;
	tmp = layerfs_copy_build(lfs, &li->lower[0], &st, sb,
				 S_ISREG(st.mode) && (flags & O_TRUNC));
	err = PTR_ERR(tmp);
	if (IS_ERR(tmp))
		goto out_revert;

	err = layerfs_do_want_write(sb);
	if (!err) {
		err = layerfs_copy_publish(lfs, tmp, udir, &dentry->d_name);
		if (err)
			layerfs_work_remove(lfs, tmp);
		layerfs_do_drop_write(sb);
	} else {
		dput(tmp);
	}
	if (!err) {
		/*
		 * The temporary dentry now carries the final name; publish
		 * it only now that the copy is complete (pairs with the
		 * acquire load in layerfs_upper()).
		 */
		smp_store_release(&li->upper, tmp);
		layerfs_rehash(inode);
		layerfs_refresh_inode(inode);
		/* a file of several links lists with a new inode number */
		layerfs_dir_forget_listing(d_inode(parent));
	}
out_revert:
	layerfs_revert_creds(old);
out_unlock:
	mutex_unlock(&li->lock);
	return err;
}

/**
 * layerfs_copy_up_flags() - make sure an object exists in the upper layer
 * @dentry: the union dentry
 * @flags:  open flags; O_TRUNC skips copying the data of a regular file
 *
 * Copies up every ancestor that is not yet in the upper layer, from the
 * top down, then @dentry itself.
 *
 * Context: process context; takes the union inodes' mutexes, one at a
 * time, and the upper and work directories' locks.
 * Return: 0 or a negative errno (EROFS without an upper layer).
 */
int layerfs_copy_up_flags(struct dentry *dentry, int flags)
{
	int err = 0;

	if (!layerfs_upper_mnt(LAYERFS_FS(dentry->d_sb)))
		return -EROFS;
	while (!err && !layerfs_upper(d_inode(dentry))) {
		struct dentry *next = dget(dentry);
		struct dentry *parent;

		/* the topmost ancestor that is not yet in the upper layer */
		for (;;) {
			parent = dget_parent(next);
			if (layerfs_upper(d_inode(parent)))
				break;
			dput(next);
			next = parent;
		}
		err = layerfs_copy_up_one(parent, next,
					  next == dentry ? flags : 0);
		dput(parent);
		dput(next);
	}
	return err;
}

/**
 * layerfs_copy_up() - copy up with data
 * @dentry: the union dentry
 *
 * Return: 0 or a negative errno.
 */
int layerfs_copy_up(struct dentry *dentry)
{
	return layerfs_copy_up_flags(dentry, 0);
}
