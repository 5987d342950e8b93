#!/bin/sh
# Copy-up into a full upper (stock kernels): with the upper on a
# small tmpfs, the first write to a larger lower file fails with ENOSPC;
# the lower file stays visible and intact, nothing partial is left in the
# upper or in W/work/, and the mount keeps working afterwards.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l" "$T/s" "$T/m"
lfsbench mkfile "$T/l/big" 16 > /dev/null
echo small > "$T/l/small"
sum=$(sha256sum < "$T/l/big")
mount -t tmpfs -o size=4m tmpfs "$T/s" || fail "small tmpfs"
mkdir -p "$T/s/u" "$T/s/w"
mount -t layerfs layerfs "$T/m" -o "lowerdir=$T/l,upperdir=$T/s/u,workdir=$T/s/w" ||
	fail "mount"
M=$T/m

for op in openw append truncate; do
	case $op in
	truncate)	# to 8 MiB: more than the upper holds, whatever is copied
		r=OK
		if ! truncate -s 8M "$M/big" 2> "$T/err"; then
			r=$(cat "$T/err")
			case $r in *"No space left"*) r=ENOSPC ;; esac
		fi ;;
	*)		r=$(outcome tryop "$op" "$M/big") ;;
	esac
	assert_eq "$r" ENOSPC "$op of a file larger than the upper"
	assert_eq "$(sha256sum < "$M/big")" "$sum" "lower file through the mount after $op"
	assert_eq "$(names "$T/s/u")" "" "upper after the failed copy-up ($op)"
	assert_eq "$(names "$T/s/w/work")" "" "W/work after the failed copy-up ($op)"
done
assert_eq "$(sha256sum < "$T/l/big")" "$sum" "the lower file itself"
used=$(df -k "$T/s" | awk 'NR == 2 { print $3 }')
[ "$used" -lt 64 ] || fail "the upper still holds ${used} KiB after the failures"

# the mount keeps working: a small copy-up and a new file fit
echo more >> "$M/small" || fail "copy-up of a small file after ENOSPC"
assert_eq "$(content "$M/small")" "small
more" "small file after its copy-up"
echo new > "$M/new" || fail "create after ENOSPC"
assert_eq "$(names "$M")" "big new small" "names after the failures"
umount "$M" || fail "umount"
umount "$T/s"
