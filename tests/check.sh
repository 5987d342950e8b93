#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: the whole test suite, as `make check` runs it: lint, host tests
# (the harness self-test among them), then the in-guest suite on every
# kernel series in $KVERS (default: 6.1 6.12). $TESTS picks guest and host
# tests by name. A SKIP that tests/skips does not list fails. Ends with
# "total: N passed, N failed, N skipped" and exits non-zero if anything
# failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-$top/build}
export BUILD KVERS=${KVERS:-6.1 6.12}
start=$SECONDS
sums=()
skipfiles=()	# "SUITE FILE": the skips a stage reported
status=0

section() {
	echo
	echo "=== $1"
}

for s in $KVERS; do
	echo "# kernel $s: $(vm/krel "$s")"
done
echo "# $(qemu-system-x86_64 --version | head -n 1)"

if [ -z "${TESTS:-}" ]; then
	section "lint"
	vm/lint.sh || status=1
	sums+=("$BUILD/lint/summary")
fi

section "host tests"
rm -f "$BUILD/host/summary"
rm -f "$BUILD/host/skips"
tests/run-host.sh || status=1
sums+=("$BUILD/host/summary")
skipfiles+=("host $BUILD/host/skips")

for s in $KVERS; do
	rel=$(vm/krel "$s") || exit 1
	section "guest tests on $s ($rel)"
	rm -f "$BUILD/vm/$rel/guest/summary" "$BUILD/vm/$rel/guest/skips"
	vm/run.sh --kver "$s" || status=1
	sums+=("$BUILD/vm/$rel/guest/summary")
	skipfiles+=("guest $BUILD/vm/$rel/guest/skips")
done

# allowed SKIP NAME REASON: tests/skips lists the skip
allowed() {
	local key pat
	while read -r key pat; do
		[[ $key == "#"* || -z $key ]] && continue
		# shellcheck disable=SC2053 # the reason is a pattern
		[ "$key" = "$1" ] && [[ $2 == $pat ]] && return 0
	done < tests/skips
	return 1
}
section "skips (tests/skips)"
unlisted=0
for sf in "${skipfiles[@]}"; do
	suite=${sf%% *} file=${sf#* }
	[ -f "$file" ] || continue	# the stage did not report: counted below
	while read -r name why; do
		if allowed "$suite/$name" "$why"; then
			echo "# allowed SKIP $suite/$name: $why"
		else
			echo "not ok unlisted SKIP $suite/$name # $why"
			unlisted=$((unlisted + 1))
		fi
	done < "$file"
done

p=0 f=0 k=0
for sf in "${sums[@]}"; do
	if [ -f "$sf" ]; then
		read -r a b c < "$sf"
		p=$((p + a)) f=$((f + b)) k=$((k + c))
	else
		f=$((f + 1))	# a stage that did not even report
		status=1
	fi
done
f=$((f + unlisted))
[ "$f" -eq 0 ] || status=1
echo
echo "# make check took $((SECONDS - start)) s"
echo "total: $p passed, $f failed, $k skipped"
exit $status
