// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: the wrappers for names in real directories.
 *
 * Owns the layerfs_do_*() wrappers (see util.c for the contract) that
 * look names up in real directories, make, link and remove upper
 * objects, ask a real filesystem's dentry operations, and encode and
 * decode the origin file handle of a copied-up file (renames have a
 * file of their own, real_rename.c). None switches credentials: the
 * caller runs them with the mounter's (the dentry operations with any).
 *
 * Locking: layerfs_do_lookup() takes the real parent's i_rwsem; every
 * other wrapper that changes a directory expects the caller to hold it,
 * and write access to the upper mount.
 */
#include <linux/namei.h>
#include <linux/xattr.h>
#include <linux/exportfs.h>
#include <linux/slab.h>
#include <linux/uuid.h>

#include "layerfs.h"

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
	struct dentry *d = layerfs_compat_lookup_unlocked(name, base, len);

	/* LAB 0.1 BEGIN: trace the lookup: pr_debug() of parent, name, result */
	pr_debug("lookup(%pd2, %.*s) = %d%s\n", base, len, name,
		 PTR_ERR_OR_ZERO(d),
		 !IS_ERR(d) && d_is_negative(d) ? " (negative)" : "");
	/* LAB 0.1 END */
	return d;
}

/**
 * layerfs_do_revalidate() - ask a real filesystem whether a dentry is valid
 * @real:  the real dentry
 * @flags: LOOKUP_* flags (LOOKUP_RCU in RCU walk mode)
 *
 * Context: any credentials; may be called in RCU walk mode.
 * Return: 1 valid, 0 invalid, or a negative errno (ECHILD: retry outside
 * RCU walk).
 */
int layerfs_do_revalidate(struct dentry *real, unsigned int flags)
{
	int ret = 1;

	if (real->d_flags & DCACHE_OP_REVALIDATE)
		ret = layerfs_compat_revalidate(real, flags);
	pr_debug("revalidate(%pd, %#x) = %d\n", real, flags, ret);
	return ret;
}

/**
 * layerfs_do_d_real() - the real dentry a stacked real dentry stands for
 * @real: a real dentry, possibly itself on a stacking filesystem
 * @arg:  what the VFS asks for (compat.h: LAYERFS_D_REAL_ARG)
 *
 * Return: the dentry the real filesystem's ->d_real() gives, or @real.
 */
struct dentry *layerfs_do_d_real(struct dentry *real, LAYERFS_D_REAL_ARG arg)
{
	struct dentry *d = d_real(real, arg);

	pr_debug("d_real(%pd) = %pd\n", real, d);
	return d;
}

/*
 * Namespace operations on the upper layer. The caller holds write access
 * to the upper mount (layerfs_do_want_write()) and the parent's i_rwsem, as
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
	struct dentry *d = layerfs_compat_lookup(name, base, len);

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
		err = layerfs_compat_create(idmap, dir, dentry, mode);
		break;
	case S_IFDIR:
		err = layerfs_compat_mkdir(idmap, dir, dentry, mode);
		break;
	case S_IFLNK:
		err = layerfs_compat_symlink(idmap, dir, dentry, link);
		break;
	default:
		err = layerfs_compat_mknod(idmap, dir, dentry, mode, rdev);
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
		err = layerfs_compat_rmdir(LAYERFS_NOP_IDMAP, dir, dentry);
	else
		err = vfs_unlink(LAYERFS_NOP_IDMAP, dir, dentry, NULL);
	pr_debug("remove(%pd2) = %d\n", dentry, err);
	dput(dentry);
	return err;
}

/*
 * Origin file handles: the trusted.overlay.origin value that ties a
 * copied-up file to the lower object it was copied from.
 */

/**
 * layerfs_do_encode_origin() - the trusted.overlay.origin value of an object
 * @lower: the lower object a copy-up starts from
 * @buf:   at least LAYERFS_ORIGIN_MAX bytes
 *
 * The value is overlayfs's on-disk file handle: a LAYERFS_FH_HDR-byte header
 * (version
 * 0, magic 0xfb, total length, flags, handle type, filesystem uuid)
 * followed by the filesystem's own handle, so overlayfs reads it too.
 *
 * Return: the value length, or a negative errno when the lower
 * filesystem cannot encode file handles.
 */
int layerfs_do_encode_origin(struct dentry *lower, u8 *buf)
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
static struct layerfs_layer *layerfs_origin_layer(struct layerfs_fs *lfs,
						  const uuid_t *uuid)
{
	struct layerfs_layer *found = NULL;
	unsigned int i;

	if (uuid_is_null(uuid))
		return NULL;
	for (i = 1; i <= lfs->numlower; i++) {
		struct layerfs_layer *layer = &lfs->layers[i];

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
 * @lfs:    the mount
 * @upper:  an upper non-directory
 * @origin: result: the origin (a reference is held) and a lower layer on
 *          its filesystem; origin->dentry is NULL when there is none
 *
 * Decodes the file handle of @upper's trusted.overlay.origin (written by
 * layerfs_do_encode_origin() or by overlayfs) on the lower filesystem its
 * uuid names, wherever the file now is. A missing, malformed or stale
 * handle, or one that names an object of another type, is no origin.
 *
 * Context: mounter's credentials.
 * Return: 0, or -ENOMEM.
 */
int layerfs_do_decode_origin(struct layerfs_fs *lfs, struct dentry *upper,
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
	layer = layerfs_origin_layer(lfs, &uuid);
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
