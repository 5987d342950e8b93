/* SPDX-License-Identifier: GPL-2.0 */
/*
 * inspect.h: the model shared by inspect.c (reading and checking layers),
 * inspect_tree.c (the merged tree, layer by layer) and inspect_out.c (the
 * report, text or JSON, and the --ci policy).
 *
 * Every path ever named by a layer is one struct ipath, kept until the end
 * (memory grows with the paths of the image, never with its bytes).  Each
 * carries two states: what the layers below the current one show (vis),
 * and what the current layer holds at that path (rec), exactly as unpack
 * would leave it in the layer's directory.  When a layer has been read and
 * verified, its records are applied to the merged tree (ipath_apply).
 */
#ifndef LM_INSPECT_H
#define LM_INSPECT_H

#include "layermount.h"

enum ikind { IK_NONE, IK_WHITEOUT, IK_REG, IK_DIR, IK_LNK, IK_OTHER };
enum ihow { HOW_OVERWRITE, HOW_WHITEOUT, HOW_OPAQUE };

/* The data of one regular-file entry, as shipped in one layer. */
struct iobj {
	struct ipath *path;	/* the entry that carried the data */
	uint64_t size;
	unsigned int layer;	/* 1 = bottom */
	unsigned int refs;	/* paths showing it (layer records, then tree) */
};

struct istate {
	unsigned char kind;	/* enum ikind */
	char type;		/* f d l c b p h(ardlink) w(hiteout), for --files */
	unsigned int mode, uid, gid;
	uint64_t size;
	struct iobj *obj;	/* IK_REG */
};

/* A regular file's data that the final tree does not show. */
struct ihidden {
	struct ipath *path;
	unsigned int layer, by;	/* holding layer, hiding layer */
	enum ihow how;
	uint64_t size;
	bool secret;
};

/* One line of --files. */
struct ichange {
	struct ipath *path;
	char marker;		/* A M D O */
	struct istate st;
};

struct ilayer {
	unsigned int index;
	const struct lm_layer *l;
	const char *created_by;	/* NULL: unknown ("-") */
	uint64_t blob_bytes, tar_bytes, entries, file_bytes;
	uint64_t added, modified, deleted, opaque;
	struct ichange *changes;
	size_t nchanges;
};

struct ipath {
	char *path;		/* "" for the root; key of inspect.paths */
	struct ipath *parent, *child, *next;	/* every path seen */
	struct ipath *lchild, *lnext;		/* the current layer's records */
	struct istate vis, rec;
	unsigned int rec_layer;	/* rec is valid when == the current layer */
	bool rec_explicit;	/* a tar entry, not an implied parent */
	bool rec_opaque;
	struct ihidden *last_hidden;	/* to merge repeats */
};

struct inspect {
	const struct lm_opts *o;
	const char *image;
	struct lm_map paths;		/* path -> struct ipath */
	struct ipath *root;
	struct ilayer *layers;
	size_t nlayers;
	unsigned int cur;		/* layer being read, 1-based */
	struct ihidden **hidden;
	size_t nhidden;
	uint64_t blob_bytes, tar_bytes, file_bytes, wasted_bytes;
	bool keep_changes;		/* --files for the current layer */
};

/* inspect_tree.c */
void ipath_init(struct inspect *in);
void ipath_free(struct inspect *in);
struct ipath *ipath_get(struct inspect *in, const char *path, bool create);
struct ipath *ipath_record(struct inspect *in, struct ipath *p);
void ipath_rec_drop(struct inspect *in, struct ipath *p);
void ipath_layer_start(struct inspect *in, unsigned int layer);
void ipath_apply(struct inspect *in, struct ilayer *l);
bool ipath_secret(const char *path);

/* inspect_out.c */
int inspect_report(struct inspect *in);

#endif
