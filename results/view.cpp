#include "results/view.hpp"

#include "results/comparison.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsim::results {

std::string humane_name(const std::string& name) {
  std::string out;
  for (char c : name) out += (c == '_' || c == '-') ? ' ' : c;
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}


using nlohmann::json;

namespace {

const json& field(const json& object, const char* key) {
  static const json null_value;
  if (!object.is_object()) return null_value;
  const auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

std::string text_of(const json& object, const char* key) {
  const json& j = field(object, key);
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<double> number_of(const json& j) {
  if (j.is_number() && std::isfinite(j.get<double>())) return j.get<double>();
  return std::nullopt;
}

long long integer_of(const json& j, long long otherwise) { return j.is_number_integer() ? j.get<long long>() : otherwise; }

}  // namespace

bool Stat::interval_shown() const { return n >= kMinIntervalReplicates && p05 && p95; }

std::string breakdown_part(const std::string& breakdown, const std::string& key) {
  std::size_t start = 0;
  while (start <= breakdown.size()) {
    const auto end = std::min(breakdown.find(';', start), breakdown.size());
    const std::string part = breakdown.substr(start, end - start);
    if (part.rfind(key + "=", 0) == 0) return part.substr(key.size() + 1);
    start = end + 1;
  }
  return {};
}

ComparisonView::ComparisonView(const json& doc) : doc_(doc) {
  std::map<long long, int> arm_of_run;
  for (const json& a : field(doc, "arms")) {
    ArmView arm;
    arm.index = static_cast<int>(integer_of(field(a, "arm"), static_cast<long long>(arms_.size())));
    arm.name = text_of(a, "scenario");
    if (arm.name.empty()) arm.name = "arm " + std::to_string(arm.index);
    arm.role = text_of(a, "role");
    arm.description = text_of(a, "description");
    arm.label = text_of(a, "title");
    if (arm.label.empty()) arm.label = humane_name(arm.name);
    arm.path = text_of(a, "scenario_path");
    arm.run_id = integer_of(field(a, "run_id"), 0);
    arm.source = &a;
    arm_of_run[arm.run_id] = arm.index;
    arms_.push_back(std::move(arm));
  }
  std::sort(arms_.begin(), arms_.end(), [](const ArmView& x, const ArmView& y) { return x.index < y.index; });
  auto arm_of = [&](const json& row) -> std::optional<int> {
    const json& a = field(row, "arm");
    if (a.is_number_integer()) return a.get<int>();
    const auto it = arm_of_run.find(integer_of(field(row, "run_id"), -1));
    if (it == arm_of_run.end()) return std::nullopt;
    return it->second;
  };
  for (const json& p : field(doc, "periods"))
    if (p.is_string()) periods_.push_back(p.get<std::string>());
  for (const json& d : field(doc, "dictionary")) dictionary_[text_of(d, "outcome")] = &d;
  int max_n = 0;
  for (const json& s : field(doc, "summary")) {
    const auto arm = arm_of(s);
    if (!arm) continue;
    const std::string outcome = text_of(s, "outcome"), breakdown = text_of(s, "breakdown"), period = text_of(s, "period");
    Stat st;
    st.n = static_cast<int>(number_of(field(s, "n")).value_or(0));
    st.mean = number_of(field(s, "mean"));
    st.median = number_of(field(s, "median"));
    st.p05 = number_of(field(s, "p05"));
    st.p95 = number_of(field(s, "p95"));
    st.mcse = number_of(field(s, "mcse"));
    max_n = std::max(max_n, st.n);
    if (!rows_.emplace(std::make_tuple(*arm, outcome, breakdown, period), std::make_pair(st, &s)).second) continue;
    auto& list = breakdowns_[{*arm, outcome}];
    if (std::find(list.begin(), list.end(), breakdown) == list.end()) list.push_back(breakdown);
    auto& all = all_breakdowns_[outcome];
    if (std::find(all.begin(), all.end(), breakdown) == all.end()) all.push_back(breakdown);
    if (std::find(outcomes_.begin(), outcomes_.end(), outcome) == outcomes_.end()) outcomes_.push_back(outcome);
    if (std::find(periods_.begin(), periods_.end(), period) == periods_.end()) periods_.push_back(period);
  }
  for (const json& r : field(doc, "replicates")) {
    const auto arm = arm_of(r);
    if (!arm) continue;
    const json& values = field(r, "values");
    const json& index = field(r, "replicates");
    std::vector<std::pair<int, double>> v;
    if (values.is_array())
      for (std::size_t k = 0; k < values.size(); ++k) {
        const auto x = number_of(values[k]);
        if (!x) continue;
        const auto rep = index.is_array() && k < index.size() ? number_of(index[k]) : std::nullopt;
        v.emplace_back(rep ? static_cast<int>(*rep) : static_cast<int>(k), *x);
      }
    series_.emplace(std::make_tuple(*arm, text_of(r, "outcome"), text_of(r, "breakdown")), std::make_pair(&r, std::move(v)));
  }
  const auto reps = number_of(field(field(doc, "provenance"), "replicates"));
  replicates_ = reps ? static_cast<int>(*reps) : max_n;
}

std::vector<const ArmView*> ComparisonView::scenarios() const {
  std::vector<const ArmView*> out;
  for (const auto& a : arms_)
    if (a.scenario()) out.push_back(&a);
  return out;
}

const ArmView* ComparisonView::baseline() const {
  if (single()) return nullptr;
  for (const auto& a : arms_)
    if (a.role == "baseline") return &a;
  return &arms_.front();
}

std::vector<std::string> ComparisonView::financial_years() const {
  std::vector<std::string> out;
  for (const auto& p : periods_)
    if (p != "horizon" && p != kPlanPeriod) out.push_back(p);
  return out;
}

bool ComparisonView::has_plan() const { return std::find(periods_.begin(), periods_.end(), kPlanPeriod) != periods_.end(); }

int ComparisonView::plan_years() const {
  const auto y = number_of(field(field(doc_, "provenance"), "plan_years"));
  return y ? static_cast<int>(*y) : 0;
}

bool ComparisonView::has(const std::string& outcome) const {
  return std::find(outcomes_.begin(), outcomes_.end(), outcome) != outcomes_.end();
}

const Stat* ComparisonView::stat(int arm, const std::string& period, const std::string& breakdown, const std::string& outcome) const {
  const auto it = rows_.find(std::make_tuple(arm, outcome, breakdown, period));
  return it == rows_.end() ? nullptr : &it->second.first;
}

const json* ComparisonView::row(int arm, const std::string& outcome, const std::string& breakdown, const std::string& period) const {
  const auto it = rows_.find(std::make_tuple(arm, outcome, breakdown, period));
  return it == rows_.end() ? nullptr : it->second.second;
}

const std::vector<std::string>& ComparisonView::breakdowns(int arm, const std::string& outcome) const {
  static const std::vector<std::string> none;
  const auto it = breakdowns_.find({arm, outcome});
  return it == breakdowns_.end() ? none : it->second;
}

std::vector<std::string> ComparisonView::breakdowns_of(const std::string& outcome, const std::string& prefix) const {
  std::vector<std::string> out;
  const auto it = all_breakdowns_.find(outcome);
  if (it == all_breakdowns_.end()) return out;
  for (const auto& b : it->second)
    if (b.rfind(prefix, 0) == 0) out.push_back(b);
  return out;
}

const json* ComparisonView::series(int arm, const std::string& outcome, const std::string& breakdown) const {
  const auto it = series_.find(std::make_tuple(arm, outcome, breakdown));
  return it == series_.end() ? nullptr : it->second.first;
}

const std::vector<std::pair<int, double>>& ComparisonView::replicate_values(int arm, const std::string& outcome,
                                                                          const std::string& breakdown) const {
  static const std::vector<std::pair<int, double>> none;
  const auto it = series_.find(std::make_tuple(arm, outcome, breakdown));
  return it == series_.end() ? none : it->second.second;
}

std::string ComparisonView::unit(const std::string& outcome) const {
  const auto it = dictionary_.find(outcome);
  return it == dictionary_.end() ? std::string() : text_of(*it->second, "unit");
}

std::string ComparisonView::scope(const std::string& outcome) const {
  const auto it = dictionary_.find(outcome);
  return it == dictionary_.end() ? std::string() : text_of(*it->second, "scope");
}

const json& ComparisonView::finance() const {
  static const json null_value;
  if (arms_.empty()) return null_value;
  const auto sc = scenarios();
  return field(*(sc.empty() ? &arms_.front() : sc.front())->source, "finance");
}

}  // namespace shiftsim::results
