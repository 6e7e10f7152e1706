#!/usr/bin/env bash
# README command 1: install what is needed, build, and run the main job on the bundled data:
# the invest-to-save comparison of the prevention scenario against the baseline, run for 25
# years from mid-2018 at scale 0.25 (one agent per four residents), 20 replicates with common
# random numbers. It answers both of a finance lead's questions: the five-year plan's figures
# (the scenarios' own five years, reported apart), and when the investment pays back (the
# whole 25 years: the break-even year, cumulative discounted net benefit by year, and the
# life the extra survivors have beyond the horizon). Stored in ./shiftsim.db, with its board
# report (report.html) and finance workbook (invest_to_save.xlsx).
# Extra arguments go to `shiftsim compare` and replace the defaults they name (e.g.
# --scale 0.1 --replicates 4 for a quick look, --years 5 for the plan alone; not --db).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release > /dev/null
cmake --build --preset release
shiftsim=./build/release/cli/shiftsim
defaults=()
[[ " $* " == *" --years "* ]] || defaults+=(--years 25)
[[ " $* " == *" --scale "* ]] || defaults+=(--scale 0.25)
start=$(date +%s)
"$shiftsim" compare scenarios/baseline.json scenarios/prevention_invest_to_save.json "${defaults[@]}" "$@"
comparison=$(sqlite3 shiftsim.db "SELECT MAX(comparison_id) FROM comparisons")
"$shiftsim" report --comparison "$comparison" -o report.html
"$shiftsim" export --comparison "$comparison" --format xlsx -o invest_to_save.xlsx
echo "setup: the main job took $(( $(date +%s) - start )) s after the build"
echo "setup: the report is report.html, the workbook invest_to_save.xlsx, every figure in shiftsim.db"
