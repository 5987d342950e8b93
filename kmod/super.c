// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: module entry points, the filesystem type, the superblock.
 *
 * Owns module init/exit, the inode cache, the super_operations, and
 * layerfs_fill_super(), which turns a validated struct layerfs_config
 * into a struct layerfs_fs: a private clone of each layer's mount, the
 * filesystem index (fsid) of each layer for the inode-number scheme,
 * the mounter's credentials, and the root inode.
 *
 * Locking: setup runs under the superblock's s_umount held by the VFS;
 * after that struct layerfs_fs is read-only until layerfs_kill_sb().
 */
#include <linux/module.h>
#include <linux/fs_context.h>
#include <linux/mount.h>
#include <linux/slab.h>
#include <linux/seq_file.h>
#include <linux/statfs.h>
#include <linux/cred.h>
#include <linux/log2.h>
#include <linux/posix_acl.h>

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
	li->nlink = 0;
	mutex_init(&li->lock);
	return &li->vfs_inode;
}

static void layerfs_free_inode(struct inode *inode)
{
	struct layerfs_inode *li = LAYERFS_I(inode);

	kfree(li->lower);
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
	struct layerfs_fs *ofs = LAYERFS_FS(sb);
	const struct cred *old;
	struct path top;
	int err;

	/* the topmost layer is where new data would go */
	top.mnt = ofs->layers[ofs->layers[0].mnt ? 0 : 1].mnt;
	top.dentry = top.mnt->mnt_root;
	old = layerfs_override_creds(sb);
	err = layerfs_do_statfs(&top, buf);
	layerfs_revert_creds(old);
	if (err)
		return err;
	buf->f_type = LAYERFS_MAGIC;
	buf->f_namelen = ofs->namelen;
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
	struct layerfs_fs *ofs = LAYERFS_FS(root->d_sb);
	unsigned int i;

	seq_puts(m, ",lowerdir=");
	for (i = 0; i < ofs->numlower; i++) {
		if (i)
			seq_putc(m, ':');
		layerfs_show_path(m, ofs->lowerdirs[i]);
	}
	if (ofs->upperdir) {
		seq_puts(m, ",upperdir=");
		layerfs_show_path(m, ofs->upperdir);
		seq_puts(m, ",workdir=");
		layerfs_show_path(m, ofs->workname);
	}
	return 0;
}

static const struct super_operations layerfs_super_ops = {
	.alloc_inode	= layerfs_alloc_inode,
	.free_inode	= layerfs_free_inode,
	.evict_inode	= layerfs_evict_inode,
	.drop_inode	= generic_delete_inode,
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

/* Make W/work, or empty what a previous mount left in it. */
static int layerfs_setup_workdir(struct fs_context *fc, struct layerfs_fs *ofs,
				 struct dentry *wdir)
{
	struct inode *dir = d_inode(wdir);
	struct dentry *work;
	int err;

	err = mnt_want_write(layerfs_upper_mnt(ofs));
	if (err)
		return err;
	inode_lock_nested(dir, I_MUTEX_PARENT);
	work = layerfs_do_lookup_locked(wdir, "work", 4);
	err = PTR_ERR(work);
	if (IS_ERR(work))
		goto out_unlock;
	err = 0;
	if (d_is_positive(work) && !d_is_dir(work)) {
		/*
		 * W/work is ours, whatever a crash or another tool left
		 * there. The removed dentry stays positive (unhashed, see
		 * layerfs_do_remove()): look the name up again.
		 */
		err = layerfs_do_remove(dir, work);
		dput(work);
		if (err)
			goto out_unlock;
		work = layerfs_do_lookup_locked(wdir, "work", 4);
		err = PTR_ERR(work);
		if (IS_ERR(work))
			goto out_unlock;
		err = 0;
	}
	if (d_is_negative(work))
		err = layerfs_do_create(dir, work, S_IFDIR | 0, 0, NULL);
	else if (!d_is_dir(work))
		err = -ENOTDIR;
	if (err)
		goto out_dput;
	inode_unlock(dir);
	ofs->workdir = work;
	err = layerfs_cleanup_dir(ofs, work, 2);
	if (err) {
		errorfc(fc, "workdir: cannot empty '%s/work': error %d",
			ofs->workname, err);
		goto out_drop;
	}
	/* a copy made in W/work must not inherit ACLs from W/work */
	err = layerfs_do_set_acl(work, ACL_TYPE_DEFAULT, NULL);
	if (!err)
		err = layerfs_do_set_acl(work, ACL_TYPE_ACCESS, NULL);
	if (err == -EOPNOTSUPP)
		err = 0;
	if (err)
		errorfc(fc, "workdir: cannot remove the ACLs of '%s/work': error %d",
			ofs->workname, err);
out_drop:
	mnt_drop_write(layerfs_upper_mnt(ofs));
	return err;

out_dput:
	dput(work);
out_unlock:
	inode_unlock(dir);
	mnt_drop_write(layerfs_upper_mnt(ofs));
	errorfc(fc, "workdir: cannot make '%s/work': error %d", ofs->workname,
		err);
	return err;
}

/* The upper layer: a private writable mount, EBUSY checks, W/work. */
static int layerfs_setup_upper(struct fs_context *fc, struct super_block *sb,
			       struct layerfs_fs *ofs)
{
	struct layerfs_config *cfg = fc->fs_private;
	const struct cred *old;
	struct vfsmount *mnt;
	struct kstatfs st;
	int err;

	err = -ENOMEM;
	ofs->upperdir = kstrdup(cfg->uppername, GFP_KERNEL);
	ofs->workname = kstrdup(cfg->workname, GFP_KERNEL);
	if (!ofs->upperdir || !ofs->workname)
		return err;

	err = layerfs_inuse_get(d_inode(cfg->upper.dentry));
	if (err) {
		errorfc(fc, "upperdir: '%s' is in use by another layerfs mount",
			ofs->upperdir);
		return err;
	}
	ofs->inuse[0] = d_inode(cfg->upper.dentry);
	err = layerfs_inuse_get(d_inode(cfg->work.dentry));
	if (err) {
		errorfc(fc, "workdir: '%s' is in use by another layerfs mount",
			ofs->workname);
		return err;
	}
	ofs->inuse[1] = d_inode(cfg->work.dentry);

	mnt = clone_private_mount(&cfg->upper);
	if (IS_ERR(mnt)) {
		errorfc(fc, "upperdir: cannot clone the mount of '%s'",
			ofs->upperdir);
		return PTR_ERR(mnt);
	}
	/* the union updates times itself where it should */
	mnt->mnt_flags |= MNT_NOATIME;
	ofs->layers[0].mnt = mnt;
	ofs->layers[0].idx = 0;
	ofs->layers[0].fsid = ofs->numfs++;
	ofs->mnts[0] = mnt;
	sb->s_maxbytes = mnt->mnt_sb->s_maxbytes;
	sb->s_time_gran = mnt->mnt_sb->s_time_gran;
	if (!layerfs_do_statfs(&cfg->upper, &st) && st.f_namelen)
		ofs->namelen = min_t(long, ofs->namelen, st.f_namelen);

	old = override_creds(ofs->creds);
	err = layerfs_setup_workdir(fc, ofs, cfg->work.dentry);
	revert_creds(old);
	return err;
}

static void layerfs_free_fs(struct layerfs_fs *ofs)
{
	unsigned int i;

	if (!ofs)
		return;
	dput(ofs->workdir);
	if (ofs->mnts) {
		/* one RCU grace period for all layers */
		kern_unmount_array(ofs->mnts, ofs->numlower + 1);
		kfree(ofs->mnts);
	}
	kfree(ofs->layers);
	if (ofs->lowerdirs) {
		for (i = 0; i < ofs->numlowerdirs; i++)
			kfree(ofs->lowerdirs[i]);
		kfree(ofs->lowerdirs);
	}
	for (i = 0; i < ARRAY_SIZE(ofs->inuse); i++)
		layerfs_inuse_put(ofs->inuse[i]);
	kfree(ofs->upperdir);
	kfree(ofs->workname);
	if (ofs->creds)
		put_cred(ofs->creds);
	kfree(ofs);
}

/*
 * Give each lower layer a private mount and a filesystem index. Layers on
 * the same superblock share an fsid; fsids count from 0 in order of first
 * appearance from the top, so they stay the same across remounts with the
 * same layers.
 */
static int layerfs_setup_lowers(struct fs_context *fc, struct super_block *sb,
				struct layerfs_fs *ofs)
{
	struct layerfs_config *cfg = fc->fs_private;
	struct super_block *rsb;
	struct vfsmount *mnt;
	unsigned int i, j;
	int depth = 0;

	if (ofs->layers[0].mnt)
		depth = ofs->layers[0].mnt->mnt_sb->s_stack_depth;
	for (i = 1; i <= cfg->numlower; i++) {
		struct layerfs_layer *layer = &ofs->layers[i];
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
		ofs->mnts[i] = mnt;
		layer->idx = i;
		ofs->numlower = i;
		rsb = mnt->mnt_sb;
		for (j = 0; j < i; j++)
			if (ofs->layers[j].mnt && ofs->layers[j].mnt->mnt_sb == rsb)
				break;
		layer->fsid = j < i ? ofs->layers[j].fsid : ofs->numfs++;

		depth = max(depth, rsb->s_stack_depth);
		sb->s_maxbytes = max(sb->s_maxbytes, rsb->s_maxbytes);
		sb->s_time_gran = max(sb->s_time_gran, rsb->s_time_gran);
		if (!layerfs_do_statfs(&cfg->lower[i - 1], &st) && st.f_namelen)
			ofs->namelen = min_t(long, ofs->namelen, st.f_namelen);
	}
	sb->s_stack_depth = depth + 1;
	ofs->xino_bits = ofs->numfs > 1 ? ilog2(ofs->numfs - 1) + 1 : 0;
	return 0;
}

static int layerfs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct layerfs_config *cfg = fc->fs_private;
	struct layerfs_path *rootstack;
	struct layerfs_fs *ofs;
	struct inode *root;
	unsigned int i;
	int err;

	err = -ENOMEM;
	ofs = kzalloc(sizeof(*ofs), GFP_KERNEL);
	if (!ofs)
		return err;
	sb->s_fs_info = ofs;
	ofs->creds = prepare_creds();
	if (!ofs->creds)
		return err;
	ofs->layers = kcalloc(cfg->numlower + 1, sizeof(*ofs->layers),
			      GFP_KERNEL);
	ofs->mnts = kcalloc(cfg->numlower + 1, sizeof(*ofs->mnts), GFP_KERNEL);
	if (!ofs->layers || !ofs->mnts)
		return err;

	/* the names move from the config to the mount */
	ofs->lowerdirs = cfg->lowername;
	cfg->lowername = kcalloc(cfg->numlower, sizeof(char *), GFP_KERNEL);
	if (!cfg->lowername) {
		cfg->lowername = ofs->lowerdirs;
		ofs->lowerdirs = NULL;
		return err;
	}
	ofs->numlowerdirs = cfg->numlower;

	sb->s_maxbytes = 0;
	sb->s_time_gran = 1;
	ofs->namelen = NAME_MAX;
	if (cfg->upper.dentry) {
		err = layerfs_setup_upper(fc, sb, ofs);
		if (err)
			return err;
	}
	err = layerfs_setup_lowers(fc, sb, ofs);
	if (err)
		return err;
	err = -EINVAL;
	if (sb->s_stack_depth > FILESYSTEM_MAX_STACK_DEPTH) {
		errorfc(fc, "lowerdir: maximum stacking depth exceeded");
		return err;
	}

	sb->s_magic = LAYERFS_MAGIC;
	sb->s_op = &layerfs_super_ops;
	sb->s_d_op = &layerfs_dentry_ops;
	sb->s_xattr = layerfs_xattr_handlers;
	/* ACLs are the real objects' (inode.c); the VFS leaves umask to us */
	if (IS_ENABLED(CONFIG_FS_POSIX_ACL))
		sb->s_flags |= SB_POSIXACL;
	/*
	 * SB_NOSEC lets file_remove_privs() skip an inode marked S_NOSEC:
	 * only as the upper filesystem does, and S_NOSEC is never copied
	 * from a real inode (inode.c).
	 */
	if (layerfs_upper_mnt(ofs) &&
	    (layerfs_upper_mnt(ofs)->mnt_sb->s_flags & SB_NOSEC))
		sb->s_flags |= SB_NOSEC;
	if (!layerfs_upper_mnt(ofs)) {
		sb->s_flags |= SB_RDONLY;
		sb->s_iflags |= SB_I_SKIP_SYNC;
	}

	err = -ENOMEM;
	rootstack = kcalloc(ofs->numlower, sizeof(*rootstack), GFP_KERNEL);
	if (!rootstack)
		return err;
	for (i = 0; i < ofs->numlower; i++) {
		rootstack[i].layer = &ofs->layers[i + 1];
		rootstack[i].dentry = dget(ofs->layers[i + 1].mnt->mnt_root);
	}
	root = layerfs_get_inode(sb, layerfs_upper_mnt(ofs) ?
				 dget(layerfs_upper_mnt(ofs)->mnt_root) : NULL,
				 rootstack, ofs->numlower);
	if (IS_ERR(root))
		return PTR_ERR(root);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return err;
	return 0;
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
	struct layerfs_fs *ofs = LAYERFS_FS(fc->root->d_sb);

	if (!(fc->sb_flags & SB_RDONLY) && !ofs->layers[0].mnt) {
		errorfc(fc, "no upperdir: the mount stays read-only");
		return -EROFS;
	}
	return 0;
}

static void layerfs_kill_sb(struct super_block *sb)
{
	struct layerfs_fs *ofs = LAYERFS_FS(sb);

	/* inodes holding real dentries go before the layer mounts */
	kill_anon_super(sb);
	layerfs_free_fs(ofs);
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
MODULE_VERSION("0.1");
