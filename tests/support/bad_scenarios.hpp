// A catalogue of malformed scenarios, each with the specific message it must produce. Used
// in-process (tests/scenarios/test_scenario.cpp) and through the command line, where each must
// also exit 2 and leave the results database unchanged (tests/cli/test_end_to_end.cpp).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace shiftsim::test {

struct BadScenario {
  std::string what;                           // the mistake, for the test report
  std::map<std::string, std::string> files;   // file name -> content; "main.json" is checked
  std::vector<std::string> expected;          // substrings the message must contain
};

inline std::string one(const std::string& intervention) {
  return R"({"name": "x", "interventions": [)" + intervention + "]}";
}

inline const std::vector<BadScenario>& bad_scenarios() {
  static const std::vector<BadScenario> v{
      {"bad JSON", {{"main.json", "{\"name\": \"x\",, \"years\": 5}"}}, {"main.json: /: is not valid JSON at line 1, column 14"}},
      {"not an object", {{"main.json", "[1, 2]"}}, {"/: is [1,2], but must be an object (with keys)"}},
      {"missing name", {{"main.json", R"({"years": 5})"}}, {"/: missing required property 'name'"}},
      {"name of the wrong type", {{"main.json", R"({"name": 5})"}}, {"/name: is 5, but must be a string"}},
      {"years as text", {{"main.json", R"({"name": "x", "years": "five"})"}}, {"/years: is \"five\", but must be a whole number"}},
      {"years too many", {{"main.json", R"({"name": "x", "years": 40})"}}, {"/years: is 40, but must be <= 25"}},
      {"negative seed", {{"main.json", R"({"name": "x", "seed": -1})"}}, {"/seed: is -1, but must be >= 0"}},
      {"zero scale", {{"main.json", R"({"name": "x", "scale": 0})"}}, {"/scale: is 0, but must be > 0"}},
      {"unknown key", {{"main.json", R"({"name": "x", "yeers": 5})"}}, {"/yeers: unknown key (did you mean 'years'?)"}},
      {"unknown intervention key",
       {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1000, "targetting": {}})")}},
       {"/interventions/0/targetting: unknown key (did you mean 'targeting'?)"}},
      {"unknown intervention type", {{"main.json", one(R"({"type": "smoking_cesation", "budget": 1000})")}},
       {"/interventions/0/type: is \"smoking_cesation\"", "did you mean 'smoking_cessation'?"}},
      {"negative budget", {{"main.json", one(R"({"type": "smoking_cessation", "budget": -100})")}},
       {"/interventions/0/budget: is -100, but must be >= 0"}},
      {"negative budget of a funder in a year",
       {{"main.json", one(R"({"type": "smoking_cessation", "budget": {"2019": {"nhs": -5}}})")}},
       {"/interventions/0/budget/2019/nhs: is -5, but must be >= 0"}},
      {"budget year not four digits", {{"main.json", one(R"({"type": "smoking_cessation", "budget": {"2019/20": 5}})")}},
       {"the year '2019/20' must be written as 4 digits"}},
      {"unknown funder", {{"main.json", one(R"({"type": "smoking_cessation", "budget": {"2019": {"nhss": 5}}})")}},
       {"/interventions/0/budget/2019/nhss: unknown key (did you mean 'nhs'?)"}},
      {"budget outside the intervention's period",
       {{"main.json", one(R"({"type": "smoking_cessation", "start": "2019-04", "end": "2020-03", "budget": {"2022": 5}})")}},
       {"/interventions/0/budget/2022: is for the financial year 2022/23, outside the intervention's period"}},
      {"no budget", {{"main.json", one(R"({"type": "smoking_cessation"})")}}, {"/interventions/0: has no budget"}},
      {"end before start",
       {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "start": "2020-04", "end": "2019-03"})")}},
       {"/interventions/0/end: is \"2019-03\", but must not be before start (\"2020-04\")"}},
      {"a month that does not exist", {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "start": "2019-13"})")}},
       {"/interventions/0/start: is \"2019-13\", but must be a month written YYYY-MM"}},
      {"start year before the region's data", {{"main.json", R"({"name": "x", "start_year": 2017})"}},
       {"/start_year: is 2017, but the region data (lsc) starts at mid-2018"}},
      {"invalid distribution: negative sd",
       {{"main.json", R"({"name": "x", "parameters": {"mortality.hr.smoking.current": {"dist": "normal", "mean": 1.5, "sd": -1}}})"}},
       {"/parameters/mortality.hr.smoking.current: is", "sd is -1, but must be positive"}},
      {"invalid distribution: unknown kind",
       {{"main.json", R"({"name": "x", "parameters": {"mortality.hr.smoking.current": {"dist": "poisson", "mean": 1.5}}})"}},
       {"/parameters/mortality.hr.smoking.current/dist: is \"poisson\", but must be one of fixed, normal, lognormal"}},
      {"invalid distribution: missing parameter",
       {{"main.json", R"({"name": "x", "parameters": {"mortality.hr.smoking.current": {"dist": "lognormal", "mean": 1.5}}})"}},
       {"a lognormal distribution needs 'sd'"}},
      {"invalid distribution: triangular out of order",
       {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "effects": {"quit_probability": {"dist": "triangular", "min": 0.3, "mode": 0.1, "max": 0.2}}})")}},
       {"/interventions/0/effects/quit_probability: is", "must have min <= mode <= max"}},
      {"deprivation decile 11",
       {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "targeting": {"imd_deciles": [1, 11]}})")}},
       {"/interventions/0/targeting/imd_deciles/1: is 11, but must be <= 10"}},
      {"extends cycle",
       {{"main.json", R"({"name": "main", "extends": "a.json"})"},
        {"a.json", R"({"name": "a", "extends": "b.json"})"},
        {"b.json", R"({"name": "b", "extends": "a.json"})"}},
       {"/extends: extends 'a.json', which makes a cycle: main.json -> a.json -> b.json -> a.json"}},
      {"extends a missing file", {{"main.json", R"({"name": "x", "extends": "nothere.json"})"}},
       {"main.json: /extends: cannot open scenario file", "nothere.json' (does it exist?)"}},
      {"unknown ICP", {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "targeting": {"icps": ["Penine Lancashire"]}})")}},
       {"/interventions/0/targeting/icps/0: is \"Penine Lancashire\", but is not an ICP of the region (did you mean 'Pennine Lancashire'?)"}},
      {"unknown neighbourhood",
       {{"main.json", one(R"({"type": "community_assets", "budget": 1, "targeting": {"neighbourhoods": ["Atlantis"]}})")}},
       {"/interventions/0/targeting/neighbourhoods/0: is \"Atlantis\", but is not a neighbourhood of the region"}},
      {"unknown parameter", {{"main.json", R"({"name": "x", "parameters": {"mortality.hr.smoking.curent": 1.2}})"}},
       {"/parameters/mortality.hr.smoking.curent: is not a model parameter (did you mean 'mortality.hr.smoking.current'?)"}},
      {"parameter outside its bounds", {{"main.json", R"({"name": "x", "parameters": {"intervention.smoking_cessation.max_uptake": 3}})"}},
       {"/parameters/intervention.smoking_cessation.max_uptake: is 3, but must be between 0 and 1"}},
      {"derived parameter set", {{"main.json", R"({"name": "x", "parameters": {"mortality.deprivation_log_gradient.male": 0.1}})"}},
       {"/parameters/mortality.deprivation_log_gradient.male: is derived from the region data and cannot be set"}},
      {"effect of another type", {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "effects": {"quit_prob": 0.2}})")}},
       {"/interventions/0/effects/quit_prob: is not an effect of smoking_cessation (did you mean 'quit_probability'?"}},
      {"probability above 1", {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "effects": {"quit_probability": 1.5}})")}},
       {"/interventions/0/effects/quit_probability: has mean 1.5, but a probability must be between 0 and 1"}},
      {"rate ratio out of range", {{"main.json", one(R"({"type": "self_management", "budget": 1, "effects": {"emergency_rr": 5}})")}},
       {"/interventions/0/effects/emergency_rr: has mean 5, but a rate ratio must be above 0 and at most 3"}},
      {"zero unit cost", {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "unit_cost": 0})")}},
       {"/interventions/0/unit_cost: is 0, but must be at least 0.01"}},
      {"unit cost beyond any per-person cost", {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "unit_cost": 1e9})")}},
       {"/interventions/0/unit_cost: is 1e+09, but must be at most 1e+06"}},
      {"person targeting on an area intervention",
       {{"main.json", one(R"({"type": "community_assets", "budget": 1, "targeting": {"ages": [18, 64]}})")}},
       {"/interventions/0/targeting/ages: cannot be used: community_assets acts on everyone in its areas"}},
      {"person targeting on a pregnancy intervention",
       {{"main.json", one(R"({"type": "smoking_in_pregnancy", "budget": 1, "targeting": {"imd_deciles": [1, 2]}})")}},
       {"/interventions/0/targeting/imd_deciles: cannot be used: smoking_in_pregnancy reaches pregnancies, at birth"}},
      {"quintile weights without proportionate allocation",
       {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "targeting": {"quintile_weights": [1, 1, 1, 1, 1]}})")}},
       {"/interventions/0/targeting/quintile_weights: is given, but allocation is not \"proportionate\""}},
      {"quintile weights all zero",
       {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "targeting": {"allocation": "proportionate", "quintile_weights": [0, 0, 0, 0, 0]}})")}},
       {"/interventions/0/targeting/quintile_weights: must not all be zero"}},
      {"ages the wrong way round", {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "targeting": {"ages": [64, 18]}})")}},
       {"/interventions/0/targeting/ages: is [64,18], but the youngest age must come first"}},
      {"two interventions with one name",
       {{"main.json", R"({"name": "x", "interventions": [{"type": "smoking_cessation", "budget": 1}, {"type": "smoking_cessation", "budget": 2}]})"}},
       {"/interventions/1/name: 'smoking_cessation' names two interventions"}},
      {"a shift the type does not serve", {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "shift": [3]})")}},
       {"/interventions/0/shift/0: is 3, but smoking_cessation serves shift 1"}},
      // Issue 19 (each crashed or was accepted silently at e84fbd7): strict JSON and limits.
      {"a key given twice", {{"main.json", R"({"name": "x", "years": 3, "years": 4})"}},
       {"main.json: /years: is given twice in the same object"}},
      {"a key given twice inside an intervention",
       {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1, "budget": 2})")}},
       {"main.json: /interventions/0/budget: is given twice in the same object"}},
      {"a key given twice in the file extended",
       {{"main.json", R"({"name": "x", "extends": "base.json"})"}, {"base.json", R"({"name": "b", "seed": 1, "seed": 2})"}},
       {"base.json: /seed: is given twice in the same object"}},
      // 100,000 levels: a segmentation fault (exit 139) at e84fbd7.
      {"nested 100,000 deep", {{"main.json", "{\"name\": \"x\", \"interventions\": " + std::string(100000, '[') + std::string(100000, ']') + "}"}},
       {"main.json: /interventions/0/0/", "nests objects and arrays more than 64 deep"}},
      {"a number beyond a double", {{"main.json", R"({"name": "x", "years": 1e400})"}},
       {"main.json: /years: the number 1e400 at line 1, column 24 is outside the range of a double"}},
      // The same literal inside a string first: the position is the number's, not the string's.
      {"a number beyond a double, its text also in a string",
       {{"main.json", R"({"name": "1e400", "description": "a \"1e400\" here", "years": 1e400})"}},
       {"main.json: /years: the number 1e400 at line 1, column 63 is outside the range of a double"}},
      {"a budget beyond the limit (1e308 crashed the run)", {{"main.json", one(R"({"type": "smoking_cessation", "budget": 1e308})")}},
       {"main.json: /interventions/0/budget: is 1e+308, but must be <= 1e+10"}},
      {"a funder's budget in a year beyond the limit",
       {{"main.json", one(R"({"type": "smoking_cessation", "budget": {"2019": {"nhs": 2e10}}})")}},
       {"main.json: /interventions/0/budget/2019/nhs: is 20000000000.0, but must be <= 1e+10"}},
  };
  return v;
}

}  // namespace shiftsim::test
