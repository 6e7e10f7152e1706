// Region data loader. Each load_* function reads one file, checks it completely and either
// fills its part of RegionData or throws DataError with every problem found in that file.
#include "scenarios/region_loader.hpp"
#include "scenarios/strict_json.hpp"

#include "scenarios/csv.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

namespace shiftsim::inputs {

using model::RegionData;
namespace fs = std::filesystem;

namespace {

constexpr long kMaxCount = 100'000'000;  // no count in a region file is larger

struct Config {
  std::string name;
  int base_year = 0;
  std::string life_table_period;
  struct Indicator {
    std::string fingertips_id, period;
    double max = 100;  // "percent" (0-100) or "per_100k" (0-100,000)
  };
  std::map<std::string, Indicator> indicators;
  std::string england_code, region_code;
  std::string apc_area;
  std::vector<std::string> ae_trusts;
  std::string ae_year;
  std::string spend_year;
  std::string le_gap_period;
  std::string health_state_period;  // disability-free life expectancy: DFLE65 and its SII
  int small_area_year = 0;
  std::string annual_deaths_group, annual_deaths_subgroup;  // the registrations series of the mortality level
};

Config load_config(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw DataError({Problem{file.string(), 0, "", "cannot open the region description"}});
  nlohmann::json j;
  try {
    std::ostringstream text;
    text << in.rdbuf();
    j = parse_strict_json(text.str());  // duplicate keys, depth, numbers out of range (strict_json.hpp)
  } catch (const JsonInputError& e) {
    throw DataError({Problem{file.string(), 0, "", e.what()}});  // "/path: what is wrong"
  }
  std::vector<Problem> problems;
  Config c;
  auto need = [&](const char* key, auto& out) {
    try {
      out = j.at(key).get<std::decay_t<decltype(out)>>();
    } catch (const std::exception&) {
      problems.push_back({file.string(), 0, key, "is missing or has the wrong type"});
    }
  };
  need("name", c.name);
  need("base_year", c.base_year);
  need("life_table_period", c.life_table_period);
  need("admitted_care_area_code", c.apc_area);
  need("ae_trusts", c.ae_trusts);
  need("ae_financial_year", c.ae_year);
  need("nhs_spend_year", c.spend_year);
  need("le_gap_period", c.le_gap_period);
  need("health_state_period", c.health_state_period);
  need("small_area_population_year", c.small_area_year);
  try {
    c.annual_deaths_group = j.at("mortality_level_series").at("group").get<std::string>();
    c.annual_deaths_subgroup = j.at("mortality_level_series").at("subgroup").get<std::string>();
  } catch (const std::exception&) {
    problems.push_back({file.string(), 0, "mortality_level_series",
                        "must name the registrations series the mortality level is checked against: {\"group\": ..., \"subgroup\": ...}"});
  }
  try {
    c.england_code = j.at("reference_area_codes").at("england").get<std::string>();
    c.region_code = j.at("reference_area_codes").value("region", std::string());
  } catch (const std::exception&) {
    problems.push_back({file.string(), 0, "reference_area_codes.england", "is missing"});
  }
  try {
    for (auto& [id, v] : j.at("indicators").items()) {
      const std::string unit = v.value("unit", std::string("percent"));
      if (unit != "percent" && unit != "per_100k")
        problems.push_back({file.string(), 0, "indicators." + id + ".unit", "must be \"percent\" or \"per_100k\", found \"" + unit + "\""});
      c.indicators[id] = {v.at("fingertips_id").get<std::string>(), v.at("period").get<std::string>(), unit == "per_100k" ? 1e5 : 100.0};
    }
  } catch (const std::exception&) {
    problems.push_back({file.string(), 0, "indicators",
                        "must map each indicator id to {fingertips_id, period, and optionally unit}"});
  }
  for (const char* id : {"smoking_prevalence_adults", "excess_weight_adults", "inactive_adults",
                         "depression_qof_prevalence", "falls_admissions_65_plus"})
    if (!c.indicators.count(id))
      problems.push_back({file.string(), 0, std::string("indicators.") + id, "is missing"});
  if (!problems.empty()) throw DataError(problems);
  return c;
}

bool is_lad_code(const std::string& s) {
  return s.size() == 9 && s[0] == 'E' && std::all_of(s.begin() + 1, s.end(), ::isdigit);
}

void load_lookup(const fs::path& file, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"lad_code", "lad_name", "icp", "upper_tier", "area_sq_km"})) ck.finish();
  std::set<std::string> seen;
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    model::District d;
    d.code = ck.text(i, "lad_code");
    if (!is_lad_code(d.code)) ck.fail(i, "lad_code", "is '" + d.code + "', but must be an ONS district code like E07000117");
    if (!seen.insert(d.code).second) ck.fail(i, "lad_code", "'" + d.code + "' appears twice");
    d.name = ck.text(i, "lad_name");
    if (d.name.empty()) ck.fail(i, "lad_name", "is empty");
    const std::string& icp = ck.text(i, "icp");
    if (icp.empty()) ck.fail(i, "icp", "is empty, but every district must belong to an ICP");
    auto it = std::find_if(r.icps.begin(), r.icps.end(), [&](auto& x) { return x.name == icp; });
    if (it == r.icps.end()) {
      r.icps.push_back({icp});
      d.icp = static_cast<int>(r.icps.size() - 1);
    } else {
      d.icp = static_cast<int>(it - r.icps.begin());
    }
    d.upper_tier = ck.text(i, "upper_tier");
    // The council responsible for adult social care: the unitary itself, or the county.
    const std::string council = d.upper_tier == "Unitary authority" ? d.name : d.upper_tier;
    auto ct = std::find(r.councils.begin(), r.councils.end(), council);
    if (ct == r.councils.end()) {
      r.councils.push_back(council);
      d.council = static_cast<int>(r.councils.size() - 1);
    } else {
      d.council = static_cast<int>(ct - r.councils.begin());
    }
    ck.number(i, "area_sq_km", 0.01, 1e6);
    r.districts.push_back(std::move(d));
  }
  if (t.row_count() == 0) ck.fail_file("has no districts");
  ck.finish();
}

int age_of_label(const std::string& s) {
  if (s == "90+") return 90;
  const auto v = parse_integer(s);
  if (!v || *v < 0 || *v > 89) return -1;
  return static_cast<int>(*v);
}

void load_population(const fs::path& file, const Config& cfg, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"year", "area_code", "area_name", "icp", "sex", "age", "population"})) ck.finish();
  const std::size_t nd = r.districts.size();
  r.population.assign(nd, {});
  std::vector<std::array<std::array<int, 91>, 2>> seen(nd);
  int england_rows = 0;
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    const std::string& code = ck.text(i, "area_code");
    const bool england = code == cfg.england_code;
    if (!england && !cfg.region_code.empty() && code == cfg.region_code) continue;
    const int d = england ? 0 : r.district_index(code);
    if (d < 0) {
      ck.fail(i, "area_code", "'" + code + "' is not a district of lad_lookup.csv");
      continue;
    }
    const auto year = ck.integer(i, "year", cfg.base_year, cfg.base_year);
    const auto sex = ck.one_of(i, "sex", {"Male", "Female"});
    const int age = age_of_label(ck.text(i, "age"));
    if (age < 0) ck.fail(i, "age", "is '" + ck.text(i, "age") + "', but must be 0..89 or 90+");
    const auto pop = ck.integer(i, "population", 0, kMaxCount);
    if (!year || !sex || age < 0 || !pop) continue;
    const int s = *sex == "Male" ? 0 : 1;
    const auto du = static_cast<std::size_t>(d);
    const auto su = static_cast<std::size_t>(s);
    const auto au = static_cast<std::size_t>(age);
    if (england) {
      r.england_population[su][au] = *pop;
      ++england_rows;
      continue;
    }
    if (seen[du][su][au]++) ck.fail(i, "age", "duplicate row for " + code + " " + *sex + " age " + ck.text(i, "age"));
    r.population[du][su][au] = *pop;
  }
  for (std::size_t d = 0; d < nd; ++d)
    for (int s = 0; s < 2; ++s)
      for (int a = 0; a <= 90; ++a)
        if (!seen[d][static_cast<std::size_t>(s)][static_cast<std::size_t>(a)]) {
          ck.fail_file("has no row for " + r.districts[d].code + " " +
                       std::string(s == 0 ? "Male" : "Female") + " age " +
                       (a == 90 ? std::string("90+") : std::to_string(a)));
          break;
        }
  if (england_rows != 2 * 91)
    ck.fail_file("has " + std::to_string(england_rows) + " rows for England (" + cfg.england_code +
                 "), but needs one per sex and age (182): England is the reference for national rates");
  ck.finish();
}

// The 5-year table must reproduce the single-year table exactly: a check that the base
// population was not corrupted in either file.
void check_population_5yr(const fs::path& file, const Config& cfg, const RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"year", "area_code", "sex", "age_band", "population"})) ck.finish();
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    const std::string& code = ck.text(i, "area_code");
    const int d = r.district_index(code);
    if (d < 0) continue;  // reference areas
    ck.integer(i, "year", cfg.base_year, cfg.base_year);
    const auto sex = ck.one_of(i, "sex", {"Male", "Female", "Persons"});
    const std::string& band = ck.text(i, "age_band");
    int lo = -1, hi = -1;
    if (band == "90+") {
      lo = hi = 90;
    } else if (std::sscanf(band.c_str(), "%d-%d", &lo, &hi) != 2 || lo < 0 || hi > 89 || lo > hi) {
      ck.fail(i, "age_band", "is '" + band + "', but must look like 0-4 or 90+");
      continue;
    }
    const auto pop = ck.integer(i, "population", 0, kMaxCount);
    if (!sex || !pop) continue;
    long sum = 0;
    for (std::size_t s = 0; s < 2; ++s) {
      if ((*sex == "Male" && s == 1) || (*sex == "Female" && s == 0)) continue;
      const auto& p = r.population[static_cast<std::size_t>(d)][s];
      for (int a = lo; a <= hi; ++a) sum += p[static_cast<std::size_t>(a)];
    }
    if (sum != *pop)
      ck.fail(i, "population", "is " + std::to_string(*pop) + ", but the single-year table sums to " +
                                   std::to_string(sum) + " for " + code + " " + *sex + " " + band);
  }
  ck.finish();
}

void load_components(const fs::path& file, const Config& cfg, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  const std::vector<std::string_view> cols{"area_code", "year_ending_mid", "pop_start", "births", "deaths",
                                            "births_minus_deaths", "internal_migration_inflow",
                                            "internal_migration_outflow", "internal_migration_net",
                                            "international_migration_inflow",
                                            "international_migration_outflow",
                                            "international_migration_net", "other", "pop_end"};
  if (!ck.require_columns(cols)) ck.finish();
  r.components.assign(r.districts.size(), {});
  std::vector<int> seen(r.districts.size(), 0);
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    const std::string& code = ck.text(i, "area_code");
    const int d = r.district_index(code);
    const bool england = code == cfg.england_code;
    if (d < 0 && !england) continue;
    ck.integer(i, "year_ending_mid", cfg.base_year, cfg.base_year);
    auto count = [&](const char* col) { return ck.integer(i, col, 0, kMaxCount).value_or(-1); };
    auto net = [&](const char* col) { return ck.integer(i, col, -kMaxCount, kMaxCount).value_or(0); };
    model::ComponentsOfChange c;
    c.pop_start = count("pop_start");
    c.births = count("births");
    c.deaths = count("deaths");
    c.internal_in = count("internal_migration_inflow");
    c.internal_out = count("internal_migration_outflow");
    c.international_in = count("international_migration_inflow");
    c.international_out = count("international_migration_outflow");
    c.other = net("other");
    c.pop_end = count("pop_end");
    if (!ck.ok()) continue;
    if (net("births_minus_deaths") != c.births - c.deaths)
      ck.fail(i, "births_minus_deaths", "does not equal births - deaths");
    if (net("internal_migration_net") != c.internal_in - c.internal_out)
      ck.fail(i, "internal_migration_net", "does not equal inflow - outflow");
    if (net("international_migration_net") != c.international_in - c.international_out)
      ck.fail(i, "international_migration_net", "does not equal inflow - outflow");
    const long implied = c.pop_start + c.births - c.deaths + c.net_migration();
    if (implied != c.pop_end)
      ck.fail(i, "pop_end", "is " + std::to_string(c.pop_end) + ", but pop_start + births - deaths + migration + other = " +
                                std::to_string(implied));
    if (england) {
      r.england_components = c;
      continue;
    }
    const auto du = static_cast<std::size_t>(d);
    if (seen[du]++) ck.fail(i, "area_code", "'" + code + "' appears twice");
    long base = 0;
    for (const auto& s : r.population[du])
      for (long v : s) base += v;
    if (base != c.pop_end)
      ck.fail(i, "pop_end", "is " + std::to_string(c.pop_end) + ", but the base population of " + code +
                                " sums to " + std::to_string(base));
    r.components[du] = c;
  }
  for (std::size_t d = 0; d < seen.size(); ++d)
    if (!seen[d]) ck.fail_file("has no row for district " + r.districts[d].code);
  ck.finish();
}

void load_msoas(const fs::path& file, const Config& cfg, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  std::vector<std::string_view> cols{"year", "msoa_name", "lad_code", "all_ages"};
  static const char* kBands[model::kMsoaBands] = {
      "age_0-4",   "age_5-9",   "age_10-14", "age_15-19", "age_20-24", "age_25-29", "age_30-34",
      "age_35-39", "age_40-44", "age_45-49", "age_50-54", "age_55-59", "age_60-64", "age_65-69",
      "age_70-74", "age_75-79", "age_80-84", "age_85-89", "age_90+"};
  for (auto b : kBands) cols.push_back(b);
  if (!ck.require_columns(cols)) ck.finish();
  std::set<std::string> names;
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    model::Msoa m;
    m.name = ck.text(i, "msoa_name");
    if (!names.insert(m.name).second) ck.fail(i, "msoa_name", "'" + m.name + "' appears twice");
    ck.integer(i, "year", cfg.small_area_year, cfg.small_area_year);
    const std::string& code = ck.text(i, "lad_code");
    m.district = r.district_index(code);
    if (m.district < 0) ck.fail(i, "lad_code", "'" + code + "' is not a district of lad_lookup.csv");
    long sum = 0;
    for (int b = 0; b < model::kMsoaBands; ++b) {
      const long v = ck.integer(i, kBands[b], 0, kMaxCount).value_or(0);
      m.population_by_band[static_cast<std::size_t>(b)] = v;
      sum += v;
    }
    m.population = ck.integer(i, "all_ages", 0, kMaxCount).value_or(0);
    if (sum != m.population)
      ck.fail(i, "all_ages", "is " + std::to_string(m.population) + ", but the age bands sum to " + std::to_string(sum));
    r.msoas.push_back(std::move(m));
  }
  ck.finish();
}

// The small-area table must add up to the district totals of its year.
void check_msoa_totals(const fs::path& file, const Config& cfg, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"area_code", "year", "population"})) ck.finish();
  std::vector<long> msoa_sum(r.districts.size(), 0);
  for (const auto& m : r.msoas) msoa_sum[static_cast<std::size_t>(m.district)] += m.population;
  std::vector<int> seen(r.districts.size(), 0);
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    const int d = r.district_index(ck.text(i, "area_code"));
    if (d < 0) continue;
    const auto year = ck.integer(i, "year", 1971, 2100);
    const auto pop = ck.integer(i, "population", 0, kMaxCount);
    if (year && pop) {
      auto& totals = r.district_totals[static_cast<int>(*year)];
      totals.resize(r.districts.size(), -1);
      totals[static_cast<std::size_t>(d)] = static_cast<long>(*pop);
    }
    if (!year || !pop || *year != cfg.small_area_year) continue;
    const auto du = static_cast<std::size_t>(d);
    seen[du] = 1;
    if (*pop != msoa_sum[du])
      ck.fail(i, "population", "is " + std::to_string(*pop) + ", but the MSOAs of " + r.districts[du].code +
                                   " in population_mid" + std::to_string(cfg.small_area_year) +
                                   "_msoa_persons_5yr.csv sum to " + std::to_string(msoa_sum[du]));
  }
  for (std::size_t d = 0; d < seen.size(); ++d)
    if (!seen[d]) ck.fail_file("has no " + std::to_string(cfg.small_area_year) + " total for " + r.districts[d].code);
  ck.finish();
}

void load_lsoas(const fs::path& file, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"lsoa11cd", "lsoa11nm", "msoa11nm_derived", "lad_code", "imd_decile",
                           "pop_total_mid2015", "pop_0_15_mid2015", "pop_16_59_mid2015", "pop_60plus_mid2015"}))
    ck.finish();
  std::map<std::string, int> msoa_index;
  for (std::size_t m = 0; m < r.msoas.size(); ++m) msoa_index[r.msoas[m].name] = static_cast<int>(m);
  std::vector<int> msoa_has_lsoa(r.msoas.size(), 0);
  std::set<std::string> codes;
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    model::Lsoa l;
    l.code = ck.text(i, "lsoa11cd");
    if (!codes.insert(l.code).second) ck.fail(i, "lsoa11cd", "'" + l.code + "' appears twice");
    l.name = ck.text(i, "lsoa11nm");
    const std::string& msoa = ck.text(i, "msoa11nm_derived");
    auto it = msoa_index.find(msoa);
    if (it == msoa_index.end()) {
      ck.fail(i, "msoa11nm_derived", "'" + msoa + "' is not an MSOA of the small-area population table");
      continue;
    }
    l.msoa = it->second;
    msoa_has_lsoa[static_cast<std::size_t>(l.msoa)] = 1;
    l.district = r.district_index(ck.text(i, "lad_code"));
    if (l.district < 0) {
      ck.fail(i, "lad_code", "'" + ck.text(i, "lad_code") + "' is not a district of lad_lookup.csv");
      continue;
    }
    if (l.district != r.msoas[static_cast<std::size_t>(l.msoa)].district)
      ck.fail(i, "lad_code", "differs from the district of its MSOA '" + msoa + "'");
    l.imd_decile = static_cast<int>(ck.integer(i, "imd_decile", 1, 10).value_or(1));
    l.pop_0_15 = ck.integer(i, "pop_0_15_mid2015", 0, kMaxCount).value_or(0);
    l.pop_16_59 = ck.integer(i, "pop_16_59_mid2015", 0, kMaxCount).value_or(0);
    l.pop_60_plus = ck.integer(i, "pop_60plus_mid2015", 0, kMaxCount).value_or(0);
    const long total = ck.integer(i, "pop_total_mid2015", 1, kMaxCount).value_or(0);
    if (total != l.pop_0_15 + l.pop_16_59 + l.pop_60_plus)
      ck.fail(i, "pop_total_mid2015", "is " + std::to_string(total) + ", but its age groups sum to " +
                                          std::to_string(l.pop_0_15 + l.pop_16_59 + l.pop_60_plus));
    r.lsoas.push_back(std::move(l));
  }
  for (std::size_t m = 0; m < r.msoas.size(); ++m)
    if (!msoa_has_lsoa[m]) ck.fail_file("has no LSOA for MSOA '" + r.msoas[m].name + "' (every MSOA needs its deprivation)");
  ck.finish();
}

void load_life_tables(const fs::path& file, const Config& cfg, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"period", "sex", "age", "mx", "qx", "lx"})) ck.finish();
  std::map<std::string, std::array<std::array<int, model::kAges>, 2>> seen;
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    const std::string& period = ck.text(i, "period");
    int y0 = 0, y1 = 0;
    if (std::sscanf(period.c_str(), "%d-%d", &y0, &y1) != 2 || y1 != y0 + 2) {
      ck.fail(i, "period", "is '" + period + "', but must be a 3-year period like 2016-2018");
      continue;
    }
    const auto sex = ck.one_of(i, "sex", {"Male", "Female"});
    const auto age = ck.integer(i, "age", 0, model::kMaxAge);
    const auto mx = ck.number(i, "mx", 0.0, 4.0);
    const auto qx = ck.number(i, "qx", 0.0, 1.0);
    const auto lx = ck.number(i, "lx", 0.0, 100000.0);
    if (!sex || !age || !mx || !qx || !lx) continue;
    auto& lt = r.life_tables[period];
    lt.period = period;
    const auto s = static_cast<std::size_t>(*sex == "Male" ? 0 : 1);
    const auto a = static_cast<std::size_t>(*age);
    if (seen[period][s][a]++) ck.fail(i, "age", "duplicate row for " + period + " " + *sex + " age " + std::to_string(*age));
    lt.mx[s][a] = *mx;
    lt.qx[s][a] = *qx;
    lt.lx[s][a] = *lx;
  }
  if (!seen.count(cfg.life_table_period))
    ck.fail_file("has no rows for the base period " + cfg.life_table_period + " named in region.json");
  for (auto& [period, s] : seen)
    for (std::size_t sx = 0; sx < 2; ++sx)
      for (std::size_t a = 0; a < s[sx].size(); ++a)
        if (!s[sx][a]) {
          ck.fail_file("period " + period + " has no row for " + (sx == 0 ? "Male" : "Female") + " age " + std::to_string(a));
          break;
        }
  ck.finish();
  r.life_table_period = cfg.life_table_period;
}

// England trend ratio used to fill a district value missing in the base period:
// value(base) = value(nearest later period) * England(base) / England(later period).
void load_indicators(const fs::path& file, const Config& cfg, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"fingertips_indicator_id", "area_code", "sex", "period", "value"})) ck.finish();
  // id -> area -> period -> value
  std::map<std::string, std::map<std::string, std::map<std::string, double>>> values;
  std::set<std::string> wanted;
  for (auto& [id, ind] : cfg.indicators) wanted.insert(ind.fingertips_id);
  std::map<std::string, double> max_of;
  for (auto& [id, ind] : cfg.indicators) max_of[ind.fingertips_id] = std::max(max_of[ind.fingertips_id], ind.max);
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    const std::string& fid = ck.text(i, "fingertips_indicator_id");
    if (!wanted.count(fid) || ck.text(i, "sex") != "Persons") continue;
    const auto v = ck.number(i, "value", 0.0, max_of[fid]);
    if (!v) continue;
    values[fid][ck.text(i, "area_code")][ck.text(i, "period")] = *v;
  }
  for (auto& [id, ind] : cfg.indicators) {
    model::DistrictIndicator di;
    di.id = id;
    di.period = ind.period;
    auto& by_area = values[ind.fingertips_id];
    auto eng = by_area[cfg.england_code];
    if (!eng.count(ind.period)) {
      ck.fail_file("has no England (" + cfg.england_code + ") value of indicator " + ind.fingertips_id +
                   " for period " + ind.period);
      continue;
    }
    di.england = eng[ind.period];
    di.england_series = eng;
    for (const auto& d : r.districts) {
      auto& periods = by_area[d.code];
      if (periods.count(ind.period)) {
        di.value_by_district.push_back(periods[ind.period]);
        di.derivation_by_district.emplace_back();
        continue;
      }
      // Nearest later period that both the district and England have.
      // (The period through a plain reference: clang 14 cannot capture a structured binding.)
      const std::string& period = ind.period;
      auto later = std::find_if(periods.begin(), periods.end(), [&](auto& p) {
        return p.first > period && eng.count(p.first);
      });
      if (later == periods.end()) {
        ck.fail_file("has no value of indicator " + ind.fingertips_id + " for " + d.code + " in period " +
                     ind.period + " or later");
        di.value_by_district.push_back(0);
        di.derivation_by_district.emplace_back();
        continue;
      }
      const double filled = later->second * di.england / eng[later->first];
      di.value_by_district.push_back(filled);
      std::ostringstream how;
      how << "no " << ind.period << " value: " << later->first << " value " << later->second
          << " x England " << ind.period << "/" << later->first << " (" << di.england << "/"
          << eng[later->first] << ")";
      di.derivation_by_district.push_back(how.str());
    }
    r.indicators[id] = std::move(di);
  }
  ck.finish();
}

void load_nhs_spend(const fs::path& file, const Config& cfg, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"year", "sex", "imd_quintile", "age", "avg_nhs_spend_gbp"})) ck.finish();
  std::array<std::array<std::array<int, 86>, 5>, 2> seen{};
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    if (ck.text(i, "year") != cfg.spend_year) continue;
    const auto sex = ck.one_of(i, "sex", {"Male", "Female", "Persons"});
    const auto q = ck.one_of(i, "imd_quintile", {"Q1", "Q2", "Q3", "Q4", "Q5", "All"});
    if ((sex && *sex == "Persons") || (q && *q == "All")) continue;  // totals, not used
    // The last age row is "85+" (assumption A3 of SOURCES.md).
    const auto age = ck.text(i, "age") == "85+" ? std::optional<long long>(85) : ck.integer(i, "age", 0, 84);
    const auto v = ck.number(i, "avg_nhs_spend_gbp", 0.0, 1e6);
    if (!sex || !q || !age || !v) continue;
    const auto s = static_cast<std::size_t>(*sex == "Male" ? 0 : 1);
    const auto qi = static_cast<std::size_t>((*q)[1] - '1');
    const auto a = static_cast<std::size_t>(*age);
    if (seen[s][qi][a]++) ck.fail(i, "age", "duplicate row");
    r.nhs_spend_by_age[s][qi][a] = *v;
  }
  for (std::size_t s = 0; s < 2; ++s)
    for (std::size_t q = 0; q < 5; ++q)
      for (std::size_t a = 0; a < 86; ++a)
        if (!seen[s][q][a]) {
          ck.fail_file("has no " + cfg.spend_year + " value for sex " + std::to_string(s) + " Q" +
                       std::to_string(q + 1) + " age " + std::to_string(a));
          goto done;
        }
done:
  r.nhs_spend_year = cfg.spend_year;
  ck.finish();
}

void load_admitted_care(const fs::path& file, const Config& cfg, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"area_code", "sex", "age_group", "admission_group", "admissions"})) ck.finish();
  auto& ac = r.admitted_care;
  int rows = 0;
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    if (ck.text(i, "area_code") != cfg.apc_area) continue;
    ++rows;
    const auto sex = ck.one_of(i, "sex", {"f", "m", "unknown"});
    const auto age = ck.one_of(i, "age_group", {"adult", "child", "NA"});
    const std::string& group = ck.text(i, "admission_group");
    const auto n = ck.integer(i, "admissions", 0, kMaxCount);
    if (!sex || !age || !n) continue;
    if (*age == "NA") continue;  // a handful of records with no age group (ignored, see docs)
    const std::size_t a = *age == "adult" ? 0 : 1;
    const bool emergency = group == "emer" || group == "paeds-emer";
    const bool elective = group == "ordelec" || group == "paeds-elec";
    if (*sex == "unknown") {
      if (emergency) ac.unknown_sex_emergency += static_cast<double>(*n);
      if (elective || group == "daycase" || group == "reg") ac.unknown_sex_elective += static_cast<double>(*n);
      continue;
    }
    const std::size_t s = *sex == "m" ? 0 : 1;
    if (emergency) ac.emergency[s][a] += static_cast<double>(*n);
    else if (elective) ac.elective_ordinary[s][a] += static_cast<double>(*n);
    else if (group == "daycase") ac.daycase[s][a] += static_cast<double>(*n);
    else if (group == "reg") ac.regular_attender[s][a] += static_cast<double>(*n);
  }
  if (rows == 0) ck.fail_file("has no rows for area " + cfg.apc_area + " named in region.json");
  ck.finish();
}

void load_ae(const fs::path& file, const Config& cfg, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"financial_year", "org_code", "type", "attendances", "admissions"})) ck.finish();
  std::set<std::string> found;
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    const std::string& org = ck.text(i, "org_code");
    if (std::find(cfg.ae_trusts.begin(), cfg.ae_trusts.end(), org) == cfg.ae_trusts.end()) continue;
    if (ck.text(i, "financial_year") != cfg.ae_year) continue;
    found.insert(org);
    const auto type = ck.one_of(i, "type", {"1", "2", "other"});
    const auto att = ck.integer(i, "attendances", 0, kMaxCount);
    const auto adm = ck.integer(i, "admissions", 0, kMaxCount);
    if (!type || !att || !adm) continue;
    if (*type == "1") r.ae.attendances_type1 += static_cast<double>(*att);
    else r.ae.attendances_other += static_cast<double>(*att);
    r.ae.admissions += static_cast<double>(*adm);
  }
  for (auto& trust : cfg.ae_trusts)
    if (!found.count(trust)) ck.fail_file("has no " + cfg.ae_year + " row for trust " + trust);
  r.ae.financial_year = cfg.ae_year;
  ck.finish();
}

void load_annual_deaths(const fs::path& file, const Config& cfg, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"registration_year", "group", "subgroup", "deaths", "n_weeks"})) ck.finish();
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    if (ck.text(i, "group") != cfg.annual_deaths_group || ck.text(i, "subgroup") != cfg.annual_deaths_subgroup) continue;
    const auto year = ck.integer(i, "registration_year", 1900, 2100);
    const auto deaths = ck.integer(i, "deaths", 0, kMaxCount);
    const auto weeks = ck.integer(i, "n_weeks", 52, 53);
    if (!year || !deaths || !weeks) continue;
    if (r.annual_deaths.count(static_cast<int>(*year))) ck.fail(i, "registration_year", "is " + std::to_string(*year) + " a second time");
    r.annual_deaths[static_cast<int>(*year)] = static_cast<double>(*deaths) * 52.0 / static_cast<double>(*weeks);
  }
  r.annual_deaths_series = cfg.annual_deaths_subgroup;
  for (const int y : {cfg.base_year - 1, cfg.base_year})
    if (!r.annual_deaths.count(y))
      ck.fail_file("has no " + std::to_string(y) + " row for " + cfg.annual_deaths_group + " " + cfg.annual_deaths_subgroup +
                   " (the mortality level needs the two calendar years of the year to mid-" + std::to_string(cfg.base_year) + ")");
  if (r.annual_deaths.size() < 5) ck.fail_file("has fewer than five years for " + cfg.annual_deaths_subgroup + ": too few for a trend");
  ck.finish();
}

void load_le_gap(const fs::path& file, const Config& cfg, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"period", "measure", "age", "sex", "statistic", "value"})) ck.finish();
  std::array<bool, 2> seen{};
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    if (ck.text(i, "period") != cfg.le_gap_period || ck.text(i, "measure") != "LE" ||
        ck.text(i, "age") != "birth" || ck.text(i, "statistic") != "gap (years)")
      continue;
    const auto sex = ck.one_of(i, "sex", {"Male", "Female"});
    const auto v = ck.number(i, "value", 0.0, 30.0);
    if (!sex || !v) continue;
    const auto s = static_cast<std::size_t>(*sex == "Male" ? 0 : 1);
    r.le_gap_at_birth[s] = *v;
    seen[s] = true;
  }
  if (!seen[0] || !seen[1])
    ck.fail_file("has no LE-at-birth 'gap (years)' rows for both sexes in period " + cfg.le_gap_period);
  std::array<bool, 2> seen_dfle{};
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    if (ck.text(i, "period") != cfg.health_state_period || ck.text(i, "measure") != "DFLE" || ck.text(i, "age") != "birth" ||
        ck.text(i, "statistic") != "SII (years)")
      continue;
    const auto sex = ck.one_of(i, "sex", {"Male", "Female"});
    const auto v = ck.number(i, "value", 0.0, 40.0);
    if (!sex || !v) continue;
    const auto s = static_cast<std::size_t>(*sex == "Male" ? 0 : 1);
    r.dfle_sii_at_birth[s] = *v;
    seen_dfle[s] = true;
  }
  if (!seen_dfle[0] || !seen_dfle[1])
    ck.fail_file("has no DFLE-at-birth 'SII (years)' rows for both sexes in period " + cfg.health_state_period);
  r.health_state_period = cfg.health_state_period;
  r.le_gap_period = cfg.le_gap_period;
  ck.finish();
}

/// England LE and disability-free LE at 65 by period (the Strategy Unit's compilation of the
/// ONS series). Only the APS-based DFLE rows are kept (the earlier survey series differ).
void load_health_expectancies(const fs::path& file, const Config& cfg, RegionData& r) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"period", "measure", "source_series", "sex", "years"})) ck.finish();
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    const auto measure = ck.one_of(i, "measure", {"LE at 65", "DFLE at 65"});
    const auto sex = ck.one_of(i, "sex", {"Male", "Female"});
    const auto years = ck.number(i, "years", 0.0, 40.0);
    if (!measure || !sex || !years) continue;
    const std::string& period = ck.text(i, "period");
    const auto s = static_cast<std::size_t>(*sex == "Male" ? 0 : 1);
    if (*measure == "LE at 65") r.le65[period][s] = *years;
    else if (ck.text(i, "source_series") == "APS") r.dfle65[period][s] = *years;
  }
  if (!r.dfle65.count(cfg.health_state_period) || !r.le65.count(cfg.health_state_period))
    ck.fail_file("has no 'LE at 65' and APS 'DFLE at 65' rows for the period " + cfg.health_state_period + " named in region.json");
  ck.finish();
}

void load_unit_costs(const fs::path& dir, RegionData& r) {
  // National Cost Collection 2024/25, department summary (A5: weighted mean unit cost).
  {
    const auto t = CsvTable::read(dir / "nhs_national_cost_collection_2024_25_department_summary.csv");
    CsvChecker ck(t);
    if (!ck.require_columns({"financial_year", "department_code", "activity", "cost", "weighted_mean_unit_cost"})) ck.finish();
    std::map<std::string, std::pair<double, double>> dept;  // activity, cost
    std::string year;
    for (std::size_t i = 0; i < t.row_count(); ++i) {
      const auto act = ck.number(i, "activity", 0.0, 1e12);
      const auto cost = ck.number(i, "cost", 0.0, 1e13);
      const auto mean = ck.number(i, "weighted_mean_unit_cost", 0.0, 1e7);
      if (!act || !cost || !mean) continue;
      if (*act > 0 && std::fabs(*cost / *act - *mean) > 0.01 + 1e-6 * *mean)
        ck.fail(i, "weighted_mean_unit_cost", "does not equal cost / activity");
      dept[ck.text(i, "department_code")] = {*act, *cost};
      year = ck.text(i, "financial_year");
    }
    auto take = [&](const std::string& key, std::vector<std::string> depts, const std::string& item) {
      double a = 0, c = 0;
      for (auto& d : depts) {
        if (!dept.count(d)) {
          ck.fail_file("has no department '" + d + "' (needed for " + key + ")");
          return;
        }
        a += dept[d].first;
        c += dept[d].second;
      }
      r.unit_costs[key] = {item, c / a, year, "NHS England National Cost Collection " + year};
    };
    take("ae_attendance", {"Emergency Care"}, "A&E attendance (all emergency medicine HRGs)");
    take("emergency_admission", {"Non-Elective Inpatient - Long Stay", "Non-Elective Inpatient - Short Stay"},
         "non-elective inpatient spell (long and short stay)");
    take("elective_inpatient", {"Elective Inpatients"}, "elective inpatient spell");
    take("daycase", {"Daycase"}, "day case");
    take("regular_day_night", {"Regular Day or Night Admissions"}, "regular day or night admission");
    take("community_contact", {"Community Health Service"}, "community health service contact");
    take("mental_health_contact", {"Mental Health Care Contact"}, "mental health care contact");
    take("talking_therapy_contact", {"NHS Talking Therapy Care Contact"}, "NHS Talking Therapies (IAPT) care contact");
    // Its activity is bed-days: 6.35m a year, England's ~18,000 mental-health beds x 365.
    take("mental_health_bed_day", {"Mental Health Provider Spell"}, "mental-health admitted care, per bed-day (provider spells)");
    ck.finish();
  }
  // PSSRU Unit Costs of Health and Social Care: GP surgery consultation.
  {
    const auto t = CsvTable::read(dir / "unit_costs_pssru_uchsc_staff_2023_2025.csv");
    CsvChecker ck(t);
    if (!ck.require_columns({"table", "uchsc_edition_year", "variable", "qualification_cost",
                             "direct_care_staff_cost", "cost"}))
      ck.finish();
    bool found = false;
    for (std::size_t i = 0; i < t.row_count(); ++i) {
      if (ck.text(i, "table") != "gp" || ck.text(i, "uchsc_edition_year") != "2023" ||
          ck.text(i, "variable") != "Per surgery consultation lasting 10 minutes" ||
          ck.text(i, "qualification_cost") != "including" || ck.text(i, "direct_care_staff_cost") != "including")
        continue;
      const auto v = ck.number(i, "cost", 1.0, 1000.0);
      if (!v) continue;
      r.unit_costs["gp_appointment"] = {"GP surgery consultation lasting 10 minutes (incl. qualifications and direct care staff)",
                                        *v, "2022/23", "PSSRU Unit Costs of Health and Social Care 2023"};
      found = true;
    }
    if (!found) ck.fail_file("has no 2023 GP 'Per surgery consultation lasting 10 minutes' row");
    ck.finish();
  }
  // NHS Digital PSS-EX1 2014-15: care home £ per client week, 65+, physical support.
  {
    const auto t = CsvTable::read(dir / "asc_unit_costs_councils_2014_15.csv");
    CsvChecker ck(t);
    if (!ck.require_columns({"financial_year", "council", "support_type", "age_category", "primary_support_reason",
                             "service_delivery_mechanism", "unit_cost_provision", "unit_cost_gbp"}))
      ck.finish();
    r.care_home_week_by_council.assign(r.councils.size(), {});
    std::vector<int> seen(r.councils.size(), 0);
    for (std::size_t i = 0; i < t.row_count(); ++i) {
      if (ck.text(i, "support_type") != "Long term" || ck.text(i, "age_category") != "Age 65 and over" ||
          ck.text(i, "primary_support_reason") != "Physical support" ||
          ck.text(i, "service_delivery_mechanism") != "Residential and nursing care" ||
          ck.text(i, "unit_cost_provision") != "All")
        continue;
      const std::string& council = ck.text(i, "council");
      const auto v = ck.number(i, "unit_cost_gbp", 1.0, 10000.0);
      if (!v) continue;
      for (std::size_t c = 0; c < r.councils.size(); ++c) {
        // Councils are named "Lancashire County Council (E10000017)" in both files, and
        // unitaries "Blackburn with Darwen" in lad_lookup vs "Blackburn with Darwen (E06000008)".
        if (council == r.councils[c] || council.rfind(r.councils[c] + " (", 0) == 0) {
          r.care_home_week_by_council[c] = {"care home, 65+, physical support, residential and nursing, per client week",
                                            *v, ck.text(i, "financial_year"),
                                            "NHS Digital PSS Expenditure and Unit Costs 2014-15"};
          seen[c] = 1;
        }
      }
    }
    for (std::size_t c = 0; c < seen.size(); ++c)
      if (!seen[c]) ck.fail_file("has no 65+ physical support residential and nursing row for council '" + r.councils[c] + "'");
    ck.finish();
  }
}

}  // namespace

std::string content_hash(const std::vector<fs::path>& files) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::string name = f.filename().string();
    for (char ch : name) {
      const auto c = static_cast<unsigned char>(ch);
      h ^= c;
      h *= 1099511628211ULL;
    }
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      for (std::streamsize i = 0; i < in.gcount(); ++i) {
        h ^= static_cast<unsigned char>(buf[i]);
        h *= 1099511628211ULL;
      }
    }
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

namespace {

/// A Fingertips period moved back `years` ("2018" -> "2014", "2017/18" -> "2013/14").
std::string shifted_period(const std::string& period, int years) {
  if (period.size() == 4) return std::to_string(std::stoi(period) - years);
  if (period.size() == 7 && period[4] == '/') {
    const int first = std::stoi(period.substr(0, 4)) - years;
    char b[16];
    std::snprintf(b, sizeof b, "%d/%02d", first, (first + 1) % 100);
    return b;
  }
  return period;
}

/// The back-cast's indicator periods: the base periods moved to the start year, or, where
/// England has no value that early, the earliest period England has (recorded in `notes`).
Config back_cast_config(const fs::path& fingertips, Config cfg, int years, std::vector<std::string>& notes) {
  const auto t = CsvTable::read(fingertips);
  CsvChecker ck(t);
  if (!ck.require_columns({"fingertips_indicator_id", "area_code", "sex", "period"})) ck.finish();
  std::map<std::string, std::set<std::string>> england;  // fingertips id -> periods
  const int c_id = t.column_index("fingertips_indicator_id"), c_area = t.column_index("area_code"), c_period = t.column_index("period"),
            c_sex = t.column_index("sex");
  for (std::size_t i = 0; i < t.row_count(); ++i)
    if (t.cell(i, c_area) == cfg.england_code && t.cell(i, c_sex) == "Persons") england[t.cell(i, c_id)].insert(t.cell(i, c_period));
  for (auto& [id, ind] : cfg.indicators) {
    const std::string wanted = shifted_period(ind.period, years);
    const auto& periods = england[ind.fingertips_id];
    std::string chosen = wanted;
    if (!periods.count(wanted)) {
      // The earliest of the same form (calendar or financial year) at or after the one wanted.
      for (const auto& p : periods)
        if (p.size() == wanted.size() && p >= wanted) {
          chosen = p;
          break;
        }
      notes.push_back(chosen == wanted ? id + " at " + wanted + " (England has no value for it)"
                                       : id + " at " + chosen + " (the earliest published; " + wanted + " has no England value)");
    } else {
      notes.push_back(id + " at " + chosen);
    }
    ind.period = chosen;
  }
  return cfg;
}

using model::LifeTable;
using model::kMaxAge;
using model::kPopulationTopAge;
using model::kSexes;

/// Survival over `years` years from exact age a, by a life table's qx times a mortality
/// ratio (the district's level against the nation's; ages capped at 100).
double survival_exact(const LifeTable& lt, int sex, int age, int years, double ratio) {
  double s = 1;
  for (int j = 0; j < years; ++j)
    s *= 1.0 - std::min(1.0, ratio * lt.qx[static_cast<std::size_t>(sex)][static_cast<std::size_t>(std::min(age + j, kMaxAge))]);
  return s;
}
/// The same for people of completed age a (on average half a year past their birthday: the
/// mean of the survival from exact ages a and a + 1); for the open group (a = 90, "90+"), the
/// mean over its ages 90-100 weighted by the table's survivors.
double survival(const LifeTable& lt, int sex, int age, int years, double ratio) {
  if (age < kPopulationTopAge) return 0.5 * (survival_exact(lt, sex, age, years, ratio) + survival_exact(lt, sex, age + 1, years, ratio));
  double num = 0, den = 0;
  for (int a = kPopulationTopAge; a <= kMaxAge; ++a) {
    const double l = lt.lx[static_cast<std::size_t>(sex)][static_cast<std::size_t>(a)];
    num += l * survival_exact(lt, sex, a, years, ratio);
    den += l;
  }
  return den > 0 ? num / den : survival_exact(lt, sex, age, years, ratio);
}

/// Expected deaths of a population [sex][age 0..90] at a life table's central rates (90: the
/// mean rate of 90-100, weighted by the table's survivors).
double expected_deaths(const std::array<std::array<long, kPopulationTopAge + 1>, kSexes>& pop, const LifeTable& lt) {
  double e = 0;
  for (int s = 0; s < kSexes; ++s) {
    const auto su = static_cast<std::size_t>(s);
    for (int a = 0; a < kPopulationTopAge; ++a) e += static_cast<double>(pop[su][static_cast<std::size_t>(a)]) * lt.mx[su][static_cast<std::size_t>(a)];
    double num = 0, den = 0;
    for (int a = kPopulationTopAge; a <= kMaxAge; ++a) {
      num += lt.lx[su][static_cast<std::size_t>(a)] * lt.mx[su][static_cast<std::size_t>(a)];
      den += lt.lx[su][static_cast<std::size_t>(a)];
    }
    e += static_cast<double>(pop[su][kPopulationTopAge]) * (den > 0 ? num / den : 0.0);
  }
  return e;
}

/// A life table period ("2016-2018") moved back `years` years.
std::string period_moved(const std::string& period, int years) {
  int y0 = 0, y1 = 0;
  if (std::sscanf(period.c_str(), "%d-%d", &y0, &y1) != 2) return period;
  return std::to_string(y0 - years) + "-" + std::to_string(y1 - years);
}

/// Moves a loaded region's starting population and base-year rates back to mid-`year`.
void back_cast(RegionData& r, int year, const std::vector<std::string>& indicator_notes) {
  const int k = r.base_year - year;
  // The base table stands to the base year as these do to the back-cast's year and to the
  // middle of the years it reverse-survives through.
  const std::string table_period = period_moved(r.life_table_period, k), middle_period = period_moved(r.life_table_period, k / 2);
  for (const auto& p : {table_period, middle_period})
    if (!r.life_tables.count(p))
      throw InputError("a back-cast from " + std::to_string(year) + " needs the national life table " + p + ", which the region data does not have");
  if (!r.district_totals.count(year)) throw InputError("a back-cast from " + std::to_string(year) + " needs each district's mid-" + std::to_string(year) + " total");
  for (const int y : {year - 1, year})
    if (!r.annual_deaths.count(y))
      throw InputError("a back-cast from " + std::to_string(year) + " needs the " + std::to_string(y) + " registrations of " + r.annual_deaths_series +
                       " (the mortality level of the year to mid-" + std::to_string(year) + "), which the region data does not have");
  const LifeTable& lt_year = r.life_tables.at(table_period);
  const LifeTable& lt_mid = r.life_tables.at(middle_period);
  const LifeTable& lt_base = r.life_tables.at(r.life_table_period);
  const auto& totals = r.district_totals.at(year);
  std::array<std::array<double, 2>, kSexes> pop_base{}, pop_year{};  // [sex][adult=0, child=1], for the admissions
  double all_base = 0, all_year = 0;
  for (std::size_t d = 0; d < r.districts.size(); ++d) {
    if (totals[d] < 0) throw InputError("a back-cast from " + std::to_string(year) + " needs " + r.districts[d].code + "'s mid-" + std::to_string(year) + " total");
    const auto base = r.population[d];
    // The district's mortality against the nation's (its deaths over those the base life
    // table expects of it), so that its survivors are not those of an average district.
    const double ratio = static_cast<double>(r.components[d].deaths) / expected_deaths(base, lt_base);
    std::array<std::array<double, kPopulationTopAge + 1>, kSexes> p0{};
    for (int s = 0; s < kSexes; ++s) {
      const auto su = static_cast<std::size_t>(s);
      // Ages whose base-year age is below the open group: reverse-survived one by one.
      for (int a = 0; a + k < kPopulationTopAge; ++a)
        p0[su][static_cast<std::size_t>(a)] = static_cast<double>(base[su][static_cast<std::size_t>(a + k)]) / survival(lt_mid, s, a, k, ratio);
      // The rest were all 90+ at the base year: that group reverse-survived (at the survival
      // of its members' ages, weighted by the base year's shape), shared in that shape.
      double shape = 0, weighted = 0;
      for (int a = kPopulationTopAge - k; a <= kPopulationTopAge; ++a) {
        const double w = static_cast<double>(base[su][static_cast<std::size_t>(a)]);
        shape += w;
        weighted += w * survival(lt_mid, s, a, k, ratio);
      }
      const double group = shape > 0 ? static_cast<double>(base[su][kPopulationTopAge]) / (weighted / shape) : 0.0;
      for (int a = std::max(0, kPopulationTopAge - k); a <= kPopulationTopAge; ++a)
        p0[su][static_cast<std::size_t>(a)] = shape > 0 ? group * static_cast<double>(base[su][static_cast<std::size_t>(a)]) / shape : 0.0;
    }
    // Raked to the district's total (largest remainders, so the total is exact). The
    // difference is the years' net migration (and the error of the survival), which moves
    // people of working age and their children: only ages under 65 are raked.
    double young = 0, old = 0;
    for (const auto& row : p0)
      for (std::size_t a = 0; a <= kPopulationTopAge; ++a) (a < 65 ? young : old) += row[a];
    const double f = (static_cast<double>(totals[d]) - old) / young;
    if (!(f > 0.5 && f < 1.5))
      throw InputError("a back-cast from " + std::to_string(year) + " would rake " + r.districts[d].code + "'s people under 65 by " + std::to_string(f) +
                       ": the base year's population and the mid-" + std::to_string(year) + " total disagree too much");
    std::array<std::array<long, kPopulationTopAge + 1>, kSexes> out{};
    std::vector<std::pair<double, std::size_t>> remainders;
    long placed = 0;
    for (std::size_t s = 0; s < kSexes; ++s)
      for (std::size_t a = 0; a <= kPopulationTopAge; ++a) {
        const double x = p0[s][a] * (a < 65 ? f : 1.0);
        out[s][a] = static_cast<long>(std::floor(x));
        placed += out[s][a];
        remainders.push_back({x - std::floor(x), s * (kPopulationTopAge + 1) + a});
      }
    std::stable_sort(remainders.begin(), remainders.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    for (long i = 0; i < totals[d] - placed; ++i) {
      const std::size_t cell = remainders[static_cast<std::size_t>(i) % remainders.size()].second;
      out[cell / (kPopulationTopAge + 1)][cell % (kPopulationTopAge + 1)] += 1;
    }
    // The base year's rates per head, at the earlier population.
    double women_base = 0, women_year = 0, people_base = 0, people_year = 0;
    for (std::size_t s = 0; s < kSexes; ++s)
      for (std::size_t a = 0; a <= kPopulationTopAge; ++a) {
        people_base += static_cast<double>(base[s][a]);
        people_year += static_cast<double>(out[s][a]);
        if (s == 1 && a >= 15 && a <= 44) {
          women_base += static_cast<double>(base[s][a]);
          women_year += static_cast<double>(out[s][a]);
        }
        pop_base[s][a < 18 ? 1 : 0] += static_cast<double>(base[s][a]);
        pop_year[s][a < 18 ? 1 : 0] += static_cast<double>(out[s][a]);
      }
    all_base += people_base;
    all_year += people_year;
    auto& c = r.components[d];
    const double deaths = static_cast<double>(c.deaths) * expected_deaths(out, lt_year) / expected_deaths(base, lt_base);
    c.births = std::lround(static_cast<double>(c.births) * women_year / women_base);
    c.deaths = std::lround(deaths);
    const double per_head = people_year / people_base;
    c.internal_in = std::lround(static_cast<double>(c.internal_in) * per_head);
    c.internal_out = std::lround(static_cast<double>(c.internal_out) * per_head);
    c.international_in = std::lround(static_cast<double>(c.international_in) * per_head);
    c.international_out = std::lround(static_cast<double>(c.international_out) * per_head);
    c.other = std::lround(static_cast<double>(c.other) * per_head);
    c.pop_end = static_cast<long>(people_year);
    c.pop_start = c.pop_end - (c.births - c.deaths) - c.net_migration();
    r.population[d] = out;
  }
  for (std::size_t s = 0; s < kSexes; ++s)
    for (std::size_t c = 0; c < 2; ++c) {
      const double f = pop_year[s][c] / pop_base[s][c];
      r.admitted_care.emergency[s][c] *= f;
      r.admitted_care.elective_ordinary[s][c] *= f;
      r.admitted_care.daycase[s][c] *= f;
      r.admitted_care.regular_attender[s][c] *= f;
    }
  r.admitted_care.unknown_sex_emergency *= all_year / all_base;
  r.admitted_care.unknown_sex_elective *= all_year / all_base;
  r.ae.attendances_type1 *= all_year / all_base;
  r.ae.attendances_other *= all_year / all_base;
  r.ae.admissions *= all_year / all_base;
  r.life_table_trend_period = r.life_table_period;
  r.life_table_period = table_period;
  r.data_base_year = r.base_year;
  r.base_year = year;
  std::string notes;
  for (const auto& n : indicator_notes) notes += (notes.empty() ? "" : ", ") + n;
  r.back_cast_method =
      "back-cast to mid-" + std::to_string(year) + " from the data's mid-" + std::to_string(r.data_base_year) +
      " population: each district's single years by sex reverse-survived " + std::to_string(k) + " years through the national life table " +
      middle_period + " at the district's mortality level, the oldest (all 90+ at mid-" + std::to_string(r.data_base_year) +
      ") in that year's shape, and the ages under 65 raked to the district's ONS mid-" + std::to_string(year) +
      " total (the raking stands in for the years' net migration, at working ages and their children); mortality at the life table " + table_period +
      " with each district's mid-" + std::to_string(r.data_base_year) + " level relative to it; risk factors at " + notes +
      "; births, migration, admissions and A&E at the base year's rates per head; the small-area (MSOA) and deprivation structure as at the base year";
}

}  // namespace

model::RegionData load_region(const fs::path& folder, int start_year) {
  if (!fs::is_directory(folder))
    throw DataError({Problem{folder.string(), 0, "", "is not a folder of region data"}});
  RegionData r;
  r.folder = folder.string();
  Config cfg = load_config(folder / "region.json");
  r.name = cfg.name;
  r.base_year = cfg.base_year;
  r.data_base_year = cfg.base_year;
  const bool backwards = start_year != 0 && start_year != cfg.base_year;
  std::vector<std::string> indicator_notes;
  if (backwards) {
    // The earliest start the data allow: the registrations from the year before (2010), the
    // life table centred on the year (2009-2011 is the earliest), the district totals.
    if (start_year > cfg.base_year || start_year < 2011)
      throw InputError("--from " + std::to_string(start_year) + ": a back-cast can start from mid-2011 to mid-" + std::to_string(cfg.base_year - 1) +
                       " (the registrations series starts in 2010 and the data's own base year is " + std::to_string(cfg.base_year) + ")");
    cfg = back_cast_config(folder / "fingertips_indicators_lsc.csv", cfg, cfg.base_year - start_year, indicator_notes);
  }

  load_lookup(folder / "lad_lookup.csv", r);
  load_population(folder / "population_mid2018_lad_sex_single_year.csv", cfg, r);
  check_population_5yr(folder / "population_mid2018_lad_sex_5yr.csv", cfg, r);
  load_components(folder / "components_of_change_lad_mid2018.csv", cfg, r);
  load_msoas(folder / "population_mid2017_msoa_persons_5yr.csv", cfg, r);
  check_msoa_totals(folder / "population_lad_totals_2001_2018.csv", cfg, r);
  load_lsoas(folder / "imd2019_lsoa_lsc.csv", r);
  load_life_tables(folder / "england_national_life_tables_2009_2020.csv", cfg, r);
  load_indicators(folder / "fingertips_indicators_lsc.csv", cfg, r);
  load_nhs_spend(folder / "nhs_spend_per_person_by_age_sex_imd_quintile_england.csv", cfg, r);
  load_admitted_care(folder / "apc_admissions_2018_lsc_icb_and_england.csv", cfg, r);
  load_ae(folder / "ae_attendances_annual_2016_17.csv", cfg, r);
  load_le_gap(folder / "le_hle_by_deprivation_england.csv", cfg, r);
  load_annual_deaths(folder / "deaths_weekly_registrations_EW_annual_2010_2019.csv", cfg, r);
  load_health_expectancies(folder / "le65_dfle65_timeseries_1980_2020.csv", cfg, r);
  load_unit_costs(folder, r);

  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  r.data_version = fs::path(folder).filename().string() + "-" +
                   std::to_string(cfg.base_year) + "@" + content_hash(files);
  if (backwards) {
    back_cast(r, start_year, indicator_notes);
    r.data_version += "-from-" + std::to_string(start_year);
  }
  return r;
}

}  // namespace shiftsim::inputs
