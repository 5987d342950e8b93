#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Several processes unpacking the same image at once all succeed; every
# layer is published once, whole, and no temporary file remains (the
# losers of the publication race throw their copies away).
. tests/host/lib.sh

mkimage big "$T/img" 400
mkimage basic "$T/basic"
pids=()
for i in 1 2 3 4; do
	"$LAYERMOUNT" -q --store "$STORE" unpack "$T/img" >"$RUN/$i.log" 2>&1 &
	pids+=($!)
	"$LAYERMOUNT" -q --store "$STORE" unpack "$T/basic" >"$RUN/b$i.log" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p" || { cat "$RUN"/*.log; fail "a concurrent unpack failed"; }
done
[ "$(count "$STORE/layers")" -eq 4 ] || fail "not 4 layers"
[ "$(find "$STORE/layers/$(diff_ids "$T/img")/big" -type f | wc -l)" -eq 400 ] ||
	fail "big layer incomplete"
no_litter
