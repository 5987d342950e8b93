#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# layermount commit through a registry: a commit (gzip, --output) pushed
# with skopeo to Debian's docker-registry on 127.0.0.1 and pulled back
# keeps its manifest digest, its diff_ids and its tree.
. tests/host/lib.sh

command -v skopeo >/dev/null || fail "skopeo not installed (make deps)"
command -v docker-registry >/dev/null || fail "docker-registry not installed (make deps)"
can_mount_overlay

mkimage_gzip basic "$T/img"
mkdir "$T/m"
lm -q --type overlay --ref basic "$T/img" "$T/m"
echo pushed >"$T/m/pushed"
rm "$T/m/top"
tree "$T/m" >"$RUN/want"
SOURCE_DATE_EPOCH=1700000000 lm commit --output "$T/out" --ref t "$T/m" >"$RUN/digest"
lm umount "$T/m"

port=$((20000 + $$ % 20000))
cat >"$T/registry.yml" <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $T/registry
http:
  addr: 127.0.0.1:$port
YML
docker-registry serve "$T/registry.yml" >"$RUN/registry.log" 2>&1 &
reg=$!
trap 'kill $reg 2>/dev/null || true' EXIT
up=
for _ in $(seq 100); do	# until it listens (a wait, not a timed assertion)
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		up=1
		break
	fi
	sleep 0.2
done
[ -n "$up" ] || fail "docker-registry did not start: $(cat "$RUN/registry.log")"
skopeo copy -q --dest-tls-verify=false "oci:$T/out:t" \
	"docker://127.0.0.1:$port/layermount/commit:t"
skopeo copy -q --src-tls-verify=false \
	"docker://127.0.0.1:$port/layermount/commit:t" "oci:$T/pulled:t"
grep -q "$(cat "$RUN/digest")" "$T/pulled/index.json" ||
	fail "pulled manifest is not $(cat "$RUN/digest"): $(cat "$T/pulled/index.json")"
lm -q --type overlay --read-only --ref t "$T/pulled" "$T/m"
tree "$T/m" >"$RUN/got"
lm umount "$T/m"
diff -u "$RUN/want" "$RUN/got" || fail "the pulled image's tree differs"
note "pushed and pulled: $(cat "$RUN/digest")"
