// SPDX-License-Identifier: GPL-2.0
/*
 * records.c: what the store knows besides its layers, and the lock that
 * keeps gc away from layers in use.
 *
 *   STORE/lock          flock(2)ed: shared by every unpack and mount from
 *                       its first look at layers/ until its image record
 *                       and mount record are written (and by umount and rm
 *                       while they change records); exclusive by gc, for
 *                       its whole run.  So gc never sees a layer that is
 *                       published or looked up but not yet recorded.
 *   STORE/images/HEX    image records (images.c)
 *   STORE/mounts/ID/record  mount records (mounts.c)
 *   STORE/legacy        layers/ as it was when the store got images/: the
 *                       layers of stores made before records, which gc
 *                       keeps unless --all
 *
 * A record is JSON, written to a temporary name in its directory, fsynced,
 * renamed over the old one and the directory fsynced: a crash leaves the
 * old record or the new one, and readers need no lock.  Record contents are
 * never used as a path to remove: what gc and umount remove is always
 * STORE/<fixed subdirectory>/<name checked to be hex>, and no removal
 * crosses into another mount.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "layermount.h"

#define RECORD_MAX	(16 << 20)

/* Open STORE/@name with @flags and flock() it: the fd, or -1 (printed). */
int lm_lock_at(struct lm_store *st, const char *name, int flags, int how)
{
	int fd = openat(st->fd, name, flags | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || flock(fd, how)) {
		lm_err(st->path, "%s: %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int lm_store_lock(struct lm_store *st, int how)
{
	return lm_lock_at(st, "lock", O_RDWR | O_CREAT, how);
}

/* fsync(2) the directory @dirfd/@sub. */
int lm_fsync_at(int dirfd, const char *sub)
{
	int fd = openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err = 0;

	if (fd < 0 || fsync(fd))
		err = -errno;
	if (fd >= 0)
		close(fd);
	return err;
}

int lm_record_write(int dirfd, const char *name, json_object *j)
{
	const char *text = json_object_to_json_string_ext(j,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	char tmp[LM_NAME_MAX + 1], rnd[17];
	int fd, err;

	if (lm_random_hex(rnd, 16))
		return -EIO;
	snprintf(tmp, sizeof(tmp), ".%.200s.%s.tmp", name, rnd);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	err = lm_write_all(fd, text, strlen(text));
	if (!err)
		err = lm_write_all(fd, "\n", 1);
	if (!err && fsync(fd))
		err = -errno;
	close(fd);
	if (!err && renameat(dirfd, tmp, dirfd, name))
		err = -errno;
	if (err)
		unlinkat(dirfd, tmp, 0);
	return err ? err : lm_fsync_at(dirfd, ".");
}

int lm_record_read(int dirfd, const char *name, json_object **out)
{
	struct json_tokener *tok;
	struct stat sb;
	char *buf;
	ssize_t n;
	int fd, err = 0;

	*out = NULL;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size > RECORD_MAX) {
		close(fd);
		return -EINVAL;
	}
	buf = lm_xmalloc(sb.st_size + 1);
	n = pread(fd, buf, sb.st_size, 0);
	close(fd);
	if (n != sb.st_size) {
		free(buf);
		return -EIO;
	}
	tok = json_tokener_new_ex(16);
	if (!tok) {
		free(buf);
		return -ENOMEM;
	}
	*out = json_tokener_parse_ex(tok, buf, n);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		err = -EINVAL;
	}
	json_tokener_free(tok);
	free(buf);
	return err;
}

const char *lm_jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

json_object *lm_jarr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

void lm_jset_str(json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, val ? json_object_new_string(val) :
			       NULL);
}

bool lm_is_hex(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

int lm_boot_id(char *buf, size_t len)
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

struct hex_names {
	size_t len;
	struct lm_map *out;
};

static void put_hex(int fd, const char *name, void *arg)
{
	struct hex_names *h = arg;

	(void)fd;
	if (lm_is_hex(name, h->len))
		lm_map_put(h->out, lm_xstrdup(name), h->out);
}

/* The names in STORE/@sub that are @len hex digits (keys of @out, owned). */
void lm_hex_names(struct lm_store *st, const char *sub, size_t len,
		  struct lm_map *out)
{
	struct hex_names h = { .len = len, .out = out };

	memset(out, 0, sizeof(*out));
	lm_dir_each(st->fd, sub, put_hex, &h);
}

static void add_hex(int fd, const char *name, void *arg)
{
	(void)fd;
	if (lm_is_hex(name, LM_HEX))
		json_object_array_add(arg, json_object_new_string(name));
}

/*
 * The first run with records: what is in layers/ goes to STORE/legacy
 * before images/ exists, so a crash in between only repeats this.
 */
int lm_records_init(struct lm_store *st)
{
	json_object *rec, *list;
	struct stat sb;
	int err = 0;

	if (!fstatat(st->fd, "images", &sb, AT_SYMLINK_NOFOLLOW))
		return 0;
	list = json_object_new_array();
	lm_dir_each(st->fd, "layers", add_hex, list);
	rec = json_object_new_object();
	json_object_object_add(rec, "layers", list);
	if (json_object_array_length(list))
		err = lm_record_write(st->fd, "legacy", rec);
	json_object_put(rec);
	if (!err && mkdirat(st->fd, "images", 0700) && errno != EEXIST)
		err = -errno;
	if (!err)
		err = lm_fsync_at(st->fd, ".");
	if (err) {
		lm_err(st->path, "images: %s", strerror(-err));
		return LM_EXIT_SYSTEM;
	}
	return 0;
}
