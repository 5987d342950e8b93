#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# demo.sh: make demo. Builds the sample image with umoci (vm/demo-image.sh),
# boots a guest on the first kernel of $KVERS and runs tests/demo/demo.sh
# there: insmod, layermount, the merged view, a copy-up, a whiteout, then
# layermount diff, commit and a mount of the committed image.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
kv=${KVERS:-6.1 6.12}
"$top/vm/demo-image.sh" "$BUILD/demo-image"
exec "$top/vm/run.sh" --kver "${kv%% *}" --suite demo --tests demo \
	--no-layerfs --verbose --data "$BUILD/demo-image"
