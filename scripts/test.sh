#!/usr/bin/env bash
# README command 2 (and .ci/run): install what is needed, build, run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release > /dev/null
cmake --build --preset release
ctest --preset release
# Issue 19: the input readers' and the results' unit tests under the address and undefined-
# behaviour sanitizers (clang, the fuzz preset), the fuzz corpora replayed there, and each
# fuzzer for a short fixed budget (scripts/fuzz.sh 600 is the full campaign).
cmake --preset fuzz > /dev/null
cmake --build --preset fuzz
ctest --test-dir build/fuzz -R "^(scenario|csv|region loader|parameter|fuzz corpora|store|comparison|periods|workbook|report)" --output-on-failure
./scripts/fuzz.sh 10
