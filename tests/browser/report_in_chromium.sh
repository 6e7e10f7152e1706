#!/usr/bin/env bash
# The HTML report in a real browser. Runs a small comparison (baseline vs the invest-to-save
# scenario), writes its report, then loads it in headless Chromium and checks that
#   - the page loads with no console message at all: the report logs nothing itself, so any
#     console line is a fault (a script error, an uncaught exception, a blocked network load
#     reported by the page's Content-Security-Policy, ...);
#   - every chart is drawn: the page's own script counts the svg.chart elements that have a
#     size once laid out, and that count must equal the number of charts (at least 7, one of
#     each kind);
#   - a screenshot is produced (printed at the end, and kept in the output folder).
# Before trusting silence, it checks on a deliberately broken page that this Chromium does
# report console errors and uncaught exceptions on stderr, so the check cannot pass vacuously.
#
# Usage: report_in_chromium.sh <shiftsim binary> <data dir> <scenarios dir> <output dir> <chromium>
set -euo pipefail

fail() {
  echo "report_in_chromium: FAIL: $*" >&2
  exit 1
}

[[ $# -eq 5 ]] || { echo "usage: $0 <shiftsim binary> <data dir> <scenarios dir> <output dir> <chromium>" >&2; exit 2; }
shiftsim=$1
data=$2
scenarios=$3
output=$4
chromium=$5

# CMake passes "...-NOTFOUND" (or nothing) when it found no browser at configure time.
if [[ -z "$chromium" || "$chromium" == *NOTFOUND* || ! -x "$chromium" ]]; then
  chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
  [[ -n "$chromium" ]] || fail "Chromium was not found. Run scripts/install-deps.sh (it installs Debian's chromium package), then re-run cmake."
fi
[[ -x "$shiftsim" ]] || fail "no shiftsim binary at $shiftsim (build the shiftsim target first)"
[[ -f "$scenarios/baseline.json" && -f "$scenarios/prevention_invest_to_save.json" ]] || fail "scenarios not found in $scenarios"

mkdir -p "$output"
output=$(cd "$output" && pwd)
work=$(mktemp -d "$output/report_in_chromium.XXXXXX")
echo "report_in_chromium: working in $work"

# Headless Chromium, with its own profile (no writes to $HOME, no clash between runs) and
# console messages sent to stderr. --no-sandbox: tests may run as root, where the sandbox
# refuses to start.
browse() {
  timeout 180 "$chromium" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$work/profile" --enable-logging=stderr --v=0 "$@"
}
# Console lines look like `[pid:tid:time:INFO:CONSOLE:12] "message", source: file:///... (12)`
# (older builds: `INFO:CONSOLE(12)]`); Chromium prints them all at INFO, whatever the level.
console_lines() { grep -E ':CONSOLE[(:]' "$1" || true; }

# 1. The detector works: a page with a console.error and an uncaught exception is caught.
cat > "$work/canary.html" <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>canary</title></head><body><p>canary</p>
<script>console.error("canary console.error");</script>
<script>window.addEventListener('load', function () { throw new Error("canary uncaught exception"); });</script>
</body></html>
EOF
browse --dump-dom "file://$work/canary.html" > "$work/canary.dom" 2> "$work/canary.log" || fail "Chromium failed on a test page (see $work/canary.log)"
canary=$(console_lines "$work/canary.log")
if ! grep -q "canary console.error" <<< "$canary" || ! grep -q "Uncaught Error: canary uncaught exception" <<< "$canary"; then
  fail "this Chromium ($("$chromium" --version 2>/dev/null || echo unknown version)) did not report a deliberate console.error and uncaught exception on stderr, so console errors in the report could not be detected (see $work/canary.log)"
fi

# 2. A small comparison and its report (at scale 0.03: at 0.01 and two years, common random
#    numbers leave the few participants' costs exactly equal to the baseline's, so there are no
#    savings and no who-pays-who-saves chart to draw).
"$shiftsim" compare "$scenarios/baseline.json" "$scenarios/prevention_invest_to_save.json" --data "$data" --db "$work/r.db" \
  --scale 0.03 --replicates 3 --years 2 --json > "$work/compare.json" 2> "$work/compare.err" ||
  fail "shiftsim compare failed: $(tail -n 5 "$work/compare.err")"
flat=$(tr -d ' \n\t' < "$work/compare.json")
run_ids=$(grep -o '"run_ids":\[[0-9,]*\]' <<< "$flat" | grep -o '[0-9][0-9,]*' || true)
[[ -n "$run_ids" ]] || fail "shiftsim compare --json printed no run_ids (see $work/compare.json)"
scenario_run=${run_ids##*,}
"$shiftsim" report --run "$scenario_run" --db "$work/r.db" -o "$work/report.html" 2> "$work/report.err" ||
  fail "shiftsim report failed: $(tail -n 5 "$work/report.err")"
[[ -s "$work/report.html" ]] || fail "shiftsim report wrote no HTML"

# 3. Self-contained: nothing to fetch (the page's Content-Security-Policy would also block it
#    and log it on the console).
if grep -Eqi '(src|href)="(https?:)?//|@import|url\(' "$work/report.html"; then
  fail "the report refers to an outside resource: $(grep -Eoi '(src|href)="(https?:)?//[^"]*|@import[^;]*|url\([^)]*\)' "$work/report.html" | head -n 3)"
fi

# 4. Load it: a screenshot, then the DOM after the load event.
browse --window-size=1280,4000 --screenshot="$work/report.png" "file://$work/report.html" > "$work/screenshot.out" 2> "$work/screenshot.log" ||
  fail "Chromium failed to take the screenshot (see $work/screenshot.log)"
[[ -s "$work/report.png" ]] || fail "Chromium produced no screenshot"
[[ $(head -c 8 "$work/report.png" | od -An -tx1 | tr -d ' \n') == "89504e470d0a1a0a" ]] || fail "the screenshot is not a PNG"
browse --window-size=1280,4000 --dump-dom "file://$work/report.html" > "$work/report.dom" 2> "$work/dom.log" ||
  fail "Chromium failed to load the report (see $work/dom.log)"

errors=$(console_lines "$work/screenshot.log"; console_lines "$work/dom.log")
[[ -z "$errors" ]] || fail "the report logged on the browser console:
$errors"

# 5. Every chart drawn.
body=$(grep -o '<body[^>]*>' "$work/report.dom" | head -n 1 || true)
rendered=$(grep -o 'data-charts-rendered="[0-9]*"' <<< "$body" | grep -o '[0-9][0-9]*' || true)
total=$(grep -o 'data-charts-total="[0-9]*"' <<< "$body" | grep -o '[0-9][0-9]*' || true)
charts=$(grep -o '<svg class="chart"' "$work/report.dom" | wc -l)
[[ -n "$rendered" && -n "$total" ]] || fail "the page's chart check did not run (no data-charts-rendered on <body>: $body)"
((charts >= 7)) || fail "only $charts charts in the report; a comparison has at least 7"
((total == charts)) || fail "the page counted $total charts but the DOM has $charts"
((rendered == charts)) || fail "only $rendered of $charts charts were laid out with a size"
for kind in decision cost-by-payer savings-roi-distribution who-pays-who-saves break-even break-even-distribution le-gap equity-efficiency activity-fan; do
  grep -q "data-chart=\"$kind\"" "$work/report.dom" || fail "no $kind chart in the report"
done

# 6. The board paper. The first screen (1280 x 800) holds the decision box whole, with its chart
#    drawn; the two-page summary (the page printed at #print-summary, as its button does) prints
#    to at most two A4 pages; the whole report prints to more (the appendices follow).
browse --window-size=1280,800 --screenshot="$work/first-screen.png" "file://$work/report.html" > /dev/null 2> "$work/first.log" ||
  fail "Chromium failed to take the first-screen screenshot (see $work/first.log)"
browse --window-size=1280,800 --dump-dom "file://$work/report.html" > "$work/first.dom" 2> "$work/first-dom.log" ||
  fail "Chromium failed to load the report at 1280x800 (see $work/first-dom.log)"
bottom=$(grep -o '<body[^>]*>' "$work/first.dom" | grep -o 'data-decision-bottom="[0-9]*"' | grep -o '[0-9][0-9]*' || true)
[[ -n "$bottom" ]] || fail "the page did not mark its decision box (no data-decision-bottom on <body>)"
((bottom <= 800)) || fail "the decision box ends at ${bottom}px: it does not fit the first 1280x800 screen"
grep -q 'data-chart="decision"' "$work/first.dom" || fail "no chart beside the decision on the first screen"
for words in "Invest" "Return" "Pays back" "Who pays, who saves" "Health and equity"; do
  grep -q "<p class=\"tile-head\">$words</p>" "$work/first.dom" || fail "the decision box has no '$words'"
done
pdf_pages() { pdfinfo "$1" 2> /dev/null | awk '$1 == "Pages:" { print $2 }'; }
browse --no-pdf-header-footer --print-to-pdf="$work/summary.pdf" "file://$work/report.html#print-summary" > /dev/null 2> "$work/pdf.log" ||
  fail "Chromium failed to print the summary (see $work/pdf.log)"
browse --no-pdf-header-footer --print-to-pdf="$work/full.pdf" "file://$work/report.html" > /dev/null 2>> "$work/pdf.log" ||
  fail "Chromium failed to print the report (see $work/pdf.log)"
summary_pages=$(pdf_pages "$work/summary.pdf")
full_pages=$(pdf_pages "$work/full.pdf")
[[ -n "$summary_pages" && -n "$full_pages" ]] || fail "pdfinfo could not read the printed PDFs (see $work/pdf.log)"
((summary_pages >= 1 && summary_pages <= 2)) || fail "the two-page summary prints to $summary_pages pages"
((full_pages > summary_pages)) || fail "the whole report prints to $full_pages pages, no more than its summary ($summary_pages)"
pdftoppm -png -r 60 "$work/summary.pdf" "$work/printed-summary" || fail "pdftoppm could not render the printed summary"
echo "report_in_chromium: first screen: decision box ends at ${bottom}px of 800; summary prints to $summary_pages pages (A4), the whole report to $full_pages"

# Keep the report and its screenshot at fixed places in the output folder; drop the rest.
cp "$work/first-screen.png" "$output/report-first-screen.png"
cp "$work/summary.pdf" "$output/report-summary.pdf"
for page in "$work"/printed-summary-*.png; do cp "$page" "$output/report-$(basename "$page")"; done
cp "$work/report.html" "$output/report.html"
cp "$work/report.png" "$output/report.png"
rm -rf "$work"
echo "report_in_chromium: OK: $charts charts drawn, no console messages"
echo "report_in_chromium: report:     $output/report.html"
echo "report_in_chromium: screenshot: $output/report.png"
echo "report_in_chromium: first screen (1280x800): $output/report-first-screen.png"
echo "report_in_chromium: printed summary: $output/report-summary.pdf and its pages $(cd "$output" && ls report-printed-summary-*.png | tr '\n' ' ')"
