// SPDX-License-Identifier: GPL-2.0
/*
 * lfsbench: the timed parts of `make bench`, in one small program so that
 * the measurement is not dominated by a shell under emulation.
 *
 * Every timed command prints its wall-clock time in seconds on stdout.
 *
 *   lfsbench mktree DIR NFILES PERDIR SIZE    make DIR/dNNN/fNNNNN files
 *   lfsbench mkflat DIR COUNT PREFIX SIZE     make DIR/PREFIXnnnnnn files
 *   lfsbench mkfile FILE MIB [sparse]         a file of MIB MiB
 *   lfsbench checkfile FILE MIB               what FILE holds: "mkfile"
 *                                             (what mkfile FILE MIB wrote),
 *                                             "first-write" (that after a
 *                                             first-write) or "other: ..."
 *   lfsbench stat-tree DIR                    lstat everything below DIR
 *   lfsbench readdir DIR [N [rewind]]         read all entries of DIR, N
 *                                             times: each with a new open,
 *                                             or rewinddir() on one open
 *   lfsbench lookup DIR COUNT PATTERN [PASSES]
 *                                             lstat DIR/PATTERN(i), i < COUNT
 *                                             (PATTERN: printf, with %ld),
 *                                             PASSES times (default 1)
 *   lfsbench seqread FILE                     read FILE with 1 MiB reads
 *   lfsbench randread FILE COUNT              COUNT random 4 KiB preads
 *   lfsbench mmapread FILE                    touch every page via mmap
 *   lfsbench first-write FILE                 open for writing, write 1 byte
 *   lfsbench chmod DIR COUNT PATTERN          chmod 0600 DIR/PATTERN(i)
 *   lfsbench create-unlink DIR COUNT SIZE     create+write, then unlink all
 *   lfsbench run CMD [ARG...]                 run a command, time it
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "lfsbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long count;

static void stat_tree(int dfd, const char *name)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		die(name);
	count++;
	if (!S_ISDIR(st.st_mode))
		return;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		die(name);
	d = fdopendir(fd);
	if (!d)
		die(name);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		stat_tree(dirfd(d), de->d_name);
	}
	closedir(d);
}

/* DIR/PREFIXnnnnnn for nnnnnn in [first, first + n), SIZE bytes each */
static void mkflat(const char *dir, long first, long n, const char *prefix,
		   long size)
{
	char path[4096], *buf = calloc(1, size + 1);
	long i;
	int fd;

	memset(buf, 'x', size);
	if (mkdir(dir, 0755) && errno != EEXIST)
		die(dir);
	for (i = first; i < first + n; i++) {
		snprintf(path, sizeof(path), "%s/%s%06ld", dir, prefix, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			die(path);
		if (size && write(fd, buf, size) != size)
			die(path);
		close(fd);
	}
	free(buf);
}

/* DIR/dNNN/fnnnnnn: NFILES files numbered across PERDIR-sized dirs */
static void mktree(const char *dir, long nfiles, long perdir, long size)
{
	char path[4096];
	long i;

	mkdir(dir, 0755);
	for (i = 0; i < nfiles; i += perdir) {
		snprintf(path, sizeof(path), "%s/d%03ld", dir, i / perdir);
		mkflat(path, i, nfiles - i < perdir ? nfiles - i : perdir, "f",
		       size);
	}
}

/* what each MiB of a file made by mkfile holds */
static void mkfile_pattern(char *buf, long size)
{
	long i;

	for (i = 0; i < size; i++)
		buf[i] = (char)(i * 7 + i / 4096);
}

static void mkfile(const char *file, long mib, int sparse)
{
	static char buf[1 << 20];
	long i;
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die(file);
	mkfile_pattern(buf, sizeof(buf));
	if (sparse) {
		if (ftruncate(fd, mib << 20))
			die(file);
	} else {
		for (i = 0; i < mib; i++)
			if (write(fd, buf, sizeof(buf)) != sizeof(buf))
				die(file);
	}
	close(fd);
}

static int open_or_die(const char *file, int flags)
{
	int fd = open(file, flags);

	if (fd < 0)
		die(file);
	return fd;
}

/*
 * checkfile: compare FILE with what mkfile FILE MIB wrote, a MiB at a time
 * (a hash of it costs ten times as much CPU, which counts under emulation)
 */
static void checkfile(const char *file, long mib)
{
	static char want[1 << 20], got[1 << 20];
	const char *what = "mkfile";
	struct stat st;
	ssize_t r;
	size_t n;
	long i;
	int fd = open_or_die(file, O_RDONLY);

	if (fstat(fd, &st))
		die(file);
	if (st.st_size != mib << 20) {
		printf("other: %lld bytes, not %ld\n", (long long)st.st_size,
		       mib << 20);
		exit(0);
	}
	mkfile_pattern(want, sizeof(want));
	for (i = 0; i < mib; i++) {
		for (n = 0; n < sizeof(got); n += r) {
			r = read(fd, got + n, sizeof(got) - n);
			if (r < 0)
				die(file);
			if (r == 0) {
				printf("other: ends in MiB %ld\n", i);
				exit(0);
			}
		}
		/* first-write wrote "y" over the first byte (mkfile's is 0) */
		if (i == 0 && got[0] == 'y') {
			what = "first-write";
			got[0] = want[0];
		}
		if (memcmp(got, want, sizeof(got))) {
			printf("other: differs in MiB %ld\n", i);
			exit(0);
		}
	}
	close(fd);
	puts(what);
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	char path[4096];
	double t0 = now();
	const char *cmd = argc > 1 ? argv[1] : "";
	long i, n;
	int fd;

	if (!strcmp(cmd, "mktree") && argc == 6) {
		mktree(argv[2], atol(argv[3]), atol(argv[4]), atol(argv[5]));
		return 0;
	} else if (!strcmp(cmd, "mkflat") && argc == 6) {
		mkflat(argv[2], 0, atol(argv[3]), argv[4], atol(argv[5]));
		return 0;
	} else if (!strcmp(cmd, "mkfile") && argc >= 4) {
		mkfile(argv[2], atol(argv[3]), argc > 4);
		return 0;
	} else if (!strcmp(cmd, "checkfile") && argc == 4) {
		checkfile(argv[2], atol(argv[3]));
		return 0;
	} else if (!strcmp(cmd, "stat-tree") && argc == 3) {
		stat_tree(AT_FDCWD, argv[2]);
	} else if (!strcmp(cmd, "readdir") && argc >= 3 && argc <= 5) {
		int rewind = argc == 5 && !strcmp(argv[4], "rewind");
		DIR *d = NULL;

		n = argc > 3 ? atol(argv[3]) : 1;
		for (i = 0; i < n; i++) {
			if (d && rewind) {
				rewinddir(d);
			} else {
				if (d)
					closedir(d);
				d = opendir(argv[2]);
				if (!d)
					die(argv[2]);
			}
			while (readdir(d))
				count++;
		}
		if (d)
			closedir(d);
	} else if ((!strcmp(cmd, "lookup") && (argc == 5 || argc == 6)) ||
		   (!strcmp(cmd, "chmod") && argc == 5)) {
		struct stat st;
		int dfd = open_or_die(argv[2], O_RDONLY | O_DIRECTORY);
		long pass, passes = argc == 6 ? atol(argv[5]) : 1;

		n = atol(argv[3]);
		for (pass = 0; pass < passes; pass++) {
			for (i = 0; i < n; i++) {
				snprintf(path, sizeof(path), argv[4], i);
				if (cmd[0] == 'l')
					fstatat(dfd, path, &st, AT_SYMLINK_NOFOLLOW);
				else if (fchmodat(dfd, path, 0600, 0))
					die(path);
			}
		}
		close(dfd);
	} else if (!strcmp(cmd, "seqread") && argc == 3) {
		ssize_t r;

		fd = open_or_die(argv[2], O_RDONLY);
		while ((r = read(fd, buf, sizeof(buf))) > 0)
			count += r;
		if (r < 0)
			die(argv[2]);
		close(fd);
	} else if (!strcmp(cmd, "randread") && argc == 4) {
		struct stat st;
		uint64_t x = 88172645463325252ULL, blocks;

		fd = open_or_die(argv[2], O_RDONLY);
		if (fstat(fd, &st) || st.st_size < 4096)
			die(argv[2]);
		blocks = st.st_size / 4096;
		n = atol(argv[3]);
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			if (pread(fd, buf, 4096, (off_t)(x % blocks) * 4096) != 4096)
				die(argv[2]);
		}
		close(fd);
	} else if (!strcmp(cmd, "mmapread") && argc == 3) {
		struct stat st;
		volatile unsigned char *p;
		unsigned long sum = 0;
		off_t off;

		fd = open_or_die(argv[2], O_RDONLY);
		if (fstat(fd, &st))
			die(argv[2]);
		p = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die(argv[2]);
		for (off = 0; off < st.st_size; off += 4096)
			sum += p[off];
		munmap((void *)p, st.st_size);
		close(fd);
		count = (long)sum;
	} else if (!strcmp(cmd, "first-write") && argc == 3) {
		fd = open_or_die(argv[2], O_WRONLY);
		if (pwrite(fd, "y", 1, 0) != 1)
			die(argv[2]);
		close(fd);
	} else if (!strcmp(cmd, "create-unlink") && argc == 5) {
		long size = atol(argv[4]);

		n = atol(argv[3]);
		memset(buf, 'z', size < (long)sizeof(buf) ? size : 0);
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/new%06ld", argv[2], i);
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
			if (fd < 0)
				die(path);
			if (write(fd, buf, size) != size)
				die(path);
			close(fd);
		}
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/new%06ld", argv[2], i);
			if (unlink(path))
				die(path);
		}
	} else if (!strcmp(cmd, "run") && argc > 2) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execvp(argv[2], argv + 2);
			die(argv[2]);
		}
		if (waitpid(pid, &status, 0) < 0)
			die("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			fprintf(stderr, "lfsbench: %s: exit status %d\n", argv[2], status);
	} else {
		fprintf(stderr, "lfsbench: bad usage (see the source's header)\n");
		return 1;
	}
	printf("%.6f\n", now() - t0);
	return 0;
}
