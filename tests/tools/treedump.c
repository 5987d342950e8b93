// SPDX-License-Identifier: GPL-2.0
/*
 * treedump: print a directory tree for comparison, one line per object.
 *
 *   treedump [-t] DIR
 *
 * Each line: relative path, type letter, mode, uid:gid, size (not for
 * directories), device numbers, symlink target, FNV-1a hash of a regular
 * file's content, and the xattrs with their values (sorted). Names are
 * sorted in each directory. Times, inode numbers, devices of the objects
 * and link counts are left out; -t adds the mtime.
 * Exit status 1 if anything cannot be read.
 */
#include <stdio.h>
#include <string.h>

#include "treedump.h"

int main(int argc, char **argv)
{
	int i = 1;

	if (argc > 1 && !strcmp(argv[1], "-t")) {
		with_time = 1;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: treedump [-t] DIR\n");
		return 2;
	}
	dump(stdout, argv[i], ".");
	return status;
}
