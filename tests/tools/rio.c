// SPDX-License-Identifier: GPL-2.0
/*
 * rio: read a file through one I/O path and print "LENGTH HASH".
 *
 *   rio read FILE [BUFSIZE]     read(2) in BUFSIZE pieces (default 65536)
 *   rio pread FILE OFF LEN      one pread(2)
 *   rio readv FILE              readv(2) with three odd-sized buffers
 *   rio mmap FILE private|shared  mmap(2) of the whole file
 *   rio sendfile FILE           sendfile(2) into a memfd, then hashed
 *   rio splice FILE             splice(2) file -> pipe -> memfd
 *   rio seek FILE               "data START END" per data segment, found
 *                               with SEEK_DATA/SEEK_HOLE
 *   rio heads FILE BLOCK LEN    the first LEN bytes of every BLOCK bytes,
 *                               one line each, bytes outside printable
 *                               ASCII shown as '?'
 *
 * HASH is 64-bit FNV-1a, in hex. Exit status 1 on any error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>

static uint64_t hash = 0xcbf29ce484222325ULL;
static unsigned long long total;

static void feed(const void *p, size_t n)
{
	const unsigned char *c = p;

	total += n;
	while (n--) {
		hash ^= *c++;
		hash *= 0x100000001b3ULL;
	}
}

static int done(void)
{
	printf("%llu %016llx\n", total, (unsigned long long)hash);
	return 0;
}

static int die(const char *what)
{
	perror(what);
	return 1;
}

static int hash_fd(int fd)
{
	char buf[65536];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return die("lseek");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		feed(buf, n);
	return n < 0 ? die("read") : done();
}

int main(int argc, char **argv)
{
	const char *op = argc > 2 ? argv[1] : "";
	struct stat st;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: rio OP FILE [ARGS]\n");
		return 2;
	}
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return die(argv[2]);

	if (!strcmp(op, "read")) {
		size_t bs = argc > 3 ? strtoul(argv[3], NULL, 0) : 65536;
		char *buf = malloc(bs);
		ssize_t n;

		while ((n = read(fd, buf, bs)) > 0)
			feed(buf, n);
		return n < 0 ? die("read") : done();
	}
	if (!strcmp(op, "pread") && argc == 5) {
		size_t len = strtoul(argv[4], NULL, 0);
		char *buf = malloc(len + 1);
		ssize_t n = pread(fd, buf, len, strtoll(argv[3], NULL, 0));

		if (n < 0)
			return die("pread");
		feed(buf, n);
		return done();
	}
	if (!strcmp(op, "readv")) {
		char a[7], b[4093], c[65536];
		struct iovec iov[3] = {
			{ a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) }
		};
		ssize_t n;

		while ((n = readv(fd, iov, 3)) > 0) {
			size_t i, left = n;

			for (i = 0; i < 3 && left; i++) {
				size_t k = left < iov[i].iov_len ?
					   left : iov[i].iov_len;

				feed(iov[i].iov_base, k);
				left -= k;
			}
		}
		return n < 0 ? die("readv") : done();
	}
	if (!strcmp(op, "mmap") && argc == 4) {
		int shared = !strcmp(argv[3], "shared");
		void *p;

		if (!st.st_size)
			return done();
		p = mmap(NULL, st.st_size, PROT_READ,
			 shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			return die("mmap");
		feed(p, st.st_size);
		munmap(p, st.st_size);
		return done();
	}
	if (!strcmp(op, "sendfile") || !strcmp(op, "splice")) {
		int out = memfd_create("rio", 0);
		off_t left = st.st_size;
		int pfd[2];

		if (out < 0)
			return die("memfd_create");
		if (op[1] == 'p' && pipe(pfd))
			return die("pipe");
		while (left > 0) {
			ssize_t n, m;

			if (op[1] == 'e') {
				n = sendfile(out, fd, NULL, left);
				if (n <= 0)
					return die("sendfile");
			} else {
				n = splice(fd, NULL, pfd[1], NULL, 65536, 0);
				if (n <= 0)
					return die("splice in");
				for (m = n; m > 0;) {
					ssize_t k = splice(pfd[0], NULL, out,
							   NULL, m, 0);
					if (k <= 0)
						return die("splice out");
					m -= k;
				}
			}
			left -= n;
		}
		return hash_fd(out);
	}
	if (!strcmp(op, "seek")) {
		off_t pos = 0, end;

		for (;;) {
			pos = lseek(fd, pos, SEEK_DATA);
			if (pos < 0) {
				if (errno == ENXIO)
					return 0;
				return die("SEEK_DATA");
			}
			end = lseek(fd, pos, SEEK_HOLE);
			if (end < 0)
				return die("SEEK_HOLE");
			printf("data %lld %lld\n", (long long)pos,
			       (long long)end);
			pos = end;
		}
	}
	if (!strcmp(op, "heads") && argc == 5) {
		size_t bs = strtoul(argv[3], NULL, 0), len = strtoul(argv[4], NULL, 0);
		char buf[256];
		off_t off;
		ssize_t n, i;

		if (!bs || !len || len >= sizeof(buf))
			return 2;
		for (off = 0; off < st.st_size; off += bs) {
			n = pread(fd, buf, len, off);
			if (n < 0)
				return die("pread");
			for (i = 0; i < n; i++)
				putchar(buf[i] >= ' ' && buf[i] <= '~' ? buf[i] : '?');
			putchar('\n');
		}
		return 0;
	}
	fprintf(stderr, "rio: unknown operation %s\n", op);
	return 2;
}
