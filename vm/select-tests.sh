#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# select-tests.sh DIR [GLOBS]: the test names of DIR (every NAME.sh with
# NAME in [a-z0-9_]+, lib.sh excepted) that match one of the space-separated
# GLOBS (all when empty), one per line, sorted. Used by vm/run.sh and
# tests/run-host.sh. A word NAME.IofN (part I of a test split over N
# guests, see tests/check.sh) selects itself when DIR has NAME.sh.
dir=$1 globs=${2:-}
{
set -f
for g in $globs; do
	if [[ $g =~ ^([a-z0-9_]+)\.[0-9]+of[0-9]+$ ]] && [ -f "$dir/${BASH_REMATCH[1]}.sh" ]; then
		echo "$g"
	fi
done
set +f
for f in "$dir"/*.sh; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .sh)
	[[ $n =~ ^[a-z0-9_]+$ ]] || continue
	[ "$n" != lib ] || continue
	if [ -n "$globs" ]; then
		hit=
		set -f
		for g in $globs; do
			# shellcheck disable=SC2053
			[[ $n == $g ]] && hit=1
		done
		set +f
		[ -n "$hit" ] || continue
	fi
	echo "$n"
done
} | LC_ALL=C sort
