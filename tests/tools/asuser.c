// SPDX-License-Identifier: GPL-2.0
/*
 * asuser: run a command as another user, for tests of what an unprivileged
 * user can do (setuid bits, nosuid mounts, permissions).
 *
 *   asuser UID[:GID[:GROUP,GROUP...]] CMD [ARGS...]
 *
 * Sets the supplementary groups (none unless listed), then the gid (default:
 * UID), then the uid, with setgroups(2), setgid(2) and setuid(2), so real,
 * effective and saved ids all change and no capability is left; then
 * execvp(3)s CMD.  no_new_privs is NOT set: a setuid binary run by CMD gains
 * its owner's privileges where the kernel allows (that is what tests check).
 * Errors go to stderr; exit status 125 on a bad argument or a failed id
 * change, 127 when CMD cannot be executed.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_GROUPS	64

static int parse_id(const char *s, char **end, unsigned long *out)
{
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, end, 10);
	return errno || *out > 0xfffffffeUL ? -1 : 0;
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: asuser UID[:GID[:GROUP,GROUP...]] CMD [ARGS...]\n");
	exit(125);
}

int main(int argc, char **argv)
{
	gid_t groups[MAX_GROUPS];
	unsigned long uid, gid, g;
	size_t ngroups = 0;
	char *p;

	if (argc < 3 || parse_id(argv[1], &p, &uid))
		usage();
	gid = uid;
	if (*p == ':' && parse_id(p + 1, &p, &gid))
		usage();
	if (*p == ':') {
		do {
			if (ngroups == MAX_GROUPS || parse_id(p + 1, &p, &g))
				usage();
			groups[ngroups++] = g;
		} while (*p == ',');
	}
	if (*p)
		usage();
	if (setgroups(ngroups, groups)) {
		perror("asuser: setgroups");
		return 125;
	}
	if (setgid(gid)) {
		perror("asuser: setgid");
		return 125;
	}
	if (setuid(uid)) {
		perror("asuser: setuid");
		return 125;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "asuser: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
