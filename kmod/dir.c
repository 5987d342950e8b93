// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: directory inode operations.
 *
 * Owns the inode_operations of union directories. Without an upper
 * layer the superblock is read-only and the VFS refuses every namespace
 * change with EROFS before it would reach an operation here, so the
 * table holds lookup and the attribute operations; issue 4's create,
 * mkdir, unlink, rename and friends join it.
 *
 * Locking: as the VFS documents for each operation; this file takes no
 * locks of its own.
 */
#include "layerfs.h"

const struct inode_operations layerfs_dir_iops = {
	.lookup		= layerfs_lookup,
	.permission	= layerfs_permission,
	.getattr	= layerfs_getattr,
	.listxattr	= layerfs_listxattr,
};
