#!/usr/bin/env bash
# README command 2 (and .ci/run): install what is needed, build, run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release > /dev/null
cmake --build --preset release
ctest --preset release
