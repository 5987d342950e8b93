// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: module entry points, the filesystem type, the superblock.
 *
 * Owns module init/exit, the inode cache, the super_operations, and
 * layerfs_fill_super(), which turns a validated struct layerfs_config
 * into a struct layerfs_fs: a private clone of each layer's mount, the
 * filesystem index (fsid) of each layer for the inode-number scheme,
 * the mounter's credentials, and the root inode. Also the list of upper
 * and work directories in use by a mount (EBUSY for a second one); the
 * work directory itself is set up by work.c.
 *
 * Locking: setup runs under the superblock's s_umount held by the VFS;
 * after that struct layerfs_fs is read-only until layerfs_kill_sb(). The
 * in-use list has a mutex of its own, taken for no more than a lookup
 * and an insertion or removal.
 */
#include <linux/module.h>
#include <linux/fs_context.h>
#include <linux/mount.h>
#include <linux/slab.h>
#include <linux/seq_file.h>
#include <linux/statfs.h>
#include <linux/cred.h>
#include <linux/log2.h>

#include "layerfs.h"

static struct kmem_cache *layerfs_inode_cachep;

static struct inode *layerfs_alloc_inode(struct super_block *sb)
{
	struct layerfs_inode *li;

	li = alloc_inode_sb(sb, layerfs_inode_cachep, GFP_KERNEL);
	if (!li)
		return NULL;
	li->upper = NULL;
	li->numlower = 0;
	li->lower = NULL;
	li->reval = false;
	li->index = NULL;
	li->listing = NULL;
	li->listing_gen = 0;
	li->nlink = 0;
	mutex_init(&li->lock);
	return &li->vfs_inode;
}

static void layerfs_free_inode(struct inode *inode)
{
	struct layerfs_inode *li = LAYERFS_I(inode);

	kfree(li->lower);
	layerfs_dir_free_caches(li);
	kmem_cache_free(layerfs_inode_cachep, li);
}

/* Drop the references to real dentries; the array goes in free_inode. */
static void layerfs_evict_inode(struct inode *inode)
{
	struct layerfs_inode *li = LAYERFS_I(inode);
	unsigned int i;

	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
	dput(li->upper);
	for (i = 0; i < li->numlower; i++)
		dput(li->lower[i].dentry);
	mutex_destroy(&li->lock);
}

/* syncfs() and sync(2) of the union write back the upper filesystem. */
static int layerfs_sync_fs(struct super_block *sb, int wait)
{
	struct vfsmount *mnt = layerfs_upper_mnt(LAYERFS_FS(sb));

	if (!mnt || !wait)
		return 0;
	return layerfs_do_sync_fs(mnt->mnt_sb);
}

static int layerfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct super_block *sb = dentry->d_sb;
	struct layerfs_fs *lfs = LAYERFS_FS(sb);
	const struct cred *old;
	struct path top;
	int err;

	/* the topmost layer is where new data would go */
	top.mnt = lfs->layers[lfs->layers[0].mnt ? 0 : 1].mnt;
	top.dentry = top.mnt->mnt_root;
	old = layerfs_override_creds(sb);
	err = layerfs_do_statfs(&top, buf);
	layerfs_revert_creds(old);
	if (err)
		return err;
	buf->f_type = LAYERFS_MAGIC;
	buf->f_namelen = lfs->namelen;
	return 0;
}

/* Print a path so that the lowerdir= parser reads it back. */
static void layerfs_show_path(struct seq_file *m, const char *s)
{
	for (; *s; s++) {
		if (*s == ':' || *s == '\\')
			seq_putc(m, '\\');
		if (*s == ',' || *s == ' ' || *s == '\t' || *s == '\n')
			seq_printf(m, "\\%03o", *s);
		else
			seq_putc(m, *s);
	}
}

static int layerfs_show_options(struct seq_file *m, struct dentry *root)
{
	struct layerfs_fs *lfs = LAYERFS_FS(root->d_sb);
	unsigned int i;

	seq_puts(m, ",lowerdir=");
	for (i = 0; i < lfs->numlower; i++) {
		if (i)
			seq_putc(m, ':');
		layerfs_show_path(m, lfs->lowerdirs[i]);
	}
	if (lfs->upperdir) {
		seq_puts(m, ",upperdir=");
		layerfs_show_path(m, lfs->upperdir);
		seq_puts(m, ",workdir=");
		layerfs_show_path(m, lfs->workname);
	}
	if (lfs->immutable)
		seq_puts(m, ",immutable_lowers");
	return 0;
}

static const struct super_operations layerfs_super_ops = {
	.alloc_inode	= layerfs_alloc_inode,
	.free_inode	= layerfs_free_inode,
	.evict_inode	= layerfs_evict_inode,
	.drop_inode	= layerfs_drop_inode,
	.sync_fs	= layerfs_sync_fs,
	.statfs		= layerfs_statfs,
	.show_options	= layerfs_show_options,
};

/*
 * Directories in use as upperdir or workdir by a mount. A second mount of
 * either gets EBUSY. The list holds a reference to each inode.
 */
struct layerfs_inuse {
	struct list_head list;
	struct inode *inode;
};

static LIST_HEAD(layerfs_inuse_list);
static DEFINE_MUTEX(layerfs_inuse_lock);

static int layerfs_inuse_get(struct inode *inode)
{
	struct layerfs_inuse *u;
	int err = 0;

	mutex_lock(&layerfs_inuse_lock);
	list_for_each_entry(u, &layerfs_inuse_list, list) {
		if (u->inode == inode) {
			err = -EBUSY;
			goto out_unlock;
		}
	}
	err = -ENOMEM;
	u = kmalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		goto out_unlock;
	u->inode = igrab(inode);
	list_add(&u->list, &layerfs_inuse_list);
	err = 0;
out_unlock:
	mutex_unlock(&layerfs_inuse_lock);
	return err;
}

static void layerfs_inuse_put(struct inode *inode)
{
	struct layerfs_inuse *u;

	if (!inode)
		return;
	mutex_lock(&layerfs_inuse_lock);
	list_for_each_entry(u, &layerfs_inuse_list, list) {
		if (u->inode == inode) {
			list_del(&u->list);
			iput(u->inode);
			kfree(u);
			break;
		}
	}
	mutex_unlock(&layerfs_inuse_lock);
}

/* Register @dir (option @opt, given as @name) in slot @i of lfs->inuse. */
static int layerfs_inuse_claim(struct fs_context *fc, struct layerfs_fs *lfs,
			       unsigned int i, struct dentry *dir,
			       const char *opt, const char *name)
{
	int err = layerfs_inuse_get(d_inode(dir));

	if (err) {
		errorfc(fc, "%s: '%s' is in use by another layerfs mount", opt,
			name);
		return err;
	}
	lfs->inuse[i] = d_inode(dir);
	return 0;
}

/* The upper layer: a private writable mount, EBUSY checks, W/work. */
static int layerfs_setup_upper(struct fs_context *fc, struct super_block *sb,
			       struct layerfs_fs *lfs)
{
	struct layerfs_config *cfg = fc->fs_private;
	const struct cred *old;
	struct vfsmount *mnt;
	struct kstatfs st;
	int err;

	err = -ENOMEM;
	lfs->upperdir = kstrdup(cfg->uppername, GFP_KERNEL);
	lfs->workname = kstrdup(cfg->workname, GFP_KERNEL);
	if (!lfs->upperdir || !lfs->workname)
		return err;

	err = layerfs_inuse_claim(fc, lfs, 0, cfg->upper.dentry, "upperdir",
				  lfs->upperdir);
	if (!err)
		err = layerfs_inuse_claim(fc, lfs, 1, cfg->work.dentry,
					  "workdir", lfs->workname);
	if (err)
		return err;

	mnt = clone_private_mount(&cfg->upper);
	if (IS_ERR(mnt)) {
		errorfc(fc, "upperdir: cannot clone the mount of '%s'",
			lfs->upperdir);
		return PTR_ERR(mnt);
	}
	/* the union updates times itself where it should */
	mnt->mnt_flags |= MNT_NOATIME;
	lfs->layers[0].mnt = mnt;
	lfs->layers[0].idx = 0;
	lfs->layers[0].fsid = lfs->numfs++;
	lfs->mnts[0] = mnt;
	sb->s_maxbytes = mnt->mnt_sb->s_maxbytes;
	sb->s_time_gran = mnt->mnt_sb->s_time_gran;
	if (!layerfs_do_statfs(&cfg->upper, &st) && st.f_namelen)
		lfs->namelen = min_t(long, lfs->namelen, st.f_namelen);

	old = override_creds(lfs->creds);
	err = layerfs_work_setup(fc, sb, cfg->work.dentry);
	revert_creds(old);
	return err;
}

static void layerfs_free_fs(struct layerfs_fs *lfs)
{
	unsigned int i;

	if (!lfs)
		return;
	dput(lfs->workdir);
	if (lfs->mnts) {
		/* one RCU grace period for all layers */
		kern_unmount_array(lfs->mnts, lfs->numlower + 1);
		kfree(lfs->mnts);
	}
	kfree(lfs->layers);
	if (lfs->lowerdirs) {
		for (i = 0; i < lfs->numlowerdirs; i++)
			kfree(lfs->lowerdirs[i]);
		kfree(lfs->lowerdirs);
	}
	for (i = 0; i < ARRAY_SIZE(lfs->inuse); i++)
		layerfs_inuse_put(lfs->inuse[i]);
	kfree(lfs->upperdir);
	kfree(lfs->workname);
	if (lfs->creds)
		put_cred(lfs->creds);
	kfree(lfs);
}

/*
 * Give each lower layer a private mount and a filesystem index. Layers on
 * the same superblock share an fsid; fsids count from 0 in order of first
 * appearance from the top, so they stay the same across remounts with the
 * same layers.
 */
static int layerfs_setup_lowers(struct fs_context *fc, struct super_block *sb,
				struct layerfs_fs *lfs)
{
	struct layerfs_config *cfg = fc->fs_private;
	struct super_block *rsb;
	struct vfsmount *mnt;
	unsigned int i, j;
	int depth = 0;

	if (lfs->layers[0].mnt)
		depth = lfs->layers[0].mnt->mnt_sb->s_stack_depth;
	for (i = 1; i <= cfg->numlower; i++) {
		struct layerfs_layer *layer = &lfs->layers[i];
		struct kstatfs st;

		mnt = clone_private_mount(&cfg->lower[i - 1]);
		if (IS_ERR(mnt)) {
			errorfc(fc, "lowerdir: cannot clone the mount of '%s'",
				cfg->lowername[i - 1]);
			return PTR_ERR(mnt);
		}
		/* the union never writes to a lower, nor updates its atime */
		mnt->mnt_flags |= MNT_READONLY | MNT_NOATIME;
		layer->mnt = mnt;
		lfs->mnts[i] = mnt;
		layer->idx = i;
		lfs->numlower = i;
		rsb = mnt->mnt_sb;
		for (j = 0; j < i; j++)
			if (lfs->layers[j].mnt && lfs->layers[j].mnt->mnt_sb == rsb)
				break;
		layer->fsid = j < i ? lfs->layers[j].fsid : lfs->numfs++;

		depth = max(depth, rsb->s_stack_depth);
		sb->s_maxbytes = max(sb->s_maxbytes, rsb->s_maxbytes);
		sb->s_time_gran = max(sb->s_time_gran, rsb->s_time_gran);
		if (!layerfs_do_statfs(&cfg->lower[i - 1], &st) && st.f_namelen)
			lfs->namelen = min_t(long, lfs->namelen, st.f_namelen);
	}
	sb->s_stack_depth = depth + 1;
	lfs->xino_bits = lfs->numfs > 1 ? ilog2(lfs->numfs - 1) + 1 : 0;
	return 0;
}

/* The superblock's operations and flags, once the layers are set up. */
static void layerfs_init_sb(struct super_block *sb)
{
	struct layerfs_fs *lfs = LAYERFS_FS(sb);

	sb->s_magic = LAYERFS_MAGIC;
	sb->s_op = &layerfs_super_ops;
	layerfs_set_d_op(sb, &layerfs_dentry_ops);
	sb->s_xattr = layerfs_xattr_handlers;
	/* ACLs are the real objects' (xattr.c); the VFS leaves umask to us */
	if (IS_ENABLED(CONFIG_FS_POSIX_ACL))
		sb->s_flags |= SB_POSIXACL;
	/*
	 * SB_NOSEC lets file_remove_privs() skip an inode marked S_NOSEC:
	 * only as the upper filesystem does, and S_NOSEC is never copied
	 * from a real inode (inode.c).
	 */
	if (layerfs_upper_mnt(lfs) &&
	    (layerfs_upper_mnt(lfs)->mnt_sb->s_flags & SB_NOSEC))
		sb->s_flags |= SB_NOSEC;
	if (!layerfs_upper_mnt(lfs)) {
		sb->s_flags |= SB_RDONLY;
		sb->s_iflags |= SB_I_SKIP_SYNC;
	}
}

/* The root: the upper layer's root over every lower layer's root. */
static int layerfs_make_root(struct super_block *sb)
{
	/* LAB 1.1 BEGIN: the root inode: upper root over the stack of every lower root */
	struct layerfs_fs *lfs = LAYERFS_FS(sb);
	struct layerfs_path *rootstack;
	struct inode *root;
	unsigned int i;

	rootstack = kcalloc(lfs->numlower, sizeof(*rootstack), GFP_KERNEL);
	if (!rootstack)
		return -ENOMEM;
	for (i = 0; i < lfs->numlower; i++) {
		rootstack[i].layer = &lfs->layers[i + 1];
		rootstack[i].dentry = dget(lfs->layers[i + 1].mnt->mnt_root);
	}
	root = layerfs_get_inode(sb, layerfs_upper_mnt(lfs) ?
				 dget(layerfs_upper_mnt(lfs)->mnt_root) : NULL,
				 rootstack, lfs->numlower);
	if (IS_ERR(root))
		return PTR_ERR(root);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	return 0;
	/* LAB 1.1 END */
}

static int layerfs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct layerfs_config *cfg = fc->fs_private;
	struct layerfs_fs *lfs;
	int err;

	err = -ENOMEM;
	lfs = kzalloc(sizeof(*lfs), GFP_KERNEL);
	if (!lfs)
		return err;
	sb->s_fs_info = lfs;
	lfs->creds = prepare_creds();
	if (!lfs->creds)
		return err;
	lfs->layers = kcalloc(cfg->numlower + 1, sizeof(*lfs->layers),
			      GFP_KERNEL);
	lfs->mnts = kcalloc(cfg->numlower + 1, sizeof(*lfs->mnts), GFP_KERNEL);
	if (!lfs->layers || !lfs->mnts)
		return err;

	/* the names move from the config to the mount */
	lfs->lowerdirs = cfg->lowername;
	cfg->lowername = kcalloc(cfg->numlower, sizeof(char *), GFP_KERNEL);
	if (!cfg->lowername) {
		cfg->lowername = lfs->lowerdirs;
		lfs->lowerdirs = NULL;
		return err;
	}
	lfs->numlowerdirs = cfg->numlower;
	lfs->immutable = cfg->immutable;

	sb->s_maxbytes = 0;
	sb->s_time_gran = 1;
	lfs->namelen = NAME_MAX;
	if (cfg->upper.dentry) {
		err = layerfs_setup_upper(fc, sb, lfs);
		if (err)
			return err;
	}
	err = layerfs_setup_lowers(fc, sb, lfs);
	if (err)
		return err;
	err = -EINVAL;
	if (sb->s_stack_depth > FILESYSTEM_MAX_STACK_DEPTH) {
		errorfc(fc, "lowerdir: maximum stacking depth exceeded");
		return err;
	}

	layerfs_init_sb(sb);
	return layerfs_make_root(sb);
}

/**
 * layerfs_get_tree() - create the superblock of a new mount
 * @fc: the filesystem context with the parsed options
 *
 * Return: 0 or a negative errno.
 */
int layerfs_get_tree(struct fs_context *fc)
{
	int err = layerfs_config_validate(fc);

	if (err)
		return err;
	return get_tree_nodev(fc, layerfs_fill_super);
}

/**
 * layerfs_reconfigure() - remount
 * @fc: the filesystem context
 *
 * A union without an upper layer stays read-only.
 *
 * Return: 0 or -EROFS.
 */
int layerfs_reconfigure(struct fs_context *fc)
{
	struct layerfs_fs *lfs = LAYERFS_FS(fc->root->d_sb);

	if (!(fc->sb_flags & SB_RDONLY) && !lfs->layers[0].mnt) {
		errorfc(fc, "no upperdir: the mount stays read-only");
		return -EROFS;
	}
	return 0;
}

static void layerfs_kill_sb(struct super_block *sb)
{
	struct layerfs_fs *lfs = LAYERFS_FS(sb);

	/* inodes holding real dentries go before the layer mounts */
	kill_anon_super(sb);
	layerfs_free_fs(lfs);
}

struct file_system_type layerfs_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "layerfs",
	.init_fs_context	= layerfs_init_fs_context,
	.kill_sb		= layerfs_kill_sb,
};
MODULE_ALIAS_FS("layerfs");

static void layerfs_inode_init_once(void *p)
{
	struct layerfs_inode *li = p;

	inode_init_once(&li->vfs_inode);
}

static int __init layerfs_init(void)
{
	int err;

	layerfs_inode_cachep = kmem_cache_create("layerfs_inode",
						 sizeof(struct layerfs_inode), 0,
						 SLAB_RECLAIM_ACCOUNT |
						 SLAB_ACCOUNT,
						 layerfs_inode_init_once);
	if (!layerfs_inode_cachep)
		return -ENOMEM;
	err = register_filesystem(&layerfs_fs_type);
	if (err)
		goto out_cache;
	return 0;

out_cache:
	kmem_cache_destroy(layerfs_inode_cachep);
	return err;
}

static void __exit layerfs_exit(void)
{
	unregister_filesystem(&layerfs_fs_type);
	/* inodes are freed after an RCU grace period */
	rcu_barrier();
	kmem_cache_destroy(layerfs_inode_cachep);
}

module_init(layerfs_init);
module_exit(layerfs_exit);

MODULE_DESCRIPTION("layerfs: union of container image layers");
MODULE_AUTHOR("The layerfs developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(LAYERFS_VERSION);
