#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# layermount commit of a mount of a docker save archive: the classic
# layout as a tar file and as a directory (one gzip and one plain layer,
# not named by digest) and docker 25's OCI layout in a tar.  --output
# writes a new OCI layout and --format docker an archive; each mounts as
# the tree of the mount, with the source's diff_ids and the new one, the
# layers' media types following their compression.  --ref alone (adding
# to the source in place) is refused (exit 1); a layer file changed since
# the mount fails the commit (exit 2), publishing nothing.
. tests/host/lib.sh

can_mount_overlay
trap 'umount "$T/m" "$T/n" 2>/dev/null || true' EXIT
mkimage docker_tar "$T/img.tar"
mkimage docker_dir "$T/dir"
mkimage docker_oci_tar "$T/oci.tar"
mkdir "$T/m" "$T/n"

# change SOURCE NAME: mount SOURCE, change it, commit to $T/NAME (OCI) and
# $T/NAME.tar (docker save); both mount as the tree of the mount
change() {
	lm -q --type overlay "$1" "$T/m"
	echo "from $2" >"$T/m/new"
	rm "$T/m/etc/os-release"
	mkdir -p "$T/m/etc/sub"
	ln -s ../new "$T/m/etc/sub/link"
	tree "$T/m" >"$RUN/want"
	run_lm commit --ref in:place "$T/m"
	expect_rc 1
	expect_err "commit --ref without --output adds to an OCI layout directory"
	lm -q commit --ref "$2:1" --output "$T/$2" "$T/m"
	lm -q commit --format docker --output "$T/$2.tar" "$T/m"
	lm umount "$T/m"
	for out in "$T/$2" "$T/$2.tar"; do
		lm -q --type overlay --read-only "$out" "$T/n"
		tree "$T/n" >"$RUN/got"
		lm umount "$T/n"
		diff -u "$RUN/want" "$RUN/got" || fail "$2: $(basename "$out"): another tree"
	done
}
change "$T/img.tar" classic
change "$T/dir" classic_dir
change "$T/oci.tar" docker25

# the new layout: the source's diff_ids and the new one; media types
# follow each layer's compression (classic: a gzip layer and a plain one)
python3 - "$T/classic" "$T/dir" >"$RUN/layers" <<'PY'
import json, os, sys
img, src = sys.argv[1], sys.argv[2]
def blob(d):
    return json.load(open(os.path.join(img, "blobs/sha256", d[7:])))
idx = json.load(open(os.path.join(img, "index.json")))
assert len(idx["manifests"]) == 1, idx
assert idx["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "classic:1"
man = blob(idx["manifests"][0]["digest"])
cfg = blob(man["config"]["digest"])
old = json.load(open(os.path.join(src, json.load(
    open(os.path.join(src, "manifest.json")))[0]["Config"])))
assert cfg["rootfs"]["diff_ids"][:2] == old["rootfs"]["diff_ids"], cfg
for l in man["layers"]:
    print(l["mediaType"])
PY
printf '%s\n' application/vnd.oci.image.layer.v1.tar+gzip \
	application/vnd.oci.image.layer.v1.tar \
	application/vnd.oci.image.layer.v1.tar+gzip >"$RUN/types"
diff -u "$RUN/types" "$RUN/layers" || fail "layer media types"
[ "$(oci "$T/classic" diff_ids | head -n 2)" = \
	"$(oci "$T/classic_dir" diff_ids | head -n 2)" ] ||
	fail "the tar and the directory forms give other source diff_ids"

# a layer of the source changed since the mount: refused, nothing published
lm -q --type overlay "$T/dir" "$T/m"
echo change >"$T/m/change"
plain=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["Layers"][1])' \
	"$T/dir/manifest.json")
printf 'x' | dd of="$T/dir/$plain" bs=1 seek=600 conv=notrunc status=none
run_lm commit --output "$T/bad" "$T/m"
expect_rc 2
expect_err "$plain: diff_id mismatch"
[ ! -e "$T/bad/index.json" ] || fail "a refused commit wrote index.json"
lm umount "$T/m"
