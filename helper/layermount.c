// SPDX-License-Identifier: GPL-2.0
/* layermount: placeholder entry point, replaced by the real helper. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("layermount 0.1\n");
		return 0;
	}
	fprintf(stderr, "layermount: not implemented yet\n");
	return 1;
}
