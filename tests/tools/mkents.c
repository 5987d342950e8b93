// SPDX-License-Identifier: GPL-2.0
/*
 * mkents: create many directory entries quickly.
 *
 *   mkents DIR PREFIX FROM TO f|w|d
 *
 * Creates DIR/PREFIX<n> for n = FROM..TO (n zero-padded to 6 digits) as
 * empty files (f), whiteouts, i.e. character devices 0:0 (w), or
 * directories (d). Exit status 1 on the first error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

int main(int argc, char **argv)
{
	long from, to, n;
	char path[4096];
	int r;

	if (argc != 6) {
		fprintf(stderr, "usage: mkents DIR PREFIX FROM TO f|w|d\n");
		return 2;
	}
	from = strtol(argv[3], NULL, 0);
	to = strtol(argv[4], NULL, 0);
	for (n = from; n <= to; n++) {
		snprintf(path, sizeof(path), "%s/%s%06ld", argv[1], argv[2], n);
		switch (argv[5][0]) {
		case 'f':
			r = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
			if (r >= 0)
				r = close(r);
			break;
		case 'w':
			r = mknod(path, S_IFCHR, makedev(0, 0));
			break;
		default:
			r = mkdir(path, 0755);
			break;
		}
		if (r < 0) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
