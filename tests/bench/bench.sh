#!/bin/sh
# timeout: 10800
# SPDX-License-Identifier: GPL-2.0
#
# make bench, in the guest: every workload against three targets built from
# the same data in the same boot: layerfs, overlayfs (redirect_dir=off,
# index=off, xino=off, metacopy=off) and the backing filesystem directly
# (a flattened copy of the layers); the read and lookup workloads also on
# a fourth, layerfs_imm (layerfs with immutable_lowers, as layermount
# mounts it). Runs of the targets interleave.
# Prints "BENCH <fs> <workload> <target> <run> <seconds>" lines, and for
# the mounts of the read set and of each lookup stack a line "BENCHMEM
# <fs> <set> <target> <run> <KiB>": the memory the mount still holds after
# the set's workloads (held()); vm/bench.sh reads both. Around each timed
# run it writes a line "bench-mark start|end <fs>
# <workload> <target> <run>" on the console, at which the host records its
# own load (the guest cannot see it). BENCH_SIZE=smoke shrinks everything
# (make check). BENCH_ONLY="GLOB ..." runs only the workloads it names
# (spaces or commas between globs), and builds only the data sets they use.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh	# mkoci

RUNS=${BENCH_RUNS:-5}
FSES=${BENCH_FS:-tmpfs ext4}
TARGETS="layerfs layerfs_imm overlay direct"
if [ "${BENCH_SIZE:-full}" = smoke ]; then
	NTREE=500 NBIG=1000 NLOOK=200 NLOOK_FAST=400 WARMPASSES=2 STACKS="5 20"
	SEQMIB=8 CUMIB=4 NSMALL=100 NRAND=200
	NCOMMIT=200 COMMITSZ=4096
else
	NTREE=10000 NBIG=20000 NLOOK=1000 NLOOK_FAST=20000 WARMPASSES=50
	STACKS="5 100 500" SEQMIB=1024 CUMIB=256 NSMALL=10000 NRAND=20000
	# (WARMPASSES: 50,000 warm walks take about a second; the 5,000 of
	# the 2026-12-03 run took 0.1 s, and timer noise made every warm
	# ratio's interval span 0.5-2)
	# 100 MiB in 1,000 files: the host part commits 1 GiB in 10,000 of
	# them (vm/bench.sh); under TCG that many would take 2.5 min a run
	NCOMMIT=1000 COMMITSZ=107374
fi
OVL_OPTS=redirect_dir=off,index=off,xino=off,metacopy=off
BENCH_ONLY=$(echo "${BENCH_ONLY:-}" | tr , ' ')
# the workloads of each data set
READS="stat_warm_50k stat_cold_50k readdir_100k readdir_100k_reopen5
	readdir_100k_rewind5 tar_c find_sha256"
WRITES="chmod_small create_write_unlink"
BIG="seqread randread_4k mmapread"
modprobe overlay 2>/dev/null || true	# vm/init has loaded it

# progress TEXT: a log line, and at once on the console (the test's own
# output reaches the host only when it ends)
progress() {
	log "$*"
	echo "bench: $* ($(date +%T))" > /dev/console
}

out() {	# out FS WORKLOAD TARGET RUN SECONDS
	echo "BENCH $*"
}

# slab_kib: the kernel's unreclaimable slab (kmalloc and the like: an
# index, a readdir cache, a layer stack; not dentries or inodes), in KiB
slab_kib() {
	awk '$1 == "SUnreclaim:" { print $2 }' /proc/meminfo
}

# held SET KIB: what the mount of $tgt still holds after the workloads of
# SET ran on it: the growth of slab_kib since KIB, taken before the mount
held() {
	echo "BENCHMEM $fs $1 $tgt $r $(($(slab_kib) - $2))"
}

# wanted WORKLOAD...: whether BENCH_ONLY is empty or one of its globs
# matches one of the WORKLOADs
wanted() {
	[ -n "$BENCH_ONLY" ] || return 0
	set -f
	for w in "$@"; do
		for p in $BENCH_ONLY; do
			# shellcheck disable=SC2254 # the globs are meant to match
			case $w in
			$p)	set +f; return 0 ;;
			esac
		done
	done
	set +f
	return 1
}

# mnt TARGET BASE LOWERS DIR [rw]: mount TARGET at DIR, lowers relative to
# BASE (the option string stays short for 500 layers); rw adds an upper.
mnt() {
	tgt=$1 base=$2 lowers=$3 dir=$4 rw=${5:-}
	mkdir -p "$dir"
	opts=lowerdir=$lowers
	if [ -n "$rw" ]; then
		rm -rf "$base/.u-$tgt" "$base/.w-$tgt"
		mkdir -p "$base/.u-$tgt" "$base/.w-$tgt"
		opts=$opts,upperdir=.u-$tgt,workdir=.w-$tgt
	fi
	case $tgt in
	layerfs) (cd "$base" && mount -t layerfs layerfs "$dir" -o "$opts") ;;
	layerfs_imm) (cd "$base" &&
		mount -t layerfs layerfs "$dir" -o "$opts,immutable_lowers") ;;
	overlay) (cd "$base" && mount -t overlay overlay "$dir" -o "$opts,$OVL_OPTS") ;;
	esac
}

# flat BASE LOWERS DIR: the direct target, a flattened copy made through
# overlayfs (so it holds exactly the merged view)
flat() {
	mnt overlay "$1" "$2" "$3.m" || fail "overlay mount of $1 for the flat copy"
	mkdir -p "$3"
	cp -a "$3.m/." "$3/"
	umount "$3.m"
}

# measure FS WORKLOAD RUN TARGET PATH CMD...: run a timed lfsbench command
# whose path argument is PATH (the mount point or the flat directory)
# (nothing when BENCH_ONLY leaves WORKLOAD out). With $per set, the figure
# is the seconds per 1,000 of its $per walks.
per=
measure() {
	fs=$1 wl=$2 run=$3 tgt=$4
	shift 4
	wanted "$wl" || return 0
	echo "bench-mark start $fs $wl $tgt $run" > /dev/console
	if ! v=$(lfsbench "$@" 2>/tmp/bench.err); then
		v=NA
		log "$wl $tgt: $(cat /tmp/bench.err)"
	fi
	echo "bench-mark end $fs $wl $tgt $run" > /dev/console
	if [ -n "$per" ] && [ "$v" != NA ]; then
		v=$(awk -v v="$v" -v n="$per" 'BEGIN { printf "%.6f", v * 1000 / n }')
	fi
	out "$fs" "$wl" "$tgt" "$run" "$v"
}

# (the warm-up and drop_caches run whichever of these BENCH_ONLY picks)
bench_reads() {
	lfsbench stat-tree "$1" > /dev/null
	measure "$fs" stat_warm_50k "$r" "$tgt" stat-tree "$1"
	sync
	echo 3 > /proc/sys/vm/drop_caches
	measure "$fs" stat_cold_50k "$r" "$tgt" stat-tree "$1"
	measure "$fs" readdir_100k "$r" "$tgt" readdir "$1/merged"
	# the same directory 5 times more: new opens, then one open rewound
	measure "$fs" readdir_100k_reopen5 "$r" "$tgt" readdir "$1/merged" 5
	measure "$fs" readdir_100k_rewind5 "$r" "$tgt" readdir "$1/merged" 5 rewind
	measure "$fs" tar_c "$r" "$tgt" run tar -cf /dev/null -C "$1" .
	measure "$fs" find_sha256 "$r" "$tgt" run sh -c "find '$1' -type f | xargs sha256sum > /dev/null"
}

bench_big() {
	measure "$fs" seqread "$r" "$tgt" seqread "$1/seq"
	measure "$fs" randread_4k "$r" "$tgt" randread "$1/seq" "$NRAND"
	measure "$fs" mmapread "$r" "$tgt" mmapread "$1/seq"
}

bench_writes() {
	measure "$fs" chmod_small "$r" "$tgt" chmod "$1/c" "$NSMALL" 'f%06ld'
	measure "$fs" create_write_unlink "$r" "$tgt" create-unlink "$1/new" "$NSMALL" 4096
}

# 9: layermount commit (gzip) of an upper of NCOMMIT files of COMMITSZ
# bytes, mounted with layerfs and with overlayfs, against tar -c | gzip of
# the same upper directory (the "direct" column)
bench_commit() {
	C=$B/commit
	mkdir -p "$C/src/l" "$C/m"
	echo base > "$C/src/l/base"
	mkoci "$C/img" "$C/src/l"
	mkdir -m 700 "$C/keep"
	mkdir "$C/keep/upper"
	lfsbench mkflat "$C/keep/upper/data" "$NCOMMIT" f "$COMMITSZ"
	sync
	r=1
	while [ $r -le "$RUNS" ]; do
		for tgt in $TARGETS; do
			# (layermount gives layerfs immutable_lowers itself)
			[ "$tgt" != layerfs_imm ] || continue
			rm -rf "$C/out" "$C/out.tgz"
			if [ "$tgt" = direct ]; then
				measure "$fs" commit_gzip "$r" "$tgt" run sh -c \
					"tar -cf - -C '$C/keep/upper' . | gzip > '$C/out.tgz'"
				continue
			fi
			layermount -q --store "$C/store" --type "$tgt" \
				--upper "$C/keep" "$C/img" "$C/m" ||
				{ log "$tgt: layermount failed"; continue; }
			measure "$fs" commit_gzip "$r" "$tgt" run layermount -q \
				commit --output "$C/out" "$C/m"
			layermount umount "$C/m" || log "umount $C/m"
		done
		r=$((r + 1))
	done
	rm -rf "$C"
}

# the lookup workloads of a stack of $1 layers
lookups() {
	for w in miss hit_bottom path5 warm_miss warm_hit warm_path5; do
		echo "lookup_${w}_$1"
	done
}

# bench_lookups DIR: lookups in the $n-layer stack at DIR, every walk from
# DIR through d (which every layer has). Cold: walks on a fresh mount, of
# names this mount has not seen (misses differ per run); each figure is
# the seconds per 1,000 walks. Cold walks of overlayfs and of layerfs
# without immutable_lowers cost O(layers) each (at 500 layers, 7 s per
# 1,000): they make NLOOK (1,000) walks. layerfs_imm and direct make
# NLOOK_FAST (20,000, the count of the issue that set the goals): their
# first walk through a merged directory pays for reading it in every
# layer once (0.6 s for d in 500 layers on cold ext4), which 1,000 cheap
# walks would not outweigh. Warm: NLOOK names seen cold, their dentries
# cached, WARMPASSES times over (a warm walk is cheap; one pass would be
# too short to time).
bench_lookups() {
	per=$NLOOK
	case $tgt in
	layerfs_imm|direct)	per=$NLOOK_FAST ;;
	esac
	measure "$fs" "lookup_miss_$n" "$r" "$tgt" lookup "$1" "$per" "d/miss${r}_%ld"
	measure "$fs" "lookup_hit_bottom_$n" "$r" "$tgt" lookup "$1" "$per" 'd/hit%06ld'
	measure "$fs" "lookup_path5_$n" "$r" "$tgt" lookup "$1" "$per" 'd/p/q/r/hit%06ld'
	per=
	measure "$fs" "lookup_warm_miss_$n" "$r" "$tgt" lookup "$1" "$NLOOK" "d/miss${r}_%ld" "$WARMPASSES"
	measure "$fs" "lookup_warm_hit_$n" "$r" "$tgt" lookup "$1" "$NLOOK" 'd/hit%06ld' "$WARMPASSES"
	measure "$fs" "lookup_warm_path5_$n" "$r" "$tgt" lookup "$1" "$NLOOK" 'd/p/q/r/hit%06ld' "$WARMPASSES"
}

bench_fs() {
	fs=$1 B=$2
	progress "building data sets on $fs"
	# (BENCH_ONLY: only the sets its workloads use)
	T_SET='' B_SET='' CU_SET=''
	# shellcheck disable=SC2086 # lists of workloads
	if wanted $READS $WRITES; then T_SET=1; fi
	# shellcheck disable=SC2086
	if wanted $BIG; then B_SET=1; fi
	if wanted copyup_first_write; then CU_SET=1; fi
	TL=1:2:3:4:5
	# 1, 7: a 5-layer tree; 2: a merged directory; 5: small files to
	# chmod; 6: an upper directory
	if [ -n "$T_SET" ]; then
		for l in 1 2 3 4 5; do
			mkdir -p "$B/t/$l"
			lfsbench mktree "$B/t/$l" "$NTREE" 1000 64
			lfsbench mkflat "$B/t/$l/merged" "$NBIG" "l$l." 0
		done
		lfsbench mkflat "$B/t/5/c" "$NSMALL" f 16
		mkdir -p "$B/t/1/new"
		flat "$B/t" "$TL" "$B/flat-t"
	fi
	# 4: big files in the bottom layer of their own 5-layer set, b
	if [ -n "$B_SET$CU_SET" ]; then
		for l in 1 2 3 4 5; do
			mkdir -p "$B/b/$l/l$l"
		done
		[ -z "$B_SET" ] || lfsbench mkfile "$B/b/5/seq" "$SEQMIB"
		[ -z "$CU_SET" ] || lfsbench mkfile "$B/b/5/cu" "$CUMIB"
		flat "$B/b" "$TL" "$B/flat-b"
	fi
	# 3: stacks of many layers; the bottom one holds the hits, in d and
	# at the end of a path of 5 components, d/p/q/r/hitN, whose
	# directories are merged from every layer
	stacks=
	for n in $STACKS; do
		# shellcheck disable=SC2046 # one word per workload
		wanted $(lookups "$n") || continue
		stacks="$stacks $n"
		i=1
		while [ $i -le "$n" ]; do
			mkdir -p "$B/s$n/$i/d/p/q/r"
			: > "$B/s$n/$i/d/only$i"
			i=$((i + 1))
		done
		lfsbench mkflat "$B/s$n/$n/d" "$NLOOK_FAST" hit 0
		lfsbench mkflat "$B/s$n/$n/d/p/q/r" "$NLOOK_FAST" hit 0
		eval "SL$n=\$(seq -s: 1 $n)"
		eval "flat \"$B/s$n\" \"\$SL$n\" \"$B/flat-s$n\""
	done
	sync

	r=1
	while [ $r -le "$RUNS" ]; do
		progress "$fs: run $r of $RUNS"
		for tgt in $TARGETS; do
			M=$B/mnt-$tgt
			if [ -z "$T_SET" ]; then
				:
			elif [ "$tgt" = direct ]; then
				bench_reads "$B/flat-t"
			elif m0=$(slab_kib) && mnt "$tgt" "$B/t" "$TL" "$M"; then
				bench_reads "$M"
				held reads "$m0"
				umount "$M"
			else
				log "$tgt: mount failed"
			fi

			if [ -z "$B_SET" ] || [ "$tgt" = layerfs_imm ]; then
				:
			elif [ "$tgt" = direct ]; then
				bench_big "$B/flat-b"
			elif mnt "$tgt" "$B/b" "$TL" "$M"; then
				bench_big "$M"
				umount "$M"
			fi

			# writes: a fresh upper every run
			if [ "$tgt" = layerfs_imm ]; then
				:
			elif [ "$tgt" = direct ]; then
				rm -rf "$B/w"
				mkdir -p "$B/w"
				if [ -n "$CU_SET" ]; then
					cp -a "$B/flat-b/cu" "$B/w/"
					measure "$fs" copyup_first_write "$r" "$tgt" first-write "$B/w/cu"
				fi
				if [ -n "$T_SET" ]; then
					mkdir -p "$B/w/new"
					cp -a "$B/flat-t/c" "$B/w/"
					bench_writes "$B/w"
				fi
			else
				if [ -n "$CU_SET" ] && mnt "$tgt" "$B/b" "$TL" "$M" rw; then
					measure "$fs" copyup_first_write "$r" "$tgt" first-write "$M/cu"
					umount "$M"
				fi
				if [ -n "$T_SET" ] && mnt "$tgt" "$B/t" "$TL" "$M" rw; then
					bench_writes "$M"
					umount "$M"
				fi
			fi

			for n in $stacks; do
				if [ "$tgt" = direct ]; then
					P=$B/flat-s$n
				else
					m0=$(slab_kib)
					eval "mnt $tgt \"$B/s$n\" \"\$SL$n\" \"$M\"" || { log "$tgt: $n-layer mount failed"; continue; }
					P=$M
				fi
				bench_lookups "$P"
				[ "$tgt" = direct ] && continue
				held "lookups_$n" "$m0"
				umount "$M"
			done
		done
		r=$((r + 1))
	done
	wanted commit_gzip || return 0
	progress "$fs: layermount commit"
	bench_commit
}

# 8: mount time of a many-layer image, cold and warm store, with layermount
# on layerfs and on overlayfs, against a bare mount -t overlay of the same
# layer directories (the "direct" column); data from vm/bench-image.sh
bench_mount() {
	img=/tests/data/many S=$T/store M=$T/lm
	n=$(awk -F: '{ print NF }' /tests/data/many.lowers)
	wanted "mount_${n}_cold" "mount_${n}_warm" || return 0
	progress "layermount mount times"
	mkdir -p "$M"
	r=1
	while [ $r -le "$RUNS" ]; do
		for tgt in $TARGETS; do
			case $tgt in
			layerfs) ty=layerfs ;;
			overlay) ty=overlay ;;
			*)	continue ;;	# direct; layerfs_imm: as layerfs
			esac
			rm -rf "$S"
			# (cold left out: the same mount untimed fills the store)
			if wanted "mount_${n}_cold"; then
				measure tmpfs "mount_${n}_cold" "$r" "$tgt" run layermount -q --store "$S" --type "$ty" --read-only "$img" "$M"
			else
				layermount -q --store "$S" --type "$ty" --read-only "$img" "$M"
			fi
			layermount umount "$M" || log "umount $M"
			wanted "mount_${n}_warm" || continue
			measure tmpfs "mount_${n}_warm" "$r" "$tgt" run layermount -q --store "$S" --type "$ty" --read-only "$img" "$M"
			layermount umount "$M" || log "umount $M"
		done
		# 100 full-length layer names overflow mount(2)'s one page of
		# options: name the layers by number, as layermount does
		rm -rf "$T/short"
		mkdir -p "$T/short"
		i=0 short=
		for h in $(tr : ' ' < /tests/data/many.lowers); do
			i=$((i + 1))
			ln -s "$S/layers/$h" "$T/short/$i"
			short="${short:+$short:}$i"
		done
		for w in cold warm; do
			# a failed mount is a missing figure (NA), which bench_smoke fails on
			(cd "$T/short" && measure tmpfs "mount_${n}_$w" "$r" direct run mount -t overlay overlay "$M" -o "lowerdir=$short,$OVL_OPTS")
			umount "$M" 2>/dev/null || true	# not mounted when it failed
		done
		r=$((r + 1))
	done
}

[ -d /tests/data/many ] && bench_mount

for fs in $FSES; do
	case $fs in
	tmpfs)	mkdir -p "$T/tmpfs"; mount -t tmpfs -o size=90% tmpfs "$T/tmpfs"
		bench_fs tmpfs "$T/tmpfs"
		umount "$T/tmpfs" ;;
	ext4)	scratch_ext4 "$T/ext4"
		mount -o remount,noatime "$T/ext4"
		bench_fs ext4 "$T/ext4"
		umount "$T/ext4" ;;
	esac
done
