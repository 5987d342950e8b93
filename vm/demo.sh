#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# demo.sh: boot a guest on the first kernel of $KVERS and run tests/demo.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kv=${KVERS:-6.1 6.12}
exec "$top/vm/run.sh" --kver "${kv%% *}" --suite demo --tests demo \
	--no-layerfs --verbose
