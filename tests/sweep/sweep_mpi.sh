#!/usr/bin/env bash
# The sweep over MPI (issue 18): the same sweep run in one process, over 2 MPI ranks
# (mpirun --oversubscribe), and killed with SIGKILL after its first commit then run again,
# stores the same answer: equal digests of every stored value, and equal dumps of the
# outcomes and their summaries (compared value by value, so a failure shows what moved).
# Usage: sweep_mpi.sh SHIFTSIM DATA_DIR SCENARIOS_DIR OUTPUT_DIR
set -euo pipefail
shiftsim=$1 data=$2 scenarios=$3 out=$4/sweep
rm -rf "$out" && mkdir -p "$out"
# Open MPI refuses to start as root unless told (CI containers run as root).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# No network interfaces to probe in a container: ranks on one machine talk over shared memory.
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
cat > "$out/sweep.json" <<JSON
{
  "name": "ci_identity",
  "baseline": "$scenarios/baseline.json",
  "scenarios": ["$scenarios/prevention_invest_to_save.json"],
  "grid": {"intervention.smoking_cessation.unit_cost_gbp": [150, 350]},
  "replicates": 3, "years": 2, "scale": 0.02, "seed": 7
}
JSON
digest() { grep -o 'Digest of every stored value: [0-9a-f]*' "$1" | awk '{print $NF}'; }
dump() {  # every outcome and summary, by point and arm, values to 17 significant digits
  sqlite3 "$1" "SELECT p.point, a.arm, o.replicate, o.period, o.breakdown, o.outcome, printf('%.17g', o.value)
                FROM outcomes o JOIN comparison_arms a ON a.comparison_id = o.comparison_id AND a.run_id = o.run_id
                JOIN sweep_points p ON p.comparison_id = o.comparison_id ORDER BY 1, 2, 3, 4, 5, 6;
                SELECT p.point, a.arm, s.period, s.breakdown, s.outcome, s.n, printf('%.17g|%.17g|%.17g|%.17g', s.mean, s.median, s.p05, s.p95)
                FROM outcome_summary s JOIN comparison_arms a ON a.comparison_id = s.comparison_id AND a.run_id = s.run_id
                JOIN sweep_points p ON p.comparison_id = s.comparison_id ORDER BY 1, 2, 3, 4, 5;"
}

# 1. One process.
"$shiftsim" sweep "$out/sweep.json" --digest --data "$data" --db "$out/one.db" --threads 2 > "$out/one.txt"
one=$(digest "$out/one.txt")
[ -n "$one" ] || { echo "FAIL: the single-process sweep printed no digest"; cat "$out/one.txt"; exit 1; }
echo "one process: digest $one"

# 2. Two MPI ranks (rank 0 writes, rank 1 works).
mpirun -np 2 --oversubscribe --bind-to none "$shiftsim" sweep "$out/sweep.json" --digest --data "$data" --db "$out/mpi.db" --threads 2 > "$out/mpi.txt"
grep -q "on 1 worker process" "$out/mpi.txt" || { echo "FAIL: mpirun did not run the sweep over MPI"; cat "$out/mpi.txt"; exit 1; }
mpi=$(digest "$out/mpi.txt")
echo "2 MPI ranks: digest $mpi"
dump "$out/one.db" > "$out/one.dump"
dump "$out/mpi.db" > "$out/mpi.dump"
rows=$(wc -l < "$out/one.dump")
[ "$rows" -gt 1000 ] || { echo "FAIL: only $rows outcome rows"; exit 1; }
cmp "$out/one.dump" "$out/mpi.dump" || { echo "FAIL: the MPI sweep's outcomes differ:"; diff "$out/one.dump" "$out/mpi.dump" | head -20; exit 1; }
[ "$one" = "$mpi" ] || { echo "FAIL: digests differ ($one, $mpi)"; exit 1; }
echo "identical: $rows outcome and summary rows, and the digest"

# 3. Killed (SIGKILL) as soon as its first replicate is committed, then run again.
"$shiftsim" sweep "$out/sweep.json" --digest --data "$data" --db "$out/killed.db" --threads 1 > "$out/killed1.txt" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  n=$(sqlite3 "$out/killed.db" "SELECT count(*) FROM comparison_replicates" 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 1 ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.05
done
kill -9 $pid 2>/dev/null || { echo "FAIL: the sweep finished before it could be killed"; exit 1; }
wait $pid 2>/dev/null || true
kept=$(sqlite3 "$out/killed.db" "SELECT count(*) FROM comparison_replicates")
echo "killed with $kept replicate(s) committed"
[ "$(sqlite3 "$out/killed.db" 'PRAGMA integrity_check')" = ok ] || { echo "FAIL: integrity check"; exit 1; }
"$shiftsim" sweep "$out/sweep.json" --digest --data "$data" --db "$out/killed.db" --threads 2 > "$out/killed2.txt"
grep -q "Resumed: $kept of 6 replicates were stored" "$out/killed2.txt" || { echo "FAIL: the rerun did not resume"; cat "$out/killed2.txt"; exit 1; }
resumed=$(digest "$out/killed2.txt")
[ "$resumed" = "$one" ] || { echo "FAIL: the resumed sweep's digest $resumed differs from $one"; exit 1; }
[ "$(sqlite3 "$out/killed.db" 'SELECT count(*) FROM comparison_replicates')" = 6 ] || { echo "FAIL: replicates lost or duplicated"; exit 1; }
echo "resumed after kill -9: digest $resumed, 6 replicates, none duplicated"
echo PASS
