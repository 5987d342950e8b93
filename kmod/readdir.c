// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: merged directory listings.
 *
 * Owns the file_operations of union directories. An open directory
 * reads every real directory of its stack once, from the top down, into
 * a cache of its own: each name is kept the first time it is seen, so a
 * higher layer's entry (and its type and inode number) wins; whiteouts
 * enter the cache to hide the names below them but are never listed.
 * Entries reported as character devices or of unknown type are looked up
 * to tell whiteouts apart and learn their type.
 *
 * Positions: 0 is ".", 1 is "..", 2 + i is the i-th listed entry of the
 * cache, so telldir()/seekdir() positions stay valid for the life of the
 * open directory. Seeking to 0 (rewinddir()) drops the cache and the next
 * read builds a fresh one. d_ino is mapped exactly like st_ino.
 *
 * With immutable lowers (mount option immutable_lowers), the merge of a
 * directory's lowers is made once and kept in the union inode: it is the
 * listing of every open of a directory without an upper part, and the
 * index lookup uses (layerfs_index_first()): which layer holds a name
 * first, so a miss touches no layer and a non-directory one. An index is
 * released with its inode; a directory of more than LAYERFS_INDEX_MAX
 * names gets none and is walked layer by layer. A directory with an
 * upper part keeps its whole merged listing in the inode instead, until
 * its entries change through the union (layerfs_dir_changed()) or a
 * copy-up in it changes an entry's inode number
 * (layerfs_dir_forget_listing()). Without the option every open merges
 * afresh, so that a name added to a lower shows at the next open.
 *
 * A listing is shared by reference (layerfs_put_cache()): an open file
 * holds the one it reads from, the inode the one it keeps.
 *
 * The link count of a merged directory is counted with the same merge
 * and cached in the union inode (layerfs_dir_nlink()); layerfs_dir_changed()
 * forgets it after a change of the directory's entries. The same merge
 * tells rmdir and rename whether a directory is empty
 * (layerfs_dir_check_empty()).
 *
 * Locking: an open file's reference to its listing is changed under the
 * file's f_pos_lock, which the VFS holds for getdents and lseek; a
 * listing never changes once built. The union inode's lock guards the
 * cached link count, its i_lock the kept listing and the generation that
 * tells a listing built during a change from a current one. An index is
 * built without a lock and published with cmpxchg() (a task that loses
 * the race frees its own); it never changes afterwards and goes with the
 * inode. Real directories are
 * read with their own i_rwsem held by iterate_dir(), and whiteout checks
 * run after it is released. fsync
 * opens the upper directory for the call and takes no lock of its own.
 */
#include <linux/slab.h>
#include <linux/rbtree.h>
#include <linux/list.h>
#include <linux/mm.h>

#include "layerfs.h"

/**
 * struct layerfs_dirent - one name of a merged directory
 * @node:       in the cache's name tree
 * @list:       in the cache's list, in the order names were first seen
 * @next_check: next entry of the current layer to look up
 * @ino:        d_ino, already mapped
 * @pos:        stack position the entry came from (-1: upper layer)
 * @origin:     for an upper entry, the stack position of the first lower
 *              layer with the same name if that is of the same kind
 *              (-1: none seen, -2: not of the same kind)
 * @len:        length of @name
 * @type:       DT_* type
 * @whiteout:   hides the name below, never listed
 * @name:       the name, not NUL-terminated
 */
struct layerfs_dirent {
	struct rb_node node;
	struct list_head list;
	struct layerfs_dirent *next_check;
	u64 ino;
	int pos;
	int origin;
	unsigned int len;
	unsigned char type;
	bool whiteout;
	char name[];
};

/* the most names a directory's index holds (about 100 bytes each) */
#define LAYERFS_INDEX_MAX	BIT(20)

/**
 * struct layerfs_dir_cache - the merged listing of a directory
 * @refs:  the open files and the union inode that hold it
 * @names: every name seen, by name
 * @list:  every name seen, in order
 * @ents:  the listed entries (no whiteouts), indexed by position - 2
 * @count: number of entries in @ents
 * @seen:  number of names in @names
 * @limit: most names allowed (0: no limit), beyond it the merge fails
 */
struct layerfs_dir_cache {
	refcount_t refs;
	struct rb_root names;
	struct list_head list;
	struct layerfs_dirent **ents;
	unsigned int count;
	unsigned int seen;
	unsigned int limit;
};

/* the context handed to a real directory's iterator */
struct layerfs_merge_ctx {
	struct dir_context ctx;
	struct layerfs_dir_cache *cache;
	struct layerfs_fs *lfs;
	const struct layerfs_layer *layer;
	int pos;
	struct layerfs_dirent *checks;
	unsigned int count;
	int err;
};

/* LAB 3.1 BEGIN: compare a name with a cache entry, as memcmp() but length aware */
static int layerfs_name_cmp(const char *a, unsigned int alen,
			    const struct layerfs_dirent *e)
{
	int c = memcmp(a, e->name, min(alen, e->len));

	if (c)
		return c;
	return alen < e->len ? -1 : alen > e->len;
}

/* LAB 3.1 END */

/* Drop a reference to a listing; the last one frees it. */
static void layerfs_put_cache(struct layerfs_dir_cache *cache)
{
	struct layerfs_dirent *e, *next;

	if (!cache || !refcount_dec_and_test(&cache->refs))
		return;
	list_for_each_entry_safe(e, next, &cache->list, list)
		kfree(e);
	kvfree(cache->ents);
	kfree(cache);
}

static bool layerfs_merge_actor(struct dir_context *ctx, const char *name,
				int len, loff_t offset, u64 ino,
				unsigned int d_type)
{
	struct layerfs_merge_ctx *mc =
		container_of(ctx, struct layerfs_merge_ctx, ctx);
	struct rb_node **link = &mc->cache->names.rb_node;
	struct rb_node *parent = NULL;
	struct layerfs_dirent *e;
	/* LAB 3.1 BEGIN: the comparison result of the tree walk */
	int c;
	/* LAB 3.1 END */

	/* every entry counts, known names too: see layerfs_merge_layer() */
	mc->count++;
	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		return true;

	/* LAB 3.1 BEGIN: a name already in the tree (from a higher layer) is not added again */
	while (*link) {
		parent = *link;
		e = rb_entry(parent, struct layerfs_dirent, node);
		c = layerfs_name_cmp(name, len, e);
		if (!c) {
			/*
			 * A higher layer has it. The first lower layer with
			 * the name is the origin of an upper entry of the
			 * same kind (-2: seen, not an origin).
			 */
			if (e->pos < 0 && mc->pos >= 0 && e->origin == -1)
				e->origin = (e->type == DT_DIR) ==
					    (d_type == DT_DIR) ? mc->pos : -2;
			return true;
		}
		link = c < 0 ? &parent->rb_left : &parent->rb_right;
	}
	/* LAB 3.1 END */

	if (mc->cache->limit && mc->cache->seen >= mc->cache->limit) {
		mc->err = -EFBIG;
		return false;
	}
	e = kmalloc(struct_size(e, name, len), GFP_KERNEL);
	if (!e) {
		mc->err = -ENOMEM;
		return false;
	}
	mc->cache->seen++;
	memcpy(e->name, name, len);
	e->len = len;
	e->type = d_type;
	e->ino = layerfs_map_ino(mc->lfs, mc->layer, ino);
	e->whiteout = false;
	e->pos = mc->pos;
	e->origin = -1;
	e->next_check = NULL;
	if (d_type == DT_CHR || d_type == DT_UNKNOWN) {
		e->next_check = mc->checks;
		mc->checks = e;
	}
	rb_link_node(&e->node, parent, link);
	rb_insert_color(&e->node, &mc->cache->names);
	list_add_tail(&e->list, &mc->cache->list);
	return true;
}

/* Look up the entries the iterator could not classify. */
static int layerfs_check_entries(struct layerfs_merge_ctx *mc,
				 struct dentry *realdir)
{
	/* LAB 3.2 BEGIN: look up DT_CHR/DT_UNKNOWN entries: hide whiteouts, type the rest */
	struct layerfs_dirent *e;
	struct dentry *this;

	for (e = mc->checks; e; e = e->next_check) {
		this = layerfs_do_lookup(realdir, e->name, e->len);
		if (IS_ERR(this))
			return PTR_ERR(this);
		/* gone since it was listed: treat like a whiteout */
		if (d_is_negative(this) || layerfs_is_whiteout(this))
			e->whiteout = true;
		else
			e->type = S_DT(d_inode(this)->i_mode);
		dput(this);
	}
	return 0;
	/* LAB 3.2 END */
}

/* Add the names of one real directory, at stack position @pos, to @cache. */
static int layerfs_merge_layer(struct layerfs_dir_cache *cache,
			       struct layerfs_fs *lfs,
			       const struct layerfs_path *p, int pos)
{
	struct layerfs_merge_ctx mc = {
		.ctx.actor = layerfs_merge_actor,
		.cache = cache,
		.lfs = lfs,
		.layer = p->layer,
		.pos = pos,
	};
	struct path path = { .mnt = p->layer->mnt, .dentry = p->dentry };
	struct file *realdir;
	int err;

	realdir = layerfs_do_open_dir(&path, lfs->creds);
	if (IS_ERR(realdir))
		return PTR_ERR(realdir);
	/*
	 * Read until a call returns no entry at all. A batch of names
	 * already known is no end: a filesystem may hand out one batch per
	 * call, and a batch may repeat names (FUSE, a lower that changed).
	 */
	do {
		mc.count = 0;
		err = layerfs_do_iterate(realdir, &mc.ctx);
		if (!err && fatal_signal_pending(current))
			err = -EINTR;
	} while (!err && !mc.err && mc.count);
	fput(realdir);
	if (!err)
		err = mc.err;
	if (!err)
		err = layerfs_check_entries(&mc, p->dentry);
	return err;
}

/* Make the array of listed entries. */
static int layerfs_index_cache(struct layerfs_dir_cache *cache)
{
	struct layerfs_dirent *e;
	unsigned int n = 0;

	list_for_each_entry(e, &cache->list, list)
		n += !e->whiteout;
	cache->ents = kvmalloc_array(max(n, 1U), sizeof(*cache->ents),
				     GFP_KERNEL);
	if (!cache->ents)
		return -ENOMEM;
	list_for_each_entry(e, &cache->list, list)
		if (!e->whiteout)
			cache->ents[cache->count++] = e;
	return 0;
}

/*
 * The lower directory an upper directory entry is merged with, if any:
 * the one at @lower (the first lower layer with the name, a directory
 * there), unless the upper one is opaque.
 */
static int layerfs_dir_origin(struct layerfs_fs *lfs,
			      const struct layerfs_path *lower,
			      struct dentry *up, const struct layerfs_dirent *e,
			      struct layerfs_path *origin)
{
	struct layerfs_path p = { &lfs->layers[0], up };
	struct dentry *lo;

	if (layerfs_do_is_opaque(&p))
		return 0;
	lo = layerfs_do_lookup(lower->dentry, e->name, e->len);
	if (IS_ERR(lo))
		return PTR_ERR(lo);
	if (!d_is_dir(lo)) {
		dput(lo);
		return 0;
	}
	origin->layer = lower->layer;
	origin->dentry = lo;
	return 0;
}

/*
 * d_ino of the upper entries by the rule st_ino follows (layerfs_ino()):
 * a directory merged with a lower one, and a copied-up file wherever it
 * was renamed to (its origin file handle), show their origin's number.
 */
static int layerfs_origin_inos(struct layerfs_dir_cache *cache,
			       struct inode *dir, struct dentry *udir)
{
	struct layerfs_fs *lfs = LAYERFS_FS(dir->i_sb);
	struct layerfs_inode *li = LAYERFS_I(dir);
	struct layerfs_path origin;
	struct layerfs_dirent *e;
	struct dentry *up;
	int err;

	list_for_each_entry(e, &cache->list, list) {
		/* a directory with nothing below keeps its upper number */
		if (e->pos >= 0 || e->whiteout ||
		    (e->type == DT_DIR && e->origin < 0))
			continue;
		up = layerfs_do_lookup(udir, e->name, e->len);
		if (IS_ERR(up))
			return PTR_ERR(up);
		origin.dentry = NULL;
		err = 0;
		/* gone since it was listed: keep the listed number */
		if (d_is_dir(up) && e->origin >= 0)
			err = layerfs_dir_origin(lfs, &li->lower[e->origin], up,
						 e, &origin);
		else if (d_is_positive(up) && !d_is_dir(up))
			err = layerfs_do_decode_origin(lfs, up, &origin);
		if (!err && d_is_positive(up))
			e->ino = layerfs_ino(lfs, up, &origin);
		dput(origin.dentry);
		dput(up);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Merge the directories of @inode's stack; only its lowers when @limit
 * is set (the index), then at most @limit names.
 */
static struct layerfs_dir_cache *layerfs_merge_dirs(struct inode *inode,
						    unsigned int limit)
{
	struct layerfs_fs *lfs = LAYERFS_FS(inode->i_sb);
	struct layerfs_inode *li = LAYERFS_I(inode);
	struct dentry *upper = limit ? NULL : layerfs_upper(inode);
	struct layerfs_dir_cache *cache;
	const struct cred *old;
	unsigned int i;
	int err = 0;

	cache = kzalloc(sizeof(*cache), GFP_KERNEL);
	if (!cache)
		return ERR_PTR(-ENOMEM);
	refcount_set(&cache->refs, 1);
	cache->names = RB_ROOT;
	INIT_LIST_HEAD(&cache->list);
	cache->limit = limit;

	old = layerfs_override_creds(inode->i_sb);
	if (upper) {
		struct layerfs_path up = {
			.layer = &lfs->layers[0],
			.dentry = upper,
		};

		err = layerfs_merge_layer(cache, lfs, &up, -1);
	}
	for (i = 0; !err && i < li->numlower; i++)
		err = layerfs_merge_layer(cache, lfs, &li->lower[i], i);
	if (!err && upper)
		err = layerfs_origin_inos(cache, inode, upper);
	layerfs_revert_creds(old);

	if (!err)
		err = layerfs_index_cache(cache);
	if (err) {
		layerfs_put_cache(cache);
		return ERR_PTR(err);
	}
	return cache;
}

static struct layerfs_dir_cache *layerfs_build_cache(struct inode *inode)
{
	return layerfs_merge_dirs(inode, 0);
}

/*
 * The index of union directory @dir, built on first use; NULL when the
 * lowers may change, when there is nothing to gain (one lower), or when
 * it cannot be built (too many names: never; short of memory or killed:
 * this time).
 */
static struct layerfs_dir_cache *layerfs_get_index(struct inode *dir)
{
	struct layerfs_inode *li = LAYERFS_I(dir);
	struct layerfs_dir_cache *index, *built;

	if (!LAYERFS_FS(dir->i_sb)->immutable || li->numlower < 2)
		return NULL;
	/* pairs with the cmpxchg() below: a published index is complete */
	index = smp_load_acquire(&li->index);
	if (!index) {
		built = layerfs_merge_dirs(dir, LAYERFS_INDEX_MAX);
		if (IS_ERR(built) && PTR_ERR(built) != -EFBIG)
			return NULL;
		index = cmpxchg(&li->index, NULL, built);
		if (index) {
			if (!IS_ERR(built))
				layerfs_put_cache(built);
		} else {
			index = built;
		}
	}
	return IS_ERR(index) ? NULL : index;
}

/**
 * layerfs_index_first() - where to start looking a name up in the lowers
 * @dir:  the union directory
 * @name: the name
 *
 * Context: the mounter's credentials (the index may be built here).
 * Return: the position in @dir's stack of the first layer that has
 * @name (0 without an index), or -ENOENT when no lower has it or the
 * first one that does holds a whiteout.
 */
int layerfs_index_first(struct inode *dir, const struct qstr *name)
{
	struct layerfs_dir_cache *index = layerfs_get_index(dir);
	struct rb_node *node;
	struct layerfs_dirent *e;
	int c;

	if (!index)
		return 0;
	node = index->names.rb_node;
	while (node) {
		e = rb_entry(node, struct layerfs_dirent, node);
		/* as layerfs_name_cmp(), which a lab's skeleton leaves out */
		c = memcmp(name->name, e->name, min(name->len, e->len));
		if (!c)
			c = (name->len > e->len) - (name->len < e->len);
		if (!c)
			return e->whiteout ? -ENOENT : e->pos;
		node = c < 0 ? node->rb_left : node->rb_right;
	}
	return -ENOENT;
}

/*
 * The merged listing of union directory @dir, kept in the inode with
 * immutable lowers: built on first use, then shared until
 * layerfs_dir_forget_listing(). A listing whose build overlapped such a
 * call may be stale and serves only the caller; so does one of more
 * names than an index may hold.
 * Return: a reference to the listing, or an error pointer.
 */
static struct layerfs_dir_cache *layerfs_get_listing(struct inode *dir)
{
	struct layerfs_inode *li = LAYERFS_I(dir);
	struct layerfs_dir_cache *cache;
	unsigned int gen;

	spin_lock(&dir->i_lock);
	cache = li->listing;
	if (cache)
		refcount_inc(&cache->refs);
	gen = li->listing_gen;
	spin_unlock(&dir->i_lock);
	if (cache)
		return cache;

	cache = layerfs_build_cache(dir);
	if (IS_ERR(cache) || cache->seen > LAYERFS_INDEX_MAX)
		return cache;
	spin_lock(&dir->i_lock);
	if (!li->listing && li->listing_gen == gen) {
		refcount_inc(&cache->refs);
		li->listing = cache;
	}
	spin_unlock(&dir->i_lock);
	return cache;
}

/*
 * The listing of @inode that an open directory reads and the link count
 * and emptiness checks count: with immutable lowers, the inode's index
 * for a directory all in the lowers, else the listing the inode keeps;
 * without, a merge of its own.
 */
static struct layerfs_dir_cache *layerfs_dir_listing(struct inode *inode)
{
	struct layerfs_dir_cache *cache = NULL;
	const struct cred *old;

	if (!LAYERFS_FS(inode->i_sb)->immutable)
		return layerfs_build_cache(inode);
	if (!layerfs_upper(inode)) {
		old = layerfs_override_creds(inode->i_sb);
		cache = layerfs_get_index(inode);
		layerfs_revert_creds(old);
	}
	if (!cache)
		return layerfs_get_listing(inode);
	/* an index lives as long as its inode, which the open file pins */
	refcount_inc(&cache->refs);
	return cache;
}

/**
 * layerfs_dir_forget_listing() - drop a union directory's kept listing
 * @dir: the union directory, whose entries or their inode numbers changed
 *
 * Open files go on reading the listing they have; the next open or
 * rewinddir() merges again.
 */
void layerfs_dir_forget_listing(struct inode *dir)
{
	struct layerfs_inode *li = LAYERFS_I(dir);
	struct layerfs_dir_cache *cache;

	spin_lock(&dir->i_lock);
	cache = li->listing;
	li->listing = NULL;
	li->listing_gen++;
	spin_unlock(&dir->i_lock);
	layerfs_put_cache(cache);
}

/**
 * layerfs_dir_free_caches() - release a union inode's index and listing
 * @li: the union inode, being freed
 */
void layerfs_dir_free_caches(struct layerfs_inode *li)
{
	if (!IS_ERR_OR_NULL(li->index))
		layerfs_put_cache(li->index);
	li->index = NULL;
	layerfs_put_cache(li->listing);
	li->listing = NULL;
}

/**
 * layerfs_dir_nlink() - the link count of a merged directory
 * @dentry: the union directory
 *
 * Two plus the number of subdirectories in the merged view, counted once
 * and cached in the union inode.
 *
 * Return: the link count; 1 (as for a directory whose count is unknown)
 * if the directory cannot be read.
 */
unsigned int layerfs_dir_nlink(struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	struct layerfs_inode *li = LAYERFS_I(inode);
	struct layerfs_dir_cache *cache;
	unsigned int i, nlink;

	mutex_lock(&li->lock);
	nlink = li->nlink;
	if (nlink)
		goto out_unlock;
	cache = layerfs_dir_listing(inode);
	if (IS_ERR(cache)) {
		nlink = 1;
		goto out_unlock;
	}
	nlink = 2;
	for (i = 0; i < cache->count; i++)
		nlink += cache->ents[i]->type == DT_DIR;
	layerfs_put_cache(cache);
	li->nlink = nlink;
out_unlock:
	mutex_unlock(&li->lock);
	return nlink;
}

/**
 * layerfs_dir_check_empty() - may a union directory be removed?
 * @dentry: the union directory
 *
 * Return: 0 when the merged view has no entries (whiteouts aside),
 * -ENOTEMPTY otherwise, or another negative errno.
 */
int layerfs_dir_check_empty(struct dentry *dentry)
{
	struct layerfs_dir_cache *cache;
	int err;

	cache = layerfs_dir_listing(d_inode(dentry));
	if (IS_ERR(cache))
		return PTR_ERR(cache);
	err = cache->count ? -ENOTEMPTY : 0;
	layerfs_put_cache(cache);
	return err;
}

/**
 * layerfs_dir_changed() - note a change of a union directory's entries
 * @dir: the union directory
 *
 * Forgets the cached link count and the kept listing, and refreshes the
 * attributes.
 */
void layerfs_dir_changed(struct inode *dir)
{
	struct layerfs_inode *li = LAYERFS_I(dir);

	mutex_lock(&li->lock);
	li->nlink = 0;
	mutex_unlock(&li->lock);
	layerfs_dir_forget_listing(dir);
	layerfs_refresh_inode(dir);
}

static int layerfs_dir_release(struct inode *inode, struct file *file)
{
	layerfs_put_cache(file->private_data);
	return 0;
}

static int layerfs_iterate(struct file *file, struct dir_context *ctx)
{
	struct layerfs_dir_cache *cache = file->private_data;
	struct layerfs_dirent *e;
	loff_t i;

	if (!dir_emit_dots(file, ctx))
		return 0;
	if (!cache) {
		cache = layerfs_dir_listing(file_inode(file));
		if (IS_ERR(cache))
			return PTR_ERR(cache);
		file->private_data = cache;
	}
	for (i = ctx->pos - 2; i < cache->count; i++) {
		e = cache->ents[i];
		if (!dir_emit(ctx, e->name, e->len, e->ino, e->type))
			break;
		ctx->pos++;
	}
	return 0;
}

static loff_t layerfs_dir_llseek(struct file *file, loff_t offset, int whence)
{
	/* LAB 3.3 BEGIN: positions index the cache; seeking to 0 drops it (rewinddir) */
	loff_t pos;

	switch (whence) {
	case SEEK_SET:
		pos = offset;
		break;
	case SEEK_CUR:
		pos = file->f_pos + offset;
		break;
	default:
		return -EINVAL;
	}
	if (pos < 0)
		return -EINVAL;
	if (pos == 0 && file->f_pos != 0) {
		/* rewinddir(): the next read sees the current contents */
		layerfs_put_cache(file->private_data);
		file->private_data = NULL;
	}
	file->f_pos = pos;
	return pos;
	/* LAB 3.3 END */
}

/*
 * fsync of a union directory flushes its upper directory: that is where
 * every change of its entries was made (renames, creations, removals).
 * A directory without an upper one has never been changed through the
 * union and has nothing to flush.
 */
static int layerfs_dir_fsync(struct file *file, loff_t start, loff_t end,
			     int datasync)
{
	struct inode *inode = file_inode(file);
	struct layerfs_fs *lfs = LAYERFS_FS(inode->i_sb);
	struct path path = {
		.mnt = layerfs_upper_mnt(lfs),
		.dentry = layerfs_upper(inode),
	};
	struct file *real;
	int err;

	if (!path.dentry)
		return 0;
	real = layerfs_do_open_dir(&path, lfs->creds);
	if (IS_ERR(real))
		return PTR_ERR(real);
	err = layerfs_do_fsync_as_mounter(file, real, start, end, datasync);
	fput(real);
	return err;
}

const struct file_operations layerfs_dir_fops = {
	.release	= layerfs_dir_release,
	.read		= generic_read_dir,
	.iterate_shared	= layerfs_iterate,
	.llseek		= layerfs_dir_llseek,
	.fsync		= layerfs_dir_fsync,
};
