#!/bin/sh
# timeout: 300
# layermount diff with overlay (layermount_diff_layerfs: with layerfs):
# every scripted change of a mounted image, as A/C/D lines in the layer
# order, deletions by whiteout and by an opaque directory included; a
# newline in a name escaped; --json the same changes; no upper, no diff.
. /tests/lib.sh
. /tests/guest/layermount-lib.sh

type=${TYPE:-overlay}
change_image "$T/img"
mkdir "$T/m"
must "$LM" -q --store "$T/store" --type "$type" --ref base "$T/img" "$T/m"
assert_eq "$("$LM" diff "$T/m")" "" "$type: diff of an unchanged mount"
change_tree "$T/m" nl
"$LM" diff "$T/m" > "$T/got" || fail "$type: diff failed"
change_diff nl > "$T/want"
cmp -s "$T/want" "$T/got" || {
	diff "$T/want" "$T/got" || true  # shows the difference
	fail "$type: diff output"
}
"$LM" diff --json "$T/m" > "$T/json" || fail "$type: diff --json failed"
# the pretty JSON: one "kind" and one "path" line per change
sed -n 's/^ *"kind":"\(.\)",$/\1/p' "$T/json" > "$T/kinds"
sed -n 's/^ *"path":"\(.*\)"$/\1/p' "$T/json" > "$T/paths"
paste -d ' ' "$T/kinds" "$T/paths" | sed 's/\\n/\\012/' > "$T/jgot"
cmp -s "$T/want" "$T/jgot" || {
	diff "$T/want" "$T/jgot" || true  # shows the difference
	fail "$type: diff --json"
}
grep -q '"schema":"layermount-diff"' "$T/json" || fail "$type: JSON schema"
umount_m
mkdir "$T/n"
must "$LM" -q --store "$T/store" --type "$type" --read-only --ref base \
	"$T/img" "$T/n"
"$LM" --store "$T/store" diff "$T/n" 2> "$T/err" && fail "$type: diff of a read-only mount"
grep -q "read-only mount" "$T/err" || fail "$type: read-only: $(cat "$T/err")"
must "$LM" --store "$T/store" umount "$T/n"
"$LM" diff /tests 2> "$T/err" && fail "$type: diff of a directory that is no mount"
true
