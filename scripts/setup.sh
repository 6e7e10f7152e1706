#!/usr/bin/env bash
# README command 1: install what is needed, build, and run the main job (the five-year
# baseline of the whole region on the bundled data), storing it in ./shiftsim.db.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release > /dev/null
cmake --build --preset release
./build/release/cli/shiftsim run scenarios/baseline.json "$@"
