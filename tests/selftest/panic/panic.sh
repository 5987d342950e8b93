#!/bin/sh
# The guest panics: reported as a panic, the test as not ok.
. /tests/lib.sh
echo c > /proc/sysrq-trigger
sleep 30
