/* SPDX-License-Identifier: GPL-2.0 */
/*
 * treedump.h: the tree listing of treedump (see treedump.c for the line
 * format), written to a stream; used by treedump and opsdiff.
 */
#ifndef TREEDUMP_H
#define TREEDUMP_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

/* -t: add the mtime; status: 1 once anything could not be read */
static int with_time, status;

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

static uint64_t hash_file(const char *p)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char buf[65536];
	ssize_t n, i;
	int fd = open(p, O_RDONLY);

	if (fd < 0) {
		status = 1;
		return 0;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++) {
			h ^= (unsigned char)buf[i];
			h *= 0x100000001b3ULL;
		}
	close(fd);
	return h;
}

static void xattrs(FILE *out, const char *p)
{
	char list[65536], val[65536], *names[1024], *s;
	ssize_t n = llistxattr(p, list, sizeof(list)), v;
	int cnt = 0, i;

	for (s = list; n > 0 && s < list + n && cnt < 1024; s += strlen(s) + 1)
		names[cnt++] = s;
	qsort(names, cnt, sizeof(*names), cmp);
	for (i = 0; i < cnt; i++) {
		v = lgetxattr(p, names[i], val, sizeof(val) - 1);
		if (v < 0)
			v = 0;
		val[v] = '\0';
		fprintf(out, " %s=%s", names[i], val);
	}
}

static void dump(FILE *out, const char *root, const char *rel)
{
	char path[8192], sub[8192];
	struct stat st;
	char **names = NULL;
	size_t n = 0, i;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (lstat(path, &st)) {
		fprintf(out, "%s UNSTATABLE\n", rel);
		status = 1;
		return;
	}
	fprintf(out, "%s %o %u:%u", rel, st.st_mode, st.st_uid, st.st_gid);
	if (with_time)
		fprintf(out, " t%lld", (long long)st.st_mtime);
	if (S_ISREG(st.st_mode))
		fprintf(out, " s%lld h%016llx", (long long)st.st_size,
		       (unsigned long long)hash_file(path));
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		fprintf(out, " d%u:%u", major(st.st_rdev), minor(st.st_rdev));
	if (S_ISLNK(st.st_mode)) {
		char t[4096];
		ssize_t l = readlink(path, t, sizeof(t) - 1);

		t[l < 0 ? 0 : l] = '\0';
		fprintf(out, " ->%s", t);
	}
	xattrs(out, path);
	fprintf(out, "\n");
	if (!S_ISDIR(st.st_mode))
		return;
	d = opendir(path);
	if (!d) {
		status = 1;
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", rel, names[i]);
		dump(out, root, sub);
		free(names[i]);
	}
	free(names);
}

#endif
