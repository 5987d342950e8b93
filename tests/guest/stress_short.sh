#!/bin/sh
# timeout: 300
# Stress, short version (make check): stress-ng's filesystem stressors, a
# copy-up storm and readdir racing unlink/rename on a layerfs mount.
. /tests/lib.sh
. /tests/guest/stress-lib.sh
stress_run 20 8
