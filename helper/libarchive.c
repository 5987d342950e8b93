// SPDX-License-Identifier: GPL-2.0
/*
 * libarchive.c: load libarchive when an archive is first read.
 *
 * Only unpacking and docker-save tar files need libarchive; a mount of an
 * image whose layers are all in the store does not, and loading it (with
 * libxml2, ICU, libstdc++, nettle, ...) was most of the helper's start-up
 * time.  The symbols are resolved once into lm_la; layermount.h maps each
 * archive_*() name used by the helper onto that table.
 */
#define LM_ARCHIVE_IMPL
#include <dlfcn.h>

#include "layermount.h"

#define LIBARCHIVE_SONAME "libarchive.so.13"

struct lm_archive_table lm_la;

int lm_archive_load(void)
{
	static int loaded;
	void *dl;

	if (loaded)
		return 0;
	dl = dlopen(LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		lm_err(LIBARCHIVE_SONAME, "cannot load: %s", dlerror());
		return LM_EXIT_SYSTEM;
	}
#define X(name)								\
	lm_la.name = (__typeof__(lm_la.name))dlsym(dl, #name);		\
	if (!lm_la.name) {						\
		lm_err(LIBARCHIVE_SONAME, "no symbol %s", #name);	\
		return LM_EXIT_SYSTEM;					\
	}
	LM_ARCHIVE_SYMBOLS
#undef X
	loaded = 1;
	return 0;
}
