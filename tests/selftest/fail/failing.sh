#!/bin/sh
# A test that fails: reported as "not ok" with its FAIL reason.
. /tests/lib.sh
one=1
assert_eq "$one" 2 "deliberate failure"
