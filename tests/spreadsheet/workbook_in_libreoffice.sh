#!/usr/bin/env bash
# The finance workbook in a real spreadsheet engine (LibreOffice Calc, headless). Runs a small
# comparison (the baseline against two scenarios), writes its workbook, and checks that
#   1. as written, with the formulas' stored values (what a spreadsheet that does not recalculate
#      on opening shows), NPV and ROI on the Cash flow sheet equal the model's;
#   2. with every stored formula value removed from the file, LibreOffice's own recalculation of
#      the formulas gives the model's NPV, cashable NPV, ROI and cashable ROI for each scenario
#      (to 1e-6 of the value), the Summary's formula rows give the Cash flow sheet's figures, and
#      the Sensitivity sheet's optimism-bias grid and discount-rate table at the scenario's own
#      inputs give its NPV. Removing the stored values is the canary: a spreadsheet that did not
#      recalculate would leave those cells empty and every check would fail;
#   3. with the discount-rate input changed to 10% (as a finance lead would type it), the
#      recalculated NPV is the sum of the sheet's net cash flows discounted at 10%, computed
#      here independently, and differs from the model's NPV at 3.5%;
#   4. the model column itself is the model's: it equals `shiftsim export --summary`'s npv_gbp.
#
# Usage: workbook_in_libreoffice.sh <shiftsim binary> <data dir> <scenarios dir> <output dir>
set -euo pipefail

fail() {
  echo "workbook_in_libreoffice: FAIL: $*" >&2
  exit 1
}
[[ $# -eq 4 ]] || { echo "usage: $0 <shiftsim binary> <data dir> <scenarios dir> <output dir>" >&2; exit 2; }
shiftsim=$1
data=$2
scenarios=$3
output=$4
soffice=$(command -v soffice || command -v libreoffice || true)
[[ -n "$soffice" ]] || fail "LibreOffice was not found. Run scripts/install-deps.sh (it installs Debian's libreoffice-calc-nogui), then re-run."
for tool in unzip zip awk; do command -v "$tool" > /dev/null || fail "$tool was not found (scripts/install-deps.sh installs it)"; done
[[ -x "$shiftsim" ]] || fail "no shiftsim binary at $shiftsim"

mkdir -p "$output"
output=$(cd "$output" && pwd)
work=$(mktemp -d "$output/workbook_in_libreoffice.XXXXXX")
echo "workbook_in_libreoffice: working in $work"

# 1. A small comparison: two scenarios, so the Summary has them side by side.
"$shiftsim" compare "$scenarios/baseline.json" "$scenarios/prevention_invest_to_save.json" "$scenarios/shift1_prevention.json" \
  --data "$data" --db "$work/r.db" --scale 0.03 --replicates 3 --years 5 > "$work/compare.out" 2> "$work/compare.err" ||
  fail "shiftsim compare failed: $(tail -n 5 "$work/compare.err")"
"$shiftsim" export --db "$work/r.db" --comparison 1 --format xlsx -o "$work/case.xlsx" 2> "$work/export.err" ||
  fail "shiftsim export failed: $(tail -n 5 "$work/export.err")"
"$shiftsim" export --db "$work/r.db" --comparison 1 --format csv --summary -o "$work/summary.csv" 2>> "$work/export.err" ||
  fail "shiftsim export --summary failed"

# LibreOffice profiles: one that recalculates every formula when it loads an Excel file, one
# left at LibreOffice's default (it keeps the stored values of a file it did not write).
mkdir -p "$work/recalc/user"
cat > "$work/recalc/user/registrymodifications.xcu" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
EOF
# Every sheet to CSV (UTF-8, cells as values rather than as shown, all sheets: the last token).
to_csv() {  # profile, workbook, out dir
  mkdir -p "$3"
  timeout 300 "$soffice" --headless --norestore -env:UserInstallation="file://$work/$1" \
    --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' --outdir "$3" "$2" \
    > "$3.log" 2>&1 || fail "LibreOffice could not convert $2 (see $3.log)"
  local base
  base=$(basename "$2" .xlsx)
  [[ -s "$3/$base-Cash flow.csv" && -s "$3/$base-Summary.csv" && -s "$3/$base-Sensitivity.csv" ]] ||
    fail "LibreOffice wrote no Cash flow, Summary or Sensitivity sheet for $2 (see $3.log)"
}
# A CSV file as tab-separated fields (quoted fields with commas and doubled quotes parsed; the
# files have no tabs or line breaks inside a cell).
tsv() {
  awk '{
    n = 0; f = ""; q = 0; out = ""
    for (i = 1; i <= length($0); i++) {
      c = substr($0, i, 1)
      if (q) { if (c == "\"") { if (substr($0, i + 1, 1) == "\"") { f = f "\""; i++ } else q = 0 } else f = f c }
      else if (c == "\"") q = 1
      else if (c == ",") { out = out (n++ ? "\t" : "") f; f = "" }
      else f = f c
    }
    print out (n ? "\t" : "") f }' "$1"
}
# Field $3 of every row whose first field is exactly $2 (field 0: the whole row, tab-separated).
fields() {
  tsv "$1" | awk -F'\t' -v label="$2" -v col="$3" '$1 == label { print (col > 0 ? $col : $0) }'
}
near() {  # a b what: |a - b| <= 1e-6 max(1, |b|)
  awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; if (m < 1) m = 1; exit !(a != "" && d <= 1e-6 * m) }' ||
    fail "$3: $1, expected $2"
}

to_csv fresh "$work/case.xlsx" "$work/as_written"

# 2. The stored formula values removed.
mkdir -p "$work/x"
(cd "$work/x" && unzip -q "$work/case.xlsx")
formulas=$(cat "$work"/x/xl/worksheets/sheet*.xml | grep -o '<f>' | wc -l)
(( formulas >= 100 )) || fail "the workbook has $formulas formulas; the finance model should have hundreds"
sed -i -E 's#(</f>)<v>[^<]*</v>#\1#g' "$work"/x/xl/worksheets/sheet*.xml
left=$(cat "$work"/x/xl/worksheets/sheet*.xml | grep -o '</f><v>' | wc -l || true)
(( left == 0 )) || fail "$left stored formula values were not removed"
(cd "$work/x" && zip -q -X -r "$work/stripped.xlsx" .)
to_csv recalc "$work/stripped.xlsx" "$work/stripped_out"

cash="$work/stripped_out/stripped-Cash flow.csv"
written="$work/as_written/case-Cash flow.csv"
summary="$work/stripped_out/stripped-Summary.csv"
sens="$work/stripped_out/stripped-Sensitivity.csv"
mapfile -t npv < <(fields "$cash" "Net present value (NPV)" 2)
mapfile -t npv_model < <(fields "$cash" "Net present value (NPV)" 3)
mapfile -t npv_written < <(fields "$written" "Net present value (NPV)" 2)
(( ${#npv[@]} == 2 )) || fail "expected two scenario blocks on the Cash flow sheet, found ${#npv[@]} NPV rows"
for label in "Net present value (NPV)" "NPV, cashable savings only" \
  "Return on investment: public gross savings per GBP 1 invested (present values)" "Return on investment, cashable savings"; do
  mapfile -t got < <(fields "$cash" "$label" 2)
  mapfile -t want < <(fields "$cash" "$label" 3)
  mapfile -t shown < <(fields "$written" "$label" 2)
  for k in 0 1; do
    near "${got[k]}" "${want[k]}" "scenario $((k + 1)): recalculated '$label'"
    near "${shown[k]}" "${want[k]}" "scenario $((k + 1)): '$label' as written (stored value)"
    echo "workbook_in_libreoffice: scenario $((k + 1)) $label: recalculated ${got[k]}, model ${want[k]}"
  done
done

# The model column is the model's: export --summary's npv_gbp means, in the scenarios' order.
mapfile -t npv_export < <(tsv "$work/summary.csv" | awk -F'\t' '$4 == "horizon" && $5 == "all" && $6 == "npv_gbp" { print $9 }')
(( ${#npv_export[@]} == 2 )) || fail "export --summary has ${#npv_export[@]} npv_gbp horizon rows, expected 2"
for k in 0 1; do near "${npv_model[k]}" "${npv_export[k]}" "scenario $((k + 1)): the Cash flow sheet's model NPV against export --summary"; done

# The Summary's formula rows follow the Cash flow sheet (scenario k's mean is field 2 + 3k).
for k in 0 1; do
  s=$(fields "$summary" "NPV at the Cash flow sheet's inputs (formula)" $((2 + 3 * k)))
  near "$s" "${npv[k]}" "scenario $((k + 1)): the Summary's NPV formula"
  s=$(fields "$summary" "Net present value (NPV)" $((2 + 3 * k)))
  near "$s" "${npv_model[k]}" "scenario $((k + 1)): the Summary's side-by-side NPV"
done
# Sensitivity: the optimism-bias grid at no bias (row 0%, column 0%: the first after the row
# label) and the discount-rate table at 3.5% give the NPV (the scenarios use no optimism bias).
mapfile -t grid < <(fields "$sens" "0%" 2)
mapfile -t at_rate < <(fields "$sens" "3.5%" 2)
(( ${#grid[@]} >= 2 && ${#at_rate[@]} >= 2 )) || fail "the Sensitivity sheet's optimism-bias grid or discount-rate table is missing"
near "${grid[0]}" "${npv[0]}" "scenario 1: the optimism-bias grid at no bias"
near "${at_rate[0]}" "${npv[0]}" "scenario 1: the discount-rate table at 3.5%"

# 3. A finance lead's change: the discount rate to 10%. The input is the second cell of the
# Cash flow row labelled "Discount rate for costs, a year"; its row is its line in the CSV.
line=$(tsv "$cash" | awk -F'\t' '$1 == "Discount rate for costs, a year" && !seen++ { print NR }')
[[ -n "$line" ]] || fail "no discount rate input on the Cash flow sheet"
sheet=$(grep -o '<sheet [^>]*name="Cash flow"[^>]*r:id="rId[0-9]*"' "$work/x/xl/workbook.xml" | grep -o 'rId[0-9]*')
target=$(grep -o "<Relationship [^>]*Id=\"$sheet\"[^>]*>" "$work/x/xl/_rels/workbook.xml.rels" | grep -o 'worksheets/sheet[0-9]*\.xml')
[[ -n "$target" ]] || fail "cannot find the Cash flow sheet in the workbook's parts"
grep -q "<c r=\"B$line\" [^>]*><v>0.035</v></c>" "$work/x/xl/$target" || fail "cell B$line of the Cash flow sheet does not hold 0.035"
sed -i -E "s#(<c r=\"B$line\" [^>]*><v>)0.035(</v></c>)#\10.1\2#" "$work/x/xl/$target"
rm -f "$work/rate.xlsx"
(cd "$work/x" && zip -q -X -r "$work/rate.xlsx" .)
to_csv recalc "$work/rate.xlsx" "$work/rate_out"
rated="$work/rate_out/rate-Cash flow.csv"
npv10=$(fields "$rated" "Net present value (NPV)" 2 | awk 'NR == 1')
base=$(fields "$rated" "Price base and discounting year (financial year starting April)" 2 | awk 'NR == 1')
# Independently: the first block's net cash flows (fields 3..) and years, discounted at 10%.
expected=$(paste -d'\n' <(fields "$rated" "Financial year starting April" 0 | awk 'NR == 1') <(fields "$rated" "Net benefit, cash" 0 | awk 'NR == 1') |
  awk -v base="$base" -F'\t' '
    NR == 1 { for (i = 3; i <= NF && $i != ""; i++) fy[i] = $i; n = i - 1 }
    NR == 2 { for (i = 3; i <= n; i++) s += $i / (1.1 ^ (fy[i] - base)); printf "%.10g\n", s }')
near "$npv10" "$expected" "scenario 1: NPV at a 10% discount rate"
awk -v a="$npv10" -v b="${npv[0]}" 'BEGIN { exit !(a != b) }' || fail "the NPV did not move with the discount rate"
echo "workbook_in_libreoffice: scenario 1 NPV at 3.5% ${npv[0]}; at 10% (the input changed) $npv10, expected $expected"
cp "$work/case.xlsx" "$output/workbook.xlsx"
rm -rf "$work"
echo "workbook_in_libreoffice: workbook: $output/workbook.xlsx"
echo "workbook_in_libreoffice: PASS ($formulas formulas recalculated by $("$soffice" --version 2>/dev/null | awk 'NR == 1'))"
