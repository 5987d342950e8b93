#!/bin/sh
# Two layers that are the same directory, or one inside the other, are
# refused with ELOOP and a log line naming both.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/a/b" "$T/c"
mount_fails "$T/m" "lowerdir=$T/a:$T/a/b" ELOOP "'$T/a' and '$T/a/b' overlap"
mount_fails "$T/m" "lowerdir=$T/c:$T/c" ELOOP "'$T/c' and '$T/c' overlap"
lmount "$T/m" "lowerdir=$T/a:$T/c"
lumount "$T/m"
