/* SPDX-License-Identifier: GPL-2.0 */
/*
 * layermount: private header shared by every file of the helper.
 *
 * Conventions: functions return 0 on success or one of the LM_EXIT_* codes
 * below after printing "layermount: <object>: <problem>" themselves, so the
 * caller only propagates the code.  Helpers that do not print return -errno,
 * or for a check a bool or a static description of the problem.
 */
#ifndef LAYERMOUNT_H
#define LAYERMOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct archive;
typedef struct json_object json_object;

#define LM_DEFAULT_STORE "/var/lib/layermount"

/* Exit status, documented in layermount.8. */
enum {
	LM_EXIT_OK	= 0,
	LM_EXIT_USAGE	= 1,	/* bad command line */
	LM_EXIT_IMAGE	= 2,	/* bad or hostile image; nothing published */
	LM_EXIT_SELECT	= 3,	/* --ref/--platform matches no or several images */
	LM_EXIT_SYSTEM	= 4,	/* local failure: I/O, space, permissions */
	LM_EXIT_POLICY	= 5,	/* reserved: a policy check failed */
	LM_EXIT_MOUNT	= 32,	/* mount or umount failure */
};

enum lm_compress { LM_GZIP, LM_ZSTD, LM_NONE };	/* of a layer blob */

struct lm_caps {
	uint64_t bytes;		/* uncompressed bytes per layer */
	uint64_t entries;	/* tar entries per layer */
	uint64_t depth;		/* path components */
	uint64_t json;		/* bytes of one JSON document */
	uint64_t layers;	/* layers of an image */
	uint64_t dir_meta;	/* bytes of directory fix-ups of one layer */
};

struct lm_opts {
	const char *store;
	const char *ref;
	const char *platform;	/* os/arch[/variant]; NULL: the host's */
	const char *type;	/* layerfs or overlay */
	const char *upper;	/* persistent upper; NULL: ephemeral */
	const char *mount_opts;	/* -o, added to the mount */
	bool read_only;
	bool dev;		/* no nodev */
	bool suid;		/* no nosuid */
	bool store_given;	/* --store on the command line */
	bool lazy;		/* umount -l */
	bool json;		/* ls --json */
	bool dry_run;		/* gc --dry-run */
	bool all;		/* gc --all */
	const char *output;	/* commit --output DIR */
	const char *compress;	/* commit --compress gzip|zstd|none */
	const char *message;	/* commit --message */
	const char *format;	/* commit --format oci|docker */
	bool sparse;		/* commit --sparse */
	struct lm_caps caps;
	struct lm_inspect_opts {
		bool json, ci, fail_secrets, files;
		unsigned int files_layer;	/* --files=N; 0: every layer */
		bool max_wasted_set, min_eff_set;
		uint64_t max_wasted;
		double min_eff;		/* 0..1 */
	} inspect;
};

/* util.c */
extern bool lm_quiet;		/* -q: no warnings, progress or success lines */
void lm_err(const char *obj, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lm_warn(const char *obj, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void *lm_xmalloc(size_t n);
void *lm_xrealloc(void *p, size_t n);
char *lm_xstrdup(const char *s);
char *lm_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int lm_rm_rf_at(int dirfd, const char *name);
int lm_write_all(int fd, const void *buf, size_t len);
int lm_mkdir_p(const char *path, mode_t mode);
void lm_dir_each(int dirfd, const char *sub,
		 void (*fn)(int fd, const char *name, void *arg), void *arg);
int lm_random_hex(char *buf, size_t nhex);
int lm_parse_size(const char *s, uint64_t *out);
void lm_fmt_bytes(char *buf, size_t len, double n);
void lm_json_name(json_object *o, const char *key, const char *name);

struct lm_map {
	const char **keys;
	void **vals;
	size_t cap, n;
};
void *lm_map_get(const struct lm_map *m, const char *key);
void lm_map_put(struct lm_map *m, const char *key, void *val);
void lm_map_free(struct lm_map *m);
void lm_map_free_keys(struct lm_map *m);

struct lm_progress {
	bool tty;
	unsigned int index, count;
	const char *what;
	uint64_t bytes;
	double start, last;
};
void lm_progress_start(struct lm_progress *p, unsigned int index,
		       unsigned int count, const char *what);
void lm_progress_update(struct lm_progress *p, uint64_t bytes);
void lm_progress_end(struct lm_progress *p);

/* path.c: tar, link and manifest paths, normalised and checked */
#define LM_NAME_MAX	255
#define LM_PATH_MAX	4096
struct lm_path {
	char buf[LM_PATH_MAX + 1];	/* the components, '\0'-terminated */
	char *comp[LM_PATH_MAX / 2 + 1];
	size_t n;
};
/* What lm_path_parse() does with "..", by the use of the path (path.c). */
enum lm_dotdot {
	LM_PATH_REFUSE,		/* refused; names of a filesystem's length */
	LM_PATH_RESOLVE,	/* takes back a component, never above the root */
};
/* Returns NULL or a static description of why @in is refused. */
const char *lm_path_parse(struct lm_path *p, const char *in,
			  uint64_t max_depth, enum lm_dotdot dotdot);
const char *lm_path_join(const struct lm_path *p, size_t n, char *buf,
			 size_t len);

/* digest.c */
#define LM_HEX	64
struct lm_digest {
	char hex[LM_HEX + 1];
};
int lm_digest_parse(const char *s, struct lm_digest *d);
struct lm_hash;
struct lm_hash *lm_hash_new(void);
void lm_hash_update(struct lm_hash *h, const void *buf, size_t len);
void lm_hash_final(struct lm_hash *h, struct lm_digest *d);
void lm_hash_free(struct lm_hash *h);
int lm_digest_check(const char *obj, const struct lm_digest *want,
		    const struct lm_digest *got);

/* hashpipe.c: a SHA-256 on a second thread, over a ring of buffers */
struct lm_hashpipe;
struct lm_hashpipe *lm_hashpipe_new(size_t size);
unsigned char *lm_hashpipe_buffer(struct lm_hashpipe *p);
void lm_hashpipe_submit(struct lm_hashpipe *p, size_t len);
void lm_hashpipe_final(struct lm_hashpipe *p, struct lm_digest *d);
void lm_hashpipe_free(struct lm_hashpipe *p);

/* source.c: the files of an image directory or docker-save tar */
struct lm_member;
struct lm_source {
	const char *path;
	int dirfd;		/* extracted directory, or -1 */
	int tarfd;		/* tar file, or -1 */
	struct lm_member *members;
	size_t nmembers;
};
struct lm_reader {
	int fd;
	bool own;
	uint64_t off, end;
};
struct lm_store;
int lm_source_open(struct lm_source *src, const char *path,
		   const struct lm_caps *caps, struct lm_store *st);
void lm_source_close(struct lm_source *src);
int lm_source_check_name(struct lm_source *src, const char *name);
bool lm_source_exists(struct lm_source *src, const char *name);
int lm_source_open_file(struct lm_source *src, const char *name,
			struct lm_reader *rd);
int lm_source_read_file(struct lm_source *src, const char *name,
			uint64_t max, char **buf, size_t *len);
ssize_t lm_reader_read(struct lm_reader *rd, void *buf, size_t len);
void lm_reader_close(struct lm_reader *rd);

/* image.c: OCI layouts and docker-save manifests */
struct lm_layer {
	char *path;		/* file in the source */
	bool has_blob;		/* blob digest known (OCI descriptor) */
	struct lm_digest blob;
	int64_t size;		/* -1 if unknown */
	struct lm_digest diff;
	bool dup;		/* the same diff_id is also higher in the stack */
};
struct lm_image {
	struct lm_layer *layers;	/* bottom first */
	size_t nlayers;
	void *config_doc;	/* the config (json_object), for inspect */
	struct lm_digest config;	/* docker save: of the bytes if unnamed */
	struct lm_digest manifest;	/* OCI: the chosen manifest */
	bool has_manifest;
	char **refs;			/* ref annotation, --ref or RepoTags */
	size_t nrefs;
	char *platform;			/* the config's os/arch[/variant] */
	char *origin;			/* the image's absolute path */
};
int lm_image_load(const struct lm_opts *o, struct lm_source *src,
		  struct lm_image *img);
void lm_image_free(struct lm_image *img);
int lm_image_read_json(struct lm_source *src, const struct lm_opts *o,
		       const char *name, const struct lm_digest *want,
		       int64_t size, json_object **out);

/* stream.c: decompression and the three checks on one layer blob */
struct lm_stream;
int lm_stream_open(struct lm_stream **sp, struct lm_reader *rd,
		   const char *obj, const struct lm_caps *caps,
		   struct lm_progress *prog);
int lm_stream_decompress(struct lm_reader *rd, int outfd, const char *obj,
			 const struct lm_caps *caps, bool *copied);
typedef int (*lm_tee_fn)(void *arg, const void *buf, size_t len);
struct lm_layer;
int lm_stream_copy(struct lm_reader *rd, const char *obj,
		   const struct lm_caps *caps, const struct lm_layer *l,
		   lm_tee_fn tee, void *arg, enum lm_compress *comp);
struct archive *lm_stream_archive(struct lm_stream *s);
bool lm_stream_truncated(struct lm_stream *s, uint64_t end);
uint64_t lm_stream_pos(struct lm_stream *s);
void lm_stream_sizes(struct lm_stream *s, uint64_t *blob, uint64_t *tar);
const char *lm_stream_error(struct lm_stream *s);
int lm_stream_finish(struct lm_stream *s, const struct lm_layer *l);
void lm_stream_free(struct lm_stream *s);

/* unpack.c: tar entries into a directory, refusing anything hostile */
struct lm_unpack_stats {
	uint64_t entries;
	bool root_seen;
};
int lm_unpack(struct archive *a, struct lm_stream *s, int rootfd,
	      const char *obj, const struct lm_caps *caps,
	      struct lm_unpack_stats *st);
struct archive_entry;
int lm_tar_skip(struct archive *a, struct lm_stream *s, const char *obj,
		struct archive_entry *e, uint64_t start);

/* tarentry.c: a layer's entries read and judged alike by unpack and inspect */
int lm_tar_next(struct archive *a, struct lm_stream *s, const char *obj,
		const struct lm_caps *caps, uint64_t *count,
		struct archive_entry **e);
const char *lm_walk_why(int err);
const char *lm_entry_path(struct archive_entry *e, struct lm_path *p,
			  uint64_t depth, const char **raw);
const char *lm_entry_type_why(struct archive_entry *e, char *buf, size_t len);

/* whiteout.c: OCI whiteouts to the overlayfs format */
enum lm_wh_kind { LM_WH_NONE, LM_WH_FILE, LM_WH_OPAQUE, LM_WH_META };
enum lm_wh_kind lm_whiteout_kind(const char *name);
bool lm_whiteout_skip(const char *obj, const char *entry, enum lm_wh_kind kind);
bool lm_whiteout_invalid(enum lm_wh_kind kind, const char *hidden);
int lm_whiteout_make(int parentfd, const char *name);
int lm_opaque_set(int dirfd);
bool lm_xattr_reserved(const char *name);

/* store.c */
struct lm_store {
	char *path;
	int fd;
};
int lm_store_open(struct lm_store *st, const char *path);
int lm_store_open_existing(struct lm_store *st, const char *path);
void lm_store_close(struct lm_store *st);
int lm_store_unpack_image(struct lm_store *st, const struct lm_opts *o,
			  struct lm_source *src, const struct lm_image *img);
int lm_store_root_meta(struct lm_store *st, const struct lm_image *img,
		       struct stat *meta);

/* inspect*.c: per-layer changes, waste and hidden files, writing nothing */
int lm_inspect(const struct lm_opts *o, const char *image);

/* mount.c */
int lm_mount(const struct lm_opts *o, struct lm_store *st,
	     const struct lm_image *img, const char *target);

/* records.c: the store lock; JSON records, written crash-safely */
#define LM_ID	16	/* hex digits of a mount's state ID */
int lm_lock_at(struct lm_store *st, const char *name, int flags, int how);
int lm_store_lock(struct lm_store *st, int how);
int lm_records_init(struct lm_store *st);
int lm_fsync_at(int dirfd, const char *sub);
int lm_record_write(int dirfd, const char *name, json_object *j);
int lm_record_read(int dirfd, const char *name, json_object **out);
const char *lm_jstr(json_object *o, const char *key);
json_object *lm_jarr(json_object *o, const char *key);
void lm_jset_str(json_object *o, const char *key, const char *val);
bool lm_is_hex(const char *s, size_t n);
int lm_boot_id(char *buf, size_t len);
void lm_hex_names(struct lm_store *st, const char *sub, size_t len,
		  struct lm_map *out);

/* images.c: image records; rm */
json_object *lm_digest_json(const struct lm_digest *d);
json_object *lm_image_id_json(const struct lm_image *img);
int lm_image_record(struct lm_store *st, struct lm_source *src,
		    const struct lm_image *img);
void lm_images_each(struct lm_store *st,
		    void (*fn)(json_object *rec, const char *hex, void *arg),
		    void *arg);
int lm_cmd_rm(struct lm_store *st, const char *name);

/* mounts.c: mount records; is a recorded mount alive? */
char *lm_mount_source(const char *store, const char *id);
bool lm_mount_source_parse(const char *src, char *id, const char **store);
json_object *lm_mount_record_new(const struct lm_store *st, const char *id,
				 const char *target, const char *type,
				 const struct lm_image *img);
int lm_mount_record_write(const struct lm_store *st, json_object *rec);
json_object *lm_mount_record_read(const struct lm_store *st, const char *id,
				  int *err);
int lm_mount_record_done(const struct lm_store *st, json_object *rec,
			 const char *target);
void lm_mounts_seen(struct lm_map *seen);
bool lm_mount_alive(const struct lm_map *seen, json_object *rec);
bool lm_mount_dead(const struct lm_map *seen, json_object *rec,
		   const char *boot);

/* umount.c: a layermount mount found from its mount point; umount */
struct lm_mnt {
	char *target;		/* canonical */
	uint64_t mnt_id;
	char *type, *source;
	char id[LM_ID + 1];
	const char *store;	/* in source */
};
int lm_mnt_open(const struct lm_opts *o, const char *target,
		struct lm_store *st, struct lm_mnt *v, json_object **rec,
		int *lock);
void lm_mnt_close(struct lm_store *st, struct lm_mnt *v, json_object *rec,
		  int lock);
void lm_mnt_free(struct lm_mnt *v);
int lm_cmd_umount(const struct lm_opts *o, const char *target);

/* upper.c: an upper directory walked in OCI layer order */
struct lm_uent {
	const char *path;	/* from the upper's root, no leading '/' */
	const char *name;
	int dirfd;		/* the parent directory */
	int fd;			/* a directory's own fd, else -1 */
	struct stat st;
	bool whiteout;		/* character device 0:0 */
	bool opaque;		/* directory with trusted.overlay.opaque="y" */
	bool in_lower;		/* the path exists in the lower layers */
	const int *lowers;	/* a directory's stack in the lowers, */
	size_t nlowers;		/* topmost first (opaque: what it hides) */
};
typedef int (*lm_uwalk_fn)(struct lm_uent *e, void *arg);
int lm_upper_walk(const char *obj, int rootfd, const int *lowers,
		  size_t nlowers, uint64_t max_depth, lm_uwalk_fn fn,
		  void *arg);
bool lm_is_whiteout(const struct stat *st);
int lm_lower_names(const int *lowers, size_t n, struct lm_map *names);

/* layout.c: an OCI layout written for commit, blobs atomically */
struct lm_layout {
	const char *path;
	int fd, sha;		/* the layout, blobs/sha256 */
};
struct lm_blob {
	const struct lm_layout *l;
	int fd;
	char tmp[40];
	struct lm_hash *h;
	uint64_t size;
};
int lm_layout_open(struct lm_layout *l, bool fresh);
void lm_layout_close(struct lm_layout *l);
int lm_layout_lock(const struct lm_layout *l);
int lm_layout_put(const struct lm_layout *l, const char *name,
		  const char *text);
int lm_layout_index(const struct lm_layout *l, json_object *old,
		    json_object *desc, const char *ref);
int lm_blob_open(struct lm_blob *b, const struct lm_layout *l);
int lm_blob_write(struct lm_blob *b, const void *buf, size_t len);
int lm_blob_close(struct lm_blob *b, struct lm_digest *d);
void lm_blob_abort(struct lm_blob *b);
int lm_blob_put(const struct lm_layout *l, const char *text,
		struct lm_digest *d);

/* layer.c: an upper as an OCI layer blob */
struct lm_layer_out {
	struct lm_digest blob, diff;
	uint64_t size;
};
int lm_layer_write(const struct lm_opts *o, const char *obj, int upperfd,
		   const struct lm_layout *l, enum lm_compress comp,
		   const int64_t *epoch, struct lm_layer_out *out);

/* dockerout.c: commit --format docker */
int lm_docker_archive(const struct lm_layout *l, const char *file,
		      const int64_t *epoch);

/* diff.c, commit.c: those commands */
int lm_mnt_upper(const char *target, json_object *rec);
int lm_cmd_diff(const struct lm_opts *o, const char *target);
int lm_cmd_commit(const struct lm_opts *o, const char *target);

/* ls.c, gc.c: those commands */
int lm_cmd_ls(struct lm_store *st, const struct lm_opts *o);
int lm_cmd_gc(struct lm_store *st, const struct lm_opts *o);

#endif
