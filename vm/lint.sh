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
: > "$out/times"

# checkpatch.pl and its data files, from Debian's linux-source-6.1
ks=$BUILD/linux-source-6.1
if [ ! -x "$ks/scripts/checkpatch.pl" ]; then
	mkdir -p "$BUILD"
	tar -C "$BUILD" -xf /usr/src/linux-source-6.1.tar.xz \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch || exit 1
fi

# The findings of the slow checks (checkpatch, sparse, shellcheck) are
# cached under a hash of everything they read: the tool's version, the
# kernel's build tree, the name and content of every input file. The same
# inputs give the same findings, so a cached run reports them again (its
# KTAP line says "cached"; shellcheck's findings are kept per file, so a
# change of one script checks that one again). LFS_LINT_CACHE= (empty)
# turns the cache off.
CACHE=${LFS_LINT_CACHE-/var/cache/layerfs/lint}

results=()
pass=0 failn=0 cached=
mark=${EPOCHREALTIME/./}
# record NAME LOGFILE: the check passed when its log has no finding; its
# duration is the time since the previous check ended (they run in turn)
record() {
	local now=${EPOCHREALTIME/./} d
	d=$(( (now - mark) / 100000 ))
	d="$((d / 10)).$((d % 10)) s${cached:+, cached}"
	mark=$now cached=
	if [ -s "$2" ]; then
		failn=$((failn + 1))
		results+=("not ok $((pass + failn)) $1 # $d, $(wc -l < "$2") findings")
		results+=("$(head -n 40 "$2" | sed 's/^/#   /')")
	else
		pass=$((pass + 1))
		results+=("ok $((pass + failn)) $1 # $d")
	fi
	echo "${d%% s*} $1" >> "$out/times"
}

# inputs_key WORDS -- FILES...: a hash of WORDS (tool versions and the
# like) and of the names and contents of FILES (of an absolute name, its
# last component: a clean clone builds its own copy of checkpatch.pl)
inputs_key() {
	local w=()
	while [ "$1" != -- ]; do w+=("$1"); shift; done
	shift
	{ printf '%s\n' "${w[@]}"; sha256sum "$@" | sed 's|  /.*/|  |'; } |
		sha256sum | cut -c1-40
}

# cached NAME KEY FINDINGS: FINDINGS from the cache, when it has them for
# KEY (then the check need not run)
cached() {
	[ -n "$CACHE" ] && [ -f "$CACHE/$1-$2" ] || return 1
	cp "$CACHE/$1-$2" "$3" && cached=1
}

# keep NAME KEY FINDINGS: FINDINGS into the cache for KEY (written whole or
# not at all; the cache holds the latest key of each check)
keep() {
	[ -n "$CACHE" ] || return 0
	mkdir -p "$CACHE" || return 0
	rm -f "$CACHE/$1"-*
	cp "$3" "$CACHE/.$1-$2.tmp" && mv "$CACHE/.$1-$2.tmp" "$CACHE/$1-$2"
}

kfiles=(kmod/*.c kmod/*.h tests/selftest/kmod/*.c)
key=$(inputs_key -- "$ks/scripts/checkpatch.pl" "$ks/scripts/spelling.txt" \
	"$ks/scripts/const_structs.checkpatch" "$0" "${kfiles[@]}")
if ! cached checkpatch "$key" "$out/checkpatch.findings"; then
	"$ks/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
		--ignore FILE_PATH_CHANGES -f "${kfiles[@]}" \
		> "$out/checkpatch.log" 2>&1
	grep -E '^(ERROR|WARNING|CHECK)|: (ERROR|WARNING|CHECK):' "$out/checkpatch.log" > "$out/checkpatch.findings"
	keep checkpatch "$key" "$out/checkpatch.findings"
fi
record checkpatch_strict "$out/checkpatch.findings"

# the compilers a kernel's build tree may ask for, and sparse
tools=$(for c in gcc gcc-12 gcc-13 gcc-14 sparse; do
	echo "$c: $("$c" --version 2>/dev/null | head -n 1)"; done)
for s in $LINT_KVERS; do
	rel=$(vm/krel "$s") || exit 1
	kdir=$(vm/krel --kdir "$s") || exit 1
	key=$(inputs_key "$rel" "$tools" -- "$0" vm/linktree.sh Kbuild VERSION \
		kmod/*.c kmod/*.h kmod/Kbuild kmod/*.mk \
		"$kdir/include/generated/autoconf.h" "$kdir/Module.symvers")
	# (the check's name: w1_ when sparse is too old for the kernel)
	if ! { cached "sparse-$s" "$key" "$out/sparse-$s.findings" &&
	       cached "sparse-name-$s" "$key" "$out/sparse-$s.name"; }; then
		d=$out/$rel
		rm -rf "$d"
		vm/linktree.sh "$top" "$d" || exit 1
		make -C "$kdir" M="$d" C=2 W=1 modules \
			> "$out/sparse-$s.log" 2>&1 || echo "build failed" >> "$out/sparse-$s.log"
		grep -E 'warning:|error:|build failed' "$out/sparse-$s.log" > "$out/sparse-$s.findings"
		if grep -q 'sparse is not available or not up to date' "$out/sparse-$s.log"; then
			echo "w1_$s" > "$out/sparse-$s.name"
		else
			echo "sparse_w1_$s" > "$out/sparse-$s.name"
		fi
		cached=
		keep "sparse-$s" "$key" "$out/sparse-$s.findings"
		keep "sparse-name-$s" "$key" "$out/sparse-$s.name"
	fi
	record "$(cat "$out/sparse-$s.name")" "$out/sparse-$s.findings"
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
# Kept per file, under a hash of the tool, the file and every file a
# script sources (shellcheck -x reads those): a changed script is checked
# again alone, a changed sourced one checks them all. shellcheck reports
# only on the files it is given, so one run over the files not cached
# splits by file name.
mapfile -t shlibs < <(grep -hoE "^\s*\. +['\"]?(\\\$top)?/?tests/[^[:space:];'\"]+" "${shfiles[@]}" |
	sed -E "s|^\s*\. +['\"]?(\\\$top)?/?||" | sort -u)
libkey=$(inputs_key "$(shellcheck --version)" -- "$0" "${shlibs[@]}")
: > "$out/shellcheck.findings"
declare -A shkey
while read -r h f; do
	shkey[$f]=${libkey:0:20}${h:0:20}
done < <(sha256sum "${shfiles[@]}")
todo=()
for f in "${shfiles[@]}"; do
	# (a cache name of its own per file: "/" is no file name character)
	c=$CACHE/shellcheck.${f//\//%}-${shkey[$f]}
	if [ -n "$CACHE" ] && [ -f "$c" ]; then
		if [ -s "$c" ]; then cat "$c" >> "$out/shellcheck.findings"; fi
	else
		todo+=("$f")
	fi
done
if [ ${#todo[@]} -gt 0 ]; then
	shellcheck -x -P "$top" -f gcc "${todo[@]}" > "$out/sc.all" 2>&1
	for f in "${todo[@]}"; do
		awk -v f="$f:" 'index($0, f) == 1' "$out/sc.all" > "$out/sc.one"
		keep "shellcheck.${f//\//%}" "${shkey[$f]}" "$out/sc.one"
		cat "$out/sc.one" >> "$out/shellcheck.findings"
	done
	# a line of none of them (shellcheck's own error): a finding too
	grep -vF -f <(printf '%s:\n' "${todo[@]}") "$out/sc.all" >> "$out/shellcheck.findings"
else
	cached=1
fi
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
