#!/bin/sh
# A test that fails: reported as "not ok" with its FAIL reason.
. /tests/lib.sh
assert_eq "$(echo 1)" 2 "deliberate failure"
