// SPDX-License-Identifier: GPL-2.0
/*
 * dirents: read a directory the ways programs do.
 *
 *   dirents [-b BUFSIZE] DIR  getdents64 with a buffer of BUFSIZE bytes
 *                             (default 32768); prints "NAME INO TYPE"
 *                             per entry, TYPE as a letter (d f l c b p s u)
 *   dirents -s DIR            telldir/seekdir/rewinddir check: every
 *                             entry once; seeking back to each recorded
 *                             position gives the same entry again;
 *                             rewinddir restarts. Prints "OK N".
 *   dirents -r DIR NEW        read DIR to its end, create the file NEW
 *                             (e.g. in a lower layer of DIR), rewinddir
 *                             and read again through the same descriptor;
 *                             prints the entry counts of both passes and
 *                             "new" or "old": whether the second pass
 *                             listed NEW's name.
 *
 * Exit status 0 on success, 1 on any mismatch or error (with a message).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

struct d64 {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static char typech(unsigned char t)
{
	switch (t) {
	case DT_DIR: return 'd';
	case DT_REG: return 'f';
	case DT_LNK: return 'l';
	case DT_CHR: return 'c';
	case DT_BLK: return 'b';
	case DT_FIFO: return 'p';
	case DT_SOCK: return 's';
	default: return 'u';
	}
}

static int list(const char *dir, size_t bufsize)
{
	char *buf = malloc(bufsize);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	long n, pos;

	if (fd < 0 || !buf) {
		perror(dir);
		return 1;
	}
	for (;;) {
		n = syscall(SYS_getdents64, fd, buf, bufsize);
		if (n < 0) {
			perror("getdents64");
			return 1;
		}
		if (!n)
			break;
		for (pos = 0; pos < n;) {
			struct d64 *d = (struct d64 *)(buf + pos);

			printf("%s %llu %c\n", d->name, d->ino, typech(d->type));
			pos += d->reclen;
		}
	}
	close(fd);
	free(buf);
	return 0;
}

static int seekcheck(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	long *pos = NULL;
	size_t n = 0, i, j;

	if (!d) {
		perror(path);
		return 1;
	}
	for (;;) {
		long p = telldir(d);

		errno = 0;
		e = readdir(d);
		if (!e)
			break;
		names = realloc(names, (n + 1) * sizeof(*names));
		pos = realloc(pos, (n + 1) * sizeof(*pos));
		names[n] = strdup(e->d_name);
		pos[n++] = p;
	}
	if (errno) {
		perror("readdir");
		return 1;
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (!strcmp(names[i], names[j])) {
				printf("duplicate entry %s\n", names[i]);
				return 1;
			}
	/* seek back to every position, last first, and to a few twice */
	for (i = n; i-- > 0;) {
		seekdir(d, pos[i]);
		e = readdir(d);
		if (!e || strcmp(e->d_name, names[i])) {
			printf("seekdir to entry %zu (%s) gave %s\n", i,
			       names[i], e ? e->d_name : "(end)");
			return 1;
		}
		if (i + 1 < n) {
			e = readdir(d);
			if (!e || strcmp(e->d_name, names[i + 1])) {
				printf("entry after %s is %s, not %s\n",
				       names[i], e ? e->d_name : "(end)",
				       names[i + 1]);
				return 1;
			}
		}
	}
	rewinddir(d);
	for (i = 0; i < n; i++) {
		e = readdir(d);
		if (!e || strcmp(e->d_name, names[i])) {
			printf("after rewinddir entry %zu is %s, not %s\n", i,
			       e ? e->d_name : "(end)", names[i]);
			return 1;
		}
	}
	if (readdir(d)) {
		printf("extra entry after rewinddir\n");
		return 1;
	}
	closedir(d);
	printf("OK %zu\n", n);
	return 0;
}

/* count the entries of d from where it is; *seen when one is named name */
static long count(DIR *d, const char *name, int *seen)
{
	struct dirent *e;
	long n = 0;

	*seen = 0;
	errno = 0;
	while ((e = readdir(d))) {
		n++;
		if (!strcmp(e->d_name, name))
			*seen = 1;
	}
	return errno ? -1 : n;
}

static int rewindcheck(const char *path, const char *new)
{
	const char *base = strrchr(new, '/') ? strrchr(new, '/') + 1 : new;
	DIR *d = opendir(path);
	long n1, n2;
	int seen, fd;

	if (!d) {
		perror(path);
		return 1;
	}
	n1 = count(d, base, &seen);
	if (n1 < 0 || seen) {
		printf("first pass: %s\n", n1 < 0 ? strerror(errno) : "NEW already listed");
		return 1;
	}
	fd = open(new, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		perror(new);
		return 1;
	}
	close(fd);
	rewinddir(d);
	n2 = count(d, base, &seen);
	if (n2 < 0) {
		perror("readdir after rewinddir");
		return 1;
	}
	closedir(d);
	printf("%ld %ld %s\n", n1, n2, seen ? "new" : "old");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "-r"))
		return rewindcheck(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "-s"))
		return seekcheck(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "-b"))
		return list(argv[3], strtoul(argv[2], NULL, 0));
	if (argc == 2)
		return list(argv[1], 32768);
	fprintf(stderr, "usage: dirents [-b BUFSIZE] DIR | dirents -s DIR | dirents -r DIR NEW\n");
	return 2;
}
