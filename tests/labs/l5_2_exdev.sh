#!/bin/sh
# rename(2) of a directory that exists in a lower layer fails with EXDEV
# (mv then copies); one made in the upper layer moves.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/low" "$T/u" "$T/w"
echo x > "$T/l1/low/f"
lmount "$T/m" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"
assert_eq "$(tryop rename "$T/m/low" "$T/m/moved")" EXDEV "rename of a lower directory"
assert_eq "$(content "$T/m/low/f")" x "the directory is where it was"
mkdir "$T/m/new"
assert_eq "$(tryop rename "$T/m/new" "$T/m/new2")" OK "rename of an upper directory"
lumount "$T/m"
