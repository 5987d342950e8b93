#!/bin/bash
# lab-test: host
# ".wh.NAME" becomes the overlayfs whiteout NAME, a character device 0:0,
# in a directory of the layer or one only implied by the path.
. tests/host/lib.sh

unpack_fixture whiteouts
l=$(layer "$T/img" 2)
for w in a/x hw deep/er/gone; do
	[ "$(stat -c '%F %t:%T' "$l/$w" 2>&1)" = "character special file 0:0" ] ||
		fail "$w is not a whiteout: $(stat -c '%F %t:%T' "$l/$w" 2>&1)"
done
