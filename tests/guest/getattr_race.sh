#!/bin/sh
# timeout: 900
# vcpus: 2 (its processes race: two CPUs make them run at once)
# split: 2
# A stat racing a copy-up and chmod must never leave the union inode with
# the old, more permissive mode: root runs `chmod 600` on 2,000 lower 0644
# files while three processes of uid 1000 stat each file until its
# copy-up is done; once chmod has returned, uid 1000 can open none of
# them. Ten rounds, each on a fresh upper layer, with full preemption
# (the old code failed about one round in five: ten rounds miss it on
# one kernel about one time in ten, on both about one in a hundred);
# make check shares them out over two guests (LFS_PARTS, vm/init).
. /tests/lib.sh
. /tests/guest/union-lib.sh

N=2000 ROUNDS=$((10 / ${LFS_PARTS:-1}))
must mkdir -p "$T/l1"
i=0
while [ $i -lt $N ]; do
	i=$((i + 1))
	echo "$i" > "$T/l1/f$i" || fail "create f$i"
done
must chmod 644 "$T"/l1/*
# A stat must be preempted inside getattr for the race to show: let the
# kernel preempt anywhere (the stock kernels default to voluntary
# preemption and can switch; the debug kernels are built without
# preemption and cannot: there the check still runs, with less power).
PREEMPT=/sys/kernel/debug/sched/preempt
if [ -e "$PREEMPT" ]; then
	old_preempt=$(sed -n 's/.*(\([a-z]*\)).*/\1/p' "$PREEMPT")
	[ -n "$old_preempt" ] || fail "cannot read the preemption mode"
	echo full > "$PREEMPT" || fail "cannot switch to full preemption"
	at_exit "echo '$old_preempt' > '$PREEMPT'"
else
	log "no $PREEMPT: the kernel's own preemption model ($(uname -v))"
fi
M=$T/m
total=0 r=0
while [ $r -lt $ROUNDS ]; do
	r=$((r + 1))
	must rm -rf "$T/u" "$T/w"
	must mkdir "$T/u" "$T/w"
	lmount "$M" "lowerdir=$T/l1,upperdir=$T/u,workdir=$T/w"
	pids=
	for i in 1 2 3; do
		asuser 1000 privop statfollow "$M" "$T/u" &
		pids="$pids $!"
	done
	must chmod 600 "$M"/*
	for p in $pids; do
		wait "$p" || fail "stat loop failed"
	done
	n=$(asuser 1000 privop countopen "$M") || fail "countopen"
	log "round $r: uid 1000 opened $n of $N files after chmod 600"
	total=$((total + n))
	lumount "$M"
done
assert_eq "$total" 0 "files uid 1000 could open after chmod 600, over $ROUNDS rounds"
