#!/bin/sh
# timeout: 600
# make demo: the main job, end to end, in a freshly booted guest: load the
# module, inspect a 4-layer image made with umoci (vm/demo-image.sh: the
# files it deletes but still ships), mount it with layermount, and show
# the merged view, a copy-up and a whiteout; then layermount diff lists the
# changes, layermount commit makes them a new image, and that image mounts.
. /tests/lib.sh

step() {
	echo
	echo "### $*"
}

IMG=/tests/data
S=/var/lib/layermount
M=/mnt/demo

step "kernel $(uname -r): insmod layerfs.ko"
must insmod /lib/modules/layerfs.ko
grep -w layerfs /proc/filesystems || fail "layerfs not in /proc/filesystems"

step "the image: an OCI layout made with umoci"
cat $IMG/index.json
echo

step "layermount inspect $IMG: what each layer adds, deletes and wastes (reads the blobs, writes nothing)"
must layermount inspect --files=3 $IMG > /tmp/inspect.txt
cat /tmp/inspect.txt
grep -Eq '^ +1 +3  whiteout .*  data/b$' /tmp/inspect.txt ||
	fail "data/b (layer 1, deleted in layer 3) not reported as still shipped"
grep -Eq '^ +1 +4  opaque .*  cache/old1$' /tmp/inspect.txt ||
	fail "cache/old1 (hidden by layer 4's opaque /cache) not reported"
step "layermount inspect --ci --max-wasted-bytes 0: the policy fails (exit 5)"
rc=0
layermount inspect --ci --json --max-wasted-bytes 0 $IMG > /tmp/inspect.json || rc=$?
grep -A 12 '"policy"' /tmp/inspect.json
echo "exit status $rc"
[ "$rc" -eq 5 ] || fail "inspect --ci: exit status $rc, not 5"
mkdir -p $M
step "layermount $IMG $M"
must layermount $IMG $M
grep " $M " /proc/mounts | sed 's/lowerdir=[^,]*/lowerdir=<4 layers>/'

step "the layer store: one directory per layer, named by its diff_id"
ls -l "$S/layers"
for l in "$S"/layers/*; do
	echo "--- $(basename "$l" | cut -c 1-12)..."
	(cd "$l" && find . -mindepth 1 | sort | while read -r p; do
		if [ -c "$p" ]; then echo "$p  (whiteout: char $(stat -c %t:%T "$p"))"
		elif [ -d "$p" ] && [ "$(getfattr --only-values -n trusted.overlay.opaque "$p" 2>/dev/null)" = y ]; then
			echo "$p/  (opaque directory)"
		else echo "$p"; fi
	done)
done

step "the merged view"
(cd $M && find . -mindepth 1 | sort)
echo "/data (b deleted in layer 3):      $(names "$M/data")"
echo "/cache (opaque in layer 4):        $(names "$M/cache")"
echo "/app/config (added in layer 2):   $(cat $M/app/config)"
$M/bin/hello
[ "$(names "$M/data")" = "a c" ] || fail "merged /data"
[ "$(names "$M/cache")" = fresh ] || fail "opaque /cache"

U=$(find $S -path '*/upper' -type d | head -n 1)
step "copy-up: append to /app/VERSION (it lives in the bottom layer)"
echo "patched in the container" >> $M/app/VERSION
cat $M/app/VERSION
echo "upper ($U):"
(cd "$U" && find . -mindepth 1 | sort | xargs ls -ld)
echo "the lower layer is unchanged:"
cat $S/layers/*/app/VERSION
grep -q patched "$U/app/VERSION" || fail "no copy-up of /app/VERSION"

step "whiteout: rm /data/a"
rm $M/data/a
echo "/data now: $(names "$M/data")"
ls -l "$U/data/a"
[ -c "$U/data/a" ] || fail "no whiteout for /data/a"

step "layermount diff $M: what the container changed (A added, C changed, D deleted)"
layermount diff $M > /tmp/diff.txt || fail "layermount diff"
cat /tmp/diff.txt
grep -qx "C /app/VERSION" /tmp/diff.txt || fail "diff: no C /app/VERSION"
grep -qx "D /data/a" /tmp/diff.txt || fail "diff: no D /data/a"

step "layermount commit --ref committed $M: the upper as a new layer of a new image in $IMG"
new=$(SOURCE_DATE_EPOCH=1700000000 layermount commit --ref committed \
	-m "demo: patched VERSION, removed data/a" $M) || fail "layermount commit"
echo "new manifest: $new"
cat $IMG/index.json
echo
echo "its config and layers (the last one is the commit):"
grep -o '"digest":"sha256:[0-9a-f]*","size":[0-9]*' "$IMG/blobs/sha256/${new#sha256:}"

step "layermount --read-only --ref committed $IMG /mnt/committed: the committed image"
mkdir -p /mnt/committed
must layermount -q --read-only --ref committed $IMG /mnt/committed
echo "/data:        $(names /mnt/committed/data)"
echo "/app/VERSION: $(cat /mnt/committed/app/VERSION)"
[ "$(names /mnt/committed/data)" = c ] || fail "committed /data"
grep -q patched /mnt/committed/app/VERSION || fail "committed /app/VERSION"
must layermount umount /mnt/committed

step "layermount umount $M: the ephemeral upper goes, the store stays"
must layermount umount $M
grep -q " $M " /proc/mounts && fail "still mounted"
echo "layers in the store: $(count "$S/layers")"
echo "demo complete"
