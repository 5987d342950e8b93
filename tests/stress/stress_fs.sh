#!/bin/sh
# timeout: 1800
# Stress, long version (make stress): as tests/guest/stress_short.sh, for
# 10 minutes with 32 copy-up writers.
. /tests/lib.sh
. /tests/guest/stress-lib.sh
stress_run 600 32
