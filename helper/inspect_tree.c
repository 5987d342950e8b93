// SPDX-License-Identifier: GPL-2.0
/*
 * inspect_tree.c: the merged tree of an image, one layer at a time, with
 * the accounting of `layermount inspect`.
 *
 * The rules are overlayfs's over the layers as unpack stores them: a
 * whiteout hides the path below it, an opaque directory hides everything
 * below it in lower layers, a non-directory hides whatever a lower layer
 * had at its path, a directory over a directory merges.  Records of the
 * current layer are applied parent first, so a hidden lower subtree never
 * takes the layer's own new entries with it.
 *
 * Data: every regular-file entry's data is one struct iobj, referenced by
 * each path that shows it (a hard link adds a reference, it ships no data).
 * When the last reference goes (a later whiteout, opaque directory or
 * overwrite, or an overwrite in the same layer), its bytes are wasted and it
 * joins the hidden list, with the layer that hid it.  Repeats of one path,
 * layer and hider are merged into one line, so the list grows with paths.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

void ipath_init(struct inspect *in)
{
	struct ipath *r = lm_xmalloc(sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->path = lm_xstrdup("");
	r->vis.kind = IK_DIR;
	r->vis.type = 'd';
	r->vis.mode = 0755;
	lm_map_put(&in->paths, r->path, r);
	in->root = r;
}

static void free_tree(struct ipath *p, unsigned int cur)
{
	while (p) {
		struct ipath *next = p->next;

		free_tree(p->child, cur);
		if (p->vis.kind == IK_REG && !--p->vis.obj->refs)
			free(p->vis.obj);
		if (p->rec_layer == cur && p->rec.kind == IK_REG &&
		    p->rec.obj && !--p->rec.obj->refs)
			free(p->rec.obj);	/* a layer that failed */
		free(p->path);
		free(p);
		p = next;
	}
}

void ipath_free(struct inspect *in)
{
	size_t i;

	free_tree(in->root, in->cur);
	lm_map_free(&in->paths);
	for (i = 0; i < in->nhidden; i++)
		free(in->hidden[i]);
	free(in->hidden);
}

/* The node of @path ("" is the root), made with its parents if @create. */
struct ipath *ipath_get(struct inspect *in, const char *path, bool create)
{
	struct ipath *p = lm_map_get(&in->paths, path), *parent;
	const char *slash;
	char *up;

	if (p || !create)
		return p;
	slash = strrchr(path, '/');
	up = slash ? lm_xasprintf("%.*s", (int)(slash - path), path) :
		     lm_xstrdup("");
	parent = ipath_get(in, up, true);
	free(up);
	p = lm_xmalloc(sizeof(*p));
	memset(p, 0, sizeof(*p));
	p->path = lm_xstrdup(path);
	p->parent = parent;
	p->next = parent->child;
	parent->child = p;
	lm_map_put(&in->paths, p->path, p);
	return p;
}

/* Make @p a record of the current layer (empty, linked under its parent). */
struct ipath *ipath_record(struct inspect *in, struct ipath *p)
{
	if (p->rec_layer == in->cur)
		return p;
	p->rec_layer = in->cur;
	memset(&p->rec, 0, sizeof(p->rec));
	p->rec_explicit = p->rec_opaque = false;
	p->lchild = NULL;
	if (p->parent) {
		ipath_record(in, p->parent);
		p->lnext = p->parent->lchild;
		p->parent->lchild = p;
	}
	return p;
}

static void add_hidden(struct inspect *in, struct iobj *o, enum ihow how)
{
	struct ihidden *h = o->path->last_hidden;

	in->wasted_bytes += o->size;
	if (h && h->layer == o->layer && h->by == in->cur && h->how == how) {
		h->size += o->size;
		return;
	}
	h = lm_xmalloc(sizeof(*h));
	h->path = o->path;
	h->layer = o->layer;
	h->by = in->cur;
	h->how = how;
	h->size = o->size;
	h->secret = ipath_secret(o->path->path);
	o->path->last_hidden = h;
	if (!(in->nhidden & (in->nhidden - 1)))	/* 0, 1, 2, 4, ...: double */
		in->hidden = lm_xrealloc(in->hidden,
					 2 * (in->nhidden + 1) * sizeof(h));
	in->hidden[in->nhidden++] = h;
}

/* One path stops showing @st's data. */
static void unref(struct inspect *in, struct istate *st, enum ihow how)
{
	if (st->kind != IK_REG)
		return;
	if (!--st->obj->refs) {
		add_hidden(in, st->obj, how);
		free(st->obj);
	}
	st->obj = NULL;
}

/* Drop this layer's records below @p (it is replaced). */
static void drop_below(struct inspect *in, struct ipath *p)
{
	struct ipath *c;

	for (c = p->lchild; c; c = c->lnext) {
		drop_below(in, c);
		unref(in, &c->rec, HOW_OVERWRITE);
		c->rec_layer = 0;
	}
	p->lchild = NULL;
}

/* The current layer's object at @p is removed (replaced in the layer). */
void ipath_rec_drop(struct inspect *in, struct ipath *p)
{
	drop_below(in, p);
	unref(in, &p->rec, HOW_OVERWRITE);
	memset(&p->rec, 0, sizeof(p->rec));
	p->rec_explicit = p->rec_opaque = false;
}

void ipath_layer_start(struct inspect *in, unsigned int layer)
{
	in->cur = layer;
	ipath_record(in, in->root);
}

static void hide(struct inspect *in, struct ipath *p, enum ihow how);

static void hide_children(struct inspect *in, struct ipath *p, enum ihow how)
{
	struct ipath *c;

	for (c = p->child; c; c = c->next)
		hide(in, c, how);
}

/* @p and what is below it leave the merged tree. */
static void hide(struct inspect *in, struct ipath *p, enum ihow how)
{
	if (p->vis.kind == IK_NONE)
		return;		/* nor anything below it */
	if (p->vis.kind == IK_DIR)
		hide_children(in, p, how);
	unref(in, &p->vis, how);
	p->vis.kind = IK_NONE;
}

static void note_change(struct inspect *in, struct ilayer *l,
			struct ipath *p, char marker)
{
	struct ichange *c;

	switch (marker) {
	case 'A': l->added++; break;
	case 'M': l->modified++; break;
	case 'D': l->deleted++; break;
	case 'O': l->opaque++; break;
	default: return;
	}
	if (!in->keep_changes)
		return;
	if (!(l->nchanges & (l->nchanges - 1)))	/* 0, 1, 2, 4, ...: double */
		l->changes = lm_xrealloc(l->changes, 2 * (l->nchanges + 1) *
					 sizeof(*l->changes));
	c = &l->changes[l->nchanges++];
	c->path = p;
	c->marker = marker;
	c->st = p->rec;
}

static bool meta_differs(const struct istate *a, const struct istate *b)
{
	return a->mode != b->mode || a->uid != b->uid || a->gid != b->gid;
}

/* Apply @p's record to the merged tree; returns its --files marker. */
static char apply_one(struct inspect *in, struct ipath *p)
{
	struct istate *r = &p->rec, *v = &p->vis;
	char marker = 0;

	if (p->rec_opaque && v->kind == IK_DIR)
		hide_children(in, p, HOW_OPAQUE);
	switch (r->kind) {
	case IK_NONE:		/* replaced, or the root without an entry */
		return p->rec_opaque ? 'O' : 0;
	case IK_WHITEOUT:
		hide(in, p, HOW_WHITEOUT);
		return 'D';
	case IK_DIR:
		if (v->kind == IK_DIR)
			marker = meta_differs(r, v) ? 'M' : 0;
		else
			marker = v->kind == IK_NONE ? 'A' : 'M';
		if (v->kind != IK_DIR)
			hide(in, p, HOW_OVERWRITE);
		break;
	default:
		marker = v->kind == IK_NONE ? 'A' : 'M';
		hide(in, p, HOW_OVERWRITE);
		break;
	}
	*v = *r;		/* the record's reference moves to the tree */
	r->obj = NULL;
	if (p->rec_opaque)
		return 'O';
	return p->rec_explicit && p != in->root ? marker : 0;
}

static void apply_below(struct inspect *in, struct ilayer *l, struct ipath *p)
{
	struct ipath *c;

	for (c = p->lchild; c; c = c->lnext) {
		note_change(in, l, c, apply_one(in, c));
		apply_below(in, l, c);
	}
}

/* The current layer, read and verified, joins the merged tree. */
void ipath_apply(struct inspect *in, struct ilayer *l)
{
	struct ipath *r = in->root;

	if (r->rec.kind == IK_NONE) {	/* no root entry: keep the root */
		r->rec = r->vis;
		r->rec_explicit = false;
	}
	note_change(in, l, r, apply_one(in, r));
	apply_below(in, l, r);
}

/*
 * Names that commonly hold secrets: one list, documented in layermount(8).
 * A pattern with a '/' matches the end of the path, others the last name.
 */
static const char *const secret_names[] = {
	"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk",
	"id_ed25519_sk", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks",
	"*.keystore", ".env", ".env.*", ".netrc", "_netrc", ".npmrc",
	".pypirc", ".git-credentials", ".pgpass", ".dockercfg",
	".docker/config.json", ".aws/credentials", ".aws/config",
	".config/gcloud/credentials.db",
	".config/gcloud/application_default_credentials.json",
	".azure/accessTokens.json", ".kube/config", "credentials.json",
};

bool ipath_secret(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i, n, len = strlen(path);

	base = base ? base + 1 : path;
	for (i = 0; i < sizeof(secret_names) / sizeof(secret_names[0]); i++) {
		const char *pat = secret_names[i];

		if (!strchr(pat, '/')) {
			if (!fnmatch(pat, base, FNM_PERIOD))
				return true;
			continue;
		}
		n = strlen(pat);
		if (len >= n && !strcmp(path + len - n, pat) &&
		    (len == n || path[len - n - 1] == '/'))
			return true;
	}
	return false;
}
