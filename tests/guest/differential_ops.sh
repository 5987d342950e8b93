#!/bin/sh
# timeout: 600
# The same 300 operations (every modifying call, on files and directories
# from every layer, error cases included) on a layerfs and an overlayfs
# mount (redirect_dir=off,index=off,xino=off,metacopy=off) of identical
# lowers: after every step the results and the visible trees match
# (names, type, mode, owner, size, content, xattrs, link targets, device
# numbers). Then a run with a random seed, printed on failure. The lowers
# are unchanged at the end.
. /tests/lib.sh
. /tests/guest/union-lib.sh

diff_setup
before=$(lower_hash "$S")

run() { # run SEED COUNT
	diff_omount "$T/o$1" "$T/uo$1" "$T/wo$1"
	diff_lmount "$T/m$1" "$T/ul$1" "$T/wl$1"
	run_ops "$1" "$2" "$T/o$1" "$T/m$1"
	umount "$T/o$1" || fail "umount overlayfs"
	lumount "$T/m$1"
}
run 1 300
# seed 752 once unlinked a hard link through the wrong name
run 752 150
seed=$(( $(od -An -N2 -tu2 /dev/urandom) + 2 ))
log "random seed $seed"
run "$seed" 150
assert_eq "$(lower_hash "$S")" "$before" "lowers unchanged"
umount "$S"
