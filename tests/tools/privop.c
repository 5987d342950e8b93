// SPDX-License-Identifier: GPL-2.0
/*
 * privop: the file operations of the security tests, one per run, for
 * running as an unprivileged user (see asuser).
 *
 *   privop wr OP FILE [SRC]   change FILE's data with OP; print OK or
 *                             the errno name
 *   privop setfl_append FILE  open O_APPEND, clear it with F_SETFL, then
 *                             pwrite "X" at offset 0
 *   privop setfl_direct FILE  open, set O_DIRECT with F_SETFL, then
 *                             pwrite 1 byte at offset 1 (EINVAL where
 *                             the filesystem does direct I/O)
 *   privop countopen DIR      print how many entries of DIR can be opened
 *                             for reading
 *   privop statfollow DIR UPPER
 *                             follow a copy-up that goes through DIR in
 *                             name order: stat each entry of DIR until
 *                             it shows up in UPPER (the upper layer's
 *                             directory), then move on to the next
 *
 * OP of wr: write (append "X"), pwrite ("X" at 0), writev, splice (from
 * a pipe), sendfile (from SRC), copy_file_range (from SRC, which must be
 * on the same filesystem), ftruncate, truncate, otrunc (open O_TRUNC),
 * and fallocate in the modes falloc (0), keep_size, punch_hole,
 * zero_range, collapse_range, insert_range (on the first 4096 bytes;
 * FILE must be at least 8192 bytes long).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>

static int report(long r)
{
	if (r < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	printf("OK\n");
	return 0;
}

static int fallocate_mode(const char *op)
{
	static const struct { const char *name; int mode; } modes[] = {
		{ "falloc", 0 },
		{ "keep_size", FALLOC_FL_KEEP_SIZE },
		{ "punch_hole", FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE },
		{ "zero_range", FALLOC_FL_ZERO_RANGE },
		{ "collapse_range", FALLOC_FL_COLLAPSE_RANGE },
		{ "insert_range", FALLOC_FL_INSERT_RANGE },
	};
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(op, modes[i].name))
			return modes[i].mode;
	return -1;
}

static long wr(const char *op, const char *file, const char *src)
{
	struct iovec iov[2] = { { "X", 1 }, { "Y", 1 } };
	int fd, sfd, p[2], mode;
	long r;

	if (!strcmp(op, "truncate"))
		return truncate(file, 1);
	if (!strcmp(op, "otrunc")) {
		fd = open(file, O_WRONLY | O_TRUNC);
		return fd < 0 ? -1 : close(fd);
	}
	fd = open(file, !strcmp(op, "write") ? O_WRONLY | O_APPEND : O_WRONLY);
	if (fd < 0)
		return -1;
	mode = fallocate_mode(op);
	if (mode >= 0)
		r = fallocate(fd, mode, 0, 4096);
	else if (!strcmp(op, "write"))
		r = write(fd, "X", 1);
	else if (!strcmp(op, "pwrite"))
		r = pwrite(fd, "X", 1, 0);
	else if (!strcmp(op, "writev"))
		r = writev(fd, iov, 2);
	else if (!strcmp(op, "ftruncate"))
		r = ftruncate(fd, 1);
	else if (!strcmp(op, "splice")) {
		r = pipe(p);
		if (!r) {
			r = write(p[1], "X", 1);
			if (r == 1)
				r = splice(p[0], NULL, fd, NULL, 1, 0);
			close(p[0]);
			close(p[1]);
		}
	} else if (!strcmp(op, "sendfile") || !strcmp(op, "copy_file_range")) {
		sfd = src ? open(src, O_RDONLY) : -1;
		if (sfd < 0) {
			close(fd);
			return -1;
		}
		if (op[0] == 's')
			r = sendfile(fd, sfd, NULL, 1);
		else
			r = copy_file_range(sfd, NULL, fd, NULL, 1, 0);
		close(sfd);
	} else {
		fprintf(stderr, "privop: unknown operation %s\n", op);
		exit(2);
	}
	if (r == 0 && mode < 0 && strcmp(op, "ftruncate")) {
		/* a write that moved nothing is a failure too */
		errno = EIO;
		r = -1;
	}
	close(fd);
	return r;
}

static long setfl(const char *what, const char *file)
{
	int fd, fl;
	long r;

	if (!strcmp(what, "setfl_append")) {
		fd = open(file, O_WRONLY | O_APPEND);
		fl = 0;
	} else {
		fd = open(file, O_RDWR);
		fl = O_DIRECT;
	}
	if (fd < 0)
		return -1;
	r = fcntl(fd, F_SETFL, fl);
	if (!r)
		r = pwrite(fd, "X", 1, fl ? 1 : 0);
	close(fd);
	return r;
}

/* Print how many entries of @dir can be opened for reading. */
static int countopen(const char *dir)
{
	struct dirent *de;
	long n = 0;
	int fd;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		perror(dir);
		return 2;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NONBLOCK);
		if (fd >= 0) {
			n++;
			close(fd);
		}
	}
	closedir(d);
	printf("%ld\n", n);
	return 0;
}

/*
 * Stat each entry of @dir, in name order (the order of a shell glob),
 * until it exists in @upper: a stat is then as often as possible inside
 * the copy-up of exactly the file being copied.
 */
static int statfollow(const char *dir, const char *upper)
{
	struct dirent **names;
	int dfd, ufd, i, n;
	struct stat st;

	/*
	 * Waits for a copy-up that a failing test may never make: die with
	 * the test rather than spin on through the rest of the guest run.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL)) {
		perror("prctl");
		return 2;
	}
	n = scandir(dir, &names, NULL, alphasort);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ufd = open(upper, O_RDONLY | O_DIRECTORY);
	if (n < 0 || dfd < 0 || ufd < 0) {
		perror(dir);
		return 2;
	}
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (name[0] != '.') {
			while (fstatat(ufd, name, &st, AT_SYMLINK_NOFOLLOW))
				fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW);
			fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW);
		}
		free(names[i]);
	}
	free(names);
	close(dfd);
	close(ufd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "wr"))
		return report(wr(argv[2], argv[3], argc > 4 ? argv[4] : NULL));
	if (argc == 3 && (!strcmp(argv[1], "setfl_append") ||
			  !strcmp(argv[1], "setfl_direct")))
		return report(setfl(argv[1], argv[2]));
	if (argc == 3 && !strcmp(argv[1], "countopen"))
		return countopen(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "statfollow"))
		return statfollow(argv[2], argv[3]);
	fprintf(stderr, "usage: privop wr OP FILE [SRC] | setfl_append|setfl_direct FILE | countopen DIR | statfollow DIR UPPER\n");
	return 2;
}
