#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Command line: --help (stdout, 0), --version, bad usage (1 with a hint),
# -q prints nothing on success, missing image; options that do not apply
# to a command; one message per bad option, without the program path.
. tests/host/lib.sh

"$LAYERMOUNT" --help | grep '^Usage:' > /dev/null || fail "--help"
"$LAYERMOUNT" --version | grep -Eq '^layermount [0-9]' || fail "--version"
for args in "" "--bogus x y" "unpack" "unpack a b" "--type ext4 a b" \
	    "--platform linux a b" "--read-only --upper u a b" "--max-bytes 0 a b"; do
	# shellcheck disable=SC2086 # the words of $args are the arguments
	run_lm $args
	expect_rc 1
	expect_err "Try 'layermount --help'"
done
mkimage basic "$T/img"
run_lm -q unpack "$T/img"
expect_rc 0
[ ! -s "$RUN/out" ] || fail "-q printed something on stdout"
[ ! -s "$RUN/err" ] || fail "-q printed something on stderr"
run_lm unpack "$T/nonexistent"
expect_rc 1
expect_err "^layermount: $T/nonexistent: No such file or directory"
mkdir "$T/notimage"
run_lm unpack "$T/notimage"
expect_rc 2
expect_err "not an OCI image layout or a docker save archive"

# unpack and umount refuse mount-only options, one message each, and the
# messages never carry the program's path
for args in "unpack --upper $T/u $T/img" "unpack --read-only $T/img" \
	    "unpack --suid $T/img" "unpack --dev $T/img" "unpack -o ro $T/img" \
	    "unpack --type overlay $T/img" "umount --read-only $T/m" \
	    "umount --max-layers 3 $T/m" "umount --ref x $T/m"; do
	# shellcheck disable=SC2086 # the words of $args are the arguments
	run_lm $args
	expect_rc 1
	opt=$(echo "$args" | cut -d' ' -f2)
	expect_err "^layermount: (unpack|umount): option $opt is for mounting an image"
	[ "$(grep -c '^layermount: ' "$RUN/err")" -eq 1 ] ||
		fail "$args: not one message: $(cat "$RUN/err")"
done
# the store commands take their own options only
for args in "ls --dry-run" "gc --json" "rm --lazy x" "umount --all $T/m" \
	    "unpack --json $T/img" "--lazy $T/img $T/m"; do
	# shellcheck disable=SC2086 # the words of $args are the arguments
	run_lm $args
	expect_rc 1
	expect_err "option --[a-z-]+ is for (ls|gc|umount|ls, inspect or diff)$"
done
for args in "ls x" "gc x" "rm" "rm a b" "umount"; do
	# shellcheck disable=SC2086 # the words of $args are the arguments
	run_lm $args
	expect_rc 1
	expect_err "Try 'layermount --help'"
done
for args in "--bogus $T/img $T/m" "-Z $T/img $T/m" "unpack --store"; do
	# shellcheck disable=SC2086 # the words of $args are the arguments
	run_lm $args
	expect_rc 1
	[ "$(grep -c '^layermount: ' "$RUN/err")" -eq 1 ] ||
		fail "$args: not one message: $(cat "$RUN/err")"
	! grep -q "$LAYERMOUNT" "$RUN/err" || fail "$args: program path in: $(cat "$RUN/err")"
done
run_lm --bogus "$T/img" "$T/m"
expect_err "^layermount: unrecognized option '--bogus'$"
run_lm -Z "$T/img" "$T/m"
expect_err "^layermount: unrecognized option '-Z'$"
run_lm unpack --store
expect_err "^layermount: option --store requires an argument$"
# -o cannot undo what layermount sets
for o in suid dev rw upperdir=/x lowerdir=/y workdir=/z; do
	run_lm -o "noatime,$o" "$T/img" "$T/m"
	expect_rc 1
	expect_err "^layermount: -o $o: set by layermount"
done
# commit needs a destination; diff and commit take only their options
run_lm commit "$T/m"
expect_rc 1
expect_err "give --ref NAME"
run_lm diff --output "$T/o" "$T/m"
expect_rc 1
expect_err "option --output is for commit"
run_lm commit --compress bzip2 --ref x "$T/m"
expect_rc 1
expect_err "unknown compression 'bzip2'"
run_lm commit --format docker --ref x "$T/m"
expect_rc 1
expect_err "give --output FILE"
run_lm commit --format zip --output x "$T/m"
expect_rc 1
expect_err "unknown format 'zip'"
SOURCE_DATE_EPOCH=yesterday run_lm commit --ref x "$T/m"
expect_rc 1
expect_err "SOURCE_DATE_EPOCH: not a number"
"$LAYERMOUNT" --help >"$RUN/help"
for w in nosuid nodev --suid --dev RISK -o --max-layers --max-dir-meta \
	 "5 a policy check failed" "32 mount failure" gzip inspect --json \
	 --files --ci --max-wasted-bytes --min-efficiency \
	 --fail-on-hidden-secrets "umount \[-l\]" "ls \[--json\]" \
	 "rm <image>" "gc \[--dry-run\] \[--all\]" "not make" "store lock" \
	 "diff \[--json\]" "commit \[--ref" --output --compress \
	 SOURCE_DATE_EPOCH; do
	grep -q -- "$w" "$RUN/help" || fail "--help does not mention $w"
done
