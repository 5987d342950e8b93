#!/bin/bash
# lab-test: host
# ".wh..wh..opq" makes its directory opaque (trusted.overlay.opaque="y"),
# before or after the directory's content, and the content stays.
. tests/host/lib.sh

unpack_fixture whiteouts
l=$(layer "$T/img" 2)
for d in o p q; do
	[ "$(getfattr --only-values -n trusted.overlay.opaque "$l/$d" 2>/dev/null)" = y ] ||
		fail "$d is not opaque"
done
[ -f "$l/o/upper" ] || fail "the opaque directory o lost its content"
