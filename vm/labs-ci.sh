#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# labs-ci.sh: the labs are honest (make labs-ci, run by .ci/run). For the
# kernel LABS_KVER (6.12): the markers are sound (vm/lab.py check); the
# real code passes every exercise of every lab, its guest tests in one
# guest; and for each lab, the student tree `make lab` writes builds with
# W=1 and no warning, and fails every exercise's test, in a guest of its
# own, without an oops or warning in the kernel log and with rmmod
# working. Prints KTAP; exit status 0 when all of that holds.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-$top/build}
export BUILD
kver=${LABS_KVER:-6.12}
out=$BUILD/labs-ci
rm -rf "$out"
mkdir -p "$out"
t0=$SECONDS

results=()
pass=0 failn=0
record() {	# record ok|fail NAME [WHY]
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		results+=("ok $((pass + failn)) $2")
	else
		failn=$((failn + 1))
		results+=("not ok $((pass + failn)) $2 # $3")
	fi
}

if vm/lab.py check > "$out/markers.log" 2>&1; then
	record ok markers
else
	record fail markers "$(head -n 1 "$out/markers.log")"
fi
read -r -a labs <<< "$(vm/lab.py labs)"

# expect RESULTS WANT NAME: every exercise in RESULTS is WANT (ok|fail),
# and the module line is ok
expect() {
	local r=$1 want=$2 name=$3 bad
	if [ ! -s "$r" ]; then
		record fail "$name" "no results (see $(dirname "$r"))"
		return
	fi
	bad=$(awk -v w="$want" '$1 != "module" && $2 != w { printf "%s ", $1 }' "$r")
	if [ -n "$bad" ]; then
		record fail "$name" "expected $want: $bad"
	elif ! grep -q '^module ok$' "$r"; then
		record fail "$name" "$(sed -n 's/^module //p' "$r")"
	else
		record ok "$name"
	fi
}

echo "# the reference: labs ${labs[*]} on $kver"
vm/lab-check.sh --ref --kver "$kver" --out "$out/ref" "${labs[@]}" > "$out/ref.log" 2>&1
expect "$out/ref/results" ok "reference"
for l in "${labs[@]}"; do
	echo "# the skeleton of lab $l"
	vm/lab.py gen "$l" "$out/lab-$l" > /dev/null || { record fail "lab_$l" "vm/lab.py gen"; continue; }
	vm/lab-check.sh --tree "$out/lab-$l" --w1 --kver "$kver" --out "$out/check-$l" "$l" \
		> "$out/check-$l.log" 2>&1
	if grep -q '^lab-check: ' "$out/check-$l.log"; then
		record fail "skeleton_$l" "$(grep '^lab-check: ' "$out/check-$l.log" | head -n 1)"
	else
		expect "$out/check-$l/results" fail "skeleton_$l"
	fi
done

echo "KTAP version 1"
echo "# layerfs labs on $kver: the reference passes, each skeleton fails cleanly"
echo "1..$((pass + failn))"
printf '%s\n' "${results[@]}"
echo "# labs: $pass passed, $failn failed, 0 skipped ($((SECONDS - t0)) s; logs in $out)"
[ "$failn" -eq 0 ]
