/* SPDX-License-Identifier: GPL-2.0 */
/*
 * layerfs: a union of read-only lower directories under one writable upper.
 *
 * The private header: core types, accessors and the prototypes shared
 * between the files of the module, grouped by the file that defines them.
 */
#ifndef _LAYERFS_H
#define _LAYERFS_H

#undef pr_fmt
#define pr_fmt(fmt) "layerfs: " fmt

#include <linux/fs.h>

#define LAYERFS_MAGIC 0x4c415946 /* "LAYF" */

/* super.c */
extern struct file_system_type layerfs_fs_type;

#endif /* _LAYERFS_H */
