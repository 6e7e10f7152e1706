#!/usr/bin/env bash
# shiftsim serve end to end in a real browser: starts the server on a free port of 127.0.0.1 with
# its own database, then drives Debian's Chromium with playwright-core (tests/serve/serve.mjs):
# open the page, change a budget, run, see the chart update, download the workbook, submit a bad
# value and see the message next to the field, and two users at once: one cancels, the other's
# run finishes. Screenshots land in the output folder.
#
# Usage: serve_in_chromium.sh <shiftsim binary> <data dir> <scenarios dir> <output dir> <chromium>
set -euo pipefail
fail() { echo "serve_in_chromium: FAIL: $*" >&2; exit 1; }
[[ $# -eq 5 ]] || { echo "usage: $0 <shiftsim binary> <data dir> <scenarios dir> <output dir> <chromium>" >&2; exit 2; }
shiftsim=$1 data=$2 scenarios=$3 output=$4 chromium=$5
here=$(cd "$(dirname "$0")" && pwd)
if [[ -z "$chromium" || "$chromium" == *NOTFOUND* || ! -x "$chromium" ]]; then
  chromium=$(command -v chromium || command -v chromium-browser || true)
  [[ -n "$chromium" ]] || fail "Chromium was not found. Run scripts/install-deps.sh (it installs Debian's chromium package)."
fi
command -v node > /dev/null || fail "Node.js was not found. Run scripts/install-deps.sh."
[[ -d "$here/node_modules/playwright-core" ]] || fail "playwright-core is not installed in $here. Run scripts/install-deps.sh (npm ci there)."
mkdir -p "$output"
output=$(cd "$output" && pwd)
work=$(mktemp -d "$output/serve_in_chromium.XXXXXX")
"$shiftsim" serve --port 0 --db "$work/serve.db" --data "$data" --scenarios "$scenarios" --threads 2 > "$work/serve.out" 2> "$work/serve.err" &
server=$!
trap 'kill "$server" 2> /dev/null || true; wait "$server" 2> /dev/null || true' EXIT
port=""
for _ in $(seq 1 100); do
  port=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out" 2> /dev/null | grep -o '[0-9]*$' || true)
  [[ -n "$port" ]] && break
  kill -0 "$server" 2> /dev/null || fail "shiftsim serve exited: $(cat "$work/serve.err")"
  sleep 0.1
done
[[ -n "$port" ]] || fail "shiftsim serve did not say where it listens (see $work/serve.out)"
echo "serve_in_chromium: shiftsim serve on 127.0.0.1:$port"
SHIFTSIM_URL="http://127.0.0.1:$port/" CHROMIUM="$chromium" OUT="$work" timeout 600 node "$here/serve.mjs" ||
  fail "the browser test failed (server log: $work/serve.err)"
# The server must still be up after everything the test typed.
kill -0 "$server" 2> /dev/null || fail "shiftsim serve died during the test: $(tail -n 5 "$work/serve.err")"
kill -INT "$server"
wait "$server" || fail "shiftsim serve did not stop cleanly on SIGINT"
trap - EXIT
# A sanitizer build (tsan, asan) reports on the server's stderr: any report fails the test.
if grep -q "Sanitizer" "$work/serve.err"; then
  cat "$work/serve.err" >&2
  fail "the server's sanitizer reported (above)"
fi
for f in serve-page.png serve-answer.png serve-bad-value.png; do cp "$work/$f" "$output/$f"; done
rm -rf "$work"
echo "serve_in_chromium: OK; screenshots $output/serve-page.png, serve-answer.png, serve-bad-value.png"
