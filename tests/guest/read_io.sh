#!/bin/sh
# Reading through the union: read with many buffer sizes, pread, readv,
# against the same calls on the lower file.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1" "$T/l2"
: > "$T/l2/empty"
printf x > "$T/l2/one"
dd if=/dev/urandom of="$T/l1/page" bs=4096 count=1 2>/dev/null
dd if=/dev/urandom of="$T/l2/odd" bs=4097 count=1 2>/dev/null
dd if=/dev/urandom of="$T/l2/big" bs=1M count=3 2>/dev/null
cat "$T/l2/odd" "$T/l1/page" > "$T/l2/page"	# shadowed by l1/page
M=$T/m
lmount "$M" "lowerdir=$T/l1:$T/l2"

for f in l2/empty l2/one l1/page l2/odd l2/big; do
	n=${f#*/}
	for bs in 1 7 4096 65536; do
		[ $bs -lt 4096 ] && [ "$n" = big ] && continue
		assert_eq "$(rio read "$M/$n" $bs)" "$(rio read "$T/$f" $bs)" \
			"read $n with $bs-byte buffers"
	done
	assert_eq "$(rio readv "$M/$n")" "$(rio readv "$T/$f")" "readv $n"
	assert_eq "$(md5sum < "$M/$n")" "$(md5sum < "$T/$f")" "cat $n"
done
for off in 0 1 4095 4096 1048575 3145727 3145728 9999999; do
	assert_eq "$(rio pread "$M/big" $off 5000)" \
		"$(rio pread "$T/l2/big" $off 5000)" "pread big at $off"
done
# many readers at once
for i in 1 2 3 4; do
	rio read "$M/big" > "$T/par.$i" &
done
wait
for i in 1 2 3 4; do
	assert_eq "$(cat "$T/par.$i")" "$(rio read "$T/l2/big")" "parallel reader $i"
done
# O_DIRECT is accepted or refused exactly as by the lower filesystem:
# the same error, or the same data
odirect() {	# odirect FILE: the outcome of an O_DIRECT read of FILE
	if out=$(dd if="$1" iflag=direct bs=4096 count=2 2>/dev/null | md5sum); then
		echo "read $out"
	else
		dd if="$1" of=/dev/null iflag=direct bs=4096 count=1 2>&1 |
			sed "s|$1|FILE|" || true	# the error message is the result
	fi
}
assert_eq "$(odirect "$M/big")" "$(odirect "$T/l2/big")" "O_DIRECT behaves like the lower"
lumount "$M"
