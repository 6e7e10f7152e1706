#include "model/simulation/documentation.hpp"

#include "model/world/geography.hpp"
#include "model/programmes/policy.hpp"

#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

namespace shiftsim::model {

namespace {

struct Section {
  const char* group;  // parameter group shown under it (may be empty)
  const char* title;
  const char* text;   // markdown: what, equations, data
};

// The processes in the order one month runs them. Equations use: a age, s sex, d district,
// k IMD decile (1 = most deprived), q quintile, t model month, i person.
const Section kSections[] = {
    {"", "How a month runs",
     R"(Each month (t = 0 is July of the base year, when the ONS mid-year population applies):

0. Funded interventions (see Interventions): their multipliers for the month are set, area
   coverage and spend are computed, and each person intervention chooses this month's new
   participants, whose one-off changes happen at once.
1. The month's person-months, expected deaths, QALYs and expected activity are read from running
   per-block sums of what every person alive at the start of the month contributes. A person's
   contribution changes only when their state changes (a birthday, an event, an arrival).
2. In parallel over fixed blocks of people, every person ages one month. On a birthday their rates
   are recomputed for the new age (on the 18th birthday their smoking and weight status is drawn
   from the prevalence at 18, the surveys' adult population). Then the person's events are drawn
   in four channels, each a 32-bit Philox word keyed by (seed, replicate) and counted by (person,
   month, purpose) (see Random numbers below): each event has its monthly probability h_j and
   its own slot of its channel's word, so whether it happens depends on its own hazard and its
   own slot only. At most one event a channel a month; events of different channels in the same
   month all happen. Programme memberships then lapse, each by its own draw.
3. Serially and in a fixed order: event counts are combined block by block; each pure tally
   (GP, A&E, elective, outpatient, community and mental health contacts) is drawn once per output
   cell as Poisson(sum of the cell's expected counts), which has exactly the distribution of the
   sum of per-person Poisson draws; births and in-migrants are added; activity is costed by payer.

Results are therefore identical at any number of threads: every draw is keyed by who, when and
what for, and every sum is combined in block order.

**Random numbers and common random numbers.** A scenario and its baseline use the same random
numbers for every person who exists in both, event by event, so that a difference between the
arms is the scenario's, not the dice's, for as long as the run lasts:

- Events. The four channels are: leaving (from the bottom of the word emigration, at its cell
  rate, then death; from the top frailty progression), care (from the bottom the emergency
  admission; from the top the move into home care or a care home), conditions (from the bottom
  the incidence of hypertension, CHD, stroke, diabetes, COPD, cancer and dementia, each
  reserving its cell rate x the largest relative risk anyone of that sex can have, then the
  part of any of them a programme raises above its reservation; from the top the onset of, or
  recovery from, a common mental disorder) and behaviour (from the bottom starting or stopping
  smoking, gaining weight, losing weight and changing physical activity, each reserving the
  largest cell rate of its directions, then harmful drinking starting or stopping; from the top
  social isolation starting or ending). An event with hazard h happens when the word falls in
  [start, start + h) of its slot, and every slot's start is fixed by cell rates, never by the
  arm or the person's state. So a programme that lowers one rate removes that event in a subset
  of the months it happened, and changes nothing else; a person whose risk factors differ
  between the arms (a quitter) keeps every other event's draws. Events of one month are applied
  in the order behaviour, conditions, care (a move, then an admission and its discharge),
  leaving, each decided on the state at the start of the month; each keeps its monthly
  probability exactly.
- Memberships. A programme membership ends by its own draw each month (keyed by person, month
  and the programme's stream, a hash of its name), not as a competitor of the person's events.
  A programme's selection keys and one-off changes are keyed by the same stream, so they do not
  depend on its place among the scenario's interventions.
- Arrivals. The k-th birth in zone z in month t, and the k-th in-migrant of district d in month
  t, get an id computed from (t, z or d, k): the same person, with the same draws, in every arm
  that has at least k of them. The ids leave room for eight times the base year's largest
  monthly count of a zone (of a district, for in-migrants) and cover 25 years; a trend that
  exceeds that is refused. At the whole region that is 2,048 births a zone-month and 4,096
  in-migrants a district-month, about 53 million of the 2^31 person ids.
- Aggregates. Births and in-migrant counts, tallies and birth outcomes are drawn per zone,
  district or cell and month, keyed by place, month and order, never by a running counter.

Annual probabilities p from the evidence become monthly probabilities 1 - (1 - p)^(1/12).)"},
    {"", "Geography and the starting population",
     R"(The 215 MSOAs are ordered by name within each ICP and cut into contiguous groups of 30,000-50,000
residents (mid-2017 small-area estimates). The number of groups per ICP and the cut points are
chosen by dynamic programming to make sizes as even as possible around the regional mean, with
41 groups in all: these are the neighbourhoods. A zone is the part of a neighbourhood in one
district. Each zone's deprivation mix by age group (0-15, 16-59, 60+) comes from its LSOAs'
IMD 2019 deciles and population denominators.

Each district's mid-2018 count by sex and single year of age (90+ spread over 90-100 in
proportion to the national life table's person-years) is split across its zones in proportion
to their population in the matching 5-year band, then across IMD deciles by the zone's mix for
that age group, by largest remainders: counts by district x age x sex are reproduced exactly.

Risk factors are drawn from cell prevalences (below). Conditions are drawn in dependency order
(hypertension, diabetes, CHD, stroke, COPD, cancer, dementia, CMD) with probability
P_c(a,s,k,d) x RR_i / mean(RR | age group, sex, quintile), where RR_i is the person's incidence
relative risk from their risk factors and earlier conditions, so that each cell's prevalence is
kept while conditions cluster in the people at risk. Frailty and care setting are drawn the same
way with their own multipliers.)"},
    {"", "Prevalence targets",
     R"(For every (district d, decile k, sex s, age a) cell:

    P(a,s,k,d) = logistic( logit( min(0.98, n(a,s) x g(k)) ) + delta_d )

n(a,s) is the national age-sex profile (published bands, linear between band mid-points; where
an England anchor is given, the profile is scaled so that its England-population-weighted mean
equals the anchor). g(k) = R^((5.5 - k)/8) / mean_k R^((5.5 - k)/8) is the deprivation gradient
for a published most/least deprived quintile ratio R. delta_d = 0 except for the four indicators
published by district (current smoking, excess weight, inactivity, QOF depression), where it is
solved so the district's adult (18+) prevalence equals the published value. Ex-smokers keep
their national share of non-smokers; the obese keep their share of the overweight-or-obese.)"},
    {"demography.mortality", "Deaths",
     R"(    h_death(i) = m(a,s) / 12 x D_s(k) x c_d x M_i / E_nat[M | age group, s] x (1 - imp(a,s))^y

m(a,s) is the England life table central death rate for the base period (ONS National Life
Tables). M_i = min(cap_person, product of the direct condition HRs (with ERFC's interactions) x
HR_smoking x HR_frailty) x HR_care. The direct HRs are not the published ones: each published HR
(ERFC 2015 for CHD, stroke and diabetes, each alone against none of the three, and their joint
groups; COPD, cancer, dementia, CMD; Pirie 2013 for smoking; Clegg 2016 for the eFI levels) is
adjusted for age and sex only, so multiplying them would count twice what the factors share.
The direct log HRs are raked (iterative proportional fitting, to 0.5%) so that each factor's
marginal HR in the synthesised population, standardised over sex and 5-year age bands within its
source's ages (40-79, 50-79, 65-95), is the published one; hypertension keeps a direct HR of 1
(its risk is carried by the conditions it causes). The direct HRs are reported as derived
parameters (mortality.hr_direct.*): e.g. COPD 1.25 (published 1.73: COPD shares smoking), severe
frailty 3.36 (4.52). The cap (30) binds for about 0.1% of people. HR_smoking is 1 for
never-smokers, HR_current (direct) for smokers and, for an
ex-smoker t completed years after quitting, 1 + (HR_current - 1) x f(t), where f is the share of
the excess that remains: f(t) = 0.2 CVD(t) + 0.2 COPD(t) + 0.6 cancers(t), the curves of
excess risk remaining after cessation of Kontis et al. (Lancet 2014) at mid-year; the mix
reproduces the Million Women Study's RRs by age at quitting (1.20 for 35-44, 1.56 for about 50;
Pirie 2013). So quitting lowers mortality by about 9% of the excess in the first year and to the
never-smoker level over about 40 years, not at once. HR_care is 1 for people who have not needed a
care home; for those who moved into one, or whose move a programme averted (a draw between the
move hazard with the programme and without it: the multiplier stands for the unmeasured severity
that a care home reflects, which keeping someone at home does not change), it is h_1 in the first
year since and h_2 later, with h_1 / h_2 = 1.67 (Forder & Fernandez 2011) and h_2 solved so that
base-year deaths per resident-year of residents 65+ equal 0.33 (ONS; Shah 2013: 0.30). E_nat[M] is
the mean of M over the deciles of the synthesised population (so the England-average person has
the life-table rate). D_s(k) = exp(beta_s (k - 5.5)) / mean is calibrated (bisection on beta_s)
so that the model's period life expectancy at birth differs between deciles 1 and 10 by the ONS
gap. c_d scales each district so that expected deaths in the first model year equal the ONS deaths
in the year to mid base-year: the starting people's deaths (ageing through their birthday, with
the population's multiplier growth between single years of age), except that a care-home
resident's place is counted as refilled when its resident dies (the year's entrants die at the
residents' rates). imp(a,s) is the annual improvement between the life tables five years apart,
applied at each birthday, y being the model year of the last birthday.)"},
    {"demography.births", "Births",
     R"(    births(zone, t) ~ Poisson( GFR_d x (1 + trend)^year / 12 x women aged 15-44 in the zone )

GFR_d = district births (components of change, year to mid base-year) / women aged 15-44. A
newborn's IMD decile is drawn from the zone's 0-15 mix; its sex with the England share of boys
at age 0.)"},
    {"demography.migration", "Migration",
     R"(Gross flows by district (components of change, year to mid base-year): every resident has an
emigration probability k_d x RC(a) a year, with k_d such that the district's people (and the year's
in-migrants, for half of it) give its outflow, internal + international (and "other" when
negative); Poisson(inflow / 12) in-migrants arrive each month (internal + international, and
"other" when positive), with the ages of the district's out-migrants (its people x RC(a): ONS flows
by age are not in the region data), sex from the female share, zone in proportion to population
and decile from the zone's mix; their attributes are drawn like the starting population's. The
net trend changes the inflow by the trend's change of the net (the outflow rate stays). Moves
between the region's districts are an out-move and an in-move. Until flows by single year of age
(ONS MYEB2) are added, every district's movers follow one schedule: students arriving at 18 in
Lancaster and leaving at 21, and retirees moving to the coast, are not represented.

    RC(a) = a1 exp(-alpha1 a) + a2 exp(-alpha2 (a - mu2) - exp(-lambda2 (a - mu2))) + c   (normalised))"},
    {"", "Transition rates that keep a profile (stationary solvers)",
     R"(Onset rates are solved so that a cohort aged a, after one year of mortality (with the state's
hazard ratio measured in the synthesised population) and transitions, has the profile's
prevalence at a+1; known rates (recovery, quitting, relapse, weight loss) are inputs. Binary
states are solved as twelve monthly steps p' = p (1 - r) + (1 - p) o (bisection on o), exact for
fast recovery. Smoking (never/current/ex: quit and initiation from the ex and current profiles,
relapse given), weight (up-rates given down-rates), frailty and care setting (progressive:
one level a month at most; mass a profile wants in a state that cannot yet be reached goes to
the highest reachable one) use the annual algebra. Where the profile would need a negative
onset the onset is zero. Without trends and interventions the age profiles are then kept.
Individual relative risks multiply these rates, divided by their mean among the people at risk in
the same age group, sex and quintile at the start.)"},
    {"risk.smoking", "Smoking", R"(Current and ex-smoker profiles by age and sex; quit, initiation and relapse as above. The secular fall
in smoking (England APS, six years to the base year) is added to the quit rate:
tau = 1 - (P_base / P_base-6)^(1/6).

A quit is a 12-month abstinence (as the stop-smoking services' quit probability is); each
ex-smoker carries the years since quitting t. Relapse follows Hawkins 2010 (BHPS) by t: none in
the first year, then 15.1%, 7.9%, 4.9%, 3.0%, 2.3%, 1.1%, 1.4%, 0.3%, 1.3%, 0%, and 0.3% a year
from 11 years (37.1% of quitters relapse in the 10 years after their first). The ex-smokers' RRs
of CHD, stroke, COPD and cancer are 1 + (RR_current - 1) x the matching Kontis curve at t. The
synthesised ex-smokers get t with probability proportional to the current-smoker prevalence of
their cell at the age they quit x (1 - 0.025)^-t (smoking fell from 45% of adults in 1974 to
15.1% in 2017) x their survival in abstinence; the solver takes each age's mean relapse over them.
The stock means (ex-smoker HR, relapse a year, RRs) are reported as derived parameters.)"},
    {"risk.weight", "Weight", R"(Healthy / overweight / obese, moving one category at a time.)"},
    {"risk.activity", "Physical inactivity", R"(Inactive (<30 minutes a week) or not; recovery given, onset solved.)"},
    {"risk.alcohol", "Harmful drinking", R"(AUDIT 16+ or not; recovery given, onset solved.)"},
    {"risk.isolation", "Social isolation", R"(Often or always lonely, or not; recovery given, onset solved.)"},
    {"conditions.prevalence", "Long-term conditions: prevalence", R"(Prevalence profiles by age and sex, deprivation ratios.)"},
    {"conditions.incidence", "Long-term conditions: incidence",
     R"(    h_c(i) = o_c(a,s,k,d) x RR_c(i) / mean(RR_c | not yet c; age group, s, q)

RR_c(i) is the product of the relative risks of the person's risk factors and conditions
(listed below; 1 where no evidence is used). Common mental disorder remits; the others persist.
Weight's RRs for CHD and stroke (Guh 2009) are total effects, partly through the hypertension and
diabetes that weight raises, whose RRs also multiply: the model uses direct weight RRs, RR_total(w)
x E[M | healthy] / E[M | w] with M the hypertension and diabetes RRs and their prevalence by weight
as the synthesis draws them (England profiles, 45-74), so that the total effect in the people is
Guh's (condition.*.rr_direct.weight.*: CHD obese 1.30 men, 2.35 women; stroke about 1.0-1.05; below
Lu 2014's bounds for men and stroke, because the model's binary hypertension and diabetes RRs
carry more of the effect than Lu's measured mediation would). Ex-smokers' RRs follow the years
since quitting (see Smoking).)"},
    {"frailty", "Frailty", R"(Electronic Frailty Index levels fit/mild/moderate/severe from age 50, rising one level at a time with a
multiplier per long-term condition held.)"},
    {"care", "Care setting",
     R"(Home -> home care package -> care home, with multipliers for frailty and dementia. After an emergency
admission a person not already in a care home moves into one with an age-specific probability;
these moves are allowed for when solving the other care rates. Residents die faster (see Deaths),
so the entry rates that keep the care-home prevalence are those of a mean stay of about 3 years;
the system model's mean stay (how long an avoided move keeps saving) is the agents' own: an
entrant's expected stay with the base year's residents' rates in the first year and later. A
move's hazard takes at most what is left of its channel's interval after the admission's.)"},
    {"activation", "Patient activation", R"(PAM level 1-4 drawn at the start (lower in deprived areas); constant in the baseline. Self-care and
digital interventions raise it in scenarios.)"},
    {"services.rates", "Use of services",
     R"(Expected monthly counts per person = cell rate x person multiplier / mean multiplier (age group, sex,
quintile):

- emergency admissions (a per-person event, since it matters to the person; person multiplier
  1.35 per condition x the direct frailty multiplier, raked so that the eFI levels' marginal rate
  ratios among people 65-95 are Clegg 2016's 1.93, 3.04, 4.73: 1.60, 2.44, 3.71) and elective
  admissions: the NHS spend-by-age profile spend(a,s,q) (Asaria 2017, 2014/15) scaled separately
  for each sex, children and adults, so that the region's expected total equals its admitted
  patient care count (residence based, 2018). The spend profile holds maternity, which the counts
  exclude: women aged 15-49 take men's spend x the women's/men's ratio at 52 (so women 18-44 have
  20% of adult women's emergency admissions, not 33%; an assumption until HES by age is used).
  Smoking adds a direct multiplier on emergency admissions (current smokers d, ex-smokers
  1 + (d - 1) x the all-cause curve of years since quitting), d solved so that 4% of the admissions
  of people 35+ are attributable to smoking at England's prevalence (NHS Digital 2019), the
  admissions smoking adds through the conditions it causes included. An admission of a person
  65+ followed a fall with the share s of its district and age band (65-79, 80+): the district's
  Fingertips 22401 rate (2017/18, age-standardised to the ESP 2013) split into the bands by
  England's ratio of the 80+ rate to the 65-79 rate (66.6% of England's falls admissions are at
  80+), times the band's synthesised people, over their expected admissions (8.5% of the 65+'s
  admissions). The falls take the bottom s of the admission's part of the care channel's word, so
  every programme's multipliers shrink them from the top and a scenario's falls admissions are
  among the baseline's; a programme acting on falls multiplies the admission rate by
  1 - s (1 - rr);
- A&E: the age-sex shape x the spend profile's deprivation ratio, scaled to the region's trusts'
  attendances (2016/17, all department types);
- outpatients: England attendances per head x spend(a,s,q) / England-mean spend;
- GP, community and mental health contacts: age-sex shapes scaled to their England per-head
  anchors, x the spend deprivation ratio;
- home care hours and care-home weeks: the package volumes of people in those settings.

Bed-days per emergency admission: zero with the zero-day share, otherwise 1 + Geometric with the
age's mean; a fixed share of bed-days are delayed transfers of care.)"},
    {"costs", "Costs and who pays",
     R"(Unit costs are published in different price years and deflated to 2018/19 with the NHS cost
inflation index (pay and prices):

- GP appointment: PSSRU 2023 per surgery consultation (10 minutes) -> NHS primary care;
- A&E attendance (all types) and ordinary elective episode: National Cost Collection 2018/19;
  day case: Reference Costs 2016/17 x NHSCII; regular day/night, the non-elective spell, community
  contact, mental health contact (blend with NHS Talking Therapies): National Cost Collection
  2024/25 deflated (no 2018/19 figure found; this keeps some real growth and method change, so
  these are probably high) -> NHS acute / community / mental health;
- a bed-day above or below an emergency admission's expected stay: Reference Costs 2016/17 excess
  bed day x NHSCII (GBP 322) -> NHS acute (cash only if the finance rules count bed-days: a bed
  freed is used by others unless wards close);
- outpatient attendance: Reference Costs 2016/17 average -> NHS acute;
- home care hour: UKHCA 2018 -> council, less the self-funded share (households);
- care-home week: each council's 2014-15 65+ gross unit cost; council-arranged weeks -> council,
  less the residents' assessed contributions (PSS-EX1, by council: 15-50%) -> households;
  self-funders pay the CMA premium -> households; NHS-funded nursing care (GBP 158.16 a week)
  for each council's nursing share of weeks -> NHS community. Not modelled: NHS continuing
  healthcare (its LSC caseload was not found; England had about 57,000 people eligible in 2019
  against 392,000 care-home residents, so at most about 15% of weeks are wholly NHS-funded,
  which the council's share overstates) and the 18-64 rate (the cells carry no age; 12% of the
  model's residents are under 65, at a gross rate 1.8 times the 65+ one, so the baseline's
  care-home cost is about 10% low, while interventions, aimed at people 65+, are costed right).)"},
    {"utility", "Quality of life",
     R"(    u(i) = norm(a,s) / mean M (a,s) x M_i,   M_i = product over conditions (norm - decrement_c) / norm
           x frailty multiplier x care-home multiplier,
    norm = 0.9508566 + 0.0212126 male - 0.0002587 a - 0.0000332 a^2

The norm (Ara & Brazier, HSE 2003 and 2006) is the mean of everyone, conditions included (45% of
its sample had one), so it is the target of the mean, not the utility of someone without a
condition: mean M over the synthesised people of each sex and single year of age is divided out,
and the base year's mean utility by age and sex is the norm. People with no condition sit above
it. Combination is multiplicative (Ara & Brazier 2011); Sullivan's number-of-conditions term is not
used. Severely frail people 80+ average about 0.49 (0.574 median of frail older people in acute
care, BMC Emerg Med 2023).

QALYs accrue monthly as u/12 (half a month in the month of death or departure).)"},
    {"general", "Price base and deflators", R"(General settings.)"},
    {"system", "The system around the people (system dynamics, per ICP)",
     R"(Each ICP has a stock-and-flow model (model/system/system.cpp on the engine in model/stock_flow.cpp: Eigen
state, Euler or RK4, `system.steps_per_month` steps a month, first- and third-order delays, lookups).
It starts in the state the agents' base-year expected activity implies, and every multiplier it feeds
back is 1 then, so the calibration holds. Each month:

- agents -> stocks (`Coupling::agents_to_stocks`, model/hybrid): the ICP's emergency admissions and bed-days, GP and
  A&E demand, home care hours, care-home residents, costs by payer, intervention spend by funder,
  pooled budgets planned, and the cashable part of the interventions' avoided activity;
- the stocks move: emergency patients in beds (in: admissions; out: patients / the 3-month smooth of
  the mean stay) against the bed base (derived so that base-year occupancy is
  `system.acute.base_occupancy`, plus escalation beds as perceived occupancy rises); home care
  staffed hours (recruitment = vacant hours / months to fill, derived so that the workforce settles
  at the vacancy rate; attrition = turnover); care-home beds following demand over
  `care_home_market_months`; GP staffed appointments (posts per resident fixed at the base year);
  digital adopters (Bass, with a shadow diffusion without funded users); community assets (per
  intervention: funding -> assets in development -> established assets decaying at the half-life);
  joint-working maturity (towards initial + (1 - initial) x funded share of pooled budgets);
  intermediate care staffed places (a third-order recruitment delay of the funded places); money:
  NHS and council balances (allocations growing at their real rates, starting `starting_gap_gbp`
  below the base-year spend, less spend and pooled contributions), the pooled fund, cashable savings
  (memo), avoided care-home residents, and the prevention budget (in: the scenario's share of
  cashable savings, the NHS's only as far as joint working has matured; out: the spend it pays);
- stocks -> agents (`Coupling::stocks_to_agents`): length of stay x the occupancy lookup; delayed
  transfers x (1 + share awaiting home care x (unmet share / vacancy rate - 1) + share awaiting a
  care home x (care-home lookup - 1)), which also lengthens stays; A&E x (1 + share of unmet GP
  demand that goes to A&E x extra unmet appointments / A&E); GP appointments x the
  digital_self_care ratio for the adopters funded users brought by word of mouth (beyond the
  diffusion without programmes and those funded directly), whose activation also rises
  (`activation_levels_per_adopter` PAM levels, each multiplying emergency admissions, A&E and GP
  use by Barker et al.'s per-level ratios; credited to the digital interventions); community assets'
  and pooled budgets' effect levels; intermediate care's staffed places; and the prevention budget
  released (over `prevention_release_months`) as extra places for shift-1 interventions.

SD-only mode (`shiftsim run --mode sd`) drives the same ICP models from cohort averages (ICP x IMD
quintile x sex x single year of age) of the synthesised people instead of the agents: cohorts die,
emigrate and age, births and in-migrants arrive at the agent model's expected rates, and activity is
cohort size x base-year means x the feedback. Against the hybrid model (test `system: SD-only mode
agrees...`, whole region, 5 years) admissions and total cost by ICP and year agree within 1.5-1.8%
and 5-year deaths by ICP within 2.6%. It cannot follow what changes within an age group as people
age through the model (multimorbidity clustering, frailty and moves into care: its council spend on
care homes grows more slowly), it has no randomness, and it runs no interventions (they act on
people).
)"},
    {"health_state", "Health state and disability-free life expectancy",
     R"(Each person carries, implicitly, the health state of the Sullivan method: living with an
activity-limiting illness or disability (the ONS/APS definition behind disability-free life
expectancy, DFLE) or not. It is a liability-threshold model: the person's fixed latent propensity u
(a Philox draw keyed by seed, replicate and person id: common random numbers hold) is compared with

    logit P(limited) = alpha_s + gamma_s (rank of the IMD decile - 1/2) + ln(OR_decade) (mid-age of the
                       five-year age group - 65)/10
                       + ln OR_frailty + ln(OR_condition) min(conditions, cap)

so a person who becomes frail or gains a condition may become limited and one who recovers from
common mental disorder may cease to be; nothing is stored. alpha_s and gamma_s are calibrated per sex
at the start of every run (nested bisection) to two ONS figures in the region data for the
health-state period (2017-2019): England's DFLE at 65 (APS series), reproduced by the synthesised
population weighted equally across the ten national IMD deciles with the England life table; and the
slope index of inequality in DFLE at birth across deciles, from decile life tables of the model's
base-year death rates. The runs record limited person-months by decile, sex and age group beside the
person-months, so the comparison layer builds Sullivan DFLE at birth and 65 by quintile and sex from
the simulated deaths and person-years. Checked (test `health state: the region's disability-free life
expectancy...`): one simulated year of the region gives DFLE at 65 of 9.3 (men) and 9.4 (women),
below England's 9.86 and 9.74, and a slope index of 15.1 and 14.8 years from simulated deaths, against
ONS's 17.2 and 16.3 (the calibration holds the base year's expected rates to ONS's).
)"},
    {"economy", "The economy: employment, sickness absence and lost output",
     R"(The strategy asks for "an invest to save model locally which includes impact for the economy
alongside health and social care budgets". Residents aged 16-64 carry an employment status, again
by a liability threshold (model/people/wider.hpp): a fixed propensity u (a hash of seed, replicate and
person id) against

    logit P(in work) = a_ICP + ln OR_female [woman] + ln OR_state

with the state, in order of precedence: activity-limited (the health state above), common mental
disorder, a physical long-term condition (CHD, stroke, diabetes, COPD, cancer or dementia;
hypertension alone does not count), or well. The odds ratios are derived from published rates
(DWP/LFS for disability, APS for mental health conditions, QualityWatch's gap for long-term
conditions, ONS's rates for men and women). a_ICP is calibrated at the start of every run so that
the ICP's synthesised people are in work at its districts' APS employment rate (Jan-Dec 2018,
weighted by their people aged 16-64). Frailty acts through the activity-limitation state. A person
whose u lies between P(their state) and P(well) is **out of work because of ill health**: they would
be in work if they were well. Workers lose **sickness-absence days** at a rate by sex, age (50-64)
and state (any condition or limitation x the ONS ratio), scaled so that the region's workers average
the ONS 4.4 days a year (2018). **Lost output** is valued by the earnings approach: a month out of
work at a month of the region's median earnings times the employer's on-costs, a day of absence at a
fifth of a week's. It is the economy's own ledger, by year, ICP and quintile: the comparison reports
output regained and the **return to the economy per GBP 1** invested beside the public ROI and never
adds it to NHS or council costs, savings, ROI or NPV (test `comparison: the economy's ledger by
hand...`). Age enters only through health, as no published employment rates by age band were found
for 2018 (docs/evidence_wider_outcomes.md); the human-capital valuation is an upper estimate (the
friction-cost method would give less).
)"},
    {"birth", "The start of life: smoking at delivery and low birth weight",
     R"(Each birth draws whether its mother smoked at the time of delivery with probability proportional
to the smoking prevalence of the zone's women aged 15-44 (the agents'), scaled so that the region's
births-weighted rate at the start is the region's SATOD; so stop-smoking services that reach women
lower it too. The baby is born under 2,500 g with the non-smokers' risk p0 or the smokers' p1, where
odds(p1) = 1.89 odds(p0) (Di et al. 2022) and p0 is set so that England's SATOD (10.6%) and low
birth weight (7.0%) agree; the region's expected share then follows from its own SATOD (7.3%,
between England's 7.0% and Blackpool's 7.9%). A low-birth-weight baby's emergency admissions in the
first year are multiplied by a rate ratio (an assumption), the calibrated infant rate being kept as
the mean. The draws of each birth are keyed by its zone, month and order, so with common random
numbers two arms differ only where a programme acted. `smoking_in_pregnancy` (shift 1) reaches
pregnancies at birth: each month, the mothers who would smoke at delivery and take up the offer
(its uptake) fill the funded places in the order of their uptake draw (so no area comes first), and
each then quits with the CPIT trial's probability; a place costs the trial's cost per woman divided
by the share who would not have quit with usual support.
)"},
    {"carers", "Unpaid carers",
     R"(A person aged 1 or more living at home (with or without home care) with dementia or severe frailty
has an unpaid carer with a published probability (dementia: 87%, IDEAL), fixed by their own
propensity. The carer is strained (has a common mental disorder) with the prevalence among dementia
carers (40%, START) or, for carers of severely frail people, the adult prevalence raised by the
carers' odds ratio (Stansfeld et al. 2014). A strained carer multiplies the person's moves into a
care home by a hazard ratio, normalised so that the calibrated mean rate is kept. `carer_support`
(shift 2) multiplies the chance of strain for the carers it reaches, so fewer people move into care
homes; with START's "one fifth as likely" and a ratio of 1.3, the person cared for by a supported
dementia carer moves about 9% less often ((1 + 0.08 x 0.3) / (1 + 0.40 x 0.3) = 0.91), close to
START's own non-significant 0.88 (0.58-1.35) and more cautious than the NYU caregiver trial's 0.72.
Runs record carer person-months, strained carer person-months and the QALYs strained carers lose
(the CMD utility decrement), which comparisons report apart from the residents' QALYs.
)"},
    {"", "Audit of the core rates and costs (issue 14)",
     R"(A health economist's audit of the core rates and costs found nine problems. Each was fixed or
defended; the evidence is in docs/evidence/core_rates_mortality.md (findings 1-3) and
docs/evidence/core_rates_costs.md (4-9), and each test is in tests/model/test_core_rates.cpp.

| finding | what was done | evidence | test (published figure) |
|---|---|---|---|
| 1. Quitting cut mortality at once; relapse 1.5% a year for every ex-smoker | Ex-smokers carry years since quitting: mortality and CHD, stroke, COPD and cancer RRs fall along the Kontis 2014 curves; relapse by year since quitting (Hawkins 2010); synthesised ex-smokers draw their years since quitting | Kontis 2014 (via STAPM), Pirie 2013, Kenfield 2008, Hawkins 2010, ONS smoking 1974-2017 | RRs by age at quitting 1.20 / 1.56 / 1.05 (Pirie); 10-25% lower in years 0-4 (Kenfield 13%); 37.1% relapse in 10 years; 15-30% of ex-smokers quit within 10 years |
| 2. HRs multiplied on top of each other | Direct mortality HRs raked so that each factor's marginal HR in the people is the published one, with ERFC's joint groups; admissions' frailty multipliers raked to Clegg's; weight's direct CHD and stroke RRs net of the hypertension and diabetes it causes | ERFC 2015, Pirie 2013, Clegg 2016, Guh 2009, Lu 2014, Payne 2013 | every marginal HR to 0.5%; ERFC's joint HRs within their CIs; admissions by frailty within 5% of Clegg; 4+ conditions vs none 2-8; obese CHD and stroke RRs within 10% of Guh |
| 3. Care-home residents died no faster than others of their frailty | Stay clock; first-year and later multipliers solved to 0.33 deaths per resident-year (ratio 1.67); the system model's mean stay is the agents'; a move a programme averts keeps the need's mortality | ONS deaths of residents, Shah 2013, Forder & Fernandez 2011, MacRae 2024 | 0.33 +/- 0.04 a resident-year; first-year mortality 0.24-0.45; SMR 2.8-4.6 (Shah 2.84-4.19 at 0.30); mean stay 26-38 months; deaths averted 0 for programmes on moves and admissions |
| 4. Care-home cost and who pays | Residents' contributions (PSS-EX1, by council) to households; NHS-funded nursing care (GBP 158.16 a week) to NHS community; the payer self_funders is now households. Defended, not modelled: continuing healthcare (LSC caseload not found; at most ~15% of weeks) and the 18-64 rate (cells carry no age; baseline care-home cost ~10% low) | PSS-EX1 2014-15, DHSC FNC 2018/19, NAO 2017 | Lancashire week 59% council / 41% households of council-arranged; FNC 0.221 x 158.16 a week |
| 5. NHS unit costs kept post-2019 growth; bed-days cost nothing | A&E 166.0 and elective 4,078 (NCC 2018/19), day case 759 (RC 2016/17); the spell cost stays NCC 2024/25 deflated (stated); a bed-day above or below the expected stay costs GBP 322, cash only when the rules name bed-days | NCC 2018/19 (via packDAMipd), Reference Costs 2016/17 (HFMA), NAO 2016 and 2018 | unit costs to 0.3%; England admissions x spell cost within 15% of the NAO; an excess bed-day 322 |
| 6. Admissions by age followed total NHS spend, maternity included | Women 15-49 at men's spend x the ratio at 52 (until HES by age is obtained) | NHS Digital HAPC 2019-20, NAO 2018 | women 18-44 below 25% of adult women's admissions (20%); 65+ 65% +/- 4 of bed-days (63%); admissions by sex the region's |
| 7. No smoking-attributable admissions | A direct smoking multiplier on admissions (ex-smokers along the curve), solved to 4% of admissions of people 35+ attributable | NHS Digital Statistics on Smoking 2019 and 2020 | 4% within 10%, men above women |
| 8. Utility norms used as the no-condition baseline | The norm is the target of each age and sex's mean; people without conditions sit above it | Ara & Brazier 2010 and 2011, BMC Emerg Med 2023 | mean by band = norm within 0.005; 0 > 1 > 2+ conditions from 45; severely frail 80+ 0.45-0.65 |
| 9. Net migration with a gross age schedule | Gross in- and out-flows by district; in-migrants take the district's out-migrants' ages. Not yet: ONS flows by single year of age (not in the region data) | ONS components of change mid-2018 | first year's in- and out-migrants within 3 SD (+1%) of ONS's |
)"},
};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string value_text(const ParameterRow& r) {
  if (!r.value) return r.derived ? "derived" : "";
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", *r.value);
  return b;
}

std::string table_for(const std::vector<const ParameterRow*>& rows) {
  std::ostringstream out;
  out << "| name | value | unit | bounds | uncertainty | source |\n|---|---|---|---|---|---|\n";
  for (const auto* r : rows) {
    char bounds[64];
    std::snprintf(bounds, sizeof bounds, "%.6g to %.6g", r->lower, r->upper);
    const std::string unc = r->uncertainty.kind == Distribution::Kind::fixed ? "" : r->uncertainty.to_string();
    out << "| `" << r->name << "` | " << value_text(*r) << " | " << escape(r->unit) << " | " << bounds << " | " << unc
        << " | " << escape(r->source) << " |\n";
  }
  return out.str();
}

}  // namespace

std::string parameter_tables_markdown(const ParameterTable& table, const std::string& prefix) {
  std::map<std::string, std::vector<const ParameterRow*>> by_group;
  std::vector<std::string> order;
  for (const auto& r : table.rows()) {
    if (!prefix.empty() && r.name.rfind(prefix, 0) != 0) continue;
    if (!by_group.count(r.group)) order.push_back(r.group);
    by_group[r.group].push_back(&r);
  }
  std::ostringstream out;
  for (const auto& g : order) out << "### " << g << "\n\n" << table_for(by_group[g]) << "\n";
  return out.str();
}

namespace {
std::string neighbourhood_table(const RegionData& region) {
  const Geography g = build_geography(region);
  std::ostringstream out;
  out << "## The " << g.neighbourhoods.size() << " neighbourhoods of " << region.name << "\n\n"
      << "Built from the MSOAs by the method above. Residents: the small-area estimates' year. "
      << "Most deprived quintile: share of residents in IMD 2019 national deciles 1-2.\n\n"
      << "| neighbourhood | MSOAs | residents | most deprived quintile | least deprived quintile |\n|---|---|---|---|---|\n";
  for (const auto& nb : g.neighbourhoods) {
    char b[160];
    std::snprintf(b, sizeof b, "| %ld | %.0f%% | %.0f%% |\n", nb.population,
                  100 * (nb.decile_share[0] + nb.decile_share[1]), 100 * (nb.decile_share[8] + nb.decile_share[9]));
    out << "| " << nb.name << " | " << nb.description << " (" << nb.msoas.size() << ") " << b;
  }
  return out.str() + "\n";
}
}  // namespace

const char* kInterventionRules = R"(A scenario funds interventions from the catalogue below (at most 16 in a run). They act inside
the monthly processes: a participant's one-off changes (quitting smoking, losing weight, becoming
active, stopping harmful drinking, leaving isolation) change their state, and rate ratios multiply
the hazards and expected activity the model already computes. Each runs from its `start` to its
`end` month with a budget per financial year (April-March) and funder.

**Person interventions.** At the start of each month (before the month's events):

    capacity(t) = budget(FY) / 12 x ramp(t) / unit cost  (+ the fraction carried from last month)
    ramp(t)     = min(1, (t - start + 1) / ramp_up_months)
    reach(t)    = min(capacity, eligible people not yet members,
                      max_uptake x eligible(first month of the FY) - joined so far this FY)

A type that enrols at an event (alcohol_liaison at an emergency admission, intermediate_care at a
discharge home after one; a scenario's `targeting.enrol_at`) makes a person eligible in the month
after the event (Population::recent, set by the month's pass); each eligible person takes the
offer with probability max_uptake (their own draw), and the budget caps the rest.

Eligible people meet the type's own rules (below) and the scenario's targeting (ages, sexes,
conditions, risk factors, frailty, IMD deciles, ICPs, neighbourhoods). Reach is chosen:
`uniform`, at random; `proportionate`, with quotas by IMD quintile q, either as the scenario
states them or in proportion to eligible_q x (1 + g (3 - q) / 2) (proportionate universalism,
g = `targeting.proportionate.gradient`), places a quintile cannot use going to the others;
`highest_risk`, in order of the person's emergency-admission hazard. Every choice is a function of
(seed, replicate, person, month, intervention) only (each eligible person's key is their Philox
word for the month mixed with the intervention's stream, a hash of its name; the chosen are the
smallest keys), so it does not depend on threads, nor on the intervention's place in the scenario. Spend is reach x unit cost, split over funders as that year's budget is.

A member's rate ratios apply while they are a member. Membership lapses with probability
p = 1 - 2^(-1/h) a month (h = `effect_half_life_months`), by its own draw, so when funding stops no
one new joins and the effect decays with half-life h. A ratio rr that the evidence averaged over
its follow-up of F months among everyone it enrolled (intention to treat, F =
`intervention.<type>.evidence_follow_up_months`) is a member's 1 - (1 - rr) / m, m = (1 - (1 - p)^F)
/ (F p) the mean share of those months still a member, so that the model's effect over the
study's months is the study's. Each type's in-silico trial (`shiftsim trial TYPE`,
docs/catalogue_evidence.md) checks that effect on the study's own population and outcome.

**Area interventions** (community_assets, pooled_budget, shared_care_record) act on everyone in
their ICPs or neighbourhoods:

    coverage(t) = min(1, budget(FY) / (cost per resident-year x residents)) x ramp(t)   while funded
    level(t)    = max(coverage(t), level(t-1) x 2^(-1/h))
    multiplier  = 1 - level(t) x (1 - rr)

**Exactness.** A person's cached windows of the event channels (the part of each word in which
nothing can happen) use multipliers at their largest (max(1, rr) per effect, for area effects
that change month by month); a word outside its window is resolved with this month's
actual hazards, so every event keeps its exact probability. An effect above 1 on a stacked slot
(CHD, stroke) takes the part above the slot's reservation from the overflow after the stack, so
the other slots do not move.

**Accounting.** Per intervention and month the run stores participants (new, by quintile, members),
eligible people, spend by funder, one-off changes made, and the activity it avoided: the expected
activity of its members (or area) without its multiplier minus with it (emergency admissions and
bed-days, delayed-transfer bed-days, A&E, GP and outpatient attendances, CHD and stroke cases,
isolation onsets, care-home moves from home care and after admissions, admissions after a fall)
and its cost: the NHS's at unit costs (spells, excess and delayed bed-days at the excess bed-day
price, A&E, GP, outpatients, and the nursing care of the care-home stays avoided), and the
council's part of those stays (an avoided move's whole expected stay, undiscounted). Downstream
consequences of one-off changes (fewer COPD cases years after quitting) show in the comparison
with the baseline run with the same seed (common random numbers).)";

std::string intervention_catalogue_markdown(const ParameterTable& table) {
  std::ostringstream out;
  out << "## Interventions\n\n" << kInterventionRules << "\n\n";
  std::vector<const ParameterRow*> targeting;
  for (const auto& r : table.rows())
    if (r.group == "targeting") targeting.push_back(&r);
  if (!targeting.empty()) out << "Parameters:\n\n" << table_for(targeting) << "\n";
  for (const auto& e : catalogue()) {
    out << "### `" << e.name << "` (shift";
    for (std::size_t k = 0; k < e.shifts.size(); ++k) out << (k ? ", " : " ") << e.shifts[k];
    out << ")\n\n" << e.description << ".\n\n";
    if (e.reach == Reach::person) out << "- Eligible: " << e.eligibility.describe() << ".\n";
    else out << "- Reach: everyone in the funded ICPs or neighbourhoods (area-wide).\n";
    out << "- Default funder: " << e.default_payer << "; default allocation: " << e.allocation << ".\n";
    out << "- Effects (scenario key: what it changes):";
    for (const auto& f : e.effects) out << " `" << f.key << "`" << (is_one_off(f.kind) ? " (one-off probability)" : " (rate ratio)") << ";";
    out << "\n\n";
    std::vector<const ParameterRow*> rows;
    for (const auto& r : table.rows())
      if (r.group == "intervention." + e.name) rows.push_back(&r);
    if (!rows.empty()) out << table_for(rows) << "\n";
  }
  return out.str();
}

std::string model_documentation(const ParameterTable& table, const RegionData* region) {
  std::ostringstream out;
  out << "# ShiftSim model documentation\n\n"
      << "Generated by `shiftsim docs` from the parameter table (`data/parameters.csv`); do not edit by hand.\n"
      << "Every number below is read by the model at start; `derived` values are computed from the region data\n"
      << "when a run is built and stored with the run (`shiftsim params`, and the `parameters` table of the\n"
      << "results database).\n\n";
  std::map<std::string, bool> documented;
  for (const auto& sec : kSections) {
    out << "## " << sec.title << "\n\n" << sec.text << "\n\n";
    if (sec.group[0] == '\0') continue;
    std::vector<const ParameterRow*> rows;
    for (const auto& r : table.rows())
      if (r.group == sec.group) rows.push_back(&r);
    documented[sec.group] = true;
    if (!rows.empty()) out << "Parameters:\n\n" << table_for(rows) << "\n";
  }
  out << intervention_catalogue_markdown(table);
  std::vector<const ParameterRow*> rest;
  for (const auto& r : table.rows())
    if (!documented.count(r.group) && r.group != "targeting" && r.group.rfind("intervention.", 0) != 0) rest.push_back(&r);
  if (!rest.empty()) out << "## Other parameters\n\n" << table_for(rest) << "\n";
  if (region) out << neighbourhood_table(*region);
  return out.str();
}

}  // namespace shiftsim::model
