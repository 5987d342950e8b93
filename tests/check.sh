#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: the whole test suite, as `make check` runs it: lint, host tests
# (the harness self-test among them), then the in-guest suite on every
# kernel series in $KVERS (default: 6.1 6.12). $TESTS picks guest and host
# tests by name. Ends with "total: N passed, N failed, N skipped" and exits
# non-zero if anything failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-$top/build}
export BUILD KVERS=${KVERS:-6.1 6.12}
start=$SECONDS
sums=()
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
tests/run-host.sh || status=1
sums+=("$BUILD/host/summary")

for s in $KVERS; do
	rel=$(vm/krel "$s") || exit 1
	section "guest tests on $s ($rel)"
	rm -f "$BUILD/vm/$rel/guest/summary"
	vm/run.sh --kver "$s" || status=1
	sums+=("$BUILD/vm/$rel/guest/summary")
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
[ "$f" -eq 0 ] || status=1
echo
echo "# make check took $((SECONDS - start)) s"
echo "total: $p passed, $f failed, $k skipped"
exit $status
