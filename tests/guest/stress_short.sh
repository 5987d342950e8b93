#!/bin/sh
# timeout: 300
# vcpus: 2 (its processes race: two CPUs make them run at once)
# Stress, short version (make check): stress-ng's filesystem stressors, a
# copy-up storm and readdir racing unlink/rename on a layerfs mount.
. /tests/lib.sh
. /tests/guest/stress-lib.sh
stress_run 20 8
