#include "results/outcomes.hpp"

#include "model/core/errors.hpp"
#include "model/core/outputs.hpp"

#include <unordered_map>

namespace shiftsim::results {

using namespace shiftsim::model;

namespace {

const std::string kPayersList = "payer (7 lines: nhs_acute, nhs_primary_care, nhs_community, nhs_mental_health, council_asc, public_health, households)";

std::vector<OutcomeDefinition> make_dictionary() {
  std::vector<OutcomeDefinition> d;
  auto add = [&](std::string name, std::string unit, std::string scope, std::string breakdowns, std::string definition) {
    d.push_back({std::move(name), std::move(unit), std::move(scope), std::move(breakdowns), std::move(definition)});
  };
  const std::string gbp = "GBP, in the price base year's prices";
  const std::string pv = "GBP, present value in the price-base year";
  // Arm outcomes.
  add("population_end", "people", "arm", "all", "Residents at the end of the period.");
  for (int k = 0; k < kTallies; ++k) {
    const std::string n(kTallyNames[static_cast<std::size_t>(k)]);
    add(n, model::flow_metric_unit(fm_tally_first + k), "arm", "all", "Activity in the period: " + n + " (simulated).");
  }
  add("emergency_admissions", "admissions", "arm", "all", "Emergency admissions (spells) in the period.");
  add("emergency_bed_days", "bed-days", "arm", "all", "Bed-days of emergency admissions, delayed discharges included.");
  add("delayed_discharge_bed_days", "bed-days", "arm", "all", "Bed-days of patients medically fit to leave who are waiting (delayed transfers of care).");
  add("care_home_residents_end", "people", "arm", "all", "Care-home residents at the end of the period.");
  add("cost_gbp", gbp, "arm", "all; public (NHS, council, public health); " + kPayersList + "; setting (acute, primary, community, mental_health, social_care, public_health)",
      "Cost of services used in the period, undiscounted. Intervention spend is not included (see intervention_spend_gbp).");
  add("cost_discounted_gbp", pv, "arm", "all; public; payer; setting",
      "cost_gbp discounted by financial year at the scenario's cost discount rate (Green Book 3.5%) to the price-base year.");
  add("intervention_spend_gbp", gbp, "arm", "all; funder (nhs, council, public_health, pooled); intervention=<name>", "Spend on the scenario's funded interventions, by who funds them.");
  add("intervention_spend_discounted_gbp", pv, "arm", "all; funder", "intervention_spend_gbp discounted at the cost rate.");
  add("intervention_budget_gbp", gbp, "arm", "intervention=<name> (by financial year, and the run's sum)",
      "What each intervention was budgeted for the months the run covers (a twelfth of the financial year's budget a funded month), "
      "beside intervention_spend_gbp by intervention: budget entered against budget spent.");
  add("intervention_new_participants", "people", "arm", "intervention=<name>", "People who joined the intervention in the period.");
  add("intervention_uptake_ceiling", "people a year", "arm", "intervention=<name> (by financial year)",
      "The financial year's uptake ceiling: max_uptake x the people eligible at its first funded month (enrolment events: x the "
      "year's eligible events). Person types only.");
  add("intervention_spend_limit", "code (1-7)", "arm", "intervention=<name> (by financial year)",
      "What bound the year's spend: 1 the budget (97% or more spent), 2 full coverage of an area, 3 the births a maternity "
      "programme can reach, 4 the enrolment events, 5 the uptake ceiling, 6 the ramp-up, 7 the eligible pool. Its summary's "
      "median is the code most replicates gave.");
  add("deaths", "deaths", "arm", "all; quintile (IMD 2019, 1 = most deprived)", "Deaths in the period.");
  add("qalys", "QALYs", "arm", "all; quintile", "Quality-adjusted life years lived in the period (EQ-5D utility x time), undiscounted.");
  add("qalys_discounted", "QALYs, present value", "arm", "all; quintile", "qalys discounted at the scenario's health rate (Green Book 1.5%).");
  add("life_expectancy_birth_years", "years", "arm", "sex (male, female, persons); quintile;sex",
      "Period life expectancy at birth from the simulated deaths and person-years of the period (abridged life table, Chiang II, "
      "a0 = 0.1, 90+ open; PHE's method). Absent where an age group has no person-years or the 90+ group no deaths.");
  add("life_expectancy_65_years", "years", "arm", "sex; quintile;sex", "Period life expectancy at 65, from the same life tables.");
  add("le_gap_birth_years", "years", "arm", "sex", "Life expectancy at birth in the least deprived quintile minus the most deprived (quintile 5 - quintile 1).");
  add("le_gap_65_years", "years", "arm", "sex", "Life expectancy at 65 in the least deprived quintile minus the most deprived.");
  add("sii_le_birth_years", "years", "arm", "sex",
      "Slope index of inequality in life expectancy at birth across the ten IMD deciles: weighted least-squares slope of decile life "
      "expectancy on the midpoint of each decile's cumulative share of person-years, from most (0) to least (1) deprived (across "
      "quintiles in SD-only runs, which have no deciles).");
  add("sii_le_65_years", "years", "arm", "sex", "The slope index of inequality in life expectancy at 65.");
  add("disability_free_le_birth_years", "years", "arm", "sex; quintile;sex",
      "Disability-free life expectancy at birth by the Sullivan method: the period life table's person-years split by the share of "
      "each age group's simulated person-years lived with an activity-limiting illness (model/people/health_state.hpp; calibrated so that "
      "England's DFLE at 65 is reproduced for England's deprivation mix).");
  add("disability_free_le_65_years", "years", "arm", "sex; quintile;sex", "Disability-free life expectancy at 65 (Sullivan), from the same tables.");
  add("dfle_gap_birth_years", "years", "arm", "sex", "Disability-free life expectancy at birth, least deprived quintile minus most deprived.");
  add("dfle_gap_65_years", "years", "arm", "sex", "Disability-free life expectancy at 65, least deprived quintile minus most deprived.");
  add("sii_dfle_birth_years", "years", "arm", "sex",
      "Slope index of inequality in disability-free life expectancy at birth across the ten IMD deciles (ONS publishes 17.2 years for "
      "men and 16.3 for women in England, 2017-19).");
  add("activity_limited_percent", "% of residents", "arm", "all; quintile",
      "Residents living with an activity-limiting illness or disability at the end of the period, per 100 residents (all ages).");
  add("prevalence_percent", "% of residents", "arm", "condition=<name>; condition=<name>;quintile",
      "Residents living with the condition at the end of the period, per 100 residents (all ages).");
  // Wider outcomes (model/people/wider.hpp): the economy's own ledger, the start of life, carers.
  const std::string by_area = "all; quintile; icp=<name>";
  add("employment_rate_percent", "% of residents aged 16-64", "arm", by_area,
      "Residents aged 16-64 in work, per 100 (person-months in work / person-months aged 16-64), from each person's fixed employment "
      "propensity and health state; each ICP calibrated to its districts' APS employment rate (Jan-Dec 2018) at the start.");
  add("out_of_work_ill_health_people", "people (average over the period)", "arm", by_area,
      "Residents aged 16-64 out of work because of ill health: not in work, but would be if they were well (no long-term condition, "
      "common mental disorder or activity limitation).");
  add("sickness_absence_days", "working days", "arm", by_area,
      "Working days lost to sickness absence by residents in work (expected: rates by sex, age 50+ and health state, scaled to the ONS "
      "4.4 days per worker a year in 2018).");
  add("lost_output_gbp", "GBP, in the price base year's prices (the economy's ledger)", "arm", "all; component (out_of_work, absence); quintile; icp=<name>",
      "Output lost to the economy through ill health, by the earnings approach: months out of work because of ill health and days of "
      "sickness absence valued at the region's median earnings times the employer's on-costs. Not an NHS or council cost, and never "
      "part of cost_gbp, savings, ROI or NPV.");
  add("lost_output_discounted_gbp", "GBP, present value (the economy's ledger)", "arm", "all", "lost_output_gbp discounted at the cost rate.");
  add("births", "births", "arm", by_area, "Live births in the period.");
  add("smoking_at_delivery_percent", "% of births", "arm", by_area,
      "Births whose mother smoked at the time of delivery (SATOD), per 100 births: each zone's rate follows its women's smoking, "
      "scaled to the region's SATOD; pregnancy programmes lower it.");
  add("low_birth_weight_percent", "% of births", "arm", by_area,
      "Births under 2,500 g per 100 births (odds ratio 1.89 for smoking at delivery; non-smokers' risk set by England's rates).");
  add("infant_emergency_admissions", "admissions", "arm", by_area,
      "Emergency admissions of babies under 1 (included in emergency_admissions); raised for low birth weight.");
  add("falls_admissions_65_plus", "admissions", "arm", by_area,
      "Emergency admissions of people 65+ that followed a fall (included in emergency_admissions): the Better Care Fund's falls "
      "metric. Each admission of a person 65+ followed a fall with its district's and age band's share, calibrated to PHE "
      "Fingertips indicator 22401 (2017/18); falls prevention lowers it.");
  add("care_home_moves", "moves", "arm", "all; quintile", "Moves into a care home (from home care or after a hospital stay).");
  add("staffed_home_care_hours", "hours", "arm", "all",
      "Home-care hours the workforce in post could deliver in the period (the system model's staffed hours, summed over months and ICPs).");
  add("staffed_gp_appointments", "appointments", "arm", "all", "GP appointments the practices' staff in post could offer in the period (system model).");
  add("acute_beds_open", "beds (average over the period)", "arm", "all", "General and acute beds open, base plus escalation (system model), averaged over the months.");
  add("home_care_hours_displaced", "hours", "arm", "all",
      "Only with finance.funding_source \"existing_budgets\": the home care the council no longer buys to pay for its interventions "
      "(its intervention spend, and its share of pooled spend, at the home-care price), summed over the period.");
  add("unpaid_carers", "people (average over the period)", "arm", by_area,
      "Unpaid carers of residents living at home with dementia or severe frailty (one main carer each).");
  add("strained_carers_percent", "% of unpaid carers", "arm", by_area,
      "Unpaid carers who are strained (have a common mental disorder), per 100 carers.");
  add("life_years_beyond_horizon_discounted", "life-years, present value", "arm", "all",
      "The life the people alive at the end of the run are still expected to live, discounted to the price base at the health "
      "rate (the baseline's period life tables by IMD decile and sex over the last five years; not in any other outcome).");
  add("qalys_beyond_horizon_discounted", "QALYs, present value", "arm", "all",
      "The same in QALYs: each survivor's utility at the end carried forward along the age-sex EQ-5D norm.");
  add("carer_qalys_lost", "QALYs", "arm", "all", "QALYs strained carers lose (the common mental disorder's utility decrement), undiscounted; not in qalys.");
  // Differences from the baseline, replicate by replicate.
  add("gross_savings_gbp", gbp, "difference", "public; all (households included); payer; setting",
      "Baseline cost minus scenario cost of services (services only, intervention spend excluded). 'public' is NHS, council and "
      "public health: the figure the ROI and NPV use. Households' savings (self-funders' fees and residents' contributions) are shown under payer=households.");
  add("gross_savings_discounted_gbp", pv, "difference", "public; all; payer; setting; activity=<costed activity, or other: NHS-funded nursing care in care homes and public-health services> (public); icp=<ICP> (public); icp=<ICP>;payer=<payer> (horizon)",
      "gross_savings_gbp discounted at the cost rate; over the horizon also by the ICP its residents live in, and by ICP and payer.");
  add("cashable_savings_gbp", gbp, "difference", "public; payer; activity",
      "The part of the public savings that releases money: the savings in the activities the scenario's finance rules name as cashable "
      "(by default care-home weeks and home-care hours, the council's commissioned placements and packages); the rest is capacity released.");
  add("cashable_savings_discounted_gbp", pv, "difference", "public", "cashable_savings_gbp discounted at the cost rate.");
  add("direct_savings_discounted_gbp", pv, "difference",
      "all; payer (nhs, council); intervention=<name>; intervention=<name>;payer=<nhs or council>",
      "The bridge's first lines: what each intervention's own ledger avoided among its participants (the activity they were "
      "expected to have without its effect minus with it: admissions, bed-days, delayed bed-days, A&E, GP and outpatient "
      "attendances, mental-health admissions, care-home stays), at unit costs, discounted; as intervention_metrics' "
      "avoided_nhs_cost_gbp and avoided_council_cost_gbp.");
  add("system_savings_discounted_gbp", pv, "difference", "public; payer (nhs, council, public_health)",
      "The bridge's last lines: public gross savings minus the direct savings, by payer. The system's and indirect effects: "
      "capacity and delays (the system model's feedback), the activity the avoided events would have led to later, the later "
      "care of people who live longer (a cost), reinvestment's knock-on, and Monte Carlo noise. Direct + system = "
      "gross_savings_discounted_gbp (public).");
  add("intervention_cost_gbp", gbp, "difference", "all; funder", "Scenario intervention spend minus the baseline's.");
  add("funded_from_existing_budgets_gbp", gbp, "difference", "all; funder",
      "Only with finance.funding_source \"existing_budgets\": the intervention cost taken from the funders' existing service budgets "
      "(all of it), which then fund less capacity in the system model; its consequences are in the savings.");
  add("intervention_cost_discounted_gbp", pv, "difference", "all; funder; icp=<ICP> (horizon)",
      "intervention_cost_gbp discounted at the cost rate; over the horizon also by the ICP its participants (or areas) are in.");
  add("net_benefit_gbp", gbp, "difference", "all", "Public gross savings minus intervention cost, undiscounted.");
  add("net_benefit_cashable_gbp", gbp, "difference", "all", "Cashable savings minus intervention cost, undiscounted.");
  add("npv_gbp", pv, "difference", "all; icp=<ICP>", "Net present value over the horizon: public gross savings minus intervention cost, each financial year discounted at the cost rate.");
  add("npv_cashable_gbp", pv, "difference", "all", "Net present value of cashable savings minus intervention cost.");
  add("cumulative_discounted_net_benefit_gbp", pv, "difference", "all; cashable",
      "Discounted net benefit (public gross, or cashable) summed from the start to the end of the financial year: the break-even curve.");
  add("roi_gross", "GBP back per GBP 1", "difference", "all",
      "Return on investment over the horizon: present value of public gross savings / present value of intervention cost. Per "
      "replicate, that replicate's ratio; its summary's mean is the ratio of the means (mean savings / mean cost, with its Monte "
      "Carlo standard error by the delta method), its median and interval those of the replicates' ratios.");
  add("roi_cashable", "GBP back per GBP 1", "difference", "all",
      "Present value of cashable savings / present value of intervention cost (its summary's mean a ratio of means, as roi_gross).");
  add("roi_gross_above_1", "probability (share of replicates)", "difference", "all", "1 if roi_gross > 1 in the replicate, else 0: its mean is P(ROI > 1).");
  add("roi_cashable_above_1", "probability (share of replicates)", "difference", "all", "1 if roi_cashable > 1, else 0.");
  add("break_even_year", "financial year (2020 = 2020/21)", "difference", "all",
      "First financial year, once the investment has begun, whose cumulative discounted net benefit (public gross) is zero or more. A replicate that does not break even "
      "counts as later than the horizon: a quantile among those reads 'not within the horizon'.");
  add("break_even_year_cashable", "financial year", "difference", "all", "The break-even year for cashable savings only (the money actually released).");
  add("break_even_within_horizon", "probability (share of replicates)", "difference", "all; cashable", "1 if the replicate breaks even within the horizon.");
  add("who_pays_who_saves_gbp", pv, "difference", "investor=<funder>;saver=<payer>",
      "The wrong-pocket matrix over the horizon: each saving payer's discounted savings shared among the investing funders in proportion "
      "to their discounted investment. A row is what an investor's money saved, and for whom.");
  add("net_position_gbp", pv, "difference", "organisation (nhs, council, public_health, households, pooled)",
      "Each organisation's discounted savings minus its own discounted investment (pooled contributions appear under 'pooled').");
  add("pooled_budget_transfer_gbp", pv, "difference", "organisation (nhs, council, public_health)",
      "What a pooled budget would move: if the whole investment were pooled and shared in proportion to each organisation's savings, its "
      "contribution minus what it invests now (positive: it would pay in more). Zero-sum over the organisations with the 'pooled' funder's share.");
  add("deaths_averted", "deaths", "difference", "all; quintile", "Baseline deaths minus scenario deaths.");
  add("qalys_gained", "QALYs", "difference", "all; quintile", "Scenario QALYs minus baseline QALYs, undiscounted.");
  add("qalys_gained_discounted", "QALYs, present value", "difference", "all; quintile", "qalys_gained discounted at the health rate.");
  add("qalys_gained_per_100k", "QALYs per 100,000 person-years", "difference", "all; quintile",
      "QALYs gained per 100,000 person-years lived in the baseline: the distributional (equity-efficiency) view by quintile.");
  add("equity_gain_qalys_per_100k", "QALYs per 100,000 person-years", "difference", "all",
      "qalys_gained_per_100k in the most deprived quintile minus the least deprived: positive when the gains favour the most deprived.");
  add("cost_per_qaly_gbp", "GBP per QALY", "difference", "all",
      "Net cost per QALY gained (present values): (intervention cost - public gross savings) / discounted QALYs gained, against NICE's "
      "GBP 20,000-30,000. Absent in a replicate that gains no QALYs; negative when the scenario saves money and gains health (dominant). "
      "Its summary covers only the replicates with a gain (n says how many): read icer_gbp_per_qaly for the ratio of means.");
  add("icer_gbp_per_qaly", "GBP per QALY", "difference", "all",
      "Incremental cost-effectiveness ratio over the replicates: mean net cost (intervention cost - public gross savings, present "
      "values) / mean discounted QALYs gained. A summary only (no per-replicate values, no interval: the probability of being "
      "cost-effective, cost_effective, carries the uncertainty); absent when the mean QALY gain is not above zero.");
  add("npv_by_years_gbp", pv, "difference", "years=<N> (2, 5, 10, 25 within the horizon, and the horizon's)",
      "The pay-back timescales (as the NICE tobacco ROI tool's): the net present value over the run's first N years alone, as a "
      "run of N years gives it.");
  add("npv_cashable_by_years_gbp", pv, "difference", "years=<N>", "The net present value of cashable savings over the first N years.");
  add("roi_gross_by_years", "GBP back per GBP 1", "difference", "years=<N>",
      "The gross ROI over the first N years (its summary's mean a ratio of means, as roi_gross).");
  add("intervention_cost_by_years_discounted_gbp", pv, "difference", "years=<N>", "The intervention cost over the first N years, discounted.");
  add("gross_savings_by_years_discounted_gbp", pv, "difference", "years=<N>", "The public gross savings over the first N years, discounted.");
  add("evpi_gbp", pv, "comparison (stored with the baseline arm)", "wtp=<GBP per QALY>",
      "The expected value of perfect information for the region over the horizon: the mean over replicates of the best arm's net "
      "monetary benefit (the baseline's 0) minus the best arm's mean net monetary benefit, at each willingness to pay. What "
      "removing all parameter uncertainty before deciding is worth; a summary only (an upper bound on any further research).");
  add("evppi_gbp", pv, "comparison (stored with the baseline arm)",
      "group=<parameter group>;wtp=<20000 or 30000>; parameter=<name>;wtp=<...> (the sensitivity's parameters)",
      "The expected value of partial perfect information of a group of parameters (the parameter table's groups) or of one "
      "parameter, over the horizon: what knowing them before deciding is worth, by the regression metamodel of Strong, Oakley & "
      "Brennan (Med Decis Making 2014): each arm's net monetary benefit regressed on the group's drawn values (linear, quadratic "
      "with 20 replicates per term), then the mean of the best arm's fitted value minus the best arm's mean. A summary only; "
      "absent with fewer than 10 replicates per regression term (evppi_replicates_needed says how many).");
  add("evppi_replicates_needed", "replicates", "comparison (stored with the baseline arm)", "group=<parameter group>",
      "For a group whose EVPPI could not be estimated: the replicates its regression needs (10 per coefficient).");
  add("sensitivity_share", "share of variance", "difference", "parameter=<name> (the 10 that matter most)",
      "One-way sensitivity of the net present value (public gross savings, horizon): the share of its variance over the "
      "replicates that the parameter explains alone (adjusted R^2 of the regression of NPV on the drawn parameter; a first-order "
      "sensitivity index). Of the parameters the arm can be affected by (an intervention type's rows only where an arm runs the type) "
      "and whose regression is significant after a Bonferroni correction (F test, p < 0.05 / the parameters tried), the 10 with the "
      "largest share are kept. A summary only.");
  add("sensitivity_parameter_low", "the parameter's unit", "difference", "parameter=<name>", "The parameter's 5th percentile (its distribution's).");
  add("sensitivity_parameter_high", "the parameter's unit", "difference", "parameter=<name>", "The parameter's 95th percentile.");
  add("sensitivity_npv_low_gbp", pv, "difference", "parameter=<name>",
      "The expected net present value with the parameter at its 5th percentile (the other parameters as drawn), from the regression.");
  add("sensitivity_npv_high_gbp", pv, "difference", "parameter=<name>", "The same at the parameter's 95th percentile.");
  add("switching_value", "the parameter's unit", "difference", "parameter=<name>",
      "The parameter's value at which the expected net present value crosses zero (the decision switches), from the same "
      "regression, inside the parameter's 0.1st-99.9th percentiles; absent when it does not cross there.");
  add("unrelated_costs_added_life_gbp", gbp, "difference", "all",
      "The later NHS care of people who live longer, as estimated for the NICE reference case: the scenario's extra person-years "
      "by IMD decile, sex and age group x the average NHS spend per person-year there (Asaria 2017 reference tables, in the price "
      "base). Inside the savings (it lowers them: budget impact counts it); left out of the NICE reference case. SD-only runs: absent.");
  add("unrelated_costs_added_life_discounted_gbp", pv, "difference", "all", "unrelated_costs_added_life_gbp discounted at the cost rate.");
  add("net_cost_nice_gbp", "GBP, present value at 3.5%", "difference", "all",
      "The NICE reference case's net cost over the horizon: intervention cost - public gross savings - the unrelated costs of "
      "added life (unrelated_costs_added_life_gbp), each financial year discounted at 3.5%.");
  add("qalys_gained_discounted_nice", "QALYs, present value at 3.5%", "difference", "all", "QALYs gained, discounted at NICE's 3.5%.");
  add("net_monetary_benefit_nice_gbp", "GBP, present value at 3.5%", "difference", "wtp=20000; wtp=30000",
      "The NICE reference case's net monetary benefit: qalys_gained_discounted_nice x the threshold - net_cost_nice_gbp.");
  add("cost_effective_nice", "probability (share of replicates)", "difference", "wtp=20000; wtp=30000",
      "1 if the NICE reference case's net monetary benefit is above zero at the threshold.");
  add("icer_nice_gbp_per_qaly", "GBP per QALY", "difference", "all",
      "The NICE reference case's ICER: mean net_cost_nice_gbp / mean qalys_gained_discounted_nice (a summary; absent without a "
      "mean QALY gain, when cost_effectiveness_quadrant_nice says which quadrant). Compare this, not icer_gbp_per_qaly, with NICE's "
      "GBP 20,000-30,000 per QALY.");
  add("cost_effectiveness_quadrant_nice", "code (0-4)", "difference", "all",
      "cost_effectiveness_quadrant for the NICE reference case's mean net cost and QALY gain. A summary only.");
  add("cost_effectiveness_quadrant", "code (0-4)", "difference", "all",
      "Where the mean net cost (intervention cost - public gross savings, present values) and the mean discounted QALY gain fall "
      "on the cost-effectiveness plane: 1 costs more and gains health (icer_gbp_per_qaly applies); 2 saves money and gains health "
      "(dominant); 3 costs more and loses health (dominated: no ICER); 4 saves money and loses health (no ICER); 0 no change in "
      "health. A summary only.");
  add("qalys_gained_beyond_horizon_discounted", "QALYs, present value", "difference", "all",
      "Beyond the horizon, not in qalys_gained: the QALYs the scenario's extra survivors are still expected to live after the "
      "horizon (scenario minus baseline survivors, each with the remaining life of the baseline's period life table by IMD decile "
      "and sex over the last five years, and their utility carried forward along the age-sex norm), discounted to the price base "
      "at the health rate. No mortality improvement after the horizon is assumed, and the survivors' future costs are not counted.");
  add("life_years_gained_beyond_horizon_discounted", "life-years, present value", "difference", "all",
      "The same in life-years: the remaining discounted life expectancy of the scenario's survivors minus the baseline's.");
  add("qalys_gained_lifetime_discounted", "QALYs, present value", "difference", "all",
      "qalys_gained_discounted over the horizon plus qalys_gained_beyond_horizon_discounted.");
  add("cost_per_qaly_lifetime_gbp", "GBP per QALY", "difference", "all",
      "The lifetime cost per QALY: the horizon's net cost (intervention cost - public gross savings, present values) / "
      "qalys_gained_lifetime_discounted; beside cost_per_qaly_gbp, the within-horizon figure. Absent without a gain.");
  add("icer_lifetime_gbp_per_qaly", "GBP per QALY", "difference", "all",
      "The lifetime ICER over the replicates: mean net cost / mean qalys_gained_lifetime_discounted (a summary only).");
  add("net_monetary_benefit_gbp", pv, "difference", "wtp=0; wtp=5000; ... wtp=100000",
      "Discounted QALYs gained x the willingness to pay (GBP 0 to 100,000 per QALY by 5,000; NICE: 20,000-30,000) + public gross savings - intervention cost (present values).");
  add("cost_effective", "probability (share of replicates)", "difference", "wtp=0; wtp=5000; ... wtp=100000",
      "1 if the net monetary benefit is above zero: over the willingness-to-pay grid, the cost-effectiveness acceptability curve.");
  add("le_birth_change_years", "years", "difference", "sex; quintile;sex", "Scenario minus baseline life expectancy at birth.");
  add("le_65_change_years", "years", "difference", "sex; quintile;sex", "Scenario minus baseline life expectancy at 65.");
  add("le_gap_birth_change_years", "years", "difference", "sex", "Change in the quintile 5 - quintile 1 gap at birth (negative: the gap narrows).");
  add("le_gap_65_change_years", "years", "difference", "sex", "Change in the gap at 65.");
  add("sii_le_birth_change_years", "years", "difference", "sex", "Change in the slope index of inequality in life expectancy at birth.");
  add("sii_le_65_change_years", "years", "difference", "sex", "Change in the slope index at 65.");
  add("dfle_birth_change_years", "years", "difference", "sex; quintile;sex", "Scenario minus baseline disability-free life expectancy at birth.");
  add("dfle_65_change_years", "years", "difference", "sex; quintile;sex", "Scenario minus baseline disability-free life expectancy at 65.");
  add("dfle_gap_birth_change_years", "years", "difference", "sex",
      "Change in the quintile 5 - quintile 1 gap in disability-free life expectancy at birth (negative: the gap narrows).");
  add("sii_dfle_birth_change_years", "years", "difference", "sex", "Change in the slope index of inequality in disability-free life expectancy at birth.");
  add("economy_fewer_out_of_work_ill_health", "people (average over the period)", "difference", by_area,
      "Fewer residents out of work because of ill health: baseline minus scenario out_of_work_ill_health_people. It counts the "
      "living: a scenario that keeps ill people alive has more of them, so survival gains can make it negative (see "
      "employment_change_people).");
  add("employment_change_people", "people (average over the period)", "difference", by_area,
      "Scenario minus baseline residents aged 16-64 in work (average): the change in the workforce, survival included.");
  add("economy_absence_days_avoided", "working days", "difference", by_area, "Baseline minus scenario sickness-absence days.");
  add("economy_output_gain_gbp", "GBP, in the price base year's prices (the economy's ledger)", "difference",
      "all; component (out_of_work, absence); quintile; icp=<name>",
      "Output regained by the economy: baseline minus scenario lost_output_gbp (ill health among the living, so extra survivors "
      "who are ill count against it and extra survivors in work are not credited). A separate ledger: it is never added to the NHS "
      "or council savings.");
  add("economy_output_gain_discounted_gbp", "GBP, present value (the economy's ledger)", "difference", "all",
      "economy_output_gain_gbp discounted by financial year at the cost rate.");
  add("economy_return_per_gbp", "GBP of output per GBP 1 invested", "difference", "all",
      "Return to the economy per pound, an upper estimate (the earnings approach values a lost job at a full wage; the friction-cost "
      "method would give less): present value of the output regained / present value of the intervention cost (beside, not "
      "added to, the public ROI).");
  add("smoking_at_delivery_averted", "births", "difference", by_area, "Fewer births whose mother smoked at delivery (baseline minus scenario).");
  add("low_birth_weight_averted", "births", "difference", by_area, "Fewer births under 2,500 g.");
  add("infant_emergency_admissions_averted", "admissions", "difference", by_area, "Fewer emergency admissions of babies under 1.");
  add("falls_admissions_65_plus_averted", "admissions", "difference", by_area,
      "Fewer emergency admissions of people 65+ that followed a fall (baseline minus scenario).");
  add("care_home_moves_avoided", "moves", "difference", "all; quintile", "Fewer moves into care homes.");
  add("strained_carers_averted", "people (average over the period)", "difference", by_area, "Fewer unpaid carers who are strained.");
  add("carer_qalys_gained", "QALYs", "difference", "all", "QALYs gained by unpaid carers (less strain), undiscounted; not in qalys_gained.");
  add("carer_qalys_gained_discounted", "QALYs, present value", "difference", "all", "carer_qalys_gained discounted at the health rate.");
  return d;
}

}  // namespace

const std::vector<OutcomeDefinition>& outcome_dictionary() {
  static const std::vector<OutcomeDefinition> d = make_dictionary();
  return d;
}

int outcome_index(const std::string& name) {
  static const std::unordered_map<std::string, int> index = [] {
    std::unordered_map<std::string, int> m;
    const auto& d = outcome_dictionary();
    for (std::size_t k = 0; k < d.size(); ++k) m.emplace(d[k].name, static_cast<int>(k));
    return m;
  }();
  const auto it = index.find(name);
  if (it == index.end()) throw InternalError("no outcome named '" + name + "' in the dictionary");
  return it->second;
}


// The headline lists. Labels fit the command line's 44 columns; notes say what a figure is.
const std::vector<HeadlineOutcome>& scenario_headlines() {
  using F = Figure;
  using G = HeadlineGroup;
  constexpr unsigned T = kShowTerminal, W = kShowWorkbook, R = kShowPerReplicate, P = kShowPlan, B = kShowReport;
  static const std::vector<HeadlineOutcome> h{
      {"Intervention cost (present value)", "intervention_cost_discounted_gbp", "all", F::money, G::finance, T | W | P | B,
       "Scenario spend minus baseline spend, discounted"},
      {"Gross savings, public (present value)", "gross_savings_discounted_gbp", "public", F::money, G::finance, T | W | P | B,
       "Baseline minus scenario cost of services to the NHS, council and public health, discounted"},
      {"  of which cashable", "cashable_savings_discounted_gbp", "public", F::money, G::finance, T | P | B,
       "The part of the public savings that releases money (the scenario's cashable rules), discounted"},
      {"Intervention cost (undiscounted)", "intervention_cost_gbp", "all", F::money, G::finance, W | R | P | B,
       "Scenario spend minus baseline spend, undiscounted"},
      {"Gross savings, public (undiscounted)", "gross_savings_gbp", "public", F::money, G::finance, W | R | P | B,
       "Baseline minus scenario cost of services (NHS, council, public health), undiscounted"},
      {"Cashable savings (undiscounted)", "cashable_savings_gbp", "public", F::money, G::finance, W | R | P | B,
       "The part of the public savings that releases money, undiscounted"},
      {"Net benefit (undiscounted)", "net_benefit_gbp", "all", F::money, G::finance, W | R | P | B,
       "Public gross savings minus intervention cost, undiscounted"},
      {"Net benefit, cashable", "net_benefit_cashable_gbp", "all", F::money, G::finance, W | P,
       "Cashable savings minus intervention cost, undiscounted"},
      {"Net present value", "npv_gbp", "all", F::money, G::finance, T | W | R | P | B, "Discounted; gross public savings"},
      {"Net present value, cashable", "npv_cashable_gbp", "all", F::money, G::finance, T | W | R | P | B,
       "Discounted; cashable savings only"},
      {"ROI gross (GBP back per GBP 1)", "roi_gross", "all", F::ratio, G::finance, T | W | R | P | B,
       "Present value of public gross savings / present value of intervention cost"},
      {"ROI cashable", "roi_cashable", "all", F::ratio, G::finance, T | W | R | P | B, "Cashable savings / intervention cost, present values"},
      {"P(ROI gross > 1)", "roi_gross_above_1", "all", F::probability, G::finance, T | W | P | B,
       "Share of replicates whose gross ROI is above 1"},
      {"P(ROI cashable > 1)", "roi_cashable_above_1", "all", F::probability, G::finance, W | P,
       "Share of replicates whose cashable ROI is above 1"},
      {"Break-even year", "break_even_year", "all", F::year, G::finance, W | R | P | B,
       "First financial year with cumulative discounted net benefit >= 0"},
      {"Share breaking even within the horizon", "break_even_within_horizon", "all", F::probability, G::finance, W | P, ""},
      {"Break-even year, cashable", "break_even_year_cashable", "all", F::year, G::finance, W | R | P | B,
       "The same with cashable savings only"},
      {"Share breaking even, cashable", "break_even_within_horizon", "cashable", F::probability, G::finance, W | P, ""},
      {"Deaths averted", "deaths_averted", "all", F::count, G::health, T | W | R | P | B, "Baseline deaths minus scenario deaths"},
      {"QALYs gained", "qalys_gained", "all", F::count, G::health, W | R | P | B, "Undiscounted"},
      {"QALYs gained (discounted)", "qalys_gained_discounted", "all", F::count, G::health, T | W | R | P,
       "Discounted at the health rate"},
      {"Cost per QALY, budget impact (ICER)", "icer_gbp_per_qaly", "all", F::money, G::health, T | W | P | B,
       "Net cost / discounted QALYs (ratio of means), all costs counted, the scenario's rates (Green Book 3.5% and 1.5%); "
       "negative = dominant. For NICE's thresholds use the reference case below"},
      {"Cost per QALY, NICE reference case", "icer_nice_gbp_per_qaly", "all", F::money, G::health, T | W | P | B,
       "Costs and QALYs at 3.5%; the unrelated NHS costs of added life-years left out: the figure to compare with NICE's thresholds"},
      {"  unrelated NHS costs of added life (PV)", "unrelated_costs_added_life_discounted_gbp", "all", F::money, G::health, T | W | P | B,
       "The later NHS care of people who live longer: inside the savings above (budget impact), left out of the NICE case"},
      {"P(cost-effective, NICE case, GBP 20k)", "cost_effective_nice", "wtp=20000", F::probability, G::health, T | W | B,
       "Share of replicates with a positive NICE reference-case net monetary benefit at GBP 20,000 per QALY"},
      {"Cost per QALY, per replicate", "cost_per_qaly_gbp", "all", F::money, G::health, W | R | P,
       "Over the replicates with a QALY gain"},
      {"P(cost-effective at GBP 20k/QALY)", "cost_effective", "wtp=20000", F::probability, G::health, T | B,
       "Share of replicates with a positive net monetary benefit at GBP 20,000 per QALY"},
      {"Net monetary benefit at GBP 20k/QALY", "net_monetary_benefit_gbp", "wtp=20000", F::money, G::health, R, ""},
      {"Net monetary benefit at GBP 30k/QALY", "net_monetary_benefit_gbp", "wtp=30000", F::money, G::health, R, ""},
      {"Change in LE gap at birth, Q5-Q1 (years)", "le_gap_birth_change_years", "sex=persons", F::years, G::equity, T | W | R | B,
       "Scenario gap minus baseline gap, persons; negative = narrower"},
      {"Equity gain, QALYs per 100k (Q1 - Q5)", "equity_gain_qalys_per_100k", "all", F::ratio, G::equity, T, ""},
      {"Change in DFLE at 65, persons (years)", "dfle_65_change_years", "sex=persons", F::years, G::equity, T | W | B, "Persons; Sullivan method"},
      {"Change in SII in LE at birth, persons", "sii_le_birth_change_years", "sex=persons", F::years, G::equity, W | B,
       "Slope index of inequality in life expectancy at birth across deprivation deciles"},
      {"Change in DFLE at birth, persons", "dfle_birth_change_years", "sex=persons", F::years, G::equity, W, ""},
      {"Change in DFLE gap at birth, persons", "dfle_gap_birth_change_years", "sex=persons", F::years, G::equity, W,
       "Negative: the gap narrows"},
      {"  Output regained (present value)", "economy_output_gain_discounted_gbp", "all", F::money, G::economy, T | W | R | B,
       "Present value; fewer people out of work through ill health and fewer sickness-absence days"},
      {"  Return to the economy per GBP 1 (upper)", "economy_return_per_gbp", "all", F::ratio, G::economy, T | W | R | B,
       "The economy's own ledger: output regained valued by the earnings approach (an upper estimate), never added to the "
       "savings or ROI"},
      {"  Fewer out of work through ill health", "economy_fewer_out_of_work_ill_health", "all", F::count, G::economy, T | W, "Average over the period"},
      {"  Sickness-absence days avoided", "economy_absence_days_avoided", "all", F::count, G::economy, T | W, ""},
      {"Fewer births to mothers smoking at delivery", "smoking_at_delivery_averted", "all", F::count, G::wider, T | W | R | B,
       "Fewer births whose mother smoked at delivery"},
      {"  Low-birth-weight births averted", "low_birth_weight_averted", "all", F::count, G::wider, T | W, ""},
      {"Infant emergency admissions averted", "infant_emergency_admissions_averted", "all", F::count, G::wider, W, ""},
      {"Falls admissions 65+ averted", "falls_admissions_65_plus_averted", "all", F::count, G::health, T | W | R, ""},
      {"Carers: strained carers averted (average)", "strained_carers_averted", "all", F::count, G::wider, T | W | R | B,
       "Average over the horizon; carers with a common mental disorder"},
      {"Carers' QALYs gained (present value)", "carer_qalys_gained_discounted", "all", F::count, G::wider, W,
       "Not in QALYs gained"},
      {"  Care-home moves avoided", "care_home_moves_avoided", "all", F::count, G::wider, T | W, ""},
      {"  Life-years gained (discounted)", "life_years_gained_beyond_horizon_discounted", "all", F::count, G::beyond, T | W | B,
       "Not in any figure above: the remaining life of the extra survivors at the horizon's end (period life tables by "
       "decile and sex, no further improvement), discounted"},
      {"  QALYs gained (discounted)", "qalys_gained_beyond_horizon_discounted", "all", F::count, G::beyond, T | W | B,
       "Their utility carried along the age-sex norm, discounted"},
      {"  Lifetime cost per QALY (ratio of means)", "icer_lifetime_gbp_per_qaly", "all", F::money, G::beyond, T | W | B,
       "The horizon's net cost / QALYs gained within and beyond the horizon (ratio of means); beside the cost per QALY, "
       "which counts the horizon alone"},
  };
  return h;
}

const std::vector<HeadlineOutcome>& arm_headlines() {
  using F = Figure;
  using G = HeadlineGroup;
  constexpr unsigned W = kShowWorkbook, R = kShowPerReplicate;
  static const std::vector<HeadlineOutcome> h{
      {"Cost of services, all payers", "cost_gbp", "all", F::money, G::finance, W | R, "Households included"},
      {"Cost of services, public", "cost_gbp", "public", F::money, G::finance, W | R, "NHS, council and public health"},
      {"Cost of services, public (present value)", "cost_discounted_gbp", "public", F::money, G::finance, W | R, ""},
      {"Intervention spend", "intervention_spend_gbp", "all", F::money, G::finance, W | R, ""},
      {"Emergency admissions", "emergency_admissions", "all", F::count, G::health, W | R, ""},
      {"Emergency bed-days", "emergency_bed_days", "all", F::count, G::health, W, ""},
      {"Delayed-discharge bed-days", "delayed_discharge_bed_days", "all", F::count, G::health, W, ""},
      {"Care-home residents at the end", "care_home_residents_end", "all", F::count, G::health, W, ""},
      {"Deaths", "deaths", "all", F::count, G::health, W | R, ""},
      {"QALYs", "qalys", "all", F::count, G::health, W | R, ""},
      {"Life expectancy at birth, persons", "life_expectancy_birth_years", "sex=persons", F::years, G::equity, W | R, ""},
      {"LE gap at birth, Q5 - Q1, persons", "le_gap_birth_years", "sex=persons", F::years, G::equity, W | R,
       "Quintile 5 (least deprived) minus quintile 1 (most deprived)"},
      {"SII in LE at birth, persons", "sii_le_birth_years", "sex=persons", F::years, G::equity, W, "Slope index of inequality"},
      {"Disability-free LE at birth, persons", "disability_free_le_birth_years", "sex=persons", F::years, G::equity, W, ""},
      {"Disability-free LE at 65, persons", "disability_free_le_65_years", "sex=persons", F::years, G::equity, W, ""},
      {"DFLE gap at birth, Q5 - Q1, persons", "dfle_gap_birth_years", "sex=persons", F::years, G::equity, W, ""},
      {"Residents at the end", "population_end", "all", F::count, G::health, W, ""},
      {"Employment rate, aged 16-64 (%)", "employment_rate_percent", "all", F::percent, G::economy, W, "The economy's own ledger"},
      {"Out of work through ill health (average)", "out_of_work_ill_health_people", "all", F::count, G::economy, W, ""},
      {"Sickness-absence days", "sickness_absence_days", "all", F::count, G::economy, W, ""},
      {"Output lost through ill health", "lost_output_gbp", "all", F::money, G::economy, W, ""},
      {"Mothers smoking at delivery (% of births)", "smoking_at_delivery_percent", "all", F::percent, G::wider, W, ""},
      {"Births under 2,500 g (%)", "low_birth_weight_percent", "all", F::percent, G::wider, W, ""},
      {"Infant emergency admissions", "infant_emergency_admissions", "all", F::count, G::wider, W, ""},
      {"Falls admissions 65+", "falls_admissions_65_plus", "all", F::count, G::health, W, ""},
      {"Unpaid carers (average)", "unpaid_carers", "all", F::count, G::wider, W, ""},
      {"Strained carers (% of carers)", "strained_carers_percent", "all", F::percent, G::wider, W, ""},
  };
  return h;
}

std::vector<HeadlineOutcome> headlines_shown(const std::vector<HeadlineOutcome>& list, unsigned where) {
  std::vector<HeadlineOutcome> out;
  for (const auto& h : list)
    if (h.shown & where) out.push_back(h);
  return out;
}

const char* group_title(HeadlineGroup g) {
  switch (g) {
    case HeadlineGroup::finance: return "Invest to save";
    case HeadlineGroup::health: return "Health";
    case HeadlineGroup::equity: return "The health gap";
    case HeadlineGroup::economy: return "Economy (its own ledger, not in the above)";
    case HeadlineGroup::wider: return "Wider outcomes";
    case HeadlineGroup::beyond: return "Beyond the horizon (not in any figure above: the extra survivors' remaining life)";
  }
  return "";
}

}  // namespace shiftsim::results
