/* SPDX-License-Identifier: GPL-2.0 */
/*
 * layerfs: a union of read-only lower directories under one writable upper.
 *
 * The private header: core types, accessors and the prototypes shared
 * between the files of the module, grouped by the file that defines them.
 * compat.h, included first, holds the kernel-version differences: types,
 * macros and static inline helpers for the wrappers of real_*.c; it
 * calls nothing of the module's own.
 */
#ifndef _LAYERFS_H
#define _LAYERFS_H

#undef pr_fmt
#define pr_fmt(fmt) "layerfs: " fmt

#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/mutex.h>
#include <linux/path.h>
#include <linux/exportfs.h>

#include "compat.h"

#define LAYERFS_MAGIC		0x4c415946	/* "LAYF" */

/* Most lower layers one mount may stack (documented in layerfs.rst). */
#define LAYERFS_MAX_LOWER	1024

/* The overlayfs on-disk namespace for private metadata. */
#define LAYERFS_XATTR_PREFIX	"trusted.overlay."
#define LAYERFS_XATTR_OPAQUE	LAYERFS_XATTR_PREFIX "opaque"
#define LAYERFS_XATTR_ORIGIN	LAYERFS_XATTR_PREFIX "origin"
/*
 * The origin value is overlayfs's file handle: a header (version, magic,
 * length, flags, handle type, filesystem uuid; see real_namei.c) and the
 * filesystem's own handle, at most MAX_HANDLE_SZ bytes.
 */
#define LAYERFS_FH_HDR		21
#define LAYERFS_ORIGIN_MAX	(LAYERFS_FH_HDR + MAX_HANDLE_SZ)

/**
 * struct layerfs_layer - one layer of a mount
 * @mnt:  private clone of the mount the layer directory lives on, rooted
 *        at that directory; every real path of the layer uses it
 * @idx:  0 for the upper layer, 1..n for the lowers from the top down
 * @fsid: index of the layer's filesystem among the distinct filesystems
 *        of the mount, in order of first appearance; goes into the high
 *        bits of inode numbers (see inode.c)
 */
struct layerfs_layer {
	struct vfsmount *mnt;
	unsigned int idx;
	unsigned int fsid;
};

/**
 * struct layerfs_fs - per-mount state, sb->s_fs_info
 * @layers:    layers[0] is the upper (mnt NULL without one), then the
 *             lowers from the top down
 * @mnts:      the same mounts as an array, for kern_unmount_array()
 * @numlower:  number of lower layers
 * @numfs:     number of distinct filesystems among the layers
 * @immutable: the lowers never change while mounted (immutable_lowers):
 *             directories keep an index of their lowers (readdir.c)
 * @xino_bits: high bits of st_ino that hold the fsid (0: single fs)
 * @creds:     the mounter's credentials, used for every layer access
 * @lowerdirs: the lower paths as given, for show_options
 * @numlowerdirs: entries of @lowerdirs (set before the layers are, so a
 *             mount that fails half-way still frees every name)
 * @namelen:   shortest name length limit among the layers
 * @workdir:   W/work on the upper filesystem, NULL without an upper
 * @upperdir:  the upperdir as given, for show_options
 * @workname:  the workdir as given, for show_options
 * @inuse:     the directories this mount registered as in use
 */
struct layerfs_fs {
	struct layerfs_layer *layers;
	struct vfsmount **mnts;
	unsigned int numlower;
	unsigned int numfs;
	bool immutable;
	unsigned int xino_bits;
	const struct cred *creds;
	char **lowerdirs;
	unsigned int numlowerdirs;
	long namelen;
	struct dentry *workdir;
	char *upperdir;
	char *workname;
	struct inode *inuse[2];
};

static inline struct vfsmount *layerfs_upper_mnt(struct layerfs_fs *lfs)
{
	return lfs->layers[0].mnt;
}

/**
 * struct layerfs_path - a real dentry and the layer it belongs to
 * @layer:  the layer
 * @dentry: the real dentry (a reference is held)
 */
struct layerfs_path {
	struct layerfs_layer *layer;
	struct dentry *dentry;
};

struct layerfs_dir_cache;

/**
 * struct layerfs_inode - a union inode
 * @upper:    the real dentry in the upper layer, NULL while the object
 *            lives only in the lowers
 * @numlower: entries in @lower
 * @lower:    the lower stack, topmost first; for a non-directory at most
 *            one entry, for a directory every layer that contributes
 * @reval:    a real dentry of @lower has a filesystem that revalidates
 *            its dentries (network, FUSE): every walk asks (namei.c)
 * @index:    a directory's merged lowers, with immutable lowers only:
 *            NULL until built, an error pointer when it never will be
 *            (readdir.c)
 * @listing:  a directory's merged listing, with immutable lowers only:
 *            NULL until built and after a change (readdir.c)
 * @listing_gen: counts the changes that dropped @listing; both under
 *            the VFS inode's i_lock
 * @nlink:    cached link count of a merged directory, 0 until counted
 * @lock:     serialises changes of @upper (copy-up) and @nlink counting
 * @vfs_inode: the VFS inode; i_private holds the real inode the union
 *            inode is hashed by
 *
 * @lower, @numlower and @reval are set before the inode is unlocked and never
 * change afterwards.
 */
struct layerfs_inode {
	struct dentry *upper;
	unsigned int numlower;
	struct layerfs_path *lower;
	bool reval;
	struct layerfs_dir_cache *index;
	struct layerfs_dir_cache *listing;
	unsigned int listing_gen;
	unsigned int nlink;
	struct mutex lock;	/* see @lock above */
	struct inode vfs_inode;
};

static inline struct layerfs_fs *LAYERFS_FS(struct super_block *sb)
{
	return sb->s_fs_info;
}

static inline struct layerfs_inode *LAYERFS_I(struct inode *inode)
{
	return container_of(inode, struct layerfs_inode, vfs_inode);
}

/* A whiteout: a character device 0:0 in a layer. */
static inline bool layerfs_is_whiteout(struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);

	return inode && IS_WHITEOUT(inode);
}

/* The upper dentry, once copy-up has published it. */
static inline struct dentry *layerfs_upper(struct inode *inode)
{
	/* pairs with the release store in copy-up: the copy is complete */
	return smp_load_acquire(&LAYERFS_I(inode)->upper);
}

/* A directory is merged when more than one layer contributes to it. */
static inline bool layerfs_is_merged(struct inode *inode)
{
	struct layerfs_inode *li = LAYERFS_I(inode);

	return li->numlower + (layerfs_upper(inode) ? 1 : 0) > 1;
}

/* super.c */
extern struct file_system_type layerfs_fs_type;
int layerfs_get_tree(struct fs_context *fc);
int layerfs_reconfigure(struct fs_context *fc);

/* params.c */
int layerfs_init_fs_context(struct fs_context *fc);

/**
 * struct layerfs_config - the parsed mount options, fc->fs_private
 * @lower:     resolved lower paths, topmost first
 * @lowername: the lower paths as given
 * @numlower:  number of lower paths
 * @upper:     resolved upperdir (dentry NULL if not given)
 * @work:      resolved workdir (dentry NULL if not given)
 * @uppername: upperdir as given
 * @workname:  workdir as given
 * @immutable: immutable_lowers was given
 */
struct layerfs_config {
	struct path *lower;
	char **lowername;
	unsigned int numlower;
	struct path upper;
	struct path work;
	char *uppername;
	char *workname;
	bool immutable;
};

/**
 * struct layerfs_renaming - a rename in the upper layer (real_rename.c)
 * @old_parent: the real source parent, filled in by the caller
 * @new_parent: the real target parent, filled in by the caller
 * @flags:      RENAME_EXCHANGE (the target must exist) or
 *              RENAME_NOREPLACE (it must not), for the start's checks
 * @old:        the source, found by the start and held until its end
 * @new:        the target (maybe negative), likewise
 */
struct layerfs_renaming {
	struct dentry *old_parent;
	struct dentry *new_parent;
	unsigned int flags;
	struct dentry *old;
	struct dentry *new;
};

int layerfs_config_validate(struct fs_context *fc);

/* namei.c */
extern const struct dentry_operations layerfs_dentry_ops;
struct dentry *layerfs_lookup(struct inode *dir, struct dentry *dentry,
			      unsigned int flags);

/* dir.c */
extern const struct inode_operations layerfs_dir_iops;

/* inode.c */
struct inode *layerfs_get_inode(struct super_block *sb, struct dentry *upper,
				struct layerfs_path *stack, unsigned int num);
void layerfs_put_stack(struct layerfs_path *stack, unsigned int num);
u64 layerfs_map_ino(struct layerfs_fs *lfs, const struct layerfs_layer *layer,
		    u64 ino);
u64 layerfs_ino(struct layerfs_fs *lfs, struct dentry *upper,
		const struct layerfs_path *origin);
void layerfs_rehash(struct inode *inode);
struct layerfs_path layerfs_top(struct inode *inode);
void layerfs_real_path(struct inode *inode, struct path *path);
struct dentry *layerfs_real_dentry(struct inode *inode);
void layerfs_refresh_inode(struct inode *inode);
int layerfs_change_upper(struct dentry *dentry, int copy_flags,
			 int (*change)(struct dentry *upper, void *arg),
			 void *arg);
int layerfs_permission(struct layerfs_idmap *idmap, struct inode *inode,
		       int mask);
int layerfs_setattr(struct layerfs_idmap *idmap, struct dentry *dentry,
		    struct iattr *attr);
int layerfs_getattr(struct layerfs_idmap *idmap, const struct path *path,
		    struct kstat *stat, u32 request_mask, unsigned int flags);

/* xattr.c */
ssize_t layerfs_listxattr(struct dentry *dentry, char *list, size_t size);
extern const struct xattr_handler *layerfs_xattr_handlers[];
struct posix_acl *layerfs_get_inode_acl(struct inode *inode, int type,
					bool rcu);
struct posix_acl *layerfs_get_acl(struct layerfs_idmap *idmap,
				  struct dentry *dentry, int type);
int layerfs_set_acl(struct layerfs_idmap *idmap, struct dentry *dentry,
		    struct posix_acl *acl, int type);

/* file.c */
extern const struct file_operations layerfs_file_fops;
extern const struct address_space_operations layerfs_aops;

/* readdir.c */
extern const struct file_operations layerfs_dir_fops;
unsigned int layerfs_dir_nlink(struct dentry *dentry);
int layerfs_dir_check_empty(struct dentry *dentry);
void layerfs_dir_changed(struct inode *dir);
int layerfs_index_first(struct inode *dir, const struct qstr *name);
void layerfs_dir_forget_listing(struct inode *dir);
void layerfs_dir_free_caches(struct layerfs_inode *li);

/* copy_up.c */
int layerfs_copy_up(struct dentry *dentry);
int layerfs_copy_up_flags(struct dentry *dentry, int flags);

/* work.c */
int layerfs_work_setup(struct fs_context *fc, struct super_block *sb,
		       struct dentry *wdir);
struct dentry *layerfs_work_create(struct layerfs_fs *lfs, umode_t mode,
				   dev_t rdev, const char *link,
				   struct dentry *old);
int layerfs_work_remove(struct layerfs_fs *lfs, struct dentry *tmp);
void layerfs_work_remove_own_write(struct super_block *sb, struct dentry *tmp);
int layerfs_cleanup_dir(struct layerfs_fs *lfs, struct dentry *dir,
			int level);
int layerfs_exchange_whiteout(struct layerfs_renaming *rn, bool keep);
struct dentry *layerfs_create_via_work(struct dentry *dentry,
				       struct dentry *udir, struct dentry *wh,
				       umode_t mode, dev_t rdev,
				       const char *link, struct dentry *old);
int layerfs_work_publish(struct layerfs_fs *lfs, struct dentry *tmp,
			 struct dentry *udir, const struct qstr *name);
int layerfs_remove_via_work(struct layerfs_fs *lfs, struct dentry *udir,
			    const struct qstr *name, struct inode *real,
			    bool whiteout);

/*
 * The layerfs_do_*() wrappers: every call into a real filesystem (see
 * util.c). The *_as_mounter() ones switch to the mounter's credentials
 * themselves; the others run with their caller's.
 */

/* util.c */
const struct cred *layerfs_override_creds(struct super_block *sb);
void layerfs_revert_creds(const struct cred *old);
bool layerfs_is_private_xattr(const char *name);
int layerfs_acl_type(const char *name);
int layerfs_do_statfs(const struct path *path, struct kstatfs *buf);
int layerfs_do_sync_fs(struct super_block *sb);
int layerfs_do_want_write(struct super_block *sb);
void layerfs_do_drop_write(struct super_block *sb);

/* real_namei.c */
struct dentry *layerfs_do_lookup(struct dentry *base, const char *name,
				 int len);
int layerfs_do_revalidate(struct dentry *real, unsigned int flags);
struct dentry *layerfs_do_d_real(struct dentry *real, LAYERFS_D_REAL_ARG arg);
struct dentry *layerfs_do_lookup_locked(struct dentry *base, const char *name,
					int len);
int layerfs_do_create(struct inode *dir, struct dentry *dentry, umode_t mode,
		      dev_t rdev, const char *link);
int layerfs_do_whiteout(struct inode *dir, struct dentry *dentry);
int layerfs_do_link(struct dentry *old, struct inode *dir, struct dentry *new);
int layerfs_do_remove(struct inode *dir, struct dentry *dentry);
/* real_rename.c */
int layerfs_do_start_rename(struct layerfs_renaming *rn,
			    const struct qstr *oldname,
			    const struct qstr *newname);
int layerfs_do_start_rename_dentry(struct layerfs_renaming *rn,
				   struct dentry *old,
				   const struct qstr *newname);
int layerfs_do_start_rename_two(struct layerfs_renaming *rn,
				struct dentry *old, struct dentry *new);
void layerfs_do_end_rename(struct layerfs_renaming *rn);
int layerfs_do_rename(struct layerfs_renaming *rn, unsigned int flags);
int layerfs_do_encode_origin(struct dentry *lower, u8 *buf);
int layerfs_do_decode_origin(struct layerfs_fs *lfs, struct dentry *upper,
			     struct layerfs_path *origin);

/* real_inode.c */
bool layerfs_do_is_opaque(struct layerfs_path *p);
int layerfs_do_set_opaque(struct dentry *dentry);
int layerfs_do_getattr(const struct path *path, struct kstat *stat,
		       u32 mask, unsigned int flags);
int layerfs_do_permission(struct layerfs_path *p, int mask);
ssize_t layerfs_do_getxattr(struct layerfs_path *p, const char *name,
			    void *value, size_t size);
struct posix_acl *layerfs_do_get_acl(struct layerfs_path *p, int type,
				     bool noperm);
struct posix_acl *layerfs_do_get_cached_acl(struct inode *inode, int type);
int layerfs_do_set_acl(struct dentry *dentry, int type, struct posix_acl *acl);
ssize_t layerfs_do_listxattr(struct dentry *dentry, char *list, size_t size);
const char *layerfs_do_get_link(struct dentry *dentry,
				struct delayed_call *done);
int layerfs_do_setattr(struct dentry *dentry, struct iattr *attr);
int layerfs_do_setxattr(struct dentry *dentry, const char *name,
			const void *value, size_t size, int flags);

/* real_file.c */
struct file *layerfs_do_open_dir(const struct path *path,
				 const struct cred *cred);
int layerfs_do_iterate(struct file *dir, struct dir_context *ctx);
struct file *layerfs_do_open(const struct path *path, int flags);
loff_t layerfs_do_llseek(struct file *real, loff_t offset, int whence);
ssize_t layerfs_do_copy_range(struct file *in, loff_t *pos, struct file *out,
			      size_t len);
int layerfs_do_fsync(struct file *real, int datasync);
int layerfs_do_check_flags(struct file *real, unsigned int flags);
struct file *layerfs_do_open_as_mounter(struct file *file,
					const struct path *realpath,
					int flags);
ssize_t layerfs_do_read_iter_as_mounter(struct file *real, struct kiocb *iocb,
					struct iov_iter *iter);
ssize_t layerfs_do_splice_read_as_mounter(struct file *file,
					  struct file *real, loff_t *ppos,
					  struct pipe_inode_info *pipe,
					  size_t len, unsigned int flags);
int layerfs_do_mmap_as_mounter(struct file *file, struct file *real,
			       struct vm_area_struct *vma);
loff_t layerfs_do_llseek_as_mounter(struct file *file, struct file *real,
				    loff_t offset, int whence);
int layerfs_do_fadvise_as_mounter(struct file *file, struct file *real,
				  loff_t offset, loff_t len, int advice);
ssize_t layerfs_do_write_iter_as_mounter(struct file *real,
					 struct kiocb *iocb,
					 struct iov_iter *iter);
ssize_t layerfs_do_splice_write_as_mounter(struct pipe_inode_info *pipe,
					   struct file *file,
					   struct file *real, loff_t *ppos,
					   size_t len, unsigned int flags);
int layerfs_do_fsync_as_mounter(struct file *file, struct file *real,
				loff_t start, loff_t end, int datasync);
int layerfs_do_fallocate_as_mounter(struct file *file, struct file *real,
				    int mode, loff_t offset, loff_t len);

#endif /* _LAYERFS_H */
