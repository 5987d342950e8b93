#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Publication is durable, in the documented order (layermount(8)): syncfs
# of the store, then the rootmeta/ entries and an fsync of rootmeta/, then
# the renames into layers/ and an fsync of layers/.  Checked on the system
# calls of a real unpack (strace).
. tests/host/lib.sh
command -v strace >/dev/null || fail "strace is needed (make deps)"

mkimage basic "$T/img"
strace -f -y -qq -o "$RUN/trace" -e trace=syncfs,fsync,openat,renameat,renameat2,unlinkat \
	"$LAYERMOUNT" -q --store "$STORE" unpack "$T/img" ||
	fail "unpack under strace"
# line number of the first (or last) trace line matching ERE
first() { { grep -nE -- "$1" "$RUN/trace" || true; } | head -n 1 | cut -d: -f1; }
last() { { grep -nE -- "$1" "$RUN/trace" || true; } | tail -n 1 | cut -d: -f1; }
sync=$(first 'syncfs\(')
meta=$(first 'openat\(.*"rootmeta/[0-9a-f]{64}", O_WRONLY\|O_CREAT')
metasync=$(first 'fsync\([0-9]+<[^>]*/store/rootmeta>')
ren1=$(first 'renameat2?\(.*"tmp/[0-9a-f]{64}\.[0-9a-f]+".*"layers/[0-9a-f]{64}"')
ren3=$(last 'renameat2?\(.*"tmp/[0-9a-f]{64}\.[0-9a-f]+".*"layers/[0-9a-f]{64}"')
laysync=$(last 'fsync\([0-9]+<[^>]*/store/layers>')
note "trace lines: syncfs $sync, rootmeta $meta, fsync rootmeta/ $metasync," \
     "renames $ren1-$ren3, fsync layers/ $laysync"
{ [ -n "$sync" ] && [ -n "$meta" ] && [ -n "$ren1" ]; } ||
	fail "no syncfs, rootmeta entry or rename in the trace"
[ "$(grep -cE 'renameat2?\(.*"layers/' "$RUN/trace")" -eq 3 ] ||
	fail "not 3 renames into layers/"
{ [ "$sync" -lt "$meta" ] && [ "$sync" -lt "$ren1" ]; } ||
	fail "syncfs after the rootmeta entry or the first rename"
{ [ -n "$metasync" ] && [ "$meta" -lt "$metasync" ] && [ "$metasync" -lt "$ren1" ]; } ||
	fail "rootmeta/ not fsynced between its entries and the renames"
{ [ -n "$laysync" ] && [ "$ren3" -lt "$laysync" ]; } ||
	fail "layers/ not fsynced after the renames"
