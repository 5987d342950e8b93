#!/bin/sh
# A helper that fails inside $(...) stops the test, not only the subshell.
. /tests/lib.sh
assert_eq "$(fail "deliberate failure in a subshell")" "" "the subshell's output"
echo "not reached"
