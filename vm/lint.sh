#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh: checkpatch --strict on the kernel code, sparse and W=1 builds of
# the module on every supported kernel ($LINT_KVERS: 6.1 6.12 7.3; 7.3
# wants a sparse that knows __typeof_unqual__, newer than bookworm's, so
# it gets the W=1 build alone, reported as w1_7.3), a from-scratch
# warning-as-error build of the helper and the test tools, shellcheck
# on every shell script, and the labs' markers (vm/lab.py check). Prints
# KTAP; zero findings pass.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-$top/build}
LINT_KVERS=${LINT_KVERS:-6.1 6.12 7.3}
out=$BUILD/lint
mkdir -p "$out"

# checkpatch.pl and its data files, from Debian's linux-source-6.1
ks=$BUILD/linux-source-6.1
if [ ! -x "$ks/scripts/checkpatch.pl" ]; then
	mkdir -p "$BUILD"
	tar -C "$BUILD" -xf /usr/src/linux-source-6.1.tar.xz \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch || exit 1
fi

results=()
pass=0 failn=0
# record NAME LOGFILE: the check passed when its log has no finding
record() {
	if [ -s "$2" ]; then
		failn=$((failn + 1))
		results+=("not ok $((pass + failn)) $1 # $(wc -l < "$2") findings")
		results+=("$(head -n 40 "$2" | sed 's/^/#   /')")
	else
		pass=$((pass + 1))
		results+=("ok $((pass + failn)) $1")
	fi
}

kfiles=(kmod/*.c kmod/*.h tests/selftest/kmod/*.c)
"$ks/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
	--ignore FILE_PATH_CHANGES -f "${kfiles[@]}" \
	> "$out/checkpatch.log" 2>&1
grep -E '^(ERROR|WARNING|CHECK)|: (ERROR|WARNING|CHECK):' "$out/checkpatch.log" > "$out/checkpatch.findings"
record checkpatch_strict "$out/checkpatch.findings"

for s in $LINT_KVERS; do
	rel=$(vm/krel "$s") || exit 1
	d=$out/$rel
	rm -rf "$d"
	vm/linktree.sh "$top" "$d" || exit 1
	make -C "$(vm/krel --kdir "$s")" M="$d" C=2 W=1 modules \
		> "$out/sparse-$s.log" 2>&1 || echo "build failed" >> "$out/sparse-$s.log"
	grep -E 'warning:|error:|build failed' "$out/sparse-$s.log" > "$out/sparse-$s.findings"
	if grep -q 'sparse is not available or not up to date' "$out/sparse-$s.log"; then
		record "w1_$s" "$out/sparse-$s.findings"
	else
		record "sparse_w1_$s" "$out/sparse-$s.findings"
	fi
done

# from scratch, in a copy: the helper/layermount other parts of make
# check run meanwhile stays as it is
rm -rf "$out/helper"
mkdir -p "$out/helper"
cp helper/Makefile helper/*.c helper/*.h "$out/helper/"
cp VERSION "$out/"
make -s -C "$out/helper" > "$out/helper.log" 2>&1 || echo "build failed" >> "$out/helper.log"
grep -E 'warning:|error:|build failed' "$out/helper.log" > "$out/helper.findings"
record helper_warnings "$out/helper.findings"

: > "$out/tools.log"
for c in tests/tools/*.c; do
	[ -e "$c" ] || continue
	cc -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -fsyntax-only "$c" \
		>> "$out/tools.log" 2>&1 || echo "$c: build failed" >> "$out/tools.log"
done
grep -E 'warning:|error:|build failed' "$out/tools.log" > "$out/tools.findings"
record tools_warnings "$out/tools.findings"

# every shell file through shellcheck: vm/, tests/, .ci/, the guest init
# (sourced paths such as /tests/lib.sh resolve against the top directory)
mapfile -t shfiles < <( {
	find vm tests .ci -type f -name '*.sh'
	find vm tests .ci -type f ! -name '*.*' -exec grep -lE '^#!/bin/(ba)?sh' {} +
} | sort -u)
shellcheck -x -P "$top" -f gcc "${shfiles[@]}" > "$out/shellcheck.findings" 2>&1
record shellcheck "$out/shellcheck.findings"

# the lab markers are paired and have their stubs and tests, the VFS table
# of the reading guide is current, the functions the labs cite exist
vm/lab.py check > "$out/labs.findings" 2>&1
record labs "$out/labs.findings"

# every mutant of make check-mutants still applies to the code it breaks
vm/mutants.py --check | grep -v ' mutants apply$' > "$out/mutants.findings"
record mutants_apply "$out/mutants.findings"

echo "KTAP version 1"
echo "# layerfs lint"
echo "1..$((pass + failn))"
printf '%s\n' "${results[@]}"
echo "# lint: $pass passed, $failn failed, 0 skipped"
echo "$pass $failn 0" > "$out/summary"
[ "$failn" -eq 0 ]
