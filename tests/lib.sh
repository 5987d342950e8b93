# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Shared helpers for in-guest tests (busybox sh). A test sources this file,
# works in $T (a fresh tmpfs), and exits 0 (pass), 77 (skip) or anything
# else (fail). vm/init reports the last "FAIL:" or "SKIP:" line as reason.
#
# A test stops at the first command that fails unexpectedly (set -e, and
# pipefail: a pipeline fails when any of its commands does). A command that
# may fail says so: `cmd || fail "why"`, `cmd && fail "why"` when success
# is the bug, or `cmd || true  # why it may fail`. set -e is ignored inside
# a function called from if, &&, || or !, so the helpers here and in the
# other *-lib.sh check each of their own steps with `|| fail`.
set -e
# shellcheck disable=SC3040 # busybox sh, the guest's shell, has pipefail
set -o pipefail
# an unexpected failure names its line (of the test, or of the library
# the failing command is in)
# (a test's own cleanup at exit goes through at_exit, not trap)
# shellcheck disable=SC2154 # _rc is set in the trap itself
trap '_rc=$?; [ "$_rc" = 0 ] || [ "$_rc" = 77 ] || [ -n "${_lfs_failed:-}" ] ||
	echo "FAIL: unexpected exit status $_rc at line $LINENO"
	eval "${_lfs_at_exit:-}"' EXIT

# at_exit CMD: run the shell command CMD when the test ends, however
at_exit() {
	_lfs_at_exit="${_lfs_at_exit:-}$1
"
}

log() {
	echo "# $*"
}

# fail WHY: stop the test. Called in a subshell (a $(...), a pipeline, a
# background job), it stops the test's own shell as well, so a failing
# helper is never taken for an empty result.
fail() {
	_lfs_failed=1
	read -r _self _ < /proc/self/stat
	if [ "$_self" != "$$" ]; then
		echo "FAIL: $*" >&2
		kill -TERM "$$"
		exit 1
	fi
	echo "FAIL: $*"
	exit 1
}

skip() {
	_lfs_failed=1
	echo "SKIP: $*"
	exit 77
}

# assert_eq ACTUAL EXPECTED WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# must CMD...: run a command that has to succeed
must() {
	"$@" || fail "command failed ($?): $*"
}

# names DIR: the sorted names in DIR, one line, space separated; fails
# the test when DIR cannot be listed
names() {
	_names=$(find "$1" -mindepth 1 -maxdepth 1) || fail "names: cannot list $1"
	printf '%s\n' "$_names" | sed 's|.*/||' | sort | tr '\n' ' ' | sed 's/ *$//'
}

# count DIR [ERE]: how many names in DIR (matching ERE); fails the test
# when DIR cannot be listed
count() {
	_names=$(find "$1" -mindepth 1 -maxdepth 1) || fail "count: cannot list $1"
	printf '%s\n' "$_names" | sed '/^$/d; s|.*/||' |
		awk -v re="${2:-.}" '$0 ~ re { n++ } END { print n + 0 }'
}

# outcome CMD...: the first line CMD prints on stdout, whatever its exit
# status: for tryop and fsmnt, whose errno name is the result, and other
# commands whose failure is what a test looks at
outcome() {
	_out=$("$@") || true
	printf '%s\n' "${_out%%
*}"
}

# scratch_ext4 DIR: format the scratch disk /dev/vda as ext4, mount it on DIR
scratch_ext4() {
	[ -b /dev/vda ] || fail "no scratch disk /dev/vda (vm/run.sh provides one)"
	# the full path: busybox sh would run its own (ext2-only) applet
	/sbin/mke2fs -q -F -t ext4 /dev/vda > /dev/null || fail "mke2fs /dev/vda"
	mkdir -p "$1"
	mount -t ext4 /dev/vda "$1" || fail "mount /dev/vda on $1"
}

# klog_mark; ...; klog_since: the kernel log lines logged after the mark
# (the log is not consumed: the harness still checks it after the test)
klog_mark() {
	KLOG_MARK=$((${KLOG_MARK:-0} + 1))
	echo "lfs-test-mark-$KLOG_MARK" > /dev/kmsg
}

klog_since() {
	# a record cut at the printk size limit loses its newline and stays
	# open until the next message: write one
	echo "lfs-test-mark-$KLOG_MARK-end" > /dev/kmsg
	_klog=$(dmesg) || fail "dmesg"
	printf '%s\n' "$_klog" |
		sed -n "/lfs-test-mark-$KLOG_MARK\$/,/lfs-test-mark-$KLOG_MARK-end/p" |
		sed '1d;$d'
}

# request_kill: have the host kill this guest now, as a crash would (only
# in runs with a persistent disk, vm/run.sh --disk-image)
request_kill() {
	echo KILL > /dev/ttyS1
	sleep 600
	fail "the host did not kill the guest"
}

# request_kill_during WHAT CMD...: request_kill in the middle of an
# operation, WHAT, which is in progress as long as the command CMD
# succeeds (and has to be when this is called). WHAT goes to the host log.
# Until the kill lands, CMD is checked every 10 ms: once it fails, the
# guest reports KILL-LATE, and the host counts the kill as too late
# (vm/run.sh; vm/crash-cycle.sh then runs the phase again).
request_kill_during() {
	_what=$1
	shift
	echo "DIAG kill requested while $_what" > /dev/ttyS1
	echo KILL > /dev/ttyS1
	while "$@"; do
		usleep 10000
	done
	echo "KILL-LATE $_what: it finished before the kill" > /dev/ttyS1
	sleep 600
	fail "the host did not kill the guest"
}

# disk_mount DIR: mount the (persistent) disk /dev/vda as it is on DIR
disk_mount() {
	mkdir -p "$1"
	mount -t ext4 /dev/vda "$1" || fail "mount /dev/vda on $1"
}
