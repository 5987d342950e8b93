# SPDX-License-Identifier: GPL-2.0
# Command line: --help (stdout, 0), --version, bad usage (1 with a hint),
# -q prints nothing on success, missing image.
. tests/host/lib.sh

"$LAYERMOUNT" --help | grep -q '^Usage:' || fail "--help"
"$LAYERMOUNT" --version | grep -Eq '^layermount [0-9]' || fail "--version"
for args in "" "--bogus x y" "unpack" "unpack a b" "--type ext4 a b" \
	    "--platform linux a b" "--read-only --upper u a b" "--max-bytes 0 a b"; do
	run_lm $args
	expect_rc 1
	expect_err "Try 'layermount --help'"
done
mkimage basic "$T/img"
run_lm -q unpack "$T/img"
expect_rc 0
[ ! -s "$RUN/out" ] && [ ! -s "$RUN/err" ] || fail "-q printed something"
run_lm unpack "$T/nonexistent"
expect_rc 1
expect_err "^layermount: $T/nonexistent: No such file or directory"
mkdir "$T/notimage"
run_lm unpack "$T/notimage"
expect_rc 2
expect_err "not an OCI image layout or a docker save archive"
