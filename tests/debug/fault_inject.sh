#!/bin/sh
# timeout: 900
# Fault injection (debug kernels, make check-debug): failslab and
# fail_page_alloc fail the Nth allocation of one task, for N = 1, 2, ...,
# during copy-up (open for writing, chmod), lookup and merged readdir. The
# failing call returns an error or succeeds; the lower file stays visible
# and intact; nothing partial is left in the upper or in W/work/; the mount
# keeps working (kmemleak and the kernel log are checked by the harness).
. /tests/lib.sh
. /tests/guest/union-lib.sh

DBG=/sys/kernel/debug
[ -d $DBG/failslab ] || fail "no failslab: this suite is for the debug kernels"
N=${LFS_FAULT_STEPS:-40}

mkdir -p "$T/l1/d" "$T/l2/d" "$T/u" "$T/w" "$T/m"
i=0
while [ $i -lt "$N" ]; do
	echo "data $i" > "$T/l2/f$i"
	echo "data $i" > "$T/l2/c$i"
	echo "x" > "$T/l1/d/a$i"
	echo "y" > "$T/l2/d/b$i"
	i=$((i + 1))
done
mount -t layerfs layerfs "$T/m" -o "lowerdir=$T/l1:$T/l2,upperdir=$T/u,workdir=$T/w" ||
	fail "mount"
M=$T/m

# arm ATTR N: fail the Nth allocation (once) of tasks with make-it-fail
arm() {
	a=$DBG/$1
	echo Y > "$a"/task-filter
	# failslab has no ignore-gfp-highmem nor min-order
	[ ! -e "$a"/ignore-gfp-wait ] || echo N > "$a"/ignore-gfp-wait
	[ ! -e "$a"/ignore-gfp-highmem ] || echo N > "$a"/ignore-gfp-highmem
	[ ! -e "$a"/min-order ] || echo 0 > "$a"/min-order
	echo 0 > "$a"/verbose
	echo 0 > "$a"/space
	echo "$2" > "$a"/interval
	echo 1 > "$a"/times
	echo 100 > "$a"/probability
}

disarm() {
	echo 0 > "$DBG/$1/probability"
}

for attr in failslab fail_page_alloc; do
	hit=0
	i=0
	while [ $i -lt "$N" ]; do
		n=$((i + 1))
		# a fresh lower file for each step, so each step copies up
		arm $attr $n
		# an errno is a possible result of each: checked below
		r1=$(outcome faultop openw "$M/f$i")
		r2=$(outcome faultop chmod "$M/c$i")
		r3=$(outcome faultop stat "$M/d/a$i")
		r4=$(outcome faultop readdir "$M/d")
		disarm $attr
		for r in "$r1" "$r2" "$r3" "$r4"; do
			[ "$r" = OK ] || hit=$((hit + 1))
		done
		# the objects are intact and the mount works
		assert_eq "$(content "$M/f$i")" "data $i" "$attr step $n: f$i after openw ($r1)"
		assert_eq "$(content "$M/c$i")" "data $i" "$attr step $n: c$i after chmod ($r2)"
		assert_eq "$(content "$T/l2/f$i")" "data $i" "$attr step $n: lower f$i"
		assert_eq "$(names "$T/w/work")" "" "$attr step $n: W/work"
		for f in f$i c$i; do
			if [ -e "$T/u/$f" ]; then
				assert_eq "$(content "$T/u/$f")" "data $i" "$attr step $n: upper $f"
			fi
		done
		assert_eq "$(content "$M/d/a$i")" x "$attr step $n: lookup after the fault"
		assert_eq "$(count "$M/d")" $((2 * N)) "$attr step $n: merged readdir after the fault"
		# and the failed operations succeed when retried
		must tryop openw "$M/f$i" > /dev/null
		must chmod 600 "$M/c$i"
		i=$((i + 1))
	done
	log "$attr: $hit failed calls in $N steps"
	[ $hit -gt 0 ] || fail "$attr: no call failed: is fault injection working?"
	# a fresh upper for the next attribute: everything copies up again
	umount "$M" || fail "umount"
	rm -rf "$T/u" "$T/w"
	mkdir -p "$T/u" "$T/w"
	mount -t layerfs layerfs "$M" -o "lowerdir=$T/l1:$T/l2,upperdir=$T/u,workdir=$T/w" ||
		fail "remount"
done
umount "$M" || fail "umount"
