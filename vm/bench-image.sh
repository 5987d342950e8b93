#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-image.sh OUT [smoke|full]: the images of the layermount benchmarks,
# made offline with GNU tar, gzip and zstd:
#   OUT/big.tar                one layer: FILES files, MIB MiB in all, half
#                              random, half text (a realistic ratio)
#   OUT/big-gzip, OUT/big-zstd OCI layouts of that layer, gzip and zstd
#   OUT/entries                an OCI layout of one gzip layer of ENTRIES
#                              empty files in 100 directories (inspect's
#                              peak memory: it grows with paths)
#   OUT/guest/many             an OCI layout of LAYERS small gzip layers;
#   OUT/guest/many.lowers      its layer directories, top first (OUT/guest
#                              is all the guest gets: vm/run.sh --data)
# Reused when already built for the same size by the same script.
# bench-image.sh --sizes [smoke|full] prints the sizes as shell assignments.
set -euo pipefail

out=$1 size=${2:-full}
if [ "$size" = smoke ]; then
	FILES=200 MIB=8 LAYERS=10 ENTRIES=1000
else
	FILES=10000 MIB=1024 LAYERS=100 ENTRIES=100000
fi
if [ "$out" = --sizes ]; then
	echo "FILES=$FILES MIB=$MIB LAYERS=$LAYERS ENTRIES=$ENTRIES"
	exit 0
fi
stamp="$FILES $MIB $LAYERS $ENTRIES $(sha256sum < "$0" | cut -c1-16)"
[ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ] && exit 0
rm -rf "$out"
mkdir -p "$out"

hex() { sha256sum "$1" | cut -d' ' -f1; }

# oci_layout DIR LAYER-TAR... : an OCI layout whose layers are the given
# compressed blobs; diff_ids from the uncompressed tars beside them (.tar)
oci_layout() {
	local dir=$1 blob diffs='' layers='' n=0 cfg man
	shift
	mkdir -p "$dir/blobs/sha256"
	for blob in "$@"; do
		local h
		h=$(hex "$blob")
		cp "$blob" "$dir/blobs/sha256/$h"
		case $blob in
		*.zst) mt=application/vnd.oci.image.layer.v1.tar+zstd; raw=${blob%.zst} ;;
		*) mt=application/vnd.oci.image.layer.v1.tar+gzip; raw=${blob%.gz} ;;
		esac
		diffs="$diffs${n:+}${diffs:+,}\"sha256:$(hex "$raw")\""
		layers="$layers${layers:+,}{\"mediaType\":\"$mt\",\"digest\":\"sha256:$h\",\"size\":$(stat -c %s "$blob")}"
		n=$((n + 1))
	done
	printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
		"$diffs" > "$dir/cfg.json"
	cfg=$(hex "$dir/cfg.json")
	mv "$dir/cfg.json" "$dir/blobs/sha256/$cfg"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
		"$cfg" "$(stat -c %s "$dir/blobs/sha256/$cfg")" "$layers" > "$dir/man.json"
	man=$(hex "$dir/man.json")
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"}}]}' \
		"$man" "$(stat -c %s "$dir/man.json")" > "$dir/index.json"
	mv "$dir/man.json" "$dir/blobs/sha256/$man"
	echo '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
}

# the big layer
src=$out/src
mkdir -p "$src"
{ head -c $((MIB / 2))M /dev/urandom
  (set +o pipefail
   yes 'layerfs bench: a line of text that compresses like source code does' |
	head -c $((MIB - MIB / 2))M); } > "$out/data"
per=$(( (MIB << 20) / FILES ))
(cd "$src" && split -a 5 -d -b "$per" "$out/data" f)
rm "$out/data"
(cd "$src" && i=0 && for f in f*; do
	d=d$((i / 500)); mkdir -p "$d"; mv "$f" "$d/"; i=$((i + 1))
done)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1700000000 \
	-C "$src" -cf "$out/big.tar" .
rm -rf "$src"
gzip -6 -c "$out/big.tar" > "$out/big.tar.gz"
zstd -q -3 -c "$out/big.tar" > "$out/big.tar.zst"
oci_layout "$out/big-gzip" "$out/big.tar.gz"
oci_layout "$out/big-zstd" "$out/big.tar.zst"

# many entries, no data
e=$out/esrc
for i in $(seq 0 99); do mkdir -p "$e/d$i"; done
(cd "$e" && seq 0 $((ENTRIES - 1)) | awk '{ printf "d%d/f%d\n", $1 % 100, $1 }' | xargs touch)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1700000000 \
	-C "$e" -cf "$out/entries.tar" .
gzip -6 -c "$out/entries.tar" > "$out/entries.tar.gz"
oci_layout "$out/entries" "$out/entries.tar.gz"
rm -rf "$e" "$out/entries.tar" "$out/entries.tar.gz"

# many small layers
blobs=()
for i in $(seq 1 "$LAYERS"); do
	l=$out/layers/$i
	mkdir -p "$l/d" "$l/own$i"
	echo "$i" > "$l/common"
	echo "$i" > "$l/d/e$i"
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1700000000 \
		-C "$l" -cf "$out/layers/$i.tar" .
	gzip -n -c "$out/layers/$i.tar" > "$out/layers/$i.tar.gz"
	blobs+=("$out/layers/$i.tar.gz")
done
oci_layout "$out/guest/many" "${blobs[@]}"
# the layer directories of "many" in a store, top first, for a bare mount
for i in $(seq "$LAYERS" -1 1); do
	printf '%s%s' "${sep:-}" "$(hex "$out/layers/$i.tar")"
	sep=:
done > "$out/guest/many.lowers"
rm -rf "$out/layers"
echo "$stamp" > "$out/stamp"
