// SPDX-License-Identifier: GPL-2.0
/*
 * inspect_out.c: the report of `layermount inspect`, as text or as JSON
 * (schema "layermount-inspect", version 1, documented in layermount(8)),
 * and the --ci policy (exit status 5 when a check fails).
 *
 * Figures (all in bytes, exact in JSON):
 *   file data      sum of the sizes of the regular-file entries of every
 *                  layer (hard links ship no data)
 *   wasted         the data of those entries that no path of the final
 *                  tree shows (overwritten or deleted later, or in the
 *                  same layer); each entry's data counted once
 *   visible        file data - wasted: each shown entry's data once
 *   efficiency     visible / file data (1 when there is none)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "inspect.h"

#define JSON_SCHEMA	"layermount-inspect"
#define JSON_VERSION	1

static const char *const how_name[] = { "overwrite", "whiteout", "opaque" };

static const char *show(const char *path)
{
	return *path ? path : ".";
}

static int cmp_hidden(const void *a, const void *b)
{
	const struct ihidden *x = *(struct ihidden *const *)a;
	const struct ihidden *y = *(struct ihidden *const *)b;
	int r = strcmp(x->path->path, y->path->path);

	if (r)
		return r;
	if (x->layer != y->layer)
		return x->layer < y->layer ? -1 : 1;
	return x->by < y->by ? -1 : x->by > y->by;
}

static int cmp_change(const void *a, const void *b)
{
	return strcmp(((const struct ichange *)a)->path->path,
		      ((const struct ichange *)b)->path->path);
}

static double efficiency(const struct inspect *in)
{
	if (!in->file_bytes)
		return 1.0;
	return (double)(in->file_bytes - in->wasted_bytes) / in->file_bytes;
}

static size_t secrets(const struct inspect *in)
{
	size_t i, n = 0;

	for (i = 0; i < in->nhidden; i++)
		n += in->hidden[i]->secret;
	return n;
}

/* ------------------------------------------------------------ policy */

struct check {
	const char *name;
	bool pass;
	double value, limit;
};

static size_t policy(const struct inspect *in, struct check *c)
{
	const struct lm_inspect_opts *io = &in->o->inspect;
	size_t n = 0;

	if (!io->ci)
		return 0;
	if (io->max_wasted_set)
		c[n++] = (struct check){ "max-wasted-bytes",
			in->wasted_bytes <= io->max_wasted,
			(double)in->wasted_bytes, (double)io->max_wasted };
	if (io->min_eff_set)
		c[n++] = (struct check){ "min-efficiency",
			efficiency(in) >= io->min_eff, efficiency(in),
			io->min_eff };
	if (io->fail_secrets || !n)
		c[n++] = (struct check){ "fail-on-hidden-secrets",
			!secrets(in), (double)secrets(in), 0 };
	return n;
}

static void policy_text(const struct check *c, size_t n)
{
	size_t i;

	if (!n)
		return;
	printf("\npolicy (--ci):\n");
	for (i = 0; i < n; i++)
		printf("  %s  %-24s value %.10g, limit %.10g\n",
		       c[i].pass ? "PASS" : "FAIL", c[i].name, c[i].value,
		       c[i].limit);
}

static int policy_status(const struct inspect *in, const struct check *c,
			 size_t n)
{
	int err = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (c[i].pass)
			continue;
		lm_err(in->image, "policy --%s failed: %.10g (limit %.10g)",
		       c[i].name, c[i].value, c[i].limit);
		err = LM_EXIT_POLICY;
	}
	return err;
}

/* -------------------------------------------------------------- text */

static void human(char *buf, size_t len, uint64_t n)
{
	lm_fmt_bytes(buf, len, (double)n);
}

/* created_by on one line, at most 60 characters. */
static void one_line(char *buf, size_t len, const char *s)
{
	size_t i;

	snprintf(buf, len, "%s", s ? s : "-");
	for (i = 0; buf[i]; i++)
		if (buf[i] == '\n' || buf[i] == '\t' || buf[i] == '\r')
			buf[i] = ' ';
	if (strlen(buf) > 60)
		strcpy(buf + 57, "...");
}

static void layers_text(const struct inspect *in)
{
	char b[32], t[32], f[32], cb[128];
	size_t i;

	printf("%5s  %-12s %10s %10s %7s %8s %7s %6s %10s  %s\n", "layer",
	       "diff_id", "blob", "tar", "added", "modified", "deleted",
	       "opaque", "file data", "created_by");
	for (i = 0; i < in->nlayers; i++) {
		const struct ilayer *l = &in->layers[i];

		human(b, sizeof(b), l->blob_bytes);
		human(t, sizeof(t), l->tar_bytes);
		human(f, sizeof(f), l->file_bytes);
		one_line(cb, sizeof(cb), l->created_by);
		printf("%5u  %-12.12s %10s %10s %7llu %8llu %7llu %6llu %10s  %s\n",
		       l->index, l->l->diff.hex, b, t,
		       (unsigned long long)l->added,
		       (unsigned long long)l->modified,
		       (unsigned long long)l->deleted,
		       (unsigned long long)l->opaque, f, cb);
	}
}

static void total_line(const char *what, uint64_t n)
{
	char h[32];

	human(h, sizeof(h), n);
	printf("  %-28s %15llu  (%s)\n", what, (unsigned long long)n, h);
}

static void totals_text(const struct inspect *in)
{
	printf("\ntotals (bytes):\n");
	total_line("blobs (compressed)", in->blob_bytes);
	total_line("layers (uncompressed tar)", in->tar_bytes);
	total_line("file data in layers", in->file_bytes);
	total_line("visible in the final tree", in->file_bytes - in->wasted_bytes);
	total_line("wasted", in->wasted_bytes);
	printf("  %-28s %14.1f%%  (visible / file data)\n", "efficiency",
	       100 * efficiency(in));
}

static void hidden_text(const struct inspect *in)
{
	char h[32];
	size_t i;

	printf("\ndeleted but still shipped: %zu, of which %zu look like "
	       "secrets\n", in->nhidden, secrets(in));
	if (!in->nhidden)
		return;
	printf("  %5s %9s  %-9s %12s  %s\n", "layer", "hidden by", "how",
	       "size", "path");
	for (i = 0; i < in->nhidden; i++) {
		const struct ihidden *x = in->hidden[i];

		human(h, sizeof(h), x->size);
		printf("  %5u %9u  %-9s %12s  %s%s\n", x->layer, x->by,
		       how_name[x->how], h, show(x->path->path),
		       x->secret ? "  [secret?]" : "");
	}
}

static void files_text(const struct inspect *in)
{
	size_t i, j;

	for (i = 0; i < in->nlayers; i++) {
		const struct ilayer *l = &in->layers[i];

		if (!in->o->inspect.files || (in->o->inspect.files_layer &&
		    in->o->inspect.files_layer != l->index))
			continue;
		printf("\nlayer %u (sha256:%.12s), %zu changes:\n", l->index,
		       l->l->diff.hex, l->nchanges);
		for (j = 0; j < l->nchanges; j++) {
			const struct ichange *c = &l->changes[j];

			if (c->marker == 'D')
				printf("  D w %4s %11s %12s  %s\n", "-", "-",
				       "-", show(c->path->path));
			else
				printf("  %c %c %04o %5u:%-5u %12llu  %s\n",
				       c->marker, c->st.type, c->st.mode,
				       c->st.uid, c->st.gid,
				       (unsigned long long)c->st.size,
				       show(c->path->path));
		}
	}
}

/* -------------------------------------------------------------- JSON */

static json_object *jint(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

static json_object *change_json(const struct ichange *c)
{
	json_object *o = json_object_new_object();
	char mode[8], m[2] = { c->marker, 0 }, t[2] = { c->st.type, 0 };

	snprintf(mode, sizeof(mode), "%04o", c->st.mode);
	lm_json_name(o, "path", show(c->path->path));
	json_object_object_add(o, "change", json_object_new_string(m));
	json_object_object_add(o, "type", json_object_new_string(t));
	json_object_object_add(o, "mode", c->marker == 'D' ? NULL :
			       json_object_new_string(mode));
	json_object_object_add(o, "uid", c->marker == 'D' ? NULL : jint(c->st.uid));
	json_object_object_add(o, "gid", c->marker == 'D' ? NULL : jint(c->st.gid));
	json_object_object_add(o, "size", c->marker == 'D' ? NULL : jint(c->st.size));
	return o;
}

static json_object *layer_json(const struct inspect *in, const struct ilayer *l)
{
	json_object *o = json_object_new_object(), *files;
	char *s = lm_xasprintf("sha256:%s", l->l->diff.hex);
	size_t j;

	json_object_object_add(o, "index", jint(l->index));
	json_object_object_add(o, "diff_id", json_object_new_string(s));
	free(s);
	s = l->l->has_blob ? lm_xasprintf("sha256:%s", l->l->blob.hex) : NULL;
	json_object_object_add(o, "blob", s ? json_object_new_string(s) : NULL);
	free(s);
	json_object_object_add(o, "compressed_size", jint(l->blob_bytes));
	json_object_object_add(o, "uncompressed_size", jint(l->tar_bytes));
	if (l->created_by)	/* a config's text: maybe not UTF-8 either */
		lm_json_name(o, "created_by", l->created_by);
	else
		json_object_object_add(o, "created_by", NULL);
	json_object_object_add(o, "entries", jint(l->entries));
	json_object_object_add(o, "added", jint(l->added));
	json_object_object_add(o, "modified", jint(l->modified));
	json_object_object_add(o, "deleted", jint(l->deleted));
	json_object_object_add(o, "opaque", jint(l->opaque));
	json_object_object_add(o, "file_bytes", jint(l->file_bytes));
	if (!in->o->inspect.files || (in->o->inspect.files_layer &&
	    in->o->inspect.files_layer != l->index))
		return o;
	files = json_object_new_array();
	for (j = 0; j < l->nchanges; j++)
		json_object_array_add(files, change_json(&l->changes[j]));
	json_object_object_add(o, "files", files);
	return o;
}

static json_object *totals_json(const struct inspect *in)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "compressed_size", jint(in->blob_bytes));
	json_object_object_add(o, "uncompressed_size", jint(in->tar_bytes));
	json_object_object_add(o, "file_bytes", jint(in->file_bytes));
	json_object_object_add(o, "visible_bytes",
			       jint(in->file_bytes - in->wasted_bytes));
	json_object_object_add(o, "wasted_bytes", jint(in->wasted_bytes));
	json_object_object_add(o, "efficiency",
			       json_object_new_double(efficiency(in)));
	return o;
}

static json_object *hidden_json(const struct inspect *in)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < in->nhidden; i++) {
		const struct ihidden *x = in->hidden[i];
		json_object *o = json_object_new_object();

		lm_json_name(o, "path", show(x->path->path));
		json_object_object_add(o, "layer", jint(x->layer));
		json_object_object_add(o, "hidden_by", jint(x->by));
		json_object_object_add(o, "how", json_object_new_string(how_name[x->how]));
		json_object_object_add(o, "size", jint(x->size));
		json_object_object_add(o, "secret", json_object_new_boolean(x->secret));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *policy_json(const struct check *c, size_t n)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	bool pass = true;
	size_t i;

	for (i = 0; i < n; i++) {
		json_object *k = json_object_new_object();

		json_object_object_add(k, "name", json_object_new_string(c[i].name));
		json_object_object_add(k, "value", json_object_new_double(c[i].value));
		json_object_object_add(k, "limit", json_object_new_double(c[i].limit));
		json_object_object_add(k, "pass", json_object_new_boolean(c[i].pass));
		json_object_array_add(a, k);
		pass = pass && c[i].pass;
	}
	json_object_object_add(o, "pass", json_object_new_boolean(pass));
	json_object_object_add(o, "checks", a);
	return o;
}

static void report_json(const struct inspect *in, const struct check *c,
			size_t n)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	size_t i;

	json_object_object_add(o, "schema", json_object_new_string(JSON_SCHEMA));
	json_object_object_add(o, "version", jint(JSON_VERSION));
	lm_json_name(o, "image", in->image);
	for (i = 0; i < in->nlayers; i++)
		json_object_array_add(a, layer_json(in, &in->layers[i]));
	json_object_object_add(o, "layers", a);
	json_object_object_add(o, "totals", totals_json(in));
	json_object_object_add(o, "hidden", hidden_json(in));
	if (in->o->inspect.ci)
		json_object_object_add(o, "policy", policy_json(c, n));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int inspect_report(struct inspect *in)
{
	struct check c[3];
	size_t i, n = policy(in, c);
	int err;

	qsort(in->hidden, in->nhidden, sizeof(*in->hidden), cmp_hidden);
	for (i = 0; i < in->nlayers; i++)
		qsort(in->layers[i].changes, in->layers[i].nchanges,
		      sizeof(struct ichange), cmp_change);
	if (in->o->inspect.json) {
		report_json(in, c, n);
	} else {
		printf("image %s: %zu layers\n\n", in->image, in->nlayers);
		layers_text(in);
		totals_text(in);
		hidden_text(in);
		files_text(in);
		policy_text(c, n);
	}
	if (fflush(stdout) || ferror(stdout)) {
		lm_err("stdout", "write error");
		return LM_EXIT_SYSTEM;
	}
	err = policy_status(in, c, n);
	return err;
}
