#!/usr/bin/env bash
# Faults (issue 19, item 4): a comparison and a sweep killed (kill -9) at pseudo-random moments
# (a fixed seed, a bounded loop), then run again; a full disk; a read-only database folder.
# After every kill the database passes PRAGMA integrity_check, every stored replicate is
# whole (as many rows as the uninterrupted run's replicate), and the rerun's answer equals the
# uninterrupted run's. A full disk and a read-only folder give a clear message, a non-zero exit
# and nothing half-written.
#
#   tests/faults/faults.sh SHIFTSIM_BINARY SOURCE_DIR WORK_DIR
set -euo pipefail
bin="$(realpath "$1")" src="$(realpath "$2")" work="$(realpath -m "$3")"
# The mounts and the read-only folder below never outlive the script (nor a failed earlier run's).
unmount() {
  umount "$work/full" 2> /dev/null || true
  umount "$work/readonly" 2> /dev/null || true
  chmod -R u+w "$work" 2> /dev/null || true
}
unmount
trap unmount EXIT
rm -rf "$work"
mkdir -p "$work"
cd "$work"
scen="$src/scenarios"
kills=4
compare=(compare "$scen/baseline.json" "$scen/shift1_prevention.json" --scale 0.01 --replicates 4 --years 2 --threads 2)
q() { sqlite3 -batch -noheader "$1" "$2"; }
# The answer of the last completed comparison, by arm name (run ids differ between databases).
answer() {
  q "$1" "SELECT r.scenario_name, s.period, s.breakdown, s.outcome, printf('%.17g', s.mean), printf('%.17g', s.p05), printf('%.17g', s.p95)
         FROM outcome_summary s JOIN runs r ON r.run_id = s.run_id
         WHERE s.comparison_id = (SELECT MAX(comparison_id) FROM comparisons WHERE status = 'completed')
         ORDER BY r.scenario_name, s.period, s.breakdown, s.outcome" | md5sum | cut -c1-16
}
# Every stored replicate whole: its metric rows as many as a replicate of the same arm in the reference.
whole_replicates() {
  local db="$1"
  q "$db" "ATTACH 'reference.db' AS ref;
           WITH mine AS (SELECT r.scenario_name AS arm, m.run_id, m.replicate, COUNT(*) AS n FROM metrics m JOIN runs r ON r.run_id = m.run_id
                         GROUP BY m.run_id, m.replicate),
                theirs AS (SELECT r.scenario_name AS arm, COUNT(*) / COUNT(DISTINCT m.replicate) AS n FROM ref.metrics m
                           JOIN ref.runs r ON r.run_id = m.run_id GROUP BY m.run_id)
           SELECT COUNT(*) FROM mine JOIN theirs USING (arm) WHERE mine.n != theirs.n"
}
check_db() {
  local db="$1" what="$2"
  [ "$(q "$db" 'PRAGMA integrity_check')" = ok ] || { echo "FAIL: $what: integrity_check"; exit 1; }
  local broken
  broken=$(whole_replicates "$db")
  [ "$broken" = 0 ] || { echo "FAIL: $what: $broken replicate(s) stored in part"; exit 1; }
}

# ---- the uninterrupted answers
start=$(date +%s.%N)
"$bin" "${compare[@]}" --db reference.db > /dev/null 2> reference.err
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
ref=$(answer reference.db)
echo "reference comparison: ${took} s, answer $ref"

# ---- a comparison killed at pseudo-random moments (seed 20261202), then run to the end
delays=$(awk -v n="$kills" -v t="$took" 'BEGIN { srand(20261202); for (i = 0; i < n; i++) printf "%.2f\n", 0.1 + rand() * 0.9 * t }')
for d in $delays; do
  "$bin" "${compare[@]}" --db killed.db > /dev/null 2>> killed.err &
  pid=$!
  sleep "$d"
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  check_db killed.db "comparison killed after $d s"
  echo "comparison killed after $d s: integrity ok, $(q killed.db "SELECT COUNT(DISTINCT run_id || '/' || replicate) FROM metrics") whole replicate(s) stored, none in part (an interrupted comparison is cleared when the next one starts)"
done
"$bin" "${compare[@]}" --db killed.db > /dev/null 2>> killed.err
check_db killed.db "comparison rerun"
got=$(answer killed.db)
[ "$got" = "$ref" ] || { echo "FAIL: the comparison rerun after $kills kills gives $got, not $ref"; exit 1; }
echo "comparison rerun after $kills kills: answer $got, identical"

# ---- a sweep killed at pseudo-random moments, resumed by the same command
cat > sweep.json <<JSON
{"name": "faults", "baseline": "$scen/baseline.json", "scenarios": ["$scen/shift1_prevention.json"],
 "grid": {"intervention.smoking_cessation.unit_cost_gbp": [200, 300]}, "replicates": 3, "years": 1, "scale": 0.01}
JSON
start=$(date +%s.%N)
"$bin" sweep sweep.json --db sweep_reference.db --threads 2 --digest > sweep_reference.out 2>&1
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
sweep_ref=$(grep -o 'stored value: [0-9a-f]*' sweep_reference.out | tail -1)
echo "reference sweep: ${took} s, $sweep_ref"
delays=$(awk -v n="$kills" -v t="$took" 'BEGIN { srand(1202); for (i = 0; i < n; i++) printf "%.2f\n", 0.1 + rand() * 0.8 * t }')
for d in $delays; do
  "$bin" sweep sweep.json --db sweep.db --threads 2 > /dev/null 2>> sweep.err &
  pid=$!
  sleep "$d"
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  [ "$(q sweep.db 'PRAGMA integrity_check')" = ok ] || { echo "FAIL: sweep killed after $d s: integrity_check"; exit 1; }
  echo "sweep killed after $d s: integrity ok"
done
"$bin" sweep sweep.json --db sweep.db --threads 2 --digest > sweep.out 2>&1
sweep_got=$(grep -o 'stored value: [0-9a-f]*' sweep.out | tail -1)
[ "$sweep_got" = "$sweep_ref" ] || { echo "FAIL: the resumed sweep gives $sweep_got, not $sweep_ref"; exit 1; }
echo "sweep resumed after $kills kills: $sweep_got, identical"

# ---- a full disk and a read-only folder: tmpfs mounts where this user may mount (root in CI),
# else the file-size limit and permissions.
small=(compare "$scen/baseline.json" "$scen/shift1_prevention.json" --scale 0.01 --replicates 2 --years 2 --threads 2)
mkdir -p full readonly
mounted=0
if mount -t tmpfs -o size=1m tmpfs full 2> /dev/null; then mounted=1; fi
set +e
if [ "$mounted" = 1 ]; then
  "$bin" "${small[@]}" --db full/r.db > /dev/null 2> full.err
else
  (trap '' XFSZ; ulimit -f 1024; exec "$bin" "${small[@]}" --db full/r.db > /dev/null 2> full.err)
fi
rc=$?
set -e
[ "$rc" != 0 ] || { echo "FAIL: a full disk exited 0"; exit 1; }
grep -q "is full" full.err || { echo "FAIL: a full disk's message: $(cat full.err)"; exit 1; }
if [ -f full/r.db ]; then
  [ "$(q full/r.db 'PRAGMA integrity_check')" = ok ] || { echo "FAIL: full disk: integrity_check"; exit 1; }
  [ "$(q full/r.db "SELECT COUNT(*) FROM comparisons WHERE status = 'completed'")" = 0 ] || { echo "FAIL: full disk stored a comparison"; exit 1; }
  [ "$(q full/r.db "SELECT COUNT(*) FROM runs WHERE status = 'completed'")" = 0 ] || { echo "FAIL: full disk stored a run as completed"; exit 1; }
fi
echo "full disk ($([ "$mounted" = 1 ] && echo 'a 1 MB tmpfs' || echo 'ulimit -f')): exit $rc, \"$(grep -o 'results database.*full' full.err | head -1 | cut -c1-90)...\", nothing stored as completed"
[ "$mounted" = 1 ] && umount full
# A copy of the reference in rollback-journal mode, so that it can be read on a read-only file system.
cp reference.db copy.db
q copy.db "PRAGMA journal_mode=DELETE" > /dev/null
ro=0
if mount -t tmpfs tmpfs readonly 2> /dev/null; then
  cp copy.db readonly/r.db
  mount -o remount,ro readonly && ro=1
elif [ "$(id -u)" != 0 ]; then
  cp copy.db readonly/r.db
  chmod a-w readonly readonly/r.db && ro=1
fi
if [ "$ro" = 0 ]; then
  echo "SKIP: cannot make a read-only folder here (root without mount)"
  exit 77
fi
before=$(q readonly/r.db "SELECT COUNT(*) FROM runs")
set +e
"$bin" "${small[@]}" --db readonly/r.db > /dev/null 2> readonly.err
rc1=$?
"$bin" "${small[@]}" --db readonly/new.db > /dev/null 2> readonly_new.err
rc2=$?
set -e
[ "$rc1" != 0 ] && [ "$rc2" != 0 ] || { echo "FAIL: a read-only folder exited 0"; exit 1; }
grep -q "cannot be written\|cannot be opened\|readonly\|read-only" readonly.err || { echo "FAIL: read-only message: $(cat readonly.err)"; exit 1; }
grep -q "cannot be written\|cannot be opened\|readonly\|read-only" readonly_new.err || { echo "FAIL: read-only new file message: $(cat readonly_new.err)"; exit 1; }
[ "$(q readonly/r.db "SELECT COUNT(*) FROM runs")" = "$before" ] || { echo "FAIL: the read-only database changed"; exit 1; }
[ ! -e readonly/new.db ] || { echo "FAIL: a file appeared in the read-only folder"; exit 1; }
echo "read-only folder: existing database exit $rc1, new database exit $rc2: \"$(head -c 120 readonly.err)...\"; nothing changed"
umount readonly 2> /dev/null || chmod u+w readonly readonly/r.db 2> /dev/null || true
echo PASS
