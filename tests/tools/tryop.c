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
#include <stdio.h>

#include "tryop.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: tryop OP PATH [ARG]\n");
		return 2;
	}
	return tryop_run(stdout, argv[1], argv[2], argc > 3 ? argv[3] : "");
}
