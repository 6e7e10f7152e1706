#!/usr/bin/env python3
"""Builds data/observed.csv, the observed series `shiftsim validate` compares the model with,
from the region data (data/lsc) and the held-back figures (data/held_back). Only needed to
regenerate the file after one of them changes; the build and the tests never run it (the
tests check the shipped file against the same sources). Python 3 standard library only.

    scripts/observed-series.py            # rewrites data/observed.csv

Rules (each row keeps its source):
- district figures as published; ICP and region figures are sums of their districts, made
  only when every district of the ICP (or region) has the figure;
- in_migrants / out_migrants: ONS internal + international flows of each district;
- Fingertips indicators are used exactly as extracted (data/lsc/SOURCES.md, A11); their
  "YYYY/YY" periods are financial years (FYYYYY/YY here), their "YYYY" periods calendar years;
- A&E: the region's four acute trusts, each assigned to the ICP it serves (provider-based);
- admitted care: the ICB's residence-based admissions of "yr 2018", taken as FY2018/19 (A4).
"""
import csv
import os
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LSC = os.path.join(ROOT, "data", "lsc")
HELD = os.path.join(ROOT, "data", "held_back")


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


lookup = read(os.path.join(LSC, "lad_lookup.csv"))
icp_of = {r["lad_code"]: r["icp"] for r in lookup}
districts_of = defaultdict(list)
for code, icp in icp_of.items():
    districts_of[icp].append(code)
icps = sorted(districts_of)

rows = []  # (series, geography, period, sex, age_band, value, source)


def add_with_sums(series, period, sex, age, by_district, source, sum_note="; summed over its districts"):
    """District rows, then ICP and region sums where every district has a value."""
    for code in sorted(by_district, key=lambda c: [r["lad_code"] for r in lookup].index(c)):
        rows.append((series, code, period, sex, age, by_district[code], source))
    for icp in icps:
        if all(c in by_district for c in districts_of[icp]):
            rows.append((series, icp, period, sex, age, sum(by_district[c] for c in districts_of[icp]), source + sum_note))
    if all(c in by_district for c in icp_of):
        rows.append((series, "region", period, sex, age, sum(by_district.values()), source + sum_note))


def number(text):
    v = float(text)
    return int(v) if v.is_integer() else v


# 1. District populations, mid-2001 to mid-2018 (ONS MYE5).
src = "ONS MYE5 mid-2001 to mid-2019 (population_lad_totals_2001_2018.csv in data/lsc, SOURCES.md)"
by_year = defaultdict(dict)
for r in read(os.path.join(LSC, "population_lad_totals_2001_2018.csv")):
    if r["area_code"] in icp_of:
        by_year[int(r["year"])][r["area_code"]] = number(r["population"])
for y in sorted(by_year):
    add_with_sums("population", f"mid-{y}", "persons", "all", by_year[y], src)

# 2. Components of change, year to mid-2018 (ONS MYE3).
src = "ONS MYE3 components of change, year to mid-2018 (components_of_change_lad_mid2018.csv in data/lsc, SOURCES.md)"
cc = [r for r in read(os.path.join(LSC, "components_of_change_lad_mid2018.csv")) if r["area_code"] in icp_of]
for series, f in [("births", lambda r: number(r["births"])), ("deaths", lambda r: number(r["deaths"])),
                  ("in_migrants", lambda r: number(r["internal_migration_inflow"]) + number(r["international_migration_inflow"])),
                  ("out_migrants", lambda r: number(r["internal_migration_outflow"]) + number(r["international_migration_outflow"]))]:
    note = " (internal + international)" if "migrants" in series else ""
    add_with_sums(series, "2017/18", "persons", "all", {r["area_code"]: f(r) for r in cc}, src + note)

# 3. Held back: ONS mid-2019 to mid-2022 populations and the components of the years to mid-2019
#    and mid-2020 (data/held_back/ons_mye_lad_mid2019_to_mid2022.csv, each row with its workbook).
mye = read(os.path.join(HELD, "ons_mye_lad_mid2019_to_mid2022.csv"))
groups = defaultdict(dict)
sources = {}
for r in mye:
    if r["series"] == "population" and r["period"] == "mid-2018":
        continue  # the region data's own figure (section 1)
    groups[(r["series"], r["period"], r["sex"])][r["lad_code"]] = number(r["value"])
    sources[(r["series"], r["period"], r["sex"])] = r["source"].split("#")[0]
for (series, period, sex), by in sorted(groups.items()):
    if series != "population" and series not in ("births", "deaths"):
        continue
    note = ""
    if period in ("mid-2021", "mid-2022"):
        note = "; Census 2021-based, a series break from mid-2020"
    add_with_sums(series, period, sex, "all", by, "ONS MYE (held back: data/held_back, " + sources[(series, period, sex)] + ")" + note)
for period in ("2018/19", "2019/20"):
    for series, parts in [("in_migrants", ("internal_in", "international_in")), ("out_migrants", ("internal_out", "international_out"))]:
        by = {}
        for code in icp_of:
            if all(code in groups.get((p, period, "persons"), {}) for p in parts):
                by[code] = sum(groups[(p, period, "persons")][code] for p in parts)
        add_with_sums(series, period, "persons", "all", by,
                      "ONS MYE3 (held back: data/held_back, " + sources[(parts[0], period, "persons")] + ") (internal + international)")

# 4. Life expectancy at birth, 2017-19, by district and sex (OHID Fingertips 90366, held back).
for r in read(os.path.join(HELD, "life_expectancy_birth_lad_2017_19.csv")):
    rows.append(("life_expectancy_birth_years", r["lad_code"], r["period"], r["sex"], "all", number(r["value"]),
                 "OHID Fingertips 90366 (held back: data/held_back/life_expectancy_birth_lad_2017_19.csv, "
                 "traffordDataLab/trafford_themes@ae20a08 data/health/life_expectancy.csv)"))

# 5. A&E attendances, FY2016/17, by trust (assigned to the ICP each serves) and the region.
trust_icp = {"RTX": "Morecambe Bay", "RXL": "Fylde Coast", "RXN": "Central Lancashire", "RXR": "Pennine Lancashire"}
ae = defaultdict(int)
for r in read(os.path.join(LSC, "ae_attendances_annual_2016_17.csv")):
    if r["org_code"] in trust_icp and r["financial_year"] == "2016/17":
        ae[r["org_code"]] += int(r["attendances"])
src = "NHS England A&E Attendances and Emergency Admissions 2016/17 (ae_attendances_annual_2016_17.csv in data/lsc, A7)"
for org, icp in sorted(trust_icp.items(), key=lambda x: x[1]):
    rows.append(("ae_attendances", icp, "FY2016/17", "persons", "all", ae[org], src + f", trust {org}, all department types (provider-based)"))
rows.append(("ae_attendances", "region", "FY2016/17", "persons", "all", sum(ae.values()), src + ", the four trusts, all department types"))

# 6. Admitted care, "yr 2018" (taken as FY2018/19, A4), residence-based, the whole ICB.
emergency = elective = 0
for r in read(os.path.join(LSC, "apc_admissions_2018_lsc_icb_and_england.csv")):
    if r["area_code"] != "QE1":
        continue
    if r["admission_group"] in ("emer", "paeds-emer"):
        emergency += int(r["admissions"])
    elif r["admission_group"] in ("ordelec", "paeds-elec", "daycase", "reg"):
        elective += int(r["admissions"])
src = "HES-derived admitted care by ICB of residence, QE1, yr 2018 taken as FY2018/19 (apc_admissions_2018_lsc_icb_and_england.csv in data/lsc, A4)"
rows.append(("emergency_admissions", "region", "FY2018/19", "persons", "all", emergency, src + ": emer + paeds-emer"))
rows.append(("elective_admissions", "region", "FY2018/19", "persons", "all", elective, src + ": ordelec + paeds-elec + daycase + reg"))

# 7. Fingertips indicators by district (A11).
indicators = {
    "92443": ("smokers_percent", "18+"),
    "93088": ("overweight_or_obese_percent", "18+"),
    "93015": ("inactive_percent", "19+"),
    "22401": ("falls_admissions_65_plus_per_100k", "65+"),
    "91414": ("alcohol_related_admissions_per_100k", "all"),
    "848": ("depression_qof_percent", "18+"),
}
for r in read(os.path.join(LSC, "fingertips_indicators_lsc.csv")):
    if r["fingertips_indicator_id"] not in indicators or r["area_code"] not in icp_of or not r["value"]:
        continue
    series, age = indicators[r["fingertips_indicator_id"]]
    p = r["period"]
    if len(p) == 4 and p.isdigit():
        period = p
    elif len(p) == 7 and p[4] == "/":
        period = "FY" + p
    else:
        continue
    rows.append((series, r["area_code"], period, r["sex"].lower(), age, number(r["value"]),
                 f"OHID Fingertips {r['fingertips_indicator_id']} {r['indicator']} ({r['measure']}) via {r['source_repo']} "
                 f"{r['source_file']} (fingertips_indicators_lsc.csv in data/lsc, A11)"))

# The smoking calibration's targets: the districts' APS prevalence 2013-2017, the calendar
# years a back-cast from mid-2012 covers before the data's base year (nothing held back).
smoking = [r for r in rows if r[0] == "smokers_percent" and r[2] in ("2013", "2014", "2015", "2016", "2017")]
with open(os.path.join(ROOT, "data", "calibration", "smoking_prevalence_2013_2017.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["series", "geography", "period", "sex", "age_band", "value", "source"])
    for r in smoking:
        w.writerow(r)

out = os.path.join(ROOT, "data", "observed.csv")
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["series", "geography", "period", "sex", "age_band", "value", "source"])
    for r in rows:
        w.writerow(r)
print(f"observed-series: {len(rows)} rows written to {os.path.relpath(out, ROOT)}", file=sys.stderr)
