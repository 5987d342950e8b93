// SPDX-License-Identifier: GPL-2.0
/*
 * layerfs: mount options, through the mount API.
 *
 * Owns the fs_parameter_spec table, the parsing of each option into a
 * struct layerfs_config (fc->fs_private), and the checks that need all
 * options at once (layerfs_config_validate()). Paths are resolved while
 * parsing, in the mounter's context, so relative paths are taken from
 * the mounter's working directory. Every rejected input fails with a
 * precise errno and a log line naming the option and the path.
 *
 * Locking: none; a fs_context belongs to one task while it is set up.
 */
#include <linux/fs_parser.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/mount.h>

#include "layerfs.h"

enum layerfs_opt {
	LAYERFS_OPT_LOWERDIR,
	LAYERFS_OPT_LOWERDIR_ADD,
	LAYERFS_OPT_UPPERDIR,
	LAYERFS_OPT_WORKDIR,
	LAYERFS_OPT_IMMUTABLE,
};

/* Empty values are accepted by the table so that we can name them. */
static const struct fs_parameter_spec layerfs_param_spec[] = {
	__fsparam(fs_param_is_string, "lowerdir", LAYERFS_OPT_LOWERDIR,
		  fs_param_can_be_empty, NULL),
	__fsparam(fs_param_is_string, "lowerdir+", LAYERFS_OPT_LOWERDIR_ADD,
		  fs_param_can_be_empty, NULL),
	__fsparam(fs_param_is_string, "upperdir", LAYERFS_OPT_UPPERDIR,
		  fs_param_can_be_empty, NULL),
	__fsparam(fs_param_is_string, "workdir", LAYERFS_OPT_WORKDIR,
		  fs_param_can_be_empty, NULL),
	fsparam_flag("immutable_lowers", LAYERFS_OPT_IMMUTABLE),
	{}
};

static void layerfs_config_free_lower(struct layerfs_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->numlower; i++) {
		path_put(&cfg->lower[i]);
		kfree(cfg->lowername[i]);
	}
	kfree(cfg->lower);
	kfree(cfg->lowername);
	cfg->lower = NULL;
	cfg->lowername = NULL;
	cfg->numlower = 0;
}

/* Dentry operations that would make union lookups unreliable. */
static bool layerfs_unusable_dentry(struct dentry *dentry)
{
	return dentry->d_flags & (DCACHE_NEED_AUTOMOUNT | DCACHE_MANAGE_TRANSIT |
				  DCACHE_OP_HASH | DCACHE_OP_COMPARE);
}

/*
 * Resolve @name for option @key into @path: an existing directory on a
 * filesystem that can serve as a layer.
 */
static int layerfs_resolve_dir(struct fs_context *fc, const char *key,
			       const char *name, struct path *path)
{
	int err;

	err = -EINVAL;
	if (!*name) {
		errorfc(fc, "%s: empty path", key);
		return err;
	}
	err = kern_path(name, LOOKUP_FOLLOW, path);
	if (err) {
		errorfc(fc, "%s: cannot resolve '%s': error %d", key, name, err);
		return err;
	}
	err = -ENOTDIR;
	if (!d_is_dir(path->dentry)) {
		errorfc(fc, "%s: '%s' is not a directory", key, name);
		goto out_put;
	}
	err = -EINVAL;
	if (layerfs_unusable_dentry(path->dentry)) {
		errorfc(fc, "%s: the filesystem of '%s' (%s) cannot serve as a layer",
			key, name, path->mnt->mnt_sb->s_type->name);
		goto out_put;
	}
	if (path->mnt->mnt_sb->s_stack_depth >= FILESYSTEM_MAX_STACK_DEPTH) {
		errorfc(fc, "%s: '%s' is stacked too deeply to serve as a layer",
			key, name);
		goto out_put;
	}
	return 0;

out_put:
	path_put(path);
	return err;
}

static int layerfs_add_lower(struct fs_context *fc, const char *key,
			     const char *name)
{
	struct layerfs_config *cfg = fc->fs_private;
	unsigned int n = cfg->numlower;
	struct path *paths;
	char **names;
	int err;

	err = -E2BIG;
	if (n >= LAYERFS_MAX_LOWER) {
		errorfc(fc, "%s: too many layers at '%s', the limit is %d",
			key, name, LAYERFS_MAX_LOWER);
		return err;
	}
	err = -ENOMEM;
	if (n % 16 == 0) {
		paths = krealloc_array(cfg->lower, n + 16, sizeof(*paths),
				       GFP_KERNEL);
		if (!paths)
			return err;
		cfg->lower = paths;
		names = krealloc_array(cfg->lowername, n + 16, sizeof(*names),
				       GFP_KERNEL);
		if (!names)
			return err;
		cfg->lowername = names;
	}
	cfg->lowername[n] = kstrdup(name, GFP_KERNEL);
	if (!cfg->lowername[n])
		return err;
	err = layerfs_resolve_dir(fc, key, name, &cfg->lower[n]);
	if (err) {
		kfree(cfg->lowername[n]);
		return err;
	}
	cfg->numlower = n + 1;
	return 0;
}

/*
 * Split a lowerdir= value at unescaped colons; "\:" stands for a colon
 * and "\\" for a backslash inside a path.
 */
static int layerfs_parse_lowerdir(struct fs_context *fc, const char *key,
				  const char *value)
{
	/* LAB 1.2 BEGIN: split at colons not escaped by a backslash; add each path */
	unsigned int pos = 1;
	char *buf, *p, *w, *start;
	char end;
	int err;

	err = -EINVAL;
	if (!*value) {
		errorfc(fc, "%s: empty value", key);
		return err;
	}
	err = -ENOMEM;
	buf = kstrdup(value, GFP_KERNEL);
	if (!buf)
		return err;
	for (p = buf;; pos++) {
		start = p;
		w = p;
		while (*p && *p != ':') {
			if (p[0] == '\\' && (p[1] == ':' || p[1] == '\\'))
				p++;
			*w++ = *p++;
		}
		end = *p;
		*w = '\0';
		err = -EINVAL;
		if (w == start) {
			errorfc(fc, "%s: empty path at position %u", key, pos);
			break;
		}
		err = layerfs_add_lower(fc, key, start);
		if (err || !end)
			break;
		p++;
	}
	kfree(buf);
	return err;
	/* LAB 1.2 END */
}

static int layerfs_parse_param(struct fs_context *fc,
			       struct fs_parameter *param)
{
	struct layerfs_config *cfg = fc->fs_private;
	struct fs_parse_result result;
	struct path *dst;
	char **name;
	int opt, err;

	opt = fs_parse(fc, layerfs_param_spec, param, &result);
	if (opt < 0)
		return opt;

	if (fc->purpose == FS_CONTEXT_FOR_RECONFIGURE)
		return invalfc(fc, "%s: cannot be changed by remount",
			       param->key);

	switch (opt) {
	case LAYERFS_OPT_LOWERDIR:
		/* a later lowerdir= replaces the layers given so far */
		layerfs_config_free_lower(cfg);
		return layerfs_parse_lowerdir(fc, param->key, param->string);
	case LAYERFS_OPT_LOWERDIR_ADD:
		return layerfs_add_lower(fc, param->key, param->string);
	case LAYERFS_OPT_UPPERDIR:
		dst = &cfg->upper;
		name = &cfg->uppername;
		break;
	case LAYERFS_OPT_WORKDIR:
		dst = &cfg->work;
		name = &cfg->workname;
		break;
	case LAYERFS_OPT_IMMUTABLE:
		cfg->immutable = true;
		return 0;
	default:
		return -EINVAL;
	}
	path_put(dst);
	memset(dst, 0, sizeof(*dst));
	kfree(*name);
	*name = NULL;
	err = layerfs_resolve_dir(fc, param->key, param->string, dst);
	if (err) {
		memset(dst, 0, sizeof(*dst));
		return err;
	}
	/* the string moves to the config */
	*name = param->string;
	param->string = NULL;
	return 0;
}

/* Is one of @a and @b inside the other (or are they the same)? */
static bool layerfs_overlap(const struct path *a, const struct path *b)
{
	/* LAB 1.3 BEGIN: same filesystem and one inside the other (is_subdir()) */
	if (a->dentry->d_sb != b->dentry->d_sb)
		return false;
	return is_subdir(a->dentry, b->dentry) ||
	       is_subdir(b->dentry, a->dentry);
	/* LAB 1.3 END */
}

/**
 * layerfs_config_validate() - checks that need every option
 * @fc: the filesystem context
 *
 * Context: the mounter's task, before the superblock is set up.
 * Return: 0, or a negative errno after logging which option is wrong.
 */
int layerfs_config_validate(struct fs_context *fc)
{
	struct layerfs_config *cfg = fc->fs_private;
	unsigned int i, j;

	if (!cfg->numlower)
		return invalfc(fc, "missing 'lowerdir'");
	if (cfg->upper.dentry && !cfg->work.dentry)
		return invalfc(fc, "upperdir: requires 'workdir'");
	if (cfg->work.dentry && !cfg->upper.dentry)
		return invalfc(fc, "workdir: requires 'upperdir'");

	for (i = 0; i < cfg->numlower; i++) {
		for (j = i + 1; j < cfg->numlower; j++) {
			if (!layerfs_overlap(&cfg->lower[i], &cfg->lower[j]))
				continue;
			errorfc(fc, "lowerdir: '%s' and '%s' overlap",
				cfg->lowername[i], cfg->lowername[j]);
			return -ELOOP;
		}
		if (cfg->upper.dentry &&
		    (layerfs_overlap(&cfg->lower[i], &cfg->upper) ||
		     layerfs_overlap(&cfg->lower[i], &cfg->work))) {
			errorfc(fc, "lowerdir: '%s' overlaps upperdir or workdir",
				cfg->lowername[i]);
			return -ELOOP;
		}
	}
	if (!cfg->upper.dentry)
		return 0;

	if (cfg->upper.mnt->mnt_sb != cfg->work.mnt->mnt_sb) {
		errorfc(fc, "workdir: not on the filesystem of upperdir");
		return -EXDEV;
	}
	if (layerfs_overlap(&cfg->upper, &cfg->work)) {
		errorfc(fc, "workdir: overlaps upperdir");
		return -ELOOP;
	}
	if (__mnt_is_readonly(cfg->upper.mnt)) {
		errorfc(fc, "upperdir: on a read-only mount");
		return -EROFS;
	}
	return 0;
}

static void layerfs_free_fc(struct fs_context *fc)
{
	struct layerfs_config *cfg = fc->fs_private;

	if (!cfg)
		return;
	layerfs_config_free_lower(cfg);
	path_put(&cfg->upper);
	path_put(&cfg->work);
	kfree(cfg->uppername);
	kfree(cfg->workname);
	kfree(cfg);
}

static const struct fs_context_operations layerfs_context_ops = {
	.parse_param	= layerfs_parse_param,
	.get_tree	= layerfs_get_tree,
	.reconfigure	= layerfs_reconfigure,
	.free		= layerfs_free_fc,
};

/**
 * layerfs_init_fs_context() - start setting up a mount or remount
 * @fc: the new filesystem context
 *
 * Return: 0 or -ENOMEM.
 */
int layerfs_init_fs_context(struct fs_context *fc)
{
	struct layerfs_config *cfg;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	fc->fs_private = cfg;
	fc->ops = &layerfs_context_ops;
	return 0;
}
