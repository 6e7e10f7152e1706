#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer, UndefinedBehaviorSanitizer and
# ThreadSanitizer (before submitting changes to threading or memory handling).
# Usage: scripts/sanitizers.sh [asan] [ubsan] [tsan]   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(asan ubsan tsan)
for p in "${presets[@]}"; do
  echo "== $p"
  cmake --preset "$p" > /dev/null
  cmake --build --preset "$p"
  ctest --preset "$p"
done
