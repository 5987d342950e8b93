#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# layermount commit of an upper written by a hostile container user (a
# real uid 1000 in the mount): symlinks out of the tree and a FIFO are
# written as such, never followed or opened; a file named .wh.* (it would
# read as a whiteout), and more bytes than --max-bytes (a huge sparse file)
# are refused with exit 2 and publish nothing.  The output path is handled
# safely: an --output that is a symlink or another user's directory, and a
# source layout whose blobs/sha256 is a symlink, are refused, and nothing
# is written where the links point.
. tests/host/lib.sh

asuser=$BUILD/tools/asuser
[ -x "$asuser" ] || fail "$asuser is not built (make tools)"
can_mount_overlay

chmod 755 "$T"
mkimage basic "$T/img"
mkdir -p "$T/m" "$T/outside"
echo secret >"$T/outside/secret"
setfattr -n trusted.leak -v 1 "$T/outside/secret"
lm -q --type overlay --ref basic "$T/img" "$T/m"
chmod 755 "$T/m"	# the image's root is 0750
mkdir "$T/m/home"
chown 1000:1000 "$T/m/home"
# shellcheck disable=SC2016 # expanded by the user's shell
"$asuser" 1000 sh -c '
	cd "$1/home" &&
	ln -s "$2/secret" secret && ln -s ../../../../../../.. up &&
	mkfifo pipe && printf x > "nl
name" && mkdir -p d && ln -s /etc d/etc &&
	: > "$(printf "caf\303\251")" && : > "$(printf "not\377utf8")"' \
	sh "$T/m" "$T/outside" ||
	fail "the user's changes"
cp "$T/img/index.json" "$RUN/index.before"
timeout 60 "$LAYERMOUNT" -q commit --output "$T/out" "$T/m" >/dev/null ||
	fail "commit of symlinks and a FIFO (or it hung on the FIFO)"
oci "$T/out" entries >"$RUN/layer"
# type|size|link of entry NAME
tsl() { entry "$RUN/layer" "$1" | cut -d'|' -f1-3; }
[ "$(tsl home/secret)" = "2|0|$T/outside/secret" ] || fail "secret: $(cat "$RUN/layer")"
[ "$(tsl home/pipe)" = "6|0|" ] || fail "FIFO: $(cat "$RUN/layer")"
[ "$(tsl 'home/nl\nname')" = "0|1|" ] || fail "newline: $(cat "$RUN/layer")"
[ "$(tsl home/d/etc)" = "2|0|/etc" ] || fail "d/etc: $(cat "$RUN/layer")"
! grep -q "^etc/\|passwd\|shadow\|leak" "$RUN/layer" ||
	fail "followed a link: $(cat "$RUN/layer")"
# names that are not ASCII, UTF-8 or not, come back as they were
mkdir "$T/n"
lm -q --type overlay --read-only "$T/out" "$T/n"
[ -e "$T/n/home/$(printf 'caf\303\251')" ] || fail "UTF-8 name lost"
[ -e "$T/n/home/$(printf 'not\377utf8')" ] || fail "non-UTF-8 name lost"
lm umount "$T/n"

# refused: a .wh. name, too many bytes; nothing published
# shellcheck disable=SC2016 # expanded by the user's shell
"$asuser" 1000 sh -c ': > "$1/home/.wh.passwd"' sh "$T/m" || fail ".wh. file"
run_lm commit --ref evil "$T/m"
expect_rc 2
expect_err "home/.wh.passwd: a name starting with \".wh.\""
rm "$T/m/home/.wh.passwd"
"$asuser" 1000 truncate -s 2G "$T/m/home/sparse" || fail "sparse file"
run_lm commit --max-bytes 1G --ref evil "$T/m"
expect_rc 2
expect_err "more bytes than the cap"
cmp -s "$RUN/index.before" "$T/img/index.json" || fail "a refused commit changed index.json"
rm "$T/m/home/sparse"

# the output layout: no symlink followed, nobody else's directory
ln -s "$T/outside" "$T/link"
run_lm commit --output "$T/link" "$T/m"
expect_rc 4
mkdir "$T/theirs"
chown 1000:1000 "$T/theirs"
run_lm commit --output "$T/theirs" "$T/m"
expect_rc 4
expect_err "must be a new or empty directory"
mv "$T/img/blobs/sha256" "$T/img/blobs/real"
ln -s "$T/outside" "$T/img/blobs/sha256"
run_lm commit --ref linked "$T/m"
[ "$rc" -ne 0 ] || fail "commit through a symlinked blobs/sha256"
[ "$(ls "$T/outside")" = secret ] || fail "written outside: $(ls "$T/outside")"
rm "$T/img/blobs/sha256"
mv "$T/img/blobs/real" "$T/img/blobs/sha256"
lm umount "$T/m"
