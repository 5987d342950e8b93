/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tryop.h: run one system call on a path and write OK or the errno name
 * (and, for getxattr, listxattr and readlink, what it read) to a stream.
 * Used by tryop (one call per process) and opsdiff (a whole script in one
 * process, which closes whatever descriptor a call left open; mmapw,
 * mksock and flockhold keep a mapping, socket or lock and are meant for
 * tryop alone).  The operations are listed in tryop.c.
 */
#ifndef TRYOP_H
#define TRYOP_H

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

static int res(FILE *out, int r)
{
	if (r < 0) {
		fprintf(out, "%s\n", strerrorname_np(errno));
		return 1;
	}
	fprintf(out, "OK\n");
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

/* tryop_run: run OP on P (ARG: the second path, xattr or value) */
static int tryop_run(FILE *out, const char *op, const char *p, const char *a)
{
	char buf[65536];
	ssize_t n;

	if (!strcmp(op, "openr"))
		return res(out, openf(p, O_RDONLY));
	if (!strcmp(op, "openw"))
		return res(out, openf(p, O_WRONLY));
	if (!strcmp(op, "openrw"))
		return res(out, openf(p, O_RDWR));
	if (!strcmp(op, "creat"))
		return res(out, openf(p, O_WRONLY | O_CREAT));
	if (!strcmp(op, "trunc"))
		return res(out, openf(p, O_WRONLY | O_TRUNC));
	if (!strcmp(op, "append"))
		return res(out, openf(p, O_WRONLY | O_APPEND));
	if (!strcmp(op, "excl"))
		return res(out, openf(p, O_WRONLY | O_CREAT | O_EXCL));
	if (!strcmp(op, "tmpfile"))
		return res(out, openf(p, O_RDWR | O_TMPFILE));
	if (!strcmp(op, "opendir"))
		return res(out, openf(p, O_RDONLY | O_DIRECTORY));
	if (!strcmp(op, "mkdir"))
		return res(out, mkdir(p, 0755));
	if (!strcmp(op, "rmdir"))
		return res(out, rmdir(p));
	if (!strcmp(op, "unlink"))
		return res(out, unlink(p));
	if (!strcmp(op, "rename"))
		return res(out, rename(p, a));
	if (!strcmp(op, "link"))
		return res(out, link(p, a));
	if (!strcmp(op, "symlink"))
		return res(out, symlink(p, a));
	if (!strcmp(op, "mknod"))
		return res(out, mknod(p, S_IFCHR | 0644, makedev(1, 3)));
	if (!strcmp(op, "mkfifo"))
		return res(out, mkfifo(p, 0644));
	if (!strcmp(op, "chmod"))
		return res(out, chmod(p, 0600));
	if (!strcmp(op, "chown"))
		return res(out, chown(p, 1, 1));
	if (!strcmp(op, "truncate"))
		return res(out, truncate(p, 1));
	if (!strcmp(op, "utimes"))
		return res(out, utimes(p, NULL));
	if (!strcmp(op, "setxattr"))
		return res(out, setxattr(p, a, "v", 1, 0));
	if (!strcmp(op, "removexattr"))
		return res(out, removexattr(p, a));
	if (!strcmp(op, "write") || !strcmp(op, "pwrite")) {
		int fd = open(p, (op[0] == 'w' ? O_WRONLY | O_APPEND : O_WRONLY) |
			      O_NONBLOCK);

		if (fd < 0)
			return res(out, fd);
		if (op[0] == 'w')
			n = write(fd, a, strlen(a));
		else
			n = pwrite(fd, a, strlen(a), 3);
		close(fd);
		return res(out, n < 0 ? -1 : 0);
	}
	if (!strcmp(op, "mmapwrite")) {
		int fd = open(p, O_RDWR);
		char *m;

		if (fd < 0)
			return res(out, fd);
		m = mmap(NULL, strlen(a), PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
		if (m == MAP_FAILED)
			return res(out, -1);
		memcpy(m, a, strlen(a));
		if (msync(m, strlen(a), MS_SYNC))
			return res(out, -1);
		return res(out, munmap(m, strlen(a)));
	}
	if (!strcmp(op, "fsync") || !strcmp(op, "fdatasync") ||
	    !strcmp(op, "syncfs") || !strcmp(op, "flock") ||
	    !strcmp(op, "fcntllock")) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int fd = open(p, O_RDWR);

		if (fd < 0)
			return res(out, fd);
		if (op[0] == 'f' && op[1] == 's')
			return res(out, fsync(fd));
		if (op[1] == 'd')
			return res(out, fdatasync(fd));
		if (op[0] == 's')
			return res(out, syncfs(fd));
		if (op[1] == 'l')
			return res(out, flock(fd, LOCK_EX | LOCK_NB));
		if (op[1] == 'c')
			return res(out, fcntl(fd, F_SETLK, &fl));
		return 2;
	}
	if (!strcmp(op, "dirsync")) {
		int fd = open(p, O_RDONLY | O_DIRECTORY);

		if (fd < 0)
			return res(out, fd);
		return res(out, fsync(fd));
	}
	if (!strcmp(op, "flockhold")) {
		int fd = open(p, O_RDONLY);

		if (fd < 0 || flock(fd, LOCK_EX))
			return res(out, -1);
		fprintf(out, "OK\n");
		fflush(out);
		sleep(atoi(a));
		return 0;
	}
	if (!strcmp(op, "truncn"))
		return res(out, truncate(p, strtoll(a, NULL, 0)));
	if (!strcmp(op, "chmodn"))
		return res(out, chmod(p, strtoul(a, NULL, 8)));
	if (!strcmp(op, "chownn"))
		return res(out, lchown(p, strtoul(a, NULL, 0),
				  strtoul(strchr(a, ':') ? strchr(a, ':') + 1 : "0",
					  NULL, 0)));
	if (!strncmp(op, "rename_", 7)) {
		unsigned int fl = !strcmp(op + 7, "noreplace") ? RENAME_NOREPLACE :
				  !strcmp(op + 7, "exchange") ? RENAME_EXCHANGE :
				  RENAME_WHITEOUT;

		return res(out, syscall(SYS_renameat2, AT_FDCWD, p, AT_FDCWD, a, fl));
	}
	if (!strcmp(op, "setxattrv")) {
		char *name = strdup(a), *v = strchr(name, '=');

		if (!v)
			return 2;
		*v++ = '\0';
		return res(out, lsetxattr(p, name, v, strlen(v), 0));
	}
	if (!strcmp(op, "fallocate")) {
		int fd = open(p, O_RDWR);

		if (fd < 0)
			return res(out, fd);
		n = fallocate(fd, 0, 0, 4096);
		close(fd);
		return res(out, n);
	}
	if (!strcmp(op, "mmapw")) {
		int fd = open(p, O_RDONLY);
		void *m;

		if (fd < 0)
			return res(out, fd);
		m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		return res(out, m == MAP_FAILED ? -1 : 0);
	}
	if (!strcmp(op, "mksock") || !strcmp(op, "connect")) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", p);
		if (op[0] == 'm')
			return res(out, bind(fd, (struct sockaddr *)&sun, sizeof(sun)));
		return res(out, connect(fd, (struct sockaddr *)&sun, sizeof(sun)));
	}
	if (!strcmp(op, "getxattr")) {
		n = getxattr(p, a, buf, sizeof(buf) - 1);
		if (res(out, n))
			return 1;
		buf[n] = '\0';
		fprintf(out, "%s\n", buf);
		return 0;
	}
	if (!strcmp(op, "listxattr")) {
		char *s;

		n = listxattr(p, buf, sizeof(buf));
		if (res(out, n))
			return 1;
		for (s = buf; s < buf + n; s += strlen(s) + 1)
			fprintf(out, "%s\n", s);
		return 0;
	}
	if (!strcmp(op, "readlink")) {
		n = readlink(p, buf, sizeof(buf) - 1);
		if (res(out, n))
			return 1;
		buf[n] = '\0';
		fprintf(out, "%s\n", buf);
		return 0;
	}
	fprintf(stderr, "tryop: unknown operation %s\n", op);
	return 2;
}

#endif
