#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# docker save archives: the classic layout (manifest.json, <id>/layer.tar)
# as a directory and as a tar file, and docker 25's OCI layout in a tar.
# Each yields the layers of the same content as the OCI layout.
. tests/host/lib.sh

mkimage docker_dir "$T/dir"
mkimage docker_tar "$T/img.tar"
mkimage docker_oci_tar "$T/oci.tar"
mkimage basic "$T/basic"

lm -q unpack "$T/dir"
snapshot "$STORE/layers" >"$RUN/dir"
rm -rf "$STORE"
lm -q unpack "$T/img.tar"
snapshot "$STORE/layers" >"$RUN/tar"
diff -u "$RUN/dir" "$RUN/tar" || fail "tar and directory forms differ"
[ "$(count "$STORE/layers")" -eq 2 ] || fail "not 2 layers"
[ -d "$(layer "$T/basic" 1)" ] || fail "layer 1 is not the OCI one"

run_lm unpack --ref other:tag "$T/img.tar"
expect_rc 3
expect_err 'no image tagged other:tag \(available: \["test:latest"\]\)'

rm -rf "$STORE"
lm -q unpack "$T/oci.tar"
for i in 1 2 3; do
	[ -d "$(layer "$T/basic" $i)" ] || fail "OCI-in-tar layer $i missing"
done
rm -rf "$STORE"
lm -q unpack --ref docker.io/library/test:latest "$T/oci.tar"
lm -q unpack --ref latest "$T/oci.tar"
[ "$(count "$STORE/layers")" -eq 3 ] || fail "--ref on docker 25 names"
