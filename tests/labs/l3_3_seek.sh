#!/bin/sh
# telldir()/seekdir() positions stay valid while the directory is open,
# and rewinddir() shows what changed in a lower since the first read.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/d" "$T/l2/d"
for i in $(seq 1 60); do echo > "$T/l$((i % 2 + 1))/d/e$i"; done
lmount "$T/m" "lowerdir=$T/l1:$T/l2"
assert_eq "$(outcome dirents -s "$T/m/d")" "OK 62" "seekdir to every telldir position"
assert_eq "$(outcome dirents -r "$T/m/d" "$T/l2/d/late")" "62 63 new" \
	"rewinddir after a lower changed"
lumount "$T/m"
