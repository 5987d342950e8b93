#!/bin/sh
# timeout: 300
# An upper and workdir written through layerfs mount with overlayfs over
# the same lowers and show the same tree, and the reverse.
. /tests/lib.sh
. /tests/guest/union-lib.sh

diff_setup

# changes through both: copy-ups, whiteouts, opaque dirs, renames, xattrs
mutate() {
	(cd "$1" &&
	 echo more >> f && rm only2 && rm -r d/a d/b && mkdir nd &&
	 echo n > nd/new && mv nd/new nd/renamed && rm -r o && mkdir o &&
	 echo x > o/fresh && setfattr -n trusted.t -v v deep/er/file &&
	 chmod 700 deep && ln hl hl3 && rm fd && mkdir fd && ln -s d sl &&
	 mv lnk lnk2 && [ "$(tryop rmdir d)" = ENOTEMPTY ] && rm d/c &&
	 rmdir d && mkdir d) ||
		fail "changes under $1"
}

# handover WRITER READER N: mutate through a WRITER mount (diff_lmount or
# diff_omount) of the upper $T/uN, then mount it with READER, which stays
# mounted on $T/r; the trees seen are in $T/writtenN and $T/readN
handover() {
	"$1" "$T/w" "$T/u$3" "$T/k$3"
	mutate "$T/w"
	treedump "$T/w" > "$T/written$3" || fail "treedump through $1"
	umount "$T/w" || fail "umount $T/w"
	"$2" "$T/r" "$T/u$3" "$T/k$3"
	treedump "$T/r" > "$T/read$3" || fail "treedump through $2"
}

# layerfs writes, overlayfs reads
handover diff_lmount diff_omount 1
umount "$T/r"
same_tree "$T/written1" "$T/read1" "overlayfs sees another tree"
grep -q '^./nd/renamed ' "$T/written1" || fail "changes missing"

# overlayfs writes, layerfs reads
handover diff_omount diff_lmount 2
same_tree "$T/written2" "$T/read2" "layerfs sees another tree"
# and layerfs keeps working on overlayfs's upper
echo again >> "$T/r/f"
assert_eq "$(tail -n 1 "$T/r/f")" again "write on overlayfs's upper"
lumount "$T/r"
same_tree "$T/written1" "$T/written2" "the two uppers differ"
umount "$S"
