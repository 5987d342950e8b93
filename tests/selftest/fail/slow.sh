#!/bin/sh
# timeout: 3
# A test that outlives its timeout is killed and reported as a timeout.
. /tests/lib.sh
sleep 60
