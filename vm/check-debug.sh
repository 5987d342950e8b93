#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh [--build-only] [--no-selftest]: `make check-debug`.
#
# For every series in $KVERS (default: 6.1 6.12) builds, once, a debug kernel
# from Debian's linux-source-SERIES (KASAN, lockdep, kmemleak, UBSAN,
# DEBUG_LIST, fault injection: vm/debug.config merged onto allnoconfig),
# builds layerfs.ko (and the harness self-test module) against it, checks
# that the debug kernel catches a deliberate WARNING and has its detectors
# on, then runs the whole in-guest suite on it, the debug-only tests
# (tests/debug: fault injection) and the crash cycle (vm/crash-cycle.sh).
# Ends with
#   debug: N passed, N failed, N skipped
# and exits non-zero if anything failed.
#
# The kernel configuration: allnoconfig for x86_64 plus vm/debug.config and,
# if present, vm/debug-SERIES.config (options one series lacks), merged with
# scripts/kconfig/merge_config.sh -n, then olddefconfig; every option the
# fragments set is verified in the final .config.
#
# Cache: $LFS_DEBUG_CACHE (default /var/cache/layerfs/debug)
#   src/linux-source-SERIES-SRCVERSION/   the unpacked source (shared)
#   SERIES-SRCVERSION-HASH/               HASH: sha256 of the fragments
#     build/      the object tree (make -C build M=... builds modules)
#     bzImage     the kernel; release: its `uname -r`; config: its .config
#     mods/       modules_install INSTALL_MOD_PATH (modules.builtin, depmod)
#     build.log, build-seconds, complete (written last)
# A second run with the same fragment and source version reuses it; remove
# the directory to force a rebuild.
#
# Environment: KVERS, TESTS (guest test globs), JOBS (make -j, 2),
# DEBUG_MEM (guest MiB, 3072), DEBUG_TIMEOUT_SCALE (per-test timeouts x, 5).
set -uo pipefail

# one compound command, read whole before it runs: safe to edit meanwhile
{

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-$top/build}
export BUILD
CACHE=${LFS_DEBUG_CACHE:-/var/cache/layerfs/debug}
SERIES=${KVERS:-6.1 6.12}
JOBS=${JOBS:-2}
MEM=${DEBUG_MEM:-3072}
SCALE=${DEBUG_TIMEOUT_SCALE:-5}
NICE=(nice -n 19)

build_only=0 selftest=1
for a in "$@"; do
	case "$a" in
	--build-only)	build_only=1 ;;
	--no-selftest)	selftest=0 ;;
	*)		echo "check-debug: unknown option $a" >&2; exit 1 ;;
	esac
done

die() { echo "check-debug: $*" >&2; exit 1; }
hms() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

start=$SECONDS
status=0
report=()

# verify_config CONFIG FRAGMENT...: every option the fragments set is set
# so in CONFIG
verify_config() {
	local cfg=$1 bad=0 line sym
	shift
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF -- "$line" "$cfg" && continue
			echo "check-debug: wanted $line, got: $(grep -E "^(# )?${line%%=*}[= ]" "$cfg" || echo 'not in .config (dependency missing)')" >&2
			bad=1 ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *}
			grep -q "^$sym=" "$cfg" || continue
			echo "check-debug: wanted $line, got: $(grep "^$sym=" "$cfg")" >&2
			bad=1 ;;
		esac
	done < <(cat "$@")
	return $bad
}

# build_kernel SERIES: build (or reuse) the debug kernel; sets C and rel
build_kernel() {
	local s=$1 pkg ver src t0 secs hash frags
	frags=("$top/vm/debug.config")
	[ -f "$top/vm/debug-$s.config" ] && frags+=("$top/vm/debug-$s.config")
	hash=$(cat "${frags[@]}" | sha256sum | cut -c1-12)
	pkg=linux-source-$s
	ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
		die "$pkg is not installed (make deps)"
	C=$CACHE/$s-$ver-$hash
	mkdir -p "$CACHE" || die "cannot create $CACHE"
	# one build per cache entry at a time; a second run waits for it
	exec 8> "$CACHE/.lock-$s"
	if ! flock -n 8; then
		echo "# $s: another check-debug is building this kernel, waiting"
		flock 8
	fi
	if [ -f "$C/complete" ]; then
		rel=$(cat "$C/release")
		echo "# $s: cached debug kernel $rel ($C, built in $(hms "$(cat "$C/build-seconds")"))"
		report+=("$s: kernel $rel cached (build took $(hms "$(cat "$C/build-seconds")"))")
		return 0
	fi
	src=$CACHE/src/$pkg-$ver
	mkdir -p "$CACHE/src" || die "cannot create $CACHE"
	if [ ! -f "$src/Makefile" ]; then
		echo "# $s: unpacking /usr/src/$pkg.tar.xz ($ver)"
		rm -rf "$src.tmp"
		mkdir -p "$src.tmp"
		"${NICE[@]}" tar -xJf "/usr/src/$pkg.tar.xz" -C "$src.tmp" \
			--strip-components=1 || die "cannot unpack $pkg"
		mv "$src.tmp" "$src"
	fi
	echo "# $s: building the debug kernel from $pkg $ver in $C (log: $C/build.log)"
	t0=$SECONDS
	mkdir -p "$C/build"
	rm -f "$C/build/.config"
	(
		set -e
		cd "$src"
		"${NICE[@]}" scripts/kconfig/merge_config.sh -n -O "$C/build" "${frags[@]}"
		"${NICE[@]}" make -s O="$C/build" olddefconfig
	) > "$C/build.log" 2>&1 || { tail -n 30 "$C/build.log"; die "$s: configuration failed"; }
	verify_config "$C/build/.config" "${frags[@]}" ||
		die "$s: $C/build/.config lacks options of ${frags[*]#$top/} (see above)"
	echo "# $s: configuration verified: every option of ${frags[*]#$top/} is set"
	"${NICE[@]}" make -C "$C/build" -j"$JOBS" >> "$C/build.log" 2>&1 ||
		{ tail -n 40 "$C/build.log"; die "$s: kernel build failed (log: $C/build.log)"; }
	rm -rf "$C/mods"
	"${NICE[@]}" make -C "$C/build" -s modules_install INSTALL_MOD_PATH="$C/mods" \
		>> "$C/build.log" 2>&1 ||
		{ tail -n 20 "$C/build.log"; die "$s: modules_install failed"; }
	rel=$(make -s -C "$C/build" kernelrelease 2>/dev/null | tail -n 1)
	[ -d "$C/mods/lib/modules/$rel" ] || die "$s: no $C/mods/lib/modules/$rel"
	cp "$C/build/arch/x86/boot/bzImage" "$C/bzImage"
	cp "$C/build/.config" "$C/config"
	echo "$rel" > "$C/release"
	secs=$((SECONDS - t0))
	echo "$secs" > "$C/build-seconds"
	touch "$C/complete"
	echo "# $s: built debug kernel $rel in $(hms $secs)"
	report+=("$s: kernel $rel built in $(hms $secs)")
}

# build_modules: layerfs.ko and lfs_selftest.ko against $C/build, in
# $BUILD/$rel (the layout vm/run.sh expects)
build_modules() {
	local d=$BUILD/$rel t0=$SECONDS
	vm/linktree.sh "$top" "$d" || return 1
	"${NICE[@]}" make -C "$C/build" M="$d" -j"$JOBS" modules || return 1
	mkdir -p "$d/selftest"
	ln -sfn "$top/tests/selftest/kmod/lfs_selftest.c" "$d/selftest/"
	ln -sfn "$top/tests/selftest/kmod/Kbuild" "$d/selftest/"
	"${NICE[@]}" make -C "$C/build" M="$d/selftest" modules || return 1
	echo "# $rel: modules built in $(hms $((SECONDS - t0)))"
}

# guest_opts SERIES: the vm/run.sh options that boot the debug kernel
guest_opts() {
	gopts=(--kver "$1" --kernel-image "$C/bzImage" --release "$rel"
	       --moddir "$C/mods" --mem "$MEM" --timeout-scale "$SCALE"
	       --boot-timeout 600)
}

# run_guest SERIES [run.sh options]: vm/run.sh on the debug kernel
run_guest() {
	local s=$1 gopts
	shift
	guest_opts "$s"
	vm/run.sh "${gopts[@]}" "$@"
}

# selftest SERIES: the detectors (KASAN, lockdep, kmemleak, fault injection)
# are on in the debug kernel, and a lock inversion, a slab-out-of-bounds read
# and an out-of-bounds shift in a module, and a WARNING, each fail their test
# (tests/selftest/debug with lfs_selftest.ko)
selftest() {
	local s=$1 out=$BUILD/vm/$rel/debug-selftest rc ok=1 re
	mkdir -p "$out"
	run_guest "$s" --suite-dir tests/selftest/debug --tests "*" \
		--out "$out" --extra-ko "$BUILD/$rel/selftest/lfs_selftest.ko" \
		> "$out.txt" 2>&1
	rc=$?
	for re in '^ok [0-9]+ detectors # [0-9.]+ s$' \
		'^not ok [0-9]+ lockdep # kernel log: .*possible circular locking dependency' \
		'^not ok [0-9]+ slab_oob # kernel log: .*BUG: KASAN: slab-out-of-bounds' \
		'^not ok [0-9]+ ubsan_shift # kernel log: .*UBSAN: shift-out-of-bounds' \
		'^not ok [0-9]+ warn # kernel log: .*WARNING: .*lfs_selftest' \
		'^not ok [0-9]+ kernel_log # '; do
		grep -E -q -- "$re" "$out.txt" || { ok=0; echo "check-debug: self-test output lacks /$re/" >&2; }
	done
	[ $rc -ne 0 ] || { ok=0; echo "check-debug: self-test run passed, expected a failure" >&2; }
	if [ $ok = 1 ]; then
		echo "# $s: self-test: detectors on; caught:"
		grep -E '^not ok [0-9]+ (lockdep|slab_oob|ubsan_shift|warn) ' "$out.txt" |
			sed 's/^/#   /'

		return 0
	fi
	sed 's/^/#   /' "$out.txt"
	return 1
}

# run_suite SERIES SUITE LABEL [run.sh options]: tests/SUITE on the debug
# kernel; adds its summary to the totals and the report
run_suite() {
	local s=$1 suite=$2 label=$3 t0=$SECONDS sum a b c
	shift 3
	sum=$BUILD/vm/$rel/$suite/summary
	rm -f "$sum"
	run_guest "$s" --suite "$suite" "$@" || status=1
	if [ -f "$sum" ]; then
		read -r a b c < "$sum"
		pass=$((pass + a)) failn=$((failn + b)) skipn=$((skipn + c))
		report+=("$s: $label on $rel: $a passed, $b failed, $c skipped in $(hms $((SECONDS - t0)))")
	else
		failn=$((failn + 1)) status=1
		report+=("$s: $label on $rel did not report")
	fi
}

pass=0 failn=0 skipn=0
for s in $SERIES; do
	echo
	echo "=== debug kernel $s"
	build_kernel "$s" || exit 1
	[ $build_only = 1 ] && continue
	if ! build_modules; then
		echo "check-debug: $s: module build against $rel failed" >&2
		failn=$((failn + 1)) status=1
		continue
	fi
	if [ $selftest = 1 ]; then
		t0=$SECONDS
		if selftest "$s"; then
			pass=$((pass + 1))
		else
			failn=$((failn + 1)) status=1
		fi
		report+=("$s: self-test $(hms $((SECONDS - t0)))")
	fi
	echo
	echo "=== guest tests on debug kernel $s ($rel)"
	run_suite "$s" guest "guest suite"
	# tests/debug: what only a debug kernel can do (fault injection)
	if [ -z "${TESTS:-}" ]; then
		echo
		echo "=== debug-only tests on $s ($rel)"
		run_suite "$s" debug "debug-only tests" --tests "*"
		# crash safety (tests/crash): kill a guest mid copy-up, reboot
		echo
		echo "=== crash cycle on $s ($rel)"
		t0=$SECONDS
		guest_opts "$s"
		if vm/crash-cycle.sh "$BUILD/vm/$rel/crash" "${gopts[@]}"; then
			pass=$((pass + 1)) r=passed
		else
			failn=$((failn + 1)) status=1 r=FAILED
		fi
		report+=("$s: crash cycle on $rel $r in $(hms $((SECONDS - t0)))")
	fi
done

echo
printf '# %s\n' "${report[@]}"
echo "# make check-debug took $(hms $((SECONDS - start)))"
[ $build_only = 1 ] && exit 0
[ "$failn" -eq 0 ] || status=1
echo "debug: $pass passed, $failn failed, $skipn skipped"
exit $status
}
