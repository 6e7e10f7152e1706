#!/usr/bin/env bash
# Rewrites the regression test's stored summaries (tests/regression/expected/) from this
# build's results. Only for a deliberate change of results: commit the new files on their own,
# with the reason in the message (tests/regression/stored_summaries.hpp says what they hold).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release > /dev/null
cmake --build --preset release --target shiftsim shiftsim_regenerate_regression
build/release/tests/shiftsim_regenerate_regression
git --no-pager diff --stat -- tests/regression/expected || true
