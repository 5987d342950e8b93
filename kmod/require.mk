# SPDX-License-Identifier: GPL-2.0
#
# What a build of layerfs.ko needs before anything compiles, included by
# kmod/Kbuild: the version, and the kernel features the module cannot do
# without. A kernel that lacks one (too old, or changed in a way compat.h
# does not cover yet) stops the build here with one line naming the
# feature, instead of a wall of compiler errors.
#
# A feature is present when the kernel headers show any of the forms
# compat.h handles; the optional differences between those forms are the
# HAVE_* probes of kmod/Kbuild. Each check greps a header of $(srctree)
# (the -common header tree on Debian), as those probes do.

# The version of layerfs: one line in VERSION, next to the top-level
# Kbuild (MODULE_VERSION; the helper and dkms.conf read the same file).
LAYERFS_VERSION := $(shell cat $(src)/../VERSION 2>/dev/null)
ifeq ($(LAYERFS_VERSION),)
$(error layerfs: no version: $(src)/../VERSION is missing or empty)
endif
ccflags-y += -DLAYERFS_VERSION=\"$(LAYERFS_VERSION)\"

# lfs_has PATTERN FILE: y when FILE under $(srctree) contains PATTERN
lfs_has = $(shell grep -qs -- '$(1)' $(srctree)/$(2) && echo y)
# lfs_need FEATURE FORMS: stop the build unless FORMS (lfs_has results)
# holds a y; FEATURE names what is missing (no commas in it)
lfs_need = $(if $(findstring y,$(2)),,$(error layerfs: kernel $(KERNELRELEASE) lacks $(1); layerfs cannot be built for it))

# idmapped mounts in the VFS calls: struct mnt_idmap, or before it the
# mount's user namespace (Linux 5.12; what is older stops here)
$(call lfs_need,idmapped mounts in the VFS calls (struct mnt_idmap in linux/mnt_idmapping.h or mnt_user_ns() in linux/mount.h),\
	$(call lfs_has,struct mnt_idmap;,include/linux/mnt_idmapping.h) \
	$(call lfs_has,mnt_user_ns,include/linux/mount.h))

# opening a layer's file behind a union file: backing files (Linux 6.8),
# or before them open_with_fake_path(); the kernels in between, whose
# backing_file_open() is in linux/fs.h, have neither form
$(call lfs_need,a way to open real files behind a union file (backing_file_open() in linux/backing-file.h or open_with_fake_path() in linux/fs.h),\
	$(call lfs_has,backing_file_open,include/linux/backing-file.h) \
	$(call lfs_has,open_with_fake_path,include/linux/fs.h))
