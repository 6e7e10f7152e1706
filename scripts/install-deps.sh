#!/usr/bin/env bash
# Installs the Debian 12 packages ShiftSim needs to build, test and benchmark.
# Idempotent: packages already present are left alone, and apt is not called at all
# when everything is installed. Runs as root without prompting (uses sudo otherwise).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git   # compiler and build system
  libeigen3-dev                          # Eigen: state vectors (system dynamics)
  libboost-random-dev libboost-math-dev  # Boost.Random distributions, Boost.Math
  libtbb-dev                             # TBB: parallel loops over blocks of people
  libcli11-dev                           # CLI11: the shiftsim command line
  nlohmann-json3-dev                     # nlohmann/json: scenarios and --json output
  doctest-dev                            # doctest: the test suite
  libsqlite3-dev sqlite3                 # SQLite: the results store (sqlite3 for users' own queries)
  librandom123-dev                       # Random123: counter-based Philox generator
  libvalijson-dev                        # valijson: checks scenario files against their JSON Schema
  libbenchmark-dev                       # Google Benchmark: bench/ micro-benchmarks
  libxlsxwriter-dev                      # libxlsxwriter: the Excel workbook finance leads open
  chromium                               # headless Chromium: the report's browser test (and PDF printing)
  poppler-utils                          # pdfinfo and pdftoppm: the printed summary's page count and page images in the test
  unzip zip                              # the export tests open the workbook's parts (and rezip an edited copy)
  libreoffice-calc-nogui                 # LibreOffice Calc, headless: recalculates the workbook's formulas in a test
  libopenmpi-dev openmpi-bin             # Open MPI: shiftsim sweep across processes and machines
  libcpp-httplib-dev                     # cpp-httplib: the local web app (shiftsim serve)
  nodejs                                 # Node.js: runs the web app's browser test (playwright-core from npm, tests/serve)
  clang libclang-rt-14-dev               # libFuzzer and the sanitizers' runtimes: the fuzz preset (scripts/fuzz.sh)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
else
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# npm: Debian's package, unless the machine's Node.js already brings its own.
if ! command -v npm > /dev/null; then
  echo "install-deps: installing npm"
  $SUDO apt-get install -y -qq --no-install-recommends npm
fi
# The browser test's npm packages (playwright-core, pinned in tests/serve/package-lock.json; it
# drives Debian's chromium and downloads no browser).
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$here/tests/serve/node_modules/playwright-core" ]; then
  echo "install-deps: npm ci in tests/serve"
  (cd "$here/tests/serve" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
echo "install-deps: done"
