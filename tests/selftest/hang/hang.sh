#!/bin/sh
# timeout: 600
# The guest stops making progress: the host watchdog kills it.
. /tests/lib.sh
sleep 600
