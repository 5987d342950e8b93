// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: module entry points and filesystem type registration.
 *
 * Locking: none of its own; registration is serialised by the VFS.
 */
#include <linux/module.h>
#include <linux/fs_context.h>

#include "layerfs.h"

static int layerfs_init_fs_context(struct fs_context *fc)
{
	errorf(fc, "layerfs: mounting is not implemented yet");
	return -EOPNOTSUPP;
}

struct file_system_type layerfs_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "layerfs",
	.init_fs_context	= layerfs_init_fs_context,
	.kill_sb		= kill_anon_super,
};
MODULE_ALIAS_FS("layerfs");

static int __init layerfs_init(void)
{
	return register_filesystem(&layerfs_fs_type);
}

static void __exit layerfs_exit(void)
{
	unregister_filesystem(&layerfs_fs_type);
}

module_init(layerfs_init);
module_exit(layerfs_exit);

MODULE_DESCRIPTION("layerfs: union of container image layers");
MODULE_AUTHOR("The layerfs developers");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1");
