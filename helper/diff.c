// SPDX-License-Identifier: GPL-2.0
/*
 * diff.c: layermount diff [--json] MOUNTPOINT, what the container changed.
 *
 * The mount's record (umount.c finds it from the mount point) names its
 * upper and its layers.  Every object of the upper is one line, as
 * docker diff prints them: "A /path" added (not in the layers), "C /path"
 * changed (in the layers: data, metadata, or a directory holding
 * changes), "D /path" deleted: a whiteout, or a name of the layers that an
 * opaque directory hides and the upper does not make again (a directory
 * removed and made anew).  Order: depth first, a directory before its
 * children, whiteouts before the other children, names sorted bytewise.
 * Text lines escape a backslash as "\\" and any byte below 0x20 or 0x7f as
 * "\ooo" (a name may hold a newline); --json gives the names as JSON
 * strings, the bytes of one that is not UTF-8 in "path_base64" too
 * (lm_json_name()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "layermount.h"

#define JSON_SCHEMA	"layermount-diff"
#define JSON_VERSION	1

struct diff {
	bool json;
	json_object *changes;
};

static void emit(struct diff *d, char kind, const char *path,
		 const char *name)
{
	char *full = lm_xasprintf("/%s%s%s", path, name ? "/" : "",
				  name ? name : "");
	const unsigned char *s;
	json_object *c;

	if (d->json) {
		c = json_object_new_object();
		json_object_object_add(c, "kind",
				       json_object_new_string_len(&kind, 1));
		lm_json_name(c, "path", full);
		json_object_array_add(d->changes, c);
		free(full);
		return;
	}
	printf("%c ", kind);
	for (s = (const unsigned char *)full; *s; s++)
		if (*s == '\\')
			fputs("\\\\", stdout);
		else if (*s < 0x20 || *s == 0x7f)
			printf("\\%03o", *s);
		else
			putchar(*s);
	putchar('\n');
	free(full);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An opaque directory: the names of the layers it hides, not made anew. */
static int hidden(struct diff *d, const struct lm_uent *e)
{
	struct lm_map names;
	struct stat sb;
	const char **list;
	size_t i, n = 0;
	int err = lm_lower_names(e->lowers, e->nlowers, &names);

	list = lm_xmalloc((names.n + 1) * sizeof(char *));
	for (i = 0; i < names.cap; i++)
		if (names.keys[i] && fstatat(e->fd, names.keys[i], &sb,
					     AT_SYMLINK_NOFOLLOW) &&
		    errno == ENOENT)
			list[n++] = names.keys[i];
	qsort(list, n, sizeof(char *), cmp_str);
	for (i = 0; i < n; i++)
		emit(d, 'D', e->path, list[i]);
	free(list);
	lm_map_free_keys(&names);
	if (err)
		lm_err(e->path, "reading the layers below: %s", strerror(-err));
	return err ? LM_EXIT_SYSTEM : 0;
}

static int one(struct lm_uent *e, void *arg)
{
	struct diff *d = arg;

	if (e->whiteout) {
		emit(d, 'D', e->path, NULL);
		return 0;
	}
	emit(d, e->in_lower ? 'C' : 'A', e->path, NULL);
	return e->opaque && e->nlowers ? hidden(d, e) : 0;
}

/* The mount's layers from its record, topmost first, each once. */
static int open_layers(struct lm_store *st, json_object *rec, int **fds,
		       size_t *n)
{
	json_object *arr = lm_jarr(rec, "layers");
	size_t i, k, cnt = arr ? json_object_array_length(arr) : 0;
	char name[LM_HEX + 8];
	struct lm_digest dg;

	*fds = lm_xmalloc((cnt + 1) * sizeof(int));
	*n = 0;
	for (i = cnt; i-- > 0;) {
		const char *s = json_object_get_string(
				json_object_array_get_idx(arr, i));

		if (!s || lm_digest_parse(s, &dg)) {
			lm_err(st->path, "a mount record with a bad layer");
			return LM_EXIT_SYSTEM;
		}
		for (k = i + 1; k < cnt; k++)	/* repeated: the top one counts */
			if (!strcmp(s, json_object_get_string(
					json_object_array_get_idx(arr, k))))
				break;
		if (k < cnt)
			continue;
		snprintf(name, sizeof(name), "layers/%s", dg.hex);
		(*fds)[*n] = openat(st->fd, name, O_RDONLY | O_DIRECTORY |
				    O_NOFOLLOW | O_CLOEXEC);
		if ((*fds)[*n] < 0) {
			lm_err(st->path, "%s: %s", name, strerror(errno));
			return LM_EXIT_SYSTEM;
		}
		(*n)++;
	}
	return 0;
}

/* The upper directory of a mount's record, opened; -1 if printed. */
int lm_mnt_upper(const char *target, json_object *rec)
{
	const char *dir = lm_jstr(rec, "upper_dir");
	int fd;

	if (!dir || !strcmp(lm_jstr(rec, "upper") ? lm_jstr(rec, "upper") :
			    "", "none")) {
		lm_err(target, "a read-only mount: no upper layer");
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		lm_err(dir, "upper: %s", strerror(errno));
	return fd;
}

static int print_json(struct diff *d, const char *target)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "schema", json_object_new_string(JSON_SCHEMA));
	json_object_object_add(o, "version", json_object_new_int(JSON_VERSION));
	lm_json_name(o, "mount", target);
	json_object_object_add(o, "changes", d->changes);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}

int lm_cmd_diff(const struct lm_opts *o, const char *target)
{
	struct diff d = { .json = o->json };
	struct lm_store st;
	struct lm_mnt v = { 0 };
	json_object *rec;
	int err, lock, upper = -1, *lowers = NULL;
	size_t n = 0;

	err = lm_mnt_open(o, target, &st, &v, &rec, &lock);
	if (err)
		return err;
	upper = lm_mnt_upper(target, rec);
	err = upper < 0 ? LM_EXIT_USAGE : open_layers(&st, rec, &lowers, &n);
	d.changes = json_object_new_array();
	if (!err)
		err = lm_upper_walk(lm_jstr(rec, "upper_dir"), upper, lowers, n,
				    o->caps.depth, one, &d);
	if (!err && d.json)
		err = print_json(&d, v.target);
	else
		json_object_put(d.changes);
	if (!err && (fflush(stdout) || ferror(stdout))) {
		lm_err("stdout", "write error");
		err = LM_EXIT_SYSTEM;
	}
	while (n--)
		close(lowers[n]);
	free(lowers);
	if (upper >= 0)
		close(upper);
	lm_mnt_close(&st, &v, rec, lock);
	return err;
}
