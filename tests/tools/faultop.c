// SPDX-License-Identifier: GPL-2.0
/*
 * faultop: one system call with fault injection armed for this task only
 * (/proc/self/make-it-fail, for failslab and fail_page_alloc with
 * task-filter=Y); prints OK or the errno name, like tryop.
 *
 *   faultop openw PATH      open for writing (copy-up)
 *   faultop stat PATH       lstat (lookup)
 *   faultop chmod PATH      chmod 0600 (metadata copy-up)
 *   faultop readdir PATH    read a whole directory (merged readdir)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int arm(const char *on)
{
	int fd = open("/proc/self/make-it-fail", O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, on, 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct stat st;
	int r = -1, err, fd;
	DIR *d;

	if (argc != 3) {
		fprintf(stderr, "usage: faultop openw|stat|chmod|readdir PATH\n");
		return 2;
	}
	if (arm("1")) {
		perror("faultop: /proc/self/make-it-fail");
		return 2;
	}
	if (!strcmp(argv[1], "openw")) {
		fd = open(argv[2], O_WRONLY);
		r = fd < 0 ? -1 : 0;
		if (fd >= 0)
			close(fd);
	} else if (!strcmp(argv[1], "stat")) {
		r = lstat(argv[2], &st);
	} else if (!strcmp(argv[1], "chmod")) {
		r = chmod(argv[2], 0600);
	} else if (!strcmp(argv[1], "readdir")) {
		d = opendir(argv[2]);
		if (d) {
			errno = 0;
			while (readdir(d))
				;
			r = errno ? -1 : 0;
			closedir(d);
		}
	} else {
		errno = EINVAL;
	}
	err = errno;
	arm("0");
	if (r < 0) {
		printf("%s\n", strerrorname_np(err));
		return 1;
	}
	printf("OK\n");
	return 0;
}
