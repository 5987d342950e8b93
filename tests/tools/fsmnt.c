// SPDX-License-Identifier: GPL-2.0
/*
 * fsmnt: mount layerfs and report the errno by name.
 *
 *   fsmnt DIR KEY=VALUE...   fsopen/fsconfig/fsmount/move_mount, one
 *                            fsconfig string per argument (KEY alone:
 *                            a flag); prints the fs_context messages
 *   fsmnt -m DIR OPTIONS     mount(2) with the legacy option string
 *
 * First line of output: OK or the errno name (ENOENT, ...). Then, for
 * the fsconfig form, one line per message the filesystem logged.
 * Exit status 0 on success, 1 on a mount error, 2 on usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/syscall.h>

#ifndef FSCONFIG_SET_FLAG
#define FSCONFIG_SET_FLAG	0
#define FSCONFIG_SET_STRING	1
#define FSCONFIG_CMD_CREATE	6
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH	0x00000004
#endif

static void drain(int fsfd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fsfd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		printf("%s\n", buf);
	}
}

static int report(int err, int fsfd)
{
	if (err)
		printf("%s\n", strerrorname_np(err));
	else
		printf("OK\n");
	if (fsfd >= 0)
		drain(fsfd);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	int fsfd, mfd, i;

	if (argc >= 4 && !strcmp(argv[1], "-m")) {
		if (mount("layerfs", argv[2], "layerfs", 0, argv[3]))
			return report(errno, -1);
		return report(0, -1);
	}
	if (argc < 2) {
		fprintf(stderr, "usage: fsmnt DIR KEY=VALUE... | fsmnt -m DIR OPTS\n");
		return 2;
	}
	fsfd = syscall(SYS_fsopen, "layerfs", 0);
	if (fsfd < 0)
		return report(errno, -1);
	for (i = 2; i < argc; i++) {
		char *key = strdup(argv[i]);
		char *val = strchr(key, '=');
		long r;

		if (val) {
			*val++ = '\0';
			r = syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING,
				    key, val, 0);
		} else {
			r = syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_FLAG,
				    key, NULL, 0);
		}
		free(key);
		if (r)
			return report(errno, fsfd);
	}
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		return report(errno, fsfd);
	mfd = syscall(SYS_fsmount, fsfd, 0, 0);
	if (mfd < 0)
		return report(errno, fsfd);
	if (syscall(SYS_move_mount, mfd, "", AT_FDCWD, argv[1],
		    MOVE_MOUNT_F_EMPTY_PATH))
		return report(errno, fsfd);
	return report(0, fsfd);
}
