// SPDX-License-Identifier: GPL-2.0
/*
 * asuser: run a command as another user, the way login would.
 *
 *   asuser UID[:GID[:GROUP,GROUP...]] CMD [ARG...]
 *
 * Sets the supplementary groups (none unless listed), the gid (default:
 * UID) and the uid, then execs CMD from PATH. No no_new_privs: set-id
 * binaries and file capabilities behave as they would for a real user
 * logged in with that uid. Exit status 127 when CMD cannot be run, 126
 * when the credentials cannot be set.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_GROUPS 64

static int parse_id(const char *s, char **end, unsigned long *id)
{
	errno = 0;
	*id = strtoul(s, end, 10);
	return errno || *end == s || *id > 0xfffffffeUL ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long uid, gid, g;
	gid_t groups[MAX_GROUPS];
	size_t ngroups = 0;
	char *p;

	if (argc < 3) {
		fprintf(stderr, "usage: asuser UID[:GID[:GROUP,...]] CMD [ARG...]\n");
		return 126;
	}
	if (parse_id(argv[1], &p, &uid))
		goto bad;
	gid = uid;
	if (*p == ':' && parse_id(p + 1, &p, &gid))
		goto bad;
	if (*p == ':') {
		do {
			if (ngroups == MAX_GROUPS || parse_id(p + 1, &p, &g))
				goto bad;
			groups[ngroups++] = g;
		} while (*p == ',');
	}
	if (*p)
		goto bad;

	if (setgroups(ngroups, groups) || setgid(gid) || setuid(uid)) {
		perror("asuser: setting credentials");
		return 126;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "asuser: %s: %s\n", argv[2], strerror(errno));
	return 127;

bad:
	fprintf(stderr, "asuser: bad user spec '%s'\n", argv[1]);
	return 126;
}
