#!/usr/bin/env bash
# README command 1: install what is needed, build, and run the main job on the bundled data:
# the invest-to-save comparison of the prevention scenario against the baseline (whole
# region, five years from mid-2018, 10 replicates each with common random numbers), stored
# in ./shiftsim.db, with its board report (report.html) and finance workbook (invest_to_save.xlsx).
# Extra arguments go to `shiftsim compare` (e.g. --scale 0.1 --replicates 4 for a quick look; not --db).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release > /dev/null
cmake --build --preset release
shiftsim=./build/release/cli/shiftsim
"$shiftsim" compare scenarios/baseline.json scenarios/prevention_invest_to_save.json "$@"
comparison=$(sqlite3 shiftsim.db "SELECT MAX(comparison_id) FROM comparisons")
"$shiftsim" report --comparison "$comparison" -o report.html
"$shiftsim" export --comparison "$comparison" --format xlsx -o invest_to_save.xlsx
echo "setup: the report is report.html, the workbook invest_to_save.xlsx, every figure in shiftsim.db"
