// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: lookup, and the dentry operations of union dentries.
 *
 * Owns layerfs_lookup(), which builds the lower stack of a name by asking
 * each layer of the parent's stack from the top down, and the dentry
 * operations: ->d_revalidate() notices that the real dentry that gave a
 * union dentry was removed or renamed behind the union's back, in
 * constant time whatever the depth of the stack; ->d_real() maps a union
 * dentry to the real one for the VFS.
 *
 * Rules: the first layer where the name is a non-directory ends the
 * stack (the object is that file); a whiteout (character device 0:0)
 * hides the name in every layer below it; a directory joins the stack
 * and, when opaque (trusted.overlay.opaque = "y"), hides everything
 * below it. Names found nowhere get a negative dentry, cached by the VFS.
 * The upper layer is asked first; an upper non-directory's stack is only
 * its origin, the lower object its origin file handle names, which gives
 * its inode number (and is not revalidated).
 *
 * Locking: ->lookup() runs with the union parent's i_rwsem held shared;
 * the parent's stack never changes, and each real parent is locked by
 * the VFS helper that looks the name up in it. ->d_revalidate() compares
 * names under the union dentry's d_lock, then the real dentry's (nested),
 * never the other way round.
 */
#include <linux/namei.h>
#include <linux/slab.h>

#include "layerfs.h"

/*
 * Look @name up in the upper directory of @dir, if it has one. *@upperp
 * gets a positive upper dentry or NULL; *@stop tells whether the lowers
 * are hidden (whiteout, opaque directory) or irrelevant (non-directory).
 */
static int layerfs_lookup_upper(struct inode *dir, const struct qstr *name,
				struct dentry **upperp, bool *stop)
{
	/* LAB 2.2 BEGIN: the upper directory first: whiteout and opaque set *stop */
	struct dentry *udir = layerfs_upper(dir);
	struct layerfs_path p;
	struct dentry *this;

	*upperp = NULL;
	*stop = false;
	if (!udir)
		return 0;
	this = layerfs_do_lookup(udir, name->name, name->len);
	if (IS_ERR(this))
		return PTR_ERR(this);
	if (d_is_negative(this)) {
		dput(this);
		return 0;
	}
	if (layerfs_is_whiteout(this)) {
		dput(this);
		*stop = true;
		return 0;
	}
	if (d_is_dir(this)) {
		p.layer = &LAYERFS_FS(dir->i_sb)->layers[0];
		p.dentry = this;
		*stop = layerfs_do_is_opaque(&p);
	}
	*upperp = this;
	return 0;
	/* LAB 2.2 END */
}

/*
 * Build the lower stack of @name below the union directory @dir into
 * @stack (room for as many entries as @dir's stack), asking the layers
 * of @dir's stack from position @first down (the layers above it do not
 * have the name). Returns the number of entries, 0 when the name is
 * absent or whited out, or a negative errno. With @dir_only, only
 * directories join (below an upper one).
 */
static int layerfs_lookup_stack(struct inode *dir, const struct qstr *name,
				struct layerfs_path *stack, bool dir_only,
				unsigned int first)
{
	/* LAB 2.1 BEGIN: ask each lower top down; stop at a whiteout or a non-directory */
	struct layerfs_inode *parent = LAYERFS_I(dir);
	struct dentry *this;
	unsigned int i;
	int n = 0;

	for (i = first; i < parent->numlower; i++) {
		struct layerfs_path *p = &parent->lower[i];

		this = layerfs_do_lookup(p->dentry, name->name, name->len);
		if (IS_ERR(this)) {
			/* the caller owns (and frees) the array itself */
			while (n--)
				dput(stack[n].dentry);
			return PTR_ERR(this);
		}
		if (d_is_negative(this)) {
			dput(this);
			continue;
		}
		/* a whiteout, or a non-directory under a directory, ends it */
		if (layerfs_is_whiteout(this) ||
		    ((n || dir_only) && !d_is_dir(this))) {
			dput(this);
			break;
		}
		stack[n].layer = p->layer;
		stack[n].dentry = this;
		n++;
		if (!d_is_dir(this) || layerfs_do_is_opaque(&stack[n - 1]))
			break;
	}
	return n;
	/* LAB 2.1 END */
}

/*
 * The origin of an upper non-directory, wherever it was renamed to: the
 * lower object its origin file handle names (it gives st_ino).
 */
static int layerfs_lookup_origin(struct inode *dir, struct dentry *upper,
				 struct layerfs_path *stack)
{
	int err;

	err = layerfs_do_decode_origin(LAYERFS_FS(dir->i_sb), upper, stack);
	if (err)
		return err;
	return stack[0].dentry ? 1 : 0;
}

/**
 * layerfs_lookup() - look a name up in a union directory
 * @dir:    the union parent directory
 * @dentry: the union dentry to fill in
 * @flags:  LOOKUP_* flags
 *
 * Context: @dir's i_rwsem held shared.
 * Return: NULL, an alias to use instead of @dentry, or an ERR_PTR().
 */
struct dentry *layerfs_lookup(struct inode *dir, struct dentry *dentry,
			      unsigned int flags)
{
	struct layerfs_inode *parent = LAYERFS_I(dir);
	struct dentry *upper = NULL;
	struct inode *inode = NULL;
	struct layerfs_path *stack;
	const struct cred *old;
	bool stop;
	int n = 0, first;

	if (dentry->d_name.len > LAYERFS_FS(dir->i_sb)->namelen)
		return ERR_PTR(-ENAMETOOLONG);

	stack = kcalloc(max(parent->numlower, 1U), sizeof(*stack), GFP_KERNEL);
	if (!stack)
		return ERR_PTR(-ENOMEM);

	old = layerfs_override_creds(dir->i_sb);
	n = layerfs_lookup_upper(dir, &dentry->d_name, &upper, &stop);
	if (!n && upper && !d_is_dir(upper)) {
		n = layerfs_lookup_origin(dir, upper, stack);
	} else if (!n && !stop) {
		/* with immutable lowers, the index says where to start */
		first = layerfs_index_first(dir, &dentry->d_name);
		if (first >= 0)
			n = layerfs_lookup_stack(dir, &dentry->d_name, stack,
						 !!upper, first);
	}
	layerfs_revert_creds(old);

	if (n < 0) {
		dput(upper);
		kfree(stack);
		return ERR_PTR(n);
	}
	if (n > 0 && n < parent->numlower) {
		/*
		 * Keep only the layers found: a file of a 500-layer stack has
		 * one. krealloc() would keep the whole allocation (it shrinks
		 * in place), so copy; failure keeps the array as it is.
		 */
		struct layerfs_path *exact;

		exact = kmemdup(stack, n * sizeof(*stack), GFP_KERNEL);
		if (exact) {
			kfree(stack);
			stack = exact;
		}
	}
	if (upper || n) {
		inode = layerfs_get_inode(dir->i_sb, upper, stack, n);
		if (IS_ERR(inode))
			return ERR_CAST(inode);
	} else {
		kfree(stack);
	}
	return d_splice_alias(inode, dentry);
}

/*
 * The entry of @li's stack in @layer, or NULL. A stack holds its layers
 * from the top down, in increasing index order: a binary search.
 */
static const struct layerfs_path *
layerfs_stack_find(const struct layerfs_inode *li,
		   const struct layerfs_layer *layer)
{
	unsigned int lo = 0, hi = li->numlower, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (li->lower[mid].layer->idx < layer->idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < li->numlower && li->lower[lo].layer == layer)
		return &li->lower[lo];
	return NULL;
}

/*
 * Is @p, entry of the stack of union dentry @dentry, still where lookup
 * found it: hashed, with the same name, under the parent's real directory
 * of the same layer? A hard-linked real file may be reached through
 * another name than the one on the stack, so only its inode is checked.
 */
static bool layerfs_real_in_place(struct dentry *dentry,
				  const struct layerfs_path *p)
{
	struct dentry *real = p->dentry;
	struct inode *inode = d_inode_rcu(real);
	const struct layerfs_path *pp;
	struct inode *dir;
	bool same_name;

	if (!inode)
		return false;
	if (IS_ROOT(real) || (!d_is_dir(real) && inode->i_nlink > 1))
		return true;
	if (d_unhashed(real))
		return false;

	/*
	 * A rename in the union or in the layer may change either name
	 * right now: d_move() changes a name under the dentry's d_lock, so
	 * both are compared under theirs (union dentry first; in RCU walk
	 * a dying dentry's name is still readable). No snapshot: taking
	 * one adds a reference to an external name, which a dentry being
	 * freed under RCU walk may already have dropped.
	 */
	spin_lock(&dentry->d_lock);
	spin_lock_nested(&real->d_lock, DENTRY_D_LOCK_NESTED);
	same_name = real->d_name.len == dentry->d_name.len &&
		    !memcmp(real->d_name.name, dentry->d_name.name,
			    dentry->d_name.len);
	spin_unlock(&real->d_lock);
	spin_unlock(&dentry->d_lock);
	if (!same_name)
		return false;

	dir = d_inode_rcu(READ_ONCE(dentry->d_parent));
	if (!dir)
		return false;
	pp = layerfs_stack_find(LAYERFS_I(dir), p->layer);
	return pp && pp->dentry == READ_ONCE(real->d_parent);
}

/*
 * A walk through a union dentry costs the same whatever the depth of the
 * stack: only the layer that gave the object (the top of its stack) is
 * checked to be still in place. Real dentries whose filesystem
 * revalidates its own (network, FUSE) are asked on every walk, in every
 * layer, as they must be (inode.c notes which stacks have them).
 */
static int layerfs_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct inode *inode = d_inode_rcu(dentry);
	struct layerfs_inode *li;
	unsigned int i;
	int ret;

	/* negative dentries stay until the union itself changes */
	if (!inode)
		return 1;
	li = LAYERFS_I(inode);
	/* the lower of an upper non-directory only gives its number */
	if (!li->numlower || (layerfs_upper(inode) && !S_ISDIR(inode->i_mode)))
		return 1;
	if (!layerfs_real_in_place(dentry, &li->lower[0]))
		return 0;
	if (!li->reval)
		return 1;
	for (i = 0; i < li->numlower; i++) {
		ret = layerfs_do_revalidate(li->lower[i].dentry, flags);
		if (ret <= 0)
			return ret;
	}
	return 1;
}

static struct dentry *layerfs_d_real(struct dentry *dentry,
				     LAYERFS_D_REAL_ARG arg)
{
	struct dentry *real;

	/* only regular files have a real file behind them */
	if (!d_is_reg(dentry) || layerfs_d_real_self(arg, dentry))
		return dentry;
	real = layerfs_real_dentry(d_inode(dentry));
	if (!real)
		return dentry;
	if (layerfs_d_real_match(arg, real))
		return real;
	/* the real file may itself be on a stacked filesystem */
	real = layerfs_do_d_real(real, arg);
	if (layerfs_d_real_match(arg, real))
		return real;
	WARN_ONCE(1, "layerfs: no real dentry for %pd4\n", dentry);
	return dentry;
}

/* ->d_revalidate, in the kernel's prototype (compat.h) */
LAYERFS_DEFINE_D_REVALIDATE(layerfs_d_revalidate)

const struct dentry_operations layerfs_dentry_ops = {
	.d_revalidate	= layerfs_d_revalidate_op,
	.d_real		= layerfs_d_real,
};
