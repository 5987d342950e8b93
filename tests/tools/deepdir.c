// SPDX-License-Identifier: GPL-2.0
/*
 * deepdir: directory chains deeper than PATH_MAX, walked with openat().
 *
 *   deepdir make DIR N [FILE]   DIR/n/n/.../n (N levels), with FILE
 *                               (a file holding "bottom") at the bottom
 *   deepdir walk DIR N [FILE]   descend N levels; print FILE's content
 *                               at the bottom, or "ok" without FILE
 *
 * Exit status 0, or 1 with "deepdir: level L: error" on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(long level, const char *what)
{
	fprintf(stderr, "deepdir: level %ld: %s: %s\n", level, what,
		strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	const char *file = argc > 4 ? argv[4] : NULL;
	long n, i;
	int fd, next, make;
	char buf[64];
	ssize_t r;

	if (argc < 4 || (strcmp(argv[1], "make") && strcmp(argv[1], "walk"))) {
		fprintf(stderr, "usage: deepdir make|walk DIR N [FILE]\n");
		return 2;
	}
	make = !strcmp(argv[1], "make");
	n = atol(argv[3]);
	fd = open(argv[2], O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fail(0, argv[2]);
	for (i = 1; i <= n; i++) {
		if (make && mkdirat(fd, "n", 0755) && errno != EEXIST)
			return fail(i, "mkdir");
		next = openat(fd, "n", O_RDONLY | O_DIRECTORY);
		if (next < 0)
			return fail(i, "open");
		close(fd);
		fd = next;
	}
	if (!file) {
		puts("ok");
		return 0;
	}
	if (make) {
		next = openat(fd, file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (next < 0 || write(next, "bottom\n", 7) != 7)
			return fail(n, file);
		close(next);
		return 0;
	}
	next = openat(fd, file, O_RDONLY);
	if (next < 0)
		return fail(n, file);
	r = read(next, buf, sizeof(buf) - 1);
	if (r < 0)
		return fail(n, file);
	buf[r] = '\0';
	fputs(buf, stdout);
	return 0;
}
