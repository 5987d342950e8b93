#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every build and test dependency of layerfs from Debian, and
# prepare the kernels that do not install on bookworm (vm/bpo-kernel.sh:
# 7.3 from trixie-backports, unpacked with a module build tree).
# Idempotent: when everything is present it returns in well under a second.
# Run as root (CI and the development machines are root); otherwise sudo.
set -euo pipefail

BACKPORTS=/etc/apt/sources.list.d/layerfs-backports.sources

# Packages from the default suites (bookworm, bookworm-security).
PKGS=(
	# the two supported kernels, images and headers
	linux-image-cloud-amd64 linux-headers-cloud-amd64
	linux-image-6.12-cloud-amd64 linux-headers-6.12-cloud-amd64
	# module build and lint
	build-essential bc kmod sparse linux-source-6.1 xz-utils shellcheck
	# debug kernels (make check-debug); the 7.3 build tree (vm/bpo-kernel.sh:
	# pahole keeps the image's BTF options)
	linux-source-6.12 flex bison libelf-dev pahole
	# helper libraries
	pkg-config libarchive-dev libmount-dev zlib1g-dev libzstd-dev
	libjson-c-dev libssl-dev
	# make install and DKMS (tests/host/install_dkms.sh)
	dkms
	# guest image and tests
	busybox-static cpio gzip zstd attr acl e2fsprogs stress-ng python3 strace time
	# layermount host tests: images made by real tools
	umoci skopeo debootstrap docker-registry
	# benchmarks
	gnuplot-nox libarchive-tools
)
# From bookworm-backports: QEMU 10 (bookworm's 7.2 crashes 6.12 guests).
BPO_PKGS=(qemu-system-x86)

missing() {
	local p st
	for p in "$@"; do
		st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		[ "$st" = installed ] || echo "$p"
	done
}

qemu_ok() {
	command -v qemu-system-x86_64 >/dev/null || return 1
	local v
	v=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	[ "${v:-0}" -ge 10 ]
}

# series whose kernel vm/bpo-kernel.sh prepares
BPO_SERIES=(7.3)
top=$(cd "$(dirname "$0")/.." && pwd)

bpo_ok() {
	local s
	for s in "${BPO_SERIES[@]}"; do
		"$top/vm/krel" "$s" > /dev/null 2>&1 || return 1
	done
}

need=$(missing "${PKGS[@]}")
if [ -z "$need" ] && qemu_ok && [ -f "$BACKPORTS" ] && bpo_ok; then
	exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

if [ ! -f "$BACKPORTS" ]; then
	echo "deps: adding bookworm-backports for QEMU 10"
	$SUDO tee "$BACKPORTS" >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

echo "deps: apt-get update"
$SUDO apt-get update -qq
if [ -n "$need" ]; then
	# shellcheck disable=SC2086 # one package name a word
	echo "deps: installing" $need
	# shellcheck disable=SC2086 # one package name a word
	$SUDO apt-get install -y -qq --no-install-recommends $need
fi
if ! qemu_ok; then
	echo "deps: installing ${BPO_PKGS[*]} from bookworm-backports"
	$SUDO apt-get install -y -qq --no-install-recommends \
		-t bookworm-backports "${BPO_PKGS[@]}"
fi
qemu_ok || { echo "deps: qemu-system-x86_64 >= 10 not available" >&2; exit 1; }
for s in "${BPO_SERIES[@]}"; do
	$SUDO "$top/vm/bpo-kernel.sh" "$s"
done
