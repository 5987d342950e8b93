// SPDX-License-Identifier: GPL-2.0
/*
 * dupfuse: a tiny read-only FUSE filesystem whose directory listing comes
 * in batches, one per READDIR request, and repeats names: for a layer
 * that a union reads until a batch adds nothing new.
 *
 *   dupfuse MNT
 *
 * Mounts at MNT (root only, /dev/fuse), then serves in the background
 * until MNT is unmounted. The root holds the empty regular files a, b
 * and c. READDIR from offset 0 returns ".", "..", "a", "b"; from the
 * offset after that, "a" and "b" again; then "c"; then nothing.
 * Exit status 0 once mounted, 1 on an error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fuse.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define NFILES	3
static const char *const files[NFILES] = { "a", "b", "c" };

/* one READDIR batch: entries [first, first + n) of the listing below */
static const struct {
	const char *name;
	uint64_t ino;
	uint32_t type;
} listing[] = {
	{ ".", 1, DT_DIR }, { "..", 1, DT_DIR }, { "a", 2, DT_REG },
	{ "b", 3, DT_REG },
	/* the duplicate batch */
	{ "a", 2, DT_REG }, { "b", 3, DT_REG },
	{ "c", 4, DT_REG },
};
/* offset a READDIR starts at -> number of entries it returns */
static const struct { uint64_t off, n; } batches[] = {
	{ 0, 4 }, { 4, 2 }, { 6, 1 },
};

static char buf[FUSE_MIN_READ_BUFFER + 65536];

static void fill_attr(struct fuse_attr *a, uint64_t ino)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->mode = ino == FUSE_ROOT_ID ? S_IFDIR | 0755 : S_IFREG | 0644;
	a->nlink = ino == FUSE_ROOT_ID ? 2 : 1;
	a->blksize = 4096;
}

static void reply(int fd, uint64_t unique, int error, const void *data,
		  size_t len)
{
	struct fuse_out_header oh = {
		.len = sizeof(oh) + (error ? 0 : len),
		.error = error,
		.unique = unique,
	};
	char out[sizeof(oh) + 4096];

	if (error)
		len = 0;
	memcpy(out, &oh, sizeof(oh));
	if (len)
		memcpy(out + sizeof(oh), data, len);
	/* ENOENT: the request was interrupted meanwhile */
	if (write(fd, out, oh.len) < 0 && errno != ENOENT)
		exit(1);
}

static size_t readdir_batch(uint64_t off, char *out, size_t size)
{
	size_t len = 0, i, first, n = 0;

	for (i = 0; i < sizeof(batches) / sizeof(batches[0]); i++)
		if (batches[i].off == off)
			n = batches[i].n;
	for (first = off; first < off + n; first++) {
		struct fuse_dirent *d = (struct fuse_dirent *)(out + len);
		size_t nl = strlen(listing[first].name);
		size_t rec = FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + nl);

		if (len + rec > size)
			break;
		memset(d, 0, rec);
		d->ino = listing[first].ino;
		d->off = first + 1;
		d->namelen = nl;
		d->type = listing[first].type;
		memcpy(d->name, listing[first].name, nl);
		len += rec;
	}
	return len;
}

static void serve(int fd)
{
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		struct fuse_in_header *ih = (struct fuse_in_header *)buf;
		void *arg = buf + sizeof(*ih);

		if (n < 0 && (errno == EINTR || errno == ENOENT))
			continue;
		if (n < (ssize_t)sizeof(*ih))
			return;	/* ENODEV: unmounted */
		switch (ih->opcode) {
		case FUSE_INIT: {
			struct fuse_init_in *in = arg;
			struct fuse_init_out out = {
				.major = FUSE_KERNEL_VERSION,
				.minor = 31,
				.max_readahead = in->max_readahead,
				.max_write = 4096,
			};

			reply(fd, ih->unique, 0, &out, sizeof(out));
			break;
		}
		case FUSE_LOOKUP: {
			struct fuse_entry_out out = { 0 };
			int i;

			for (i = 0; i < NFILES; i++)
				if (ih->nodeid == FUSE_ROOT_ID &&
				    !strcmp(arg, files[i]))
					break;
			if (i == NFILES) {
				reply(fd, ih->unique, -ENOENT, NULL, 0);
				break;
			}
			out.nodeid = i + 2;
			out.entry_valid = 60;
			out.attr_valid = 60;
			fill_attr(&out.attr, out.nodeid);
			reply(fd, ih->unique, 0, &out, sizeof(out));
			break;
		}
		case FUSE_GETATTR: {
			struct fuse_attr_out out = { .attr_valid = 60 };

			fill_attr(&out.attr, ih->nodeid);
			reply(fd, ih->unique, 0, &out, sizeof(out));
			break;
		}
		case FUSE_OPENDIR:
		case FUSE_OPEN: {
			struct fuse_open_out out = { .fh = 1 };

			reply(fd, ih->unique, 0, &out, sizeof(out));
			break;
		}
		case FUSE_READDIR: {
			struct fuse_read_in *in = arg;
			char out[4096];
			size_t len;

			len = readdir_batch(in->offset, out,
					    in->size < sizeof(out) ?
					    in->size : sizeof(out));
			reply(fd, ih->unique, 0, out, len);
			break;
		}
		case FUSE_READ:
			reply(fd, ih->unique, 0, NULL, 0);
			break;
		case FUSE_STATFS: {
			struct fuse_statfs_out out = {
				.st = { .bsize = 4096, .namelen = 255,
					.frsize = 4096 },
			};

			reply(fd, ih->unique, 0, &out, sizeof(out));
			break;
		}
		case FUSE_RELEASEDIR:
		case FUSE_RELEASE:
		case FUSE_FLUSH:
			reply(fd, ih->unique, 0, NULL, 0);
			break;
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
		case FUSE_INTERRUPT:
			break;
		default:
			reply(fd, ih->unique, -ENOSYS, NULL, 0);
			break;
		}
	}
}

int main(int argc, char **argv)
{
	char opts[128];
	int fd, null;

	if (argc != 2) {
		fprintf(stderr, "usage: dupfuse MNT\n");
		return 1;
	}
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("/dev/fuse");
		return 1;
	}
	snprintf(opts, sizeof(opts),
		 "fd=%d,rootmode=40755,user_id=0,group_id=0,allow_other", fd);
	if (mount("dupfuse", argv[1], "fuse.dupfuse", MS_NODEV | MS_NOSUID,
		  opts)) {
		perror("mount");
		return 1;
	}
	switch (fork()) {
	case -1:
		perror("fork");
		return 1;
	case 0:
		null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			close(null);
		}
		setsid();
		serve(fd);
		return 0;
	default:
		return 0;
	}
}
