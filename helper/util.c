// SPDX-License-Identifier: GPL-2.0
/*
 * util.c: messages, allocation, the progress line, small file helpers,
 * sizes parsed and printed, random names, a string-keyed hash map, and
 * names (bytes) as JSON strings.
 *
 * Every message has the form "layermount: <object>: <problem>" on stderr;
 * lm_quiet (-q) silences warnings and the progress line, not errors.
 * Allocation failures end the program (exit status 4): there is nothing
 * useful to do without memory, and nothing is published before the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "layermount.h"

bool lm_quiet;

static void vmsg(const char *kind, const char *obj, const char *fmt,
		 va_list ap)
{
	fprintf(stderr, "layermount: ");
	if (obj)
		fprintf(stderr, "%s: ", obj);
	if (kind)
		fprintf(stderr, "%s", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void lm_err(const char *obj, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, obj, fmt, ap);
	va_end(ap);
}

void lm_warn(const char *obj, const char *fmt, ...)
{
	va_list ap;

	if (lm_quiet)
		return;
	va_start(ap, fmt);
	vmsg("warning: ", obj, fmt, ap);
	va_end(ap);
}

static void __attribute__((noreturn)) oom(void)
{
	lm_err(NULL, "out of memory");
	exit(LM_EXIT_SYSTEM);
}

void *lm_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *lm_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *lm_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *lm_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return p;
}

/* The mount a directory fd is in, or 0. */
static uint64_t mnt_of(int fd)
{
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) ||
	    !(sx.stx_mask & STATX_MNT_ID))
		return 0;
	return sx.stx_mnt_id;
}

/*
 * Remove @name below @dirfd recursively (rm -r --one-file-system), never
 * following a symlink and never entering another mount: a mount point
 * inside is an error (-EBUSY).
 */
int lm_rm_rf_at(int dirfd, const char *name)
{
	uint64_t here = mnt_of(dirfd);
	struct dirent *de;
	DIR *dir;
	int fd, err = 0;

	if (!unlinkat(dirfd, name, 0) || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!here || mnt_of(fd) != here) {
		close(fd);
		return -EBUSY;
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		err = lm_rm_rf_at(fd, de->d_name);
		if (err)
			break;
	}
	closedir(dir);
	if (!err && unlinkat(dirfd, name, AT_REMOVEDIR) && errno != ENOENT)
		err = -errno;
	return err;
}

/* mkdir -p; only the last component gets @mode's meaning of privacy. */
int lm_mkdir_p(const char *path, mode_t mode)
{
	char *p = lm_xstrdup(path), *s, c;
	int err = 0;

	for (s = p + 1; ; s++) {
		if (*s && *s != '/')
			continue;
		c = *s;
		*s = '\0';
		if (mkdir(p, c ? 0755 : mode) && errno != EEXIST) {
			err = -errno;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return err;
}

/* Call @fn for each entry of @dirfd/@sub but "." and "..". */
void lm_dir_each(int dirfd, const char *sub,
		 void (*fn)(int fd, const char *name, void *arg), void *arg)
{
	int fd = openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *dir;

	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			fn(fd, de->d_name, arg);
	closedir(dir);
}

int lm_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int lm_random_hex(char *buf, size_t nhex)
{
	unsigned char raw[32];
	size_t i;

	if (nhex > 2 * sizeof(raw) ||
	    getrandom(raw, (nhex + 1) / 2, 0) < (ssize_t)((nhex + 1) / 2))
		return -EIO;
	for (i = 0; i < nhex; i++)
		buf[i] = "0123456789abcdef"[(raw[i / 2] >> (i % 2 ? 0 : 4)) & 15];
	buf[nhex] = '\0';
	return 0;
}

/* "123", "64K", "2G", "1T" (binary units). */
int lm_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

void lm_fmt_bytes(char *buf, size_t len, double n)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int i = 0;

	while (n >= 1024 && i < 4) {
		n /= 1024;
		i++;
	}
	snprintf(buf, len, i ? "%.1f %s" : "%.0f %s", n, unit[i]);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void lm_progress_start(struct lm_progress *p, unsigned int index,
		       unsigned int count, const char *what)
{
	p->tty = !lm_quiet && isatty(STDERR_FILENO);
	p->index = index;
	p->count = count;
	p->what = what;
	p->bytes = 0;
	p->start = p->last = now();
}

static void progress_print(struct lm_progress *p, double t)
{
	char b[32], r[32];
	double dt = t - p->start;

	lm_fmt_bytes(b, sizeof(b), p->bytes);
	lm_fmt_bytes(r, sizeof(r), dt > 0 ? p->bytes / dt : 0);
	fprintf(stderr, "\r\033[Klayer %u/%u %.19s %s %s/s", p->index,
		p->count, p->what, b, r);
	fflush(stderr);
}

void lm_progress_update(struct lm_progress *p, uint64_t bytes)
{
	double t;

	p->bytes = bytes;
	if (!p->tty)
		return;
	t = now();
	if (t - p->last < 0.2)
		return;
	p->last = t;
	progress_print(p, t);
}

void lm_progress_end(struct lm_progress *p)
{
	if (p->tty) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
}

/*
 * A string-keyed hash map (FNV-1a, open addressing, linear probing); the
 * keys are borrowed and must outlive the map.  For sets of layers and of
 * directories, where a list would make the work quadratic.
 */
static size_t map_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static size_t map_slot(const struct lm_map *m, const char *key)
{
	size_t i = map_hash(key) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *lm_map_get(const struct lm_map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = map_slot(m, key);
	return m->keys[i] ? m->vals[i] : NULL;
}

void lm_map_put(struct lm_map *m, const char *key, void *val)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		struct lm_map big = { .cap = m->cap ? 2 * m->cap : 64 };

		big.keys = lm_xmalloc(big.cap * sizeof(*big.keys));
		big.vals = lm_xmalloc(big.cap * sizeof(*big.vals));
		memset(big.keys, 0, big.cap * sizeof(*big.keys));
		for (i = 0; i < m->cap; i++)
			if (m->keys[i])
				lm_map_put(&big, m->keys[i], m->vals[i]);
		lm_map_free(m);
		*m = big;
	}
	i = map_slot(m, key);
	if (!m->keys[i])
		m->n++;
	m->keys[i] = key;
	m->vals[i] = val;
}

void lm_map_free(struct lm_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* lm_map_free for a map that owns its (allocated) keys. */
void lm_map_free_keys(struct lm_map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free((char *)m->keys[i]);
	lm_map_free(m);
}

/*
 * The length of the UTF-8 sequence at @s, 0 if none starts there (RFC
 * 3629: no overlong form, no surrogate, nothing above U+10FFFF).
 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned int cp, min, n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, min = 0x80, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, min = 0x800, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, min = 0x10000, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* the terminating NUL too */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	return cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ?
	       0 : n;
}

/*
 * @o's member @key: @name, bytes from a filesystem or an image.  A JSON
 * string is Unicode text: a name that is not valid UTF-8 is shown with
 * each byte outside a valid sequence as the four characters \xHH (so the
 * document stays valid JSON) and given exactly, base64, in @key + "_base64"
 * ("path_base64"); a valid name has no such member.  One rule for every
 * JSON output (diff, inspect), documented in layermount(8), JSON NAMES.
 */
void lm_json_name(json_object *o, const char *key, const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t len = strlen(name), i = 0, n, k = 0;
	char *show, *b64, *bkey;

	while (i < len && (n = utf8_len(s + i)))
		i += n;
	if (i == len) {
		json_object_object_add(o, key, json_object_new_string(name));
		return;
	}
	show = lm_xmalloc(4 * len + 1);
	for (i = 0; i < len; i += n) {
		n = utf8_len(s + i);
		if (n) {
			memcpy(show + k, s + i, n);
			k += n;
		} else {
			k += sprintf(show + k, "\\x%02x", s[i]);
			n = 1;
		}
	}
	show[k] = '\0';
	b64 = lm_xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)b64, s, len);
	bkey = lm_xasprintf("%s_base64", key);
	json_object_object_add(o, key, json_object_new_string(show));
	json_object_object_add(o, bkey, json_object_new_string(b64));
	free(bkey);
	free(b64);
	free(show);
}
