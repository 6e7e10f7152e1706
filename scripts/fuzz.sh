#!/usr/bin/env bash
# Fuzz every input reader (issue 19; tests/fuzz/harnesses.hpp) with libFuzzer, under the address
# and undefined-behaviour sanitizers, for a bounded time each.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 s; every target)
#
# Builds the `fuzz` preset (clang), seeds a working corpus for each target from
# tests/fuzz/corpus/TARGET (the committed seeds and past crashes), runs the target on it, and
# prints each one's executions, coverage and corpus size. A crash, leak, timeout (10 s an
# input) or out-of-memory (2 GB) leaves its input in build/fuzz/artifacts/TARGET and fails the
# script: copy that file into tests/fuzz/corpus/TARGET (a regression test from then on: the
# replay test runs it in every build), and fix the reader.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(scenario region parameters observed sweep)

if [ -z "${SHIFTSIM_FUZZ_NO_BUILD:-}" ]; then  # (set it to run several of these at once on one build)
  cmake --preset fuzz > /dev/null
  cmake --build --preset fuzz > /dev/null
fi
status=0
for t in "${targets[@]}"; do
  work="build/fuzz/corpus/$t" artifacts="build/fuzz/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  cp -n tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  log="build/fuzz/$t.log"
  echo "fuzz: $t for ${seconds} s"
  if ! build/fuzz/tests/fuzz_"$t" "$work" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$artifacts/" -print_final_stats=1 > "$log" 2>&1; then
    status=1
    echo "fuzz: $t FAILED (see $log; the input is in $artifacts)"
  fi
  # The last status line: executions, coverage (cov: edges, ft: features), corpus size.
  grep -E "^#[0-9]+.*(DONE|pulse|NEW|REDUCE)" "$log" | tail -1 || true
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log" || true
done
exit $status
