// The programme engine: a run's funded interventions month by month (the rules are in
// programmes.hpp). Each month it sets the programmes' multipliers, funding and capacity, counts
// who is eligible, chooses and enrols the new participants, and keeps the interventions'
// ledger; between months it answers, person by person, what multipliers a person's
// memberships and area put on their rates.
//
// Choosing participants exactly and reproducibly. Every eligible non-member gets a key for
// (programme, month): a Philox word (uniform and proportionate), or the person's emergency
// admission hazard with the word as tie-break (highest_risk). A programme with capacity C
// takes the C smallest keys (per quintile under proportionate allocation). To avoid sorting
// every eligible person every month, the scan keeps only keys below a threshold set from
// last month's candidates (about 1.5 C + 64 of them); if fewer than C pass, a second scan
// collects every key. Either way the chosen set is exactly the C smallest keys.
//
// The engine reads and changes the run's people; the run keeps its running sums of what each
// person contributes, so it is told before and after the engine changes a person
// (ProgrammeHost). It acts through the ICPs' system models (model/system) by the inputs it
// writes each month and the feedback it reads.
#pragma once

#include "model/core/zeroed_array.hpp"
#include "model/core/outputs.hpp"
#include "model/core/population.hpp"
#include "model/core/random.hpp"
#include "model/people/rates.hpp"
#include "model/people/wider.hpp"
#include "model/programmes/policy.hpp"
#include "model/programmes/programmes.hpp"
#include "model/system/system.hpp"
#include "model/world/world.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <unordered_set>
#include <vector>

namespace shiftsim::model {

/// How an intervention type acts through the system model (none: on people only).
ProgrammeChannel channel_of(InterventionType t);

/// What the programmes hand the system models each month.
struct ProgrammeInputs {
  std::vector<std::vector<double>> area_spend, full_funding, funded_capacity;  // [icp][programme], GBP or places
  std::vector<std::vector<double>> digital_new;    // [icp][programme] people who joined this month
  std::vector<std::vector<double>> digital_total;  // [icp][programme] people who ever joined
  std::vector<double> released_spend;              // [programme] GBP this month paid from the prevention budget
};

/// The run the engine belongs to: what it reads, bound once (the run outlives the engine).
struct ProgrammeRun {
  const World* world = nullptr;
  Population* people = nullptr;
  const RateTables* rates = nullptr;
  const std::vector<int>* zone_district = nullptr;
  const CarerModel* carers = nullptr;
  const OutputLayout* layout = nullptr;
  RandomKey key{};
  int start_year = 2018;
  double scale = 1.0;
};

/// What the run does for the engine: keep its running sums when a person changes, and count
/// a person's stocks (the engine's scan counts them in snapshot months, to save a pass).
class ProgrammeHost {
 public:
  /// Before and after the engine changes person i (a one-off change, a new membership).
  virtual void before_change(std::size_t i) = 0;
  virtual void after_change(std::size_t i) = 0;
  /// Programme k enrols person i (called before its one-off changes).
  virtual void enrolled(std::size_t k, std::size_t i) = 0;
  /// Adds person i's stocks to `row` (kStockMetrics values).
  virtual void count_stocks(std::size_t i, double* row) const = 0;

 protected:
  ~ProgrammeHost() = default;
};

/// A month's birth before it is added: its own draws (Purpose::birth_outcome for the zone,
/// month and birth order), whether the mother smokes at delivery, and the pregnancy
/// programme she joined (-1: none).
struct PendingBirth {
  int zone = 0, sex = 0;
  std::uint32_t id = 0;  // the baby's: ArrivalIds::birth(month, zone, order)
  std::array<std::uint32_t, 4> words{};
  bool smoking = false;
  int programme = -1;
};

class ProgrammeEngine {
 public:
  /// Builds the programmes of `policy` (none: the baseline) for the run and appends each one's
  /// ledger entry to `ledger`. Throws InputError for a scenario the engine cannot run.
  void setup(const ProgrammeRun& run, const Policy* policy, std::vector<ProgrammeOutput>& ledger);

  bool empty() const { return programmes_.empty(); }
  std::size_t size() const { return programmes_.size(); }
  const InterventionSpec& spec(std::size_t k) const { return *programmes_[k].spec; }
  ProgrammeChannel channel(std::size_t k) const { return programmes_[k].channel; }
  bool area(std::size_t k) const { return programmes_[k].area; }
  const std::vector<char>& zone_covered(std::size_t k) const { return programmes_[k].zone_covered; }
  /// A digital self-care intervention is funded (its spillover acts through the system model).
  bool digital_spillover() const { return digital_spillover_; }
  /// An area programme acts on the onset of isolation (the run then keeps its sum).
  bool tracks_isolation_onset() const { return track_isolation_onset_; }

  // ---- person by person (hot: called for every person-month that has an event)
  /// The programmes that reach people.
  ProgrammeBits person_bits() const { return person_bits_; }
  /// Person i's multipliers this month: `bound` gives multipliers no smaller than any month's
  /// (max(1, rr) per effect), used for the cached windows of the event channels; the actual
  /// ones are applied when a channel's word is resolved. An unpaid carer's strain acts on the
  /// person's moves into a care home, programmes or not. False if nothing acts on them.
  bool person_effects(std::size_t i, bool bound, PersonEffects& fx) const {
    const Population& pop = *run_.people;
    const bool carer = (pop.risk[i] & risk_bits::family) && pop.age_months[i] >= 12;
    if (programmes_.empty() && !carer) return false;
    return any_effects(i, bound, carer, fx);
  }
  /// This month's product of person i's programmes' multipliers on carer strain.
  float carer_strain_rr(std::size_t i) const {
    const Population& pop = *run_.people;
    float rr = 1.f;
    for (unsigned b = pop.interventions[i] & person_bits_; b; b &= b - 1) rr *= actual_[static_cast<std::size_t>(std::countr_zero(b))][pm_carer_strain];
    return rr;
  }
  /// Person i's expected monthly count of each random tally: the cell's count x the person's
  /// multiplier (base_expected_tallies) x the members' multipliers on GP, A&E and outpatient use
  /// (constant while a member; area programmes act on the cell sums instead). Computed, not
  /// stored: everything it reads changes only where the person's cached state is refreshed.
  std::array<float, kRandomTallies> expected_tallies(std::size_t i) const {
    const Population& pop = *run_.people;
    const World& world = *run_.world;
    const CellRates& c = (*run_.rates).cells[world.index((*run_.zone_district)[pop.zone[i]], pop.decile[i], pop.sex(i), pop.age_years(i))];
    std::array<float, kRandomTallies> t = base_expected_tallies(c, world.multipliers, pop.conditions[i], pop.frailty(i));
    for (unsigned b = pop.interventions[i] & person_bits_; b; b &= b - 1) {
      const MultiplierSet& x = programmes_[static_cast<std::size_t>(std::countr_zero(b))].full;
      t[gp_appointments] *= x[pm_gp];
      t[ae_attendances] *= x[pm_ae];
      t[outpatient_attendances] *= x[pm_outpatient];
    }
    return t;
  }
  /// Area programmes' multiplier on outpatient attendances in zone z this month.
  float zone_outpatient(std::size_t z) const { return zone_has_area_effect_.empty() ? 1.f : zone_actual_[z][pm_outpatient]; }
  /// The memberships of person i that end this month by their own draws, keyed by (person,
  /// month, programme stream): not competitors of the person's events.
  ProgrammeBits lapsed(std::size_t i, int month) const;
  /// The chance that person i's crisis of last month ends in a mental-health admission, from
  /// the chance `p0` without crisis care, with this month's programmes' multipliers on its odds.
  double mental_health_admission(std::size_t i, double p0) const;
  /// Credits the expected mental-health admissions (and their cost, `bed_days` x the unit cost)
  /// the programmes' crisis care avoided for person i's crisis (`metrics` as below).
  void attribute_mental_health_admission(std::size_t i, double p0, double bed_days, double* metrics) const;
  /// Credits the delayed-transfer bed-days a stay of person i avoided to the programmes that
  /// cut them (`metrics`: programmes x kProgrammeMetrics).
  void attribute_delayed_discharge(std::size_t i, double delayed, double* metrics) const;

  // ---- month by month
  /// Runs month t's programmes: multipliers, funding and capacity from the system's feedback,
  /// the counts, members' avoided activity, and the new participants (whose one-off changes
  /// happen at once). Writes the system models' inputs. With `snapshot_of` (a month, -1 the
  /// start), also counts the stocks at the end of that month (before anyone joins) and
  /// returns the snapshot (agents, not yet weighted).
  std::optional<Snapshot> run_month(int t, const std::vector<IcpFeedback>& feedback, ProgrammeInputs& to_system, MonthFlows& flows,
                                    const std::vector<double>& cell_people, const std::vector<double>& cell_isolation_onset,
                                    std::optional<int> snapshot_of, ProgrammeHost& host);
  /// Area programmes' multiplier on outpatient attendances in the month's cell sums.
  void apply_area_tallies(MonthFlows& flows);
  /// Pregnancy programmes: this month's places go to the mothers who would smoke at delivery
  /// and take up the offer, in the order of the uptake draw (so no zone comes first), and some quit.
  void assign_pregnancy_programmes(std::vector<PendingBirth>& births);
  /// A birth whose mother joined pregnancy programme k: its participant and spend, into the
  /// ledger and the baby's cell row (`cell`, quintile q).
  void count_birth_participant(std::size_t k, int q, double* cell);
  /// Stocks -> programmes: the effect levels of community assets and pooled budgets by ICP.
  void set_area_levels(const std::vector<IcpFeedback>& feedback);
  /// This month's ledger, programmes x kProgrammeMetrics (agents until the run weights it).
  std::vector<double>& month_metrics() { return ledger_; }

 private:
  /// The probabilities of a programme's one-off changes when a person joins.
  struct OneOffEffects {
    double quit_smoking = 0, lose_weight = 0, become_active = 0, stop_harmful_drinking = 0, leave_isolation = 0;
    double& of(EffectKind k);
    double of(EffectKind k) const { return const_cast<OneOffEffects*>(this)->of(k); }
  };
  struct Programme {
    const InterventionSpec* spec = nullptr;
    bool area = false;
    bool births = false;                      // reaches pregnancies at birth (Reach::births)
    bool at_event = false;                    // enrols in the month after an event (enrol_event)
    double births_capacity = 0;               // births: places left this month (agents)
    ProgrammeChannel channel = ProgrammeChannel::none;  // how it acts through the system model
    MultiplierSet full = unit_multipliers();  // multipliers at full effect
    float lapse = 0;                          // monthly lapse probability of a membership
    std::uint32_t stream = 0;                 // keys its draws: a hash of its name, not its place in the scenario
    OneOffEffects one_off;                    // probabilities of the one-off changes on joining
    double carry = 0;                         // capacity (agents) carried to next month
    int fy = -1;                              // financial year of the cap below
    double fy_cap = 0, fy_enrolled = 0;       // agents
    double level = 0;                         // area: effect level
    std::vector<char> zone_covered;           // area: zones of its area
    std::array<std::uint64_t, kQuintiles> threshold{};  // candidate key filter (see the top of this file)
    std::array<double, kFunders> funder_share{};         // this month's budget shares
    std::vector<double> icp_level;                       // community assets / pooled budget: level by ICP (system model)
  };
  struct Candidate {
    std::uint64_t key;
    std::uint32_t index;
    std::uint8_t quintile;
  };
  struct ScanBlock {
    std::vector<std::array<double, kQuintiles>> eligible;  // programmes x quintile (agents)
    std::vector<std::array<double, kQuintiles>> open;      // eligible and not yet members
    std::vector<double> participants;                      // programmes
    std::vector<std::vector<Candidate>> candidates;        // programmes
    std::vector<double> metrics;                           // programmes x kProgrammeMetrics
    ZeroedArray stocks;                                    // cells x kStockMetrics (snapshot months; unwritten rows cost nothing)
  };
  bool any_effects(std::size_t i, bool bound, bool carer, PersonEffects& fx) const;
  /// Full scan: counts, members' avoided activity, and candidates whose key is under each
  /// programme's threshold. With `only` set: candidates of those programmes, every key.
  void scan(ProgrammeBits recruiting, ProgrammeBits only, bool with_stocks, const ProgrammeHost& host);
  std::uint64_t candidate_key(std::size_t k, std::size_t i, std::uint32_t word) const;
  /// Adds a member's expected avoided activity this month to `metrics` (programmes x metrics).
  void member_avoided_activity(std::size_t i, ProgrammeBits bits, std::vector<double>& metrics) const;
  void enrol(std::size_t k, std::size_t i, MonthFlows& flows, ProgrammeInputs& to_system, ProgrammeHost& host);
  /// The multiplier person i's unpaid carer's strain puts on their moves into a care home when
  /// programmes multiply the chance of strain by `rr`.
  float carer_care_home(std::size_t i, float rr) const;
  double area_level(const Programme& p, std::size_t zone) const;

  ProgrammeRun run_;
  int t_ = 0;  // the month run_month is running
  std::vector<Programme> programmes_;
  ProgrammeBits person_bits_ = 0;  // programmes that reach people
  ProgrammeBits effect_bits_ = 0;  // person programmes with a rate multiplier
  std::array<MultiplierSet, kMaxInterventions> actual_{}, bound_{};  // person programmes, this month
  std::array<std::uint32_t, kMaxInterventions> lapse_threshold_{};   // person programmes: P(lapse a month) x 2^32
  std::array<std::uint32_t, kMaxInterventions> accept_{};            // P(an eligible person accepts) x 2^32, or all (see scan)
  std::array<int, kMaxInterventions> arm_{};                         // in-silico trials: the arm a programme enrols (0: any)
  ProgrammeBits gated_bits_ = 0;                                     // programmes with a trial arm
  std::unordered_set<std::uint32_t> randomised_;                     // ids a trial arm enrolled: never enrolled again
  std::vector<MultiplierSet> zone_actual_, zone_bound_;              // area programmes, by zone
  std::vector<ProgrammeBits> zone_area_bits_;                        // area programmes covering each zone
  std::vector<char> zone_has_area_effect_;
  bool track_isolation_onset_ = false;    // an area programme acts on isolation onset
  bool digital_spillover_ = false;        // a digital self-care intervention is funded
  std::vector<float> emergency_by_cell_;  // cell emergency hazards (compact, for highest-risk keys)
  EligibilityTables eligibility_;
  std::vector<ScanBlock> scan_;
  std::vector<double> ledger_;  // this month's programme metrics (agents until scaled)
};

}  // namespace shiftsim::model
