// SPDX-License-Identifier: GPL-2.0
/*
 * opsdiff: run a script of tryop operations on two trees and stop at the
 * first step where they differ.
 *
 *   opsdiff A B < SCRIPT
 *
 * SCRIPT: one step per line, "STEP OP PATH ARG" (tryop's operations, paths
 * relative to each tree).  Each step runs in A, then in B (the working
 * directory is the tree's root), and must print the same result (OK, the
 * errno name, what was read); then the two trees' treedump listings must
 * be equal.  This is union-lib.sh's run_ops loop in one process: a step
 * costs two calls and two tree walks, not six programs started.
 *
 * On a difference prints up to 20 differing listing lines ("< " from A,
 * "> " from B) and, last, "step STEP: OP PATH ARG: ..." with what differs;
 * exit status 1.  2 on a usage or read error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tryop.h"
#include "treedump.h"

struct buf {
	char *s;
	size_t len;
};

/* run OP in the tree ROOT; the result without its trailing newlines */
static void step_result(struct buf *b, const char *root, const char *op,
			const char *p, const char *a)
{
	FILE *out = open_memstream(&b->s, &b->len);

	if (!out || chdir(root)) {
		perror(root);
		exit(2);
	}
	tryop_run(out, op, p, a);
	fclose(out);
	close_range(3, ~0U, 0);
	while (b->len && b->s[b->len - 1] == '\n')
		b->s[--b->len] = '\0';
}

/* the treedump listing of ROOT; 1 if something could not be read */
static int listing(struct buf *b, const char *root)
{
	FILE *out = open_memstream(&b->s, &b->len);

	if (!out) {
		perror("open_memstream");
		exit(2);
	}
	status = 0;
	dump(out, root, ".");
	fclose(out);
	return status;
}

/* print up to 20 lines that differ between the listings A and B */
static void show_difference(char *a, char *b)
{
	char *sa, *sb, *la = strtok_r(a, "\n", &sa), *lb = strtok_r(b, "\n", &sb);
	int shown = 0;

	while ((la || lb) && shown < 20) {
		if (la && lb && !strcmp(la, lb)) {
			la = strtok_r(NULL, "\n", &sa);
			lb = strtok_r(NULL, "\n", &sb);
			continue;
		}
		if (la)
			printf("< %s\n", la);
		if (lb)
			printf("> %s\n", lb);
		shown += 2;
		la = la ? strtok_r(NULL, "\n", &sa) : NULL;
		lb = lb ? strtok_r(NULL, "\n", &sb) : NULL;
	}
}

int main(int argc, char **argv)
{
	char line[8192], step[64], op[64], p[4096], a[4096], *ra, *rb;
	struct buf x, y;

	if (argc != 3) {
		fprintf(stderr, "usage: opsdiff A B < SCRIPT\n");
		return 2;
	}
	/* the steps change directory: the roots must not be relative */
	ra = realpath(argv[1], NULL);
	rb = realpath(argv[2], NULL);
	if (!ra || !rb) {
		perror(ra ? argv[2] : argv[1]);
		return 2;
	}
	while (fgets(line, sizeof(line), stdin)) {
		a[0] = '\0';
		if (sscanf(line, "%63s %63s %4095s %4095s", step, op, p, a) < 3) {
			fprintf(stderr, "opsdiff: bad line: %s", line);
			return 2;
		}
		step_result(&x, ra, op, p, a);
		step_result(&y, rb, op, p, a);
		if (strcmp(x.s, y.s)) {
			printf("step %s: %s %s %s: reference '%s', layerfs '%s'\n",
			       step, op, p, a, x.s, y.s);
			return 1;
		}
		free(x.s);
		free(y.s);
		if (listing(&x, ra) || listing(&y, rb)) {
			printf("step %s: %s %s %s: cannot read a tree\n",
			       step, op, p, a);
			return 1;
		}
		if (strcmp(x.s, y.s)) {
			show_difference(x.s, y.s);
			printf("step %s: %s %s %s: trees differ\n", step, op, p, a);
			return 1;
		}
		free(x.s);
		free(y.s);
	}
	return 0;
}
