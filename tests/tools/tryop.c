// SPDX-License-Identifier: GPL-2.0
/*
 * tryop: run one system call and print OK or the errno name.
 *
 *   tryop OP PATH [ARG]
 *
 * OP: openr openw openrw creat trunc append excl tmpfile mkdir rmdir
 *     unlink rename link symlink mknod mkfifo chmod chown truncate utimes
 *     setxattr removexattr getxattr listxattr fallocate mmapw readlink
 *     opendir mksock (bind a unix socket at PATH) connect (connect to one)
 *     write (append ARG) pwrite (ARG at offset 3, no truncation)
 *     truncn (truncate to ARG bytes) chmodn (mode ARG, octal)
 *     chownn (ARG uid:gid) rename_noreplace rename_exchange
 *     rename_whiteout (ARG: new path) setxattrv (ARG name=value)
 *     mmapwrite (ARG written at offset 0 through a shared mapping)
 *     fsync fdatasync syncfs flock (exclusive, non-blocking) fcntllock
 *     (write lock, non-blocking) flockhold (hold flock for ARG seconds)
 *     dirsync (fsync of a directory, opened read-only)
 * ARG: second path (rename, link: new name; symlink: link name) or
 *      xattr name (setxattr, removexattr, getxattr).
 * getxattr prints the value, listxattr the names one per line, readlink
 * the target, after "OK". Exit status 0 on OK, 1 on an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <sys/file.h>
#include <linux/fs.h>
#include <sys/syscall.h>

static int res(int r)
{
	if (r < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	printf("OK\n");
	return 0;
}

static int openf(const char *p, int flags)
{
	/* O_NONBLOCK: opening a fifo must not wait for a peer */
	int fd = open(p, flags | O_NONBLOCK, 0644);

	if (fd >= 0)
		close(fd);
	return fd;
}

int main(int argc, char **argv)
{
	const char *op, *p, *a;
	char buf[65536];
	ssize_t n;

	if (argc < 3) {
		fprintf(stderr, "usage: tryop OP PATH [ARG]\n");
		return 2;
	}
	op = argv[1];
	p = argv[2];
	a = argc > 3 ? argv[3] : "";

	if (!strcmp(op, "openr"))
		return res(openf(p, O_RDONLY));
	if (!strcmp(op, "openw"))
		return res(openf(p, O_WRONLY));
	if (!strcmp(op, "openrw"))
		return res(openf(p, O_RDWR));
	if (!strcmp(op, "creat"))
		return res(openf(p, O_WRONLY | O_CREAT));
	if (!strcmp(op, "trunc"))
		return res(openf(p, O_WRONLY | O_TRUNC));
	if (!strcmp(op, "append"))
		return res(openf(p, O_WRONLY | O_APPEND));
	if (!strcmp(op, "excl"))
		return res(openf(p, O_WRONLY | O_CREAT | O_EXCL));
	if (!strcmp(op, "tmpfile"))
		return res(openf(p, O_RDWR | O_TMPFILE));
	if (!strcmp(op, "opendir"))
		return res(openf(p, O_RDONLY | O_DIRECTORY));
	if (!strcmp(op, "mkdir"))
		return res(mkdir(p, 0755));
	if (!strcmp(op, "rmdir"))
		return res(rmdir(p));
	if (!strcmp(op, "unlink"))
		return res(unlink(p));
	if (!strcmp(op, "rename"))
		return res(rename(p, a));
	if (!strcmp(op, "link"))
		return res(link(p, a));
	if (!strcmp(op, "symlink"))
		return res(symlink(p, a));
	if (!strcmp(op, "mknod"))
		return res(mknod(p, S_IFCHR | 0644, makedev(1, 3)));
	if (!strcmp(op, "mkfifo"))
		return res(mkfifo(p, 0644));
	if (!strcmp(op, "chmod"))
		return res(chmod(p, 0600));
	if (!strcmp(op, "chown"))
		return res(chown(p, 1, 1));
	if (!strcmp(op, "truncate"))
		return res(truncate(p, 1));
	if (!strcmp(op, "utimes"))
		return res(utimes(p, NULL));
	if (!strcmp(op, "setxattr"))
		return res(setxattr(p, a, "v", 1, 0));
	if (!strcmp(op, "removexattr"))
		return res(removexattr(p, a));
	if (!strcmp(op, "write") || !strcmp(op, "pwrite")) {
		int fd = open(p, (op[0] == 'w' ? O_WRONLY | O_APPEND : O_WRONLY) |
			      O_NONBLOCK);

		if (fd < 0)
			return res(fd);
		if (op[0] == 'w')
			n = write(fd, a, strlen(a));
		else
			n = pwrite(fd, a, strlen(a), 3);
		close(fd);
		return res(n < 0 ? -1 : 0);
	}
	if (!strcmp(op, "mmapwrite")) {
		int fd = open(p, O_RDWR);
		char *m;

		if (fd < 0)
			return res(fd);
		m = mmap(NULL, strlen(a), PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
		if (m == MAP_FAILED)
			return res(-1);
		memcpy(m, a, strlen(a));
		if (msync(m, strlen(a), MS_SYNC))
			return res(-1);
		return res(munmap(m, strlen(a)));
	}
	if (!strcmp(op, "fsync") || !strcmp(op, "fdatasync") ||
	    !strcmp(op, "syncfs") || !strcmp(op, "flock") ||
	    !strcmp(op, "fcntllock")) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int fd = open(p, O_RDWR);

		if (fd < 0)
			return res(fd);
		if (op[0] == 'f' && op[1] == 's')
			return res(fsync(fd));
		if (op[1] == 'd')
			return res(fdatasync(fd));
		if (op[0] == 's')
			return res(syncfs(fd));
		if (op[1] == 'l')
			return res(flock(fd, LOCK_EX | LOCK_NB));
		if (op[1] == 'c')
			return res(fcntl(fd, F_SETLK, &fl));
		return 2;
	}
	if (!strcmp(op, "dirsync")) {
		int fd = open(p, O_RDONLY | O_DIRECTORY);

		if (fd < 0)
			return res(fd);
		return res(fsync(fd));
	}
	if (!strcmp(op, "flockhold")) {
		int fd = open(p, O_RDONLY);

		if (fd < 0 || flock(fd, LOCK_EX))
			return res(-1);
		printf("OK\n");
		fflush(stdout);
		sleep(atoi(a));
		return 0;
	}
	if (!strcmp(op, "truncn"))
		return res(truncate(p, strtoll(a, NULL, 0)));
	if (!strcmp(op, "chmodn"))
		return res(chmod(p, strtoul(a, NULL, 8)));
	if (!strcmp(op, "chownn"))
		return res(lchown(p, strtoul(a, NULL, 0),
				  strtoul(strchr(a, ':') ? strchr(a, ':') + 1 : "0",
					  NULL, 0)));
	if (!strncmp(op, "rename_", 7)) {
		unsigned int fl = !strcmp(op + 7, "noreplace") ? RENAME_NOREPLACE :
				  !strcmp(op + 7, "exchange") ? RENAME_EXCHANGE :
				  RENAME_WHITEOUT;

		return res(syscall(SYS_renameat2, AT_FDCWD, p, AT_FDCWD, a, fl));
	}
	if (!strcmp(op, "setxattrv")) {
		char *name = strdup(a), *v = strchr(name, '=');

		if (!v)
			return 2;
		*v++ = '\0';
		return res(lsetxattr(p, name, v, strlen(v), 0));
	}
	if (!strcmp(op, "fallocate")) {
		int fd = open(p, O_RDWR);

		if (fd < 0)
			return res(fd);
		return res(fallocate(fd, 0, 0, 4096));
	}
	if (!strcmp(op, "mmapw")) {
		int fd = open(p, O_RDONLY);
		void *m;

		if (fd < 0)
			return res(fd);
		m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		return res(m == MAP_FAILED ? -1 : 0);
	}
	if (!strcmp(op, "mksock") || !strcmp(op, "connect")) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", p);
		if (op[0] == 'm')
			return res(bind(fd, (struct sockaddr *)&sun, sizeof(sun)));
		return res(connect(fd, (struct sockaddr *)&sun, sizeof(sun)));
	}
	if (!strcmp(op, "getxattr")) {
		n = getxattr(p, a, buf, sizeof(buf) - 1);
		if (res(n))
			return 1;
		buf[n] = '\0';
		printf("%s\n", buf);
		return 0;
	}
	if (!strcmp(op, "listxattr")) {
		char *s;

		n = listxattr(p, buf, sizeof(buf));
		if (res(n))
			return 1;
		for (s = buf; s < buf + n; s += strlen(s) + 1)
			printf("%s\n", s);
		return 0;
	}
	if (!strcmp(op, "readlink")) {
		n = readlink(p, buf, sizeof(buf) - 1);
		if (res(n))
			return 1;
		buf[n] = '\0';
		printf("%s\n", buf);
		return 0;
	}
	fprintf(stderr, "tryop: unknown operation %s\n", op);
	return 2;
}
