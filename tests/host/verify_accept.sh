#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Streams that are unusual but valid are accepted: no padding or end blocks
# after the last entry (umoci 0.4.7), bytes after the end marker (part of the
# diff_id), multi-member gzip, media types that lie about compression,
# streams whose end decompresses to more than a buffer.
. tests/host/lib.sh

for s in no_padding after_end gzip_multimember wrong_mediatype zeros; do
	rm -rf "$STORE" "$T/img"
	mkimage $s "$T/img"
	run_lm unpack "$T/img"
	expect_rc 0
	note "$s: $(wc -l <"$RUN/out") layer(s) unpacked"
done
rm -rf "$STORE" "$T/img"
mkimage no_padding "$T/img"
lm -q unpack "$T/img"
[ "$(wc -c < "$(layer "$T/img" 1)/dir/file")" -eq 700 ] ||
	fail "last entry of an unpadded stream incomplete"
