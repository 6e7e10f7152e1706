// The region's data, as loaded and checked by scenarios/region_loader: pure values, no files.
// Another region (another ICS, or England) is another data folder with the same files.
#pragma once

#include "model/core/types.hpp"

#include <array>
#include <map>
#include <string>
#include <vector>

namespace shiftsim::model {

/// Top single age of the base population table (its last row is "90 and over").
inline constexpr int kPopulationTopAge = 90;
/// 5-year age bands of the small-area (MSOA) table: 0-4, ..., 85-89, 90+.
inline constexpr int kMsoaBands = 19;

struct Icp {
  std::string name;
};

struct District {
  std::string code;   // ONS local authority district code
  std::string name;
  int icp = 0;        // index into RegionData::icps
  std::string upper_tier;  // council responsible for adult social care
  int council = 0;    // index into RegionData::councils
};

/// Components of population change for the year to mid base-year (ONS MYE3).
struct ComponentsOfChange {
  long pop_start = 0, births = 0, deaths = 0;
  long internal_in = 0, internal_out = 0, international_in = 0, international_out = 0, other = 0;
  long pop_end = 0;
  long net_migration() const {
    return internal_in - internal_out + international_in - international_out + other;
  }
};

struct Msoa {
  std::string name;
  int district = 0;
  std::array<long, kMsoaBands> population_by_band{};  // persons, mid-year of the small-area table
  long population = 0;
};

struct Lsoa {
  std::string code;
  std::string name;
  int msoa = 0;
  int district = 0;
  int imd_decile = 0;  // national IMD 2019 decile, 1 = most deprived
  long pop_0_15 = 0, pop_16_59 = 0, pop_60_plus = 0;  // denominators of the IMD release
};

/// One period of the national life table, single years 0..100 by sex.
struct LifeTable {
  std::string period;
  std::array<std::array<double, kAges>, kSexes> mx{};  // central death rate
  std::array<std::array<double, kAges>, kSexes> qx{};  // probability of dying within the year
  std::array<std::array<double, kAges>, kSexes> lx{};  // survivors of 100,000
};

/// A district-level indicator value (PHE Fingertips) for the base period.
struct DistrictIndicator {
  std::string id;         // e.g. "smoking_prevalence_adults"
  std::string period;     // as published, e.g. "2018" or "2017/18"
  std::vector<double> value_by_district;  // percent, or per 100,000 (region.json's unit)
  std::vector<std::string> derivation_by_district;  // empty, or how a missing value was filled
  double england = 0;     // England value for the same period
  std::map<std::string, double> england_series;  // every England value by period
};

/// Admitted patient care counts for the region (residence based) for the base year.
struct AdmittedCare {
  // [sex][adult=0, child=1] counts
  std::array<std::array<double, 2>, kSexes> emergency{};
  std::array<std::array<double, 2>, kSexes> elective_ordinary{};
  std::array<std::array<double, 2>, kSexes> daycase{};
  std::array<std::array<double, 2>, kSexes> regular_attender{};
  double unknown_sex_emergency = 0;  // records without a sex, spread pro rata
  double unknown_sex_elective = 0;
};

/// A&E attendances at the region's trusts (provider based), all department types.
struct AeActivity {
  std::string financial_year;
  double attendances_type1 = 0;
  double attendances_other = 0;
  double admissions = 0;
};

/// A unit cost as published, with its price year, before deflation.
struct PublishedUnitCost {
  std::string item;
  double gbp = 0;
  std::string price_year;  // "2024/25" or "2014-15" etc., as published
  std::string source;
};

struct RegionData {
  std::string folder;        // where it was loaded from
  std::string name;          // e.g. "Lancashire and South Cumbria"
  std::string data_version;  // content hash of every file used
  int base_year = 0;         // the population is at 30 June of this year

  std::vector<Icp> icps;
  std::vector<District> districts;
  std::vector<std::string> councils;  // social-care councils (upper tier)

  /// Base population [district][sex][age 0..90], age 90 = 90 and over.
  std::vector<std::array<std::array<long, kPopulationTopAge + 1>, kSexes>> population;
  /// England population at the base year [sex][age 0..90] (reference for national rates).
  std::array<std::array<long, kPopulationTopAge + 1>, kSexes> england_population{};
  std::vector<ComponentsOfChange> components;  // per district
  ComponentsOfChange england_components;

  std::vector<Msoa> msoas;
  std::vector<Lsoa> lsoas;

  /// Deaths registered each calendar year in the series region.json names (ONS weekly
  /// registrations summed by year, scaled to 52 weeks): what the mortality level is checked
  /// against, so that one unusual year is not projected as the norm.
  std::map<int, double> annual_deaths;
  std::string annual_deaths_series;  // e.g. "North West"

  std::map<std::string, LifeTable> life_tables;  // by period, e.g. "2016-2018"
  std::string life_table_period;                 // the base period used for mortality
  std::string life_table_trend_period;           // the later table of the improvement trend (the base period but in a back-cast)

  /// Each district's ONS mid-year population total by year (MYE5), [year][district].
  std::map<int, std::vector<long>> district_totals;
  /// How the starting population was made: empty for the data's own base year; for a
  /// back-cast (load_region with an earlier start year), the method and what it assumed.
  std::string back_cast_method;
  int data_base_year = 0;                        // the data's own base year (base_year but in a back-cast)

  std::map<std::string, DistrictIndicator> indicators;  // by id

  /// Average annual NHS spend per person (£) [sex][quintile 0..4, 0 = most deprived][age 0..85]
  /// (85 = 85 and over), Asaria 2017, for the year named.
  std::array<std::array<std::array<double, 86>, kQuintiles>, kSexes> nhs_spend_by_age{};
  std::string nhs_spend_year;

  AdmittedCare admitted_care;
  AeActivity ae;

  /// Life expectancy gap (years) between IMD deciles 1 and 10 at birth [sex], England.
  std::array<double, kSexes> le_gap_at_birth{};
  std::string le_gap_period;
  /// Slope index of inequality in disability-free life expectancy at birth across IMD
  /// deciles [sex], England, the same period (ONS health state life expectancies).
  std::array<double, kSexes> dfle_sii_at_birth{};

  /// England disability-free life expectancy at 65 (ONS, APS series) by period [sex], and
  /// life expectancy at 65 (National Life Tables) by period [sex].
  std::map<std::string, std::array<double, kSexes>> dfle65, le65;
  std::string health_state_period;  // the period of the DFLE targets, e.g. "2017-2019"

  /// Published unit costs by item key, before deflation (see parameters for the index).
  std::map<std::string, PublishedUnitCost> unit_costs;
  /// Care-home cost per client week by council index (65+, residential and nursing).
  std::vector<PublishedUnitCost> care_home_week_by_council;

  long total_population() const;
  int district_index(const std::string& code) const;  // -1 if unknown
};

}  // namespace shiftsim::model
