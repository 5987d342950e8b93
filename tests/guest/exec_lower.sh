#!/bin/sh
# Executing programs that live in a lower layer: a static binary, a
# script, a symlinked binary; execute permission is honoured.
. /tests/lib.sh
. /tests/guest/union-lib.sh

mkdir -p "$T/l1/bin" "$T/l2/bin"
bb=$(readlink -f /bin/sh)
[ -x "$bb" ] || fail "no busybox binary to copy"
cp "$bb" "$T/l2/bin/busybox"
ln -s busybox "$T/l2/bin/echo"
printf '#!/bin/sh\necho script-ran "$@"\n' > "$T/l1/bin/script"
chmod 755 "$T/l1/bin/script"
printf '#!/bin/sh\necho no\n' > "$T/l1/bin/noexec"
chmod 644 "$T/l1/bin/noexec"
M=$T/m
lmount "$M" "lowerdir=$T/l1:$T/l2"
assert_eq "$("$M/bin/busybox" echo hello)" hello "static binary"
assert_eq "$("$M/bin/echo" via-link)" via-link "binary through a symlink"
assert_eq "$("$M/bin/script" x)" "script-ran x" "script"
"$M/bin/noexec" 2>/dev/null && fail "file without x bit executed"
# many executions of one binary at the same time (each sleeps, so they
# overlap), each of which must run
pids=
for i in 1 2 3 4 5 6; do
	"$M/bin/busybox" sh -c "sleep 1; exit $((i + 10))" &
	pids="$pids $!"
done
i=0
for p in $pids; do
	i=$((i + 1))
	rc=0
	wait "$p" || rc=$?
	assert_eq "$rc" $((i + 10)) "exit status of parallel run $i"
done
# the running binary's mappings name it by its union path
# shellcheck disable=SC2016 # $$ is the child shell's
"$M/bin/busybox" sh -c 'while read -r l; do echo "$l"; done < /proc/$$/maps' |
	grep " $M/bin/busybox\$" > /dev/null || fail "union path not in /proc/PID/maps"
lumount "$M"
