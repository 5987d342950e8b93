#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lib.sh: shared helpers of the layermount host tests (tests/host/*.sh).
#
# The runner gives T (fresh scratch dir), LAYERMOUNT and BUILD and runs each
# test from the repository root as root.  Failure is the default: a test
# calls fail() or dies on set -e; skip() explains itself (exit 77), and
# make check fails on a skip that tests/skips does not list. What the suite
# needs (root, python3, the tools `make deps` installs) is not a reason to
# skip: its absence fails.
set -euo pipefail

FIXTURES=tests/host/fixtures
STORE=$T/store
RUN=$T/run		# outputs of the last run_lm (excluded from snapshots)
mkdir -p "$RUN"

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
note() { echo "# $*"; }

[ -x "${LAYERMOUNT:-}" ] || fail "LAYERMOUNT ($LAYERMOUNT) is not built"
command -v python3 >/dev/null || fail "python3 is needed to build fixtures (make deps)"
[ "$(id -u)" -eq 0 ] || fail "host tests run as root"

# mkimage SCENARIO OUT [ARGS]: build a fixture image (fixtures/mkimage.py).
mkimage() {
	python3 "$FIXTURES/mkimage.py" "$1" "$2" --outside "$T/outside" "${@:3}"
}

# lm ARGS: layermount with the test store, failing the test on error.
lm() { "$LAYERMOUNT" --store "$STORE" "$@"; }

# run_lm ARGS: layermount; status in $rc, output in $RUN/out and $RUN/err.
run_lm() {
	set +e
	"$LAYERMOUNT" --store "$STORE" "$@" >"$RUN/out" 2>"$RUN/err"
	rc=$?
	set -e
}

# unpack_fixture SCENARIO: build the fixture image SCENARIO in $T/img and
# unpack it into the test store, which must succeed
unpack_fixture() {
	mkimage "$1" "$T/img"
	run_lm unpack "$T/img"
	expect_rc 0
}

expect_rc() {
	[ "$rc" -eq "$1" ] || {
		cat "$RUN/err"
		fail "exit status $rc, expected $1"
	}
}

# expect_err ERE: stderr of the last run matches.
expect_err() {
	grep -Eq -- "$1" "$RUN/err" || {
		cat "$RUN/err"
		fail "stderr does not match: $1"
	}
}

# count DIR [ERE]: how many names in DIR (matching ERE); fails the test
# when DIR cannot be listed
count() {
	_names=$(find "$1" -mindepth 1 -maxdepth 1) || fail "count: cannot list $1"
	printf '%s\n' "$_names" | sed '/^$/d; s|.*/||' |
		awk -v re="${2:-.}" '$0 ~ re { n++ } END { print n + 0 }'
}

# The sha256 hex of what the file holds.
hexof() { sha256sum "$1" | cut -d' ' -f1; }

# mkimage_gzip SCENARIO OUT: mkimage's image with every layer recompressed
# with gzip (umoci reads gzip layers only; skopeo would compress a plain
# layer on a push), in the OCI layout OUT under the ref SCENARIO.
mkimage_gzip() {
	mkimage "$1" "$2.plain"
	skopeo copy -q --dest-compress --dest-compress-format gzip \
		"oci:$2.plain:$1" "oci:$2:$1"
	rm -rf "$2.plain"
}

# oci IMG WHAT [N]: read the OCI layout IMG through the N-th manifest of
# its index.json (0 = first, -1 = last; default 0).  WHAT:
#   diff_ids    the config's diff_ids in hex, bottom first
#   top_layer   the path of the top layer's blob
#   entries     the top layer's tar entries, one a line, tab-separated:
#               name (escaped as Python's repr), type (tarfile's letter),
#               size (a sparse file's real size), link target,
#               uname:gname, number of sparse data regions ("-": dense),
#               the PAX record keys sorted and space-separated
oci() {
	python3 - "$1" "$2" "${3:-0}" <<'PY'
import json, os, sys, tarfile
img, what, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def path(d):
    return os.path.join(img, "blobs/sha256", d[7:])
idx = json.load(open(os.path.join(img, "index.json")))
man = json.load(open(path(idx["manifests"][n]["digest"])))
if what == "diff_ids":
    cfg = json.load(open(path(man["config"]["digest"])))
    for d in cfg["rootfs"]["diff_ids"]:
        print(d[7:])
elif what == "top_layer":
    print(path(man["layers"][-1]["digest"]))
elif what == "entries":
    with tarfile.open(path(man["layers"][-1]["digest"])) as tf:
        for m in tf:
            print("\t".join([repr(m.name)[1:-1], m.type.decode(),
                             str(m.size), m.linkname,
                             m.uname + ":" + m.gname,
                             str(len(m.sparse)) if m.sparse is not None
                             else "-", " ".join(sorted(m.pax_headers))]))
else:
    sys.exit("oci: unknown WHAT " + what)
PY
}

# entry LIST NAME: the fields after the name of the entry NAME in LIST
# (the output of "oci IMG entries"), joined by "|":
# type|size|link|owner|sparse|pax-keys
entry() {
	N=$2 awk -F'\t' -v OFS='|' '$1 == ENVIRON["N"] { $1 = ""; print substr($0, 2) }' "$1"
}

# diff_ids IMG: of the image built by mkimage (OCI layout), bottom first.
diff_ids() { oci "$1" diff_ids; }

# layer N (1 = bottom) of image IMG in the store.
layer() { echo "$STORE/layers/$(diff_ids "$1" | sed -n "${2}p")"; }

# snapshot DIR [PRUNE...]: every object with type, mode, owner, size,
# content hash, link target and xattrs (directory times left out).
snapshot() {
	local dir=$1 p args=()
	shift
	for p in "$@"; do args+=(-path "$p" -prune -o); done
	find "$dir" "${args[@]}" -printf '%p %y %m %U:%G %s %l\n' | sort
	find "$dir" "${args[@]}" -type f -print0 | sort -z | xargs -0r sha256sum
	find "$dir" "${args[@]}" -print0 | sort -z |
		xargs -0r getfattr -h -d -m- -e hex --absolute-names
}

# no_litter: nothing left in the store's tmp/, and no locks/ (gone).
no_litter() {
	[ -z "$(find "$STORE/tmp" -mindepth 1)" ] || fail "leftovers in tmp/"
	[ ! -e "$STORE/locks" ] || fail "a locks/ directory in the store"
}

# hostile SCENARIO ERE: a bad image is refused with exit status 2 and a
# message matching ERE; the store and everything else stay as they were.
hostile() {
	local scenario=$1 msg=$2
	mkdir -p "$T/outside"
	echo canary >"$T/outside/file"
	mkimage basic "$T/good"
	lm -q unpack "$T/good"
	mkimage "$scenario" "$T/img"
	snapshot "$STORE" >"$RUN/store.before"
	snapshot "$T" "$STORE" "$RUN" >"$RUN/rest.before"
	run_lm unpack "$T/img"
	expect_rc 2
	expect_err "^layermount: .*$msg"
	snapshot "$STORE" >"$RUN/store.after"
	snapshot "$T" "$STORE" "$RUN" >"$RUN/rest.after"
	diff -u "$RUN/store.before" "$RUN/store.after" ||
		fail "the store changed"
	diff -u "$RUN/rest.before" "$RUN/rest.after" ||
		fail "something outside the store changed"
	no_litter
	[ ! -e "$T/escape" ] || fail "escape file $T/escape created"
	[ ! -e /escape ] || fail "escape file /escape created"
	note "$(head -n 1 "$RUN/err")"
}

# tree DIR: what a tree shows, for comparisons: names, types, modes,
# owners, sizes (not of directories), link targets, device numbers and
# content hashes; no times.
tree() {
	(cd "$1" &&
	 find . -printf '%p %y %m %U:%G %s %l\n' |
		sed 's/^\(.* d [0-7]* [0-9]*:[0-9]*\) [0-9]* $/\1 -/' | sort &&
	 find . -type f -print0 | sort -z | xargs -0r sha256sum &&
	 find . \( -type c -o -type b \) -exec stat -c '%n %t:%T' {} + | sort)
}

# guest_test KVER SUITE NAME DATA [vm/run.sh OPTION...]: a guest of KVER
# runs tests/SUITE/NAME.sh with DATA as /tests/data; its output is
# printed as "# " lines, and the test fails unless NAME passed there.
guest_test() {
	local kver=$1 suite=$2 name=$3 data=$4 rc=0
	shift 4
	vm/run.sh --kver "$kver" --suite "$suite" --tests "$name" \
		--data "$data" --out "$T/vm-$kver" "$@" > "$RUN/$kver.txt" 2>&1 || rc=$?
	sed 's/^/# /' "$RUN/$kver.txt"
	[ $rc -eq 0 ] || fail "$kver: guest run exited $rc"
	grep -Eq "^ok [0-9]+ $name # [0-9.]+ s\$" "$RUN/$kver.txt" ||
		fail "$kver: $name did not pass"
}

# can_mount_overlay: fail unless overlayfs mounts here.
can_mount_overlay() {
	mkdir -p "$T/probe/l" "$T/probe/m"
	mount -t overlay overlay -o "lowerdir=$T/probe/l:$T/probe/m" \
		"$T/probe/m" || fail "cannot mount overlay here"
	umount "$T/probe/m"
	rm -rf "$T/probe"
}
