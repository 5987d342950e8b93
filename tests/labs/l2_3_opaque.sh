#!/bin/sh
# A directory with trusted.overlay.opaque="y" hides the directories of
# the same name below it, in a lower and in the upper layer.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/o" "$T/l2/o" "$T/u/p" "$T/l1/p" "$T/w"
echo shown > "$T/l1/o/x"
echo hidden > "$T/l2/o/y"
opaque "$T/l1/o"
echo hidden > "$T/l1/p/z"
opaque "$T/u/p"
lmount "$T/m" "lowerdir=$T/l1:$T/l2,upperdir=$T/u,workdir=$T/w"
assert_eq "$(content "$T/m/o/x")" shown "the opaque directory's own entry"
[ -e "$T/m/o/y" ] && fail "a lower opaque directory does not hide"
[ -e "$T/m/p/z" ] && fail "an upper opaque directory does not hide"
lumount "$T/m"
