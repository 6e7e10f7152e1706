#!/usr/bin/env bash
# The validation report in a real browser. Runs `shiftsim validate` on the shipped observed
# series (small scale, few replicates: this checks the page, not the fit), writes its report,
# loads it in headless Chromium and checks that
#   - the page loads with no console message at all (any console line is a fault);
#   - every chart is drawn (the page's script counts the laid-out svg.chart elements), and
#     every series the database says was compared has its small multiples in the page;
#   - a screenshot is produced (kept in the output folder).
# The canary (a page that does log) is checked first, so silence cannot pass vacuously.
#
# Usage: validation_in_chromium.sh <shiftsim binary> <data dir> <output dir> <chromium>
set -euo pipefail

fail() {
  echo "validation_in_chromium: FAIL: $*" >&2
  exit 1
}

[[ $# -eq 4 ]] || { echo "usage: $0 <shiftsim binary> <data dir> <output dir> <chromium>" >&2; exit 2; }
shiftsim=$1
data=$2
output=$3
chromium=$4
if [[ -z "$chromium" || "$chromium" == *NOTFOUND* || ! -x "$chromium" ]]; then
  chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
  [[ -n "$chromium" ]] || fail "Chromium was not found. Run scripts/install-deps.sh (it installs Debian's chromium package), then re-run cmake."
fi
[[ -x "$shiftsim" ]] || fail "no shiftsim binary at $shiftsim"
command -v sqlite3 > /dev/null || fail "the sqlite3 command is needed (scripts/install-deps.sh installs it)"

mkdir -p "$output"
output=$(cd "$output" && pwd)
work=$(mktemp -d "$output/validation_in_chromium.XXXXXX")
browse() {
  timeout 180 "$chromium" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$work/profile" --enable-logging=stderr --v=0 "$@"
}
console_lines() { grep -E ':CONSOLE[(:]' "$1" || true; }

cat > "$work/canary.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>canary</title></head><body><p>canary</p>
<script>console.error("canary console.error");</script>
</body></html>
HTML
browse --dump-dom "file://$work/canary.html" > "$work/canary.dom" 2> "$work/canary.log" || fail "Chromium failed on a test page (see $work/canary.log)"
grep -q "canary console.error" <<< "$(console_lines "$work/canary.log")" ||
  fail "this Chromium did not report a deliberate console.error on stderr, so console errors could not be detected"

"$shiftsim" validate --data "$data" --scale 0.05 --replicates 3 --years 3 --db "$work/v.db" --report "$work/validation.html" \
  > "$work/validate.out" 2> "$work/validate.err" || fail "shiftsim validate failed: $(tail -n 5 "$work/validate.err")"
[[ -s "$work/validation.html" ]] || fail "shiftsim validate wrote no report"
if grep -Eqi '(src|href)="(https?:)?//|@import|url\(' "$work/validation.html"; then
  fail "the report refers to an outside resource"
fi

browse --window-size=1280,3000 --screenshot="$work/validation.png" "file://$work/validation.html" > /dev/null 2> "$work/screenshot.log" ||
  fail "Chromium failed to take the screenshot (see $work/screenshot.log)"
[[ $(head -c 8 "$work/validation.png" | od -An -tx1 | tr -d ' \n') == "89504e470d0a1a0a" ]] || fail "the screenshot is not a PNG"
browse --window-size=1280,3000 --dump-dom "file://$work/validation.html" > "$work/validation.dom" 2> "$work/dom.log" ||
  fail "Chromium failed to load the report (see $work/dom.log)"
errors=$(console_lines "$work/screenshot.log"; console_lines "$work/dom.log")
[[ -z "$errors" ]] || fail "the report logged on the browser console:
$errors"

body=$(grep -o '<body[^>]*>' "$work/validation.dom" | head -n 1 || true)
rendered=$(grep -o 'data-charts-rendered="[0-9]*"' <<< "$body" | grep -o '[0-9][0-9]*' || true)
total=$(grep -o 'data-charts-total="[0-9]*"' <<< "$body" | grep -o '[0-9][0-9]*' || true)
charts=$(grep -o '<svg class="chart"' "$work/validation.dom" | wc -l)
[[ -n "$rendered" && -n "$total" ]] || fail "the page's chart check did not run (no data-charts-rendered on <body>)"
expected=$(sqlite3 "$work/v.db" "SELECT COUNT(*) FROM (SELECT DISTINCT series, geography, sex, age_band FROM validation_rows WHERE compared = 1)")
((charts == expected)) || fail "$charts charts in the page, but $expected series, geographies, sexes and age bands were compared"
((charts >= 50)) || fail "only $charts charts: the shipped series compare in every district"
((total == charts && rendered == charts)) || fail "only $rendered of $charts charts were laid out with a size"
for series in $(sqlite3 "$work/v.db" "SELECT series FROM validation_series WHERE compared > 0"); do
  grep -q "data-series=\"$series\"" "$work/validation.dom" || fail "no chart of $series, which was compared"
done

cp "$work/validation.html" "$output/validation.html"
cp "$work/validation.png" "$output/validation.png"
rm -rf "$work"
echo "validation_in_chromium: OK: $charts charts drawn, every compared series plotted, no console messages"
echo "validation_in_chromium: report:     $output/validation.html"
echo "validation_in_chromium: screenshot: $output/validation.png"
