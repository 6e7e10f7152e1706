#include "scenarios/scenario.hpp"
#include "scenarios/strict_json.hpp"

#include "scenarios/scenario_schema.hpp"
#include "model/core/parameters.hpp"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

namespace shiftsim::inputs {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string join_violations(const std::vector<Violation>& v) {
  std::ostringstream out;
  out << v.size() << (v.size() == 1 ? " problem" : " problems") << " in the scenario:";
  for (const auto& x : v) out << "\n  " << x.to_string();
  return out.str();
}

std::string show(const json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

std::string format_number(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", x);
  return b;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// ---------------------------------------------------------------- schema checking

const json& schema_json() {
  static const json s = json::parse(kScenarioSchema);
  return s;
}

const valijson::Schema& compiled_schema() {
  static const std::unique_ptr<valijson::Schema> s = [] {
    auto schema = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(schema_json());
    parser.populateSchema(adapter, *schema);
    return schema;
  }();
  return *s;
}

/// The schema nodes that may describe the value at `path` (following $ref, oneOf branches).
std::vector<const json*> schema_nodes(const std::vector<std::string>& path) {
  const json& root = schema_json();
  auto deref = [&](const json* n) {
    while (n->contains("$ref")) {
      const std::string ref = (*n)["$ref"];  // "#/definitions/x"
      n = &root.at(json::json_pointer(ref.substr(1)));
    }
    return n;
  };
  std::vector<const json*> nodes{&root};
  for (const auto& key : path) {
    std::vector<const json*> next;
    std::vector<const json*> expanded;
    for (const json* n : nodes) {
      n = deref(n);
      expanded.push_back(n);
      if (n->contains("oneOf"))
        for (const auto& b : (*n)["oneOf"]) expanded.push_back(deref(&b));
    }
    for (const json* n : expanded) {
      if (n->contains("properties") && (*n)["properties"].contains(key)) next.push_back(&(*n)["properties"][key]);
      else if (n->contains("items") && !key.empty() && std::all_of(key.begin(), key.end(), ::isdigit)) next.push_back(&(*n)["items"]);
      else if (n->contains("additionalProperties") && (*n)["additionalProperties"].is_object())
        next.push_back(&(*n)["additionalProperties"]);
    }
    nodes = next;
  }
  std::vector<const json*> out;
  for (const json* n : nodes) {
    n = deref(n);
    out.push_back(n);
    if (n->contains("oneOf"))
      for (const auto& b : (*n)["oneOf"]) out.push_back(deref(&b));
  }
  return out;
}

std::string pointer(const std::vector<std::string>& path) {
  std::string p;
  for (const auto& k : path) p += "/" + k;
  return p;
}

/// Turns valijson's leaf errors into one readable message per path.
std::vector<Violation> schema_violations(const json& doc, const std::string& file) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(doc);
  validator.validate(compiled_schema(), adapter, &results);
  std::map<std::string, std::vector<std::string>> by_path;  // pointer -> messages
  std::map<std::string, std::vector<std::string>> path_parts;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    std::vector<std::string> path;
    for (const auto& c : e.context) {
      if (c == "<root>") continue;
      path.push_back(c.size() >= 2 && c.front() == '[' ? c.substr(1, c.size() - 2) : c);
    }
    const std::string d = e.description;
    if (d.rfind("Failed to validate", 0) == 0) continue;  // a parent's summary of a child's error
    std::string message;
    const json* value = nullptr;
    const std::string ptr = pointer(path);
    try {
      value = &doc.at(json::json_pointer(ptr));
    } catch (const std::exception&) {
    }
    const std::string found = value ? "is " + show(*value) + ", but " : "";
    const auto nodes = schema_nodes(path);
    static const std::regex unknown_key(".*could not be validated using 'properties' or 'additionalProperties' constraints: '(.*)'\\.");
    std::smatch m;
    if (std::regex_match(d, m, unknown_key)) {
      const std::string key = m[1];
      std::vector<std::string> known;
      for (const json* n : nodes)
        if (n->contains("properties"))
          for (auto& [k, v] : (*n)["properties"].items()) known.push_back(k);
      std::string msg = "unknown key";
      const std::string hint = did_you_mean(key, known);
      if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
      else if (!known.empty()) {
        msg += " (known keys: ";
        for (std::size_t i = 0; i < known.size(); ++i) msg += (i ? ", " : "") + known[i];
        msg += ")";
      }
      path.push_back(key);
      by_path[pointer(path)].push_back(msg);
      path_parts[pointer(path)] = path;
      continue;
    }
    if (d.find("enum values") != std::string::npos) {
      std::vector<std::string> options;
      for (const json* n : nodes)
        if (n->contains("enum"))
          for (const auto& o : (*n)["enum"]) options.push_back(o.is_string() ? o.get<std::string>() : o.dump());
      message = found + "must be one of ";
      for (std::size_t i = 0; i < options.size(); ++i) message += (i ? ", " : "") + options[i];
      if (value && value->is_string()) {
        const std::string hint = did_you_mean(value->get<std::string>(), options);
        if (!hint.empty()) message = found + "must be one of the known values: did you mean '" + hint + "'?";
      }
    } else if (d.find("'type' constraint") != std::string::npos) {
      std::set<std::string> types;
      for (const json* n : nodes)
        if (n->contains("type")) types.insert((*n)["type"].get<std::string>());
      // A value of one of the allowed kinds failed inside (another message says where).
      if (value) {
        const std::string kind = value->is_object() ? "object" : value->is_array() ? "array" : value->is_string() ? "string"
                                 : value->is_number_integer() ? "integer" : value->is_number() ? "number" : value->is_boolean() ? "boolean" : "null";
        if (types.count(kind) || (kind == "integer" && types.count("number"))) continue;
      }
      message = found + "must be ";
      std::size_t i = 0;
      for (const auto& t : types)
        message += (i++ ? " or " : "") + (t == "integer"  ? std::string("a whole number")
                                          : t == "object" ? std::string("an object (with keys)")
                                          : t == "array"  ? std::string("a list")
                                                          : "a " + t);
      if (types.empty()) message = found + "has the wrong type";
    } else if (d.rfind("Expected number greater than or equal to ", 0) == 0) {
      message = found + "must be >= " + format_number(std::stod(d.substr(41)));
    } else if (d.rfind("Expected number less than or equal to ", 0) == 0) {
      message = found + "must be <= " + format_number(std::stod(d.substr(38)));
    } else if (d.rfind("Expected number greater than ", 0) == 0) {
      message = found + "must be > " + format_number(std::stod(d.substr(29)));
    } else if (d.rfind("Expected number less than ", 0) == 0) {
      message = found + "must be < " + format_number(std::stod(d.substr(26)));
    } else if (d.find("'pattern' constraint") != std::string::npos) {
      std::string what = "the expected format";
      for (const json* n : nodes)
        if (n->contains("description")) what = (*n)["description"];
      message = found + "must be " + what;
      if (path.size() >= 2 && path[path.size() - 2] == "budget")
        message = "the year '" + path.back() + "' must be written as 4 digits (the financial year it starts in, e.g. 2019)";
    } else if (d.rfind("Missing required property '", 0) == 0) {
      message = "missing required property " + d.substr(26, d.find('\'', 27) - 25);
    } else if (d.rfind("String should be no fewer than ", 0) == 0) {
      const std::string n = d.substr(31, d.find(' ', 31) - 31);
      message = found + "must be at least " + n + (n == "1" ? " character long" : " characters long");
    } else if (d.rfind("String should be no more than ", 0) == 0) {
      const std::string n = d.substr(30, d.find(' ', 30) - 30);
      message = found + "must be at most " + n + " characters long";
    } else if (d.find("required") != std::string::npos) {
      message = d;
    } else {
      message = found + d;
    }
    by_path[ptr].push_back(message);
    path_parts[ptr] = path;
  }
  std::vector<Violation> out;
  // A "must be a ..." at a path whose value has the right kind in one oneOf branch, and
  // whose own parts have problems, says nothing more: report the parts only.
  for (auto& [ptr, messages] : by_path) {
    bool has_child = false;
    for (auto& [other, m2] : by_path)
      if (other.size() > ptr.size() && other.compare(0, ptr.size() + 1, ptr + "/") == 0) has_child = true;
    if (has_child)
      messages.erase(std::remove_if(messages.begin(), messages.end(),
                                    [](const std::string& m) { return m.find("must be a") != std::string::npos; }),
                     messages.end());
  }
  for (auto& [ptr, messages] : by_path) {
    if (messages.empty()) continue;
    // Where a oneOf produced several messages, a specific one beats "must be a ...".
    std::vector<std::string> specific;
    for (const auto& m : messages)
      if (m.find("must be a") == std::string::npos || messages.size() == 1) specific.push_back(m);
    if (specific.empty()) specific.push_back(messages.front());
    std::sort(specific.begin(), specific.end());
    specific.erase(std::unique(specific.begin(), specific.end()), specific.end());
    for (const auto& m : specific) out.push_back({file, ptr, m});
  }
  return out;
}

// ---------------------------------------------------------------- reading and merging

struct Reader {
  std::vector<Violation> violations;
  std::vector<std::string> files;

  json read_file(const fs::path& file, const std::string& referenced_from, const std::string& ref_path) {
    std::ifstream in(file);
    if (!in) {
      violations.push_back({referenced_from, ref_path,
                            "cannot open scenario file '" + file.string() + "' (does it exist?)"});
      return json();
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    return parse_text(buf.str(), file.string());
  }

  json parse_text(const std::string& text, const std::string& name) {
    try {
      return parse_strict_json(text);  // duplicate keys, depth, numbers out of range (strict_json.hpp)
    } catch (const JsonInputError& e) {
      violations.push_back({name, e.problem().path, e.problem().message});
      return json();
    }
  }

  static void merge_into(json& base, const json& over) {
    for (auto& [k, v] : over.items()) {
      if (k == "extends") continue;
      if (k == "interventions" && base.contains(k) && base[k].is_array() && v.is_array()) {
        for (const auto& item : v) {
          const std::string name = item.value("name", std::string());
          auto same = std::find_if(base[k].begin(), base[k].end(), [&](const json& b) {
            return !name.empty() && b.value("name", std::string()) == name;
          });
          if (same != base[k].end()) *same = item;
          else base[k].push_back(item);
        }
      } else if (v.is_object() && base.contains(k) && base[k].is_object() && k != "budget" && k != "effects") {
        merge_into(base[k], v);
      } else {
        base[k] = v;
      }
    }
  }

  /// The merged document for `doc` (from `name`), resolving its extends chain.
  json resolve(const json& doc, const std::string& name, const fs::path& dir, std::vector<std::string> chain) {
    if (doc.is_null()) return json();
    for (auto& v : schema_violations(doc, name)) violations.push_back(v);
    files.push_back(name);
    json merged = json::object();
    if (doc.is_object() && doc.contains("extends")) {
      std::vector<std::string> parents;
      if (doc["extends"].is_string()) parents.push_back(doc["extends"]);
      else if (doc["extends"].is_array())
        for (const auto& p : doc["extends"])
          if (p.is_string()) parents.push_back(p);
      // (The error_code forms: a name the file system refuses, too long, say, is bad input.)
      std::error_code ec;
      const fs::path self = fs::weakly_canonical(fs::absolute(name, ec), ec);
      chain.push_back(ec ? name : self.string());
      for (std::size_t k = 0; k < parents.size(); ++k) {
        const std::string ref = doc["extends"].is_string() ? "/extends" : "/extends/" + std::to_string(k);
        const fs::path parent = fs::weakly_canonical(dir / parents[k], ec);
        if (ec) {
          violations.push_back({name, ref, "extends '" + parents[k].substr(0, 80) + (parents[k].size() > 80 ? "...'" : "'") +
                                               ", a file name that cannot be used: " + ec.message()});
          continue;
        }
        if (std::find(chain.begin(), chain.end(), parent.string()) != chain.end()) {
          std::string cycle;
          for (const auto& c : chain) cycle += fs::path(c).filename().string() + " -> ";
          violations.push_back({name, ref, "extends '" + parents[k] + "', which makes a cycle: " + cycle +
                                               parent.filename().string()});
          continue;
        }
        const json parent_doc = read_file(parent, name, ref);
        const json p = resolve(parent_doc, parent.string(), parent.parent_path(), chain);
        if (p.is_object()) merge_into(merged, p);
      }
    }
    // A title names one file's scenario: a scenario that extends another without a title of its
    // own is not the parent (the reports then use its name).
    merged.erase("title");
    if (doc.is_object()) merge_into(merged, doc);
    return merged;
  }
};

model::Distribution distribution_of(const json& v, const std::string& file, const std::string& path,
                                    std::vector<Violation>& out) {
  if (v.is_number()) return model::Distribution::constant(v.get<double>());
  if (!v.is_object() || !v.contains("dist") || !v["dist"].is_string()) return {};
  const std::string name = v["dist"];
  const auto kind = model::kind_from_name(name);
  if (!kind) return {};  // the schema reports it
  model::Distribution d;
  d.kind = *kind;
  auto need = [&](const char* key, double& x) {
    if (v.contains(key) && v[key].is_number()) {
      x = v[key];
      return true;
    }
    out.push_back({file, path, "a " + name + " distribution needs '" + key + "'"});
    return false;
  };
  bool ok = true;
  switch (d.kind) {
    case model::Distribution::Kind::fixed: ok = need("value", d.a); break;
    case model::Distribution::Kind::normal:
    case model::Distribution::Kind::lognormal: ok = need("mean", d.a) & need("sd", d.b); break;
    case model::Distribution::Kind::beta: ok = need("alpha", d.a) & need("beta", d.b); break;
    case model::Distribution::Kind::gamma: ok = need("shape", d.a) & need("scale", d.b); break;
    case model::Distribution::Kind::triangular: ok = need("min", d.a) & need("mode", d.b) & need("max", d.c); break;
    case model::Distribution::Kind::uniform: ok = need("min", d.a) & need("max", d.b); break;
  }
  if (ok)
    if (auto p = d.problem()) out.push_back({file, path, "is " + show(v) + ": " + *p});
  return d;
}

Scenario build(const json& merged, const Reader& reader, const std::string& path) {
  std::vector<Violation> v = reader.violations;
  const std::string file = path;
  Scenario s;
  s.path = path;
  s.files = reader.files;
  if (!merged.is_object() || !v.empty()) throw ScenarioError(v.empty() ? std::vector<Violation>{{file, "", "must be a JSON object"}} : v);
  s.name = merged.value("name", "");
  s.description = merged.value("description", "");
  s.region = merged.value("region", s.region);
  s.start_year = merged.value("start_year", s.start_year);
  s.years = merged.value("years", s.years);
  s.scale = merged.value("scale", s.scale);
  s.replicates = merged.value("replicates", s.replicates);
  s.seed = merged.value("seed", s.seed);
  s.finance.price_base_year = s.start_year;
  if (merged.contains("finance")) {
    const auto& f = merged["finance"];
    s.finance.price_base_year = f.value("price_base_year", s.finance.price_base_year);
    s.finance.price_base_year_given = f.contains("price_base_year");
    if (f.contains("budget_price_year")) s.finance.budget_price_year = f["budget_price_year"].get<int>();
    s.finance.discount_rate_costs = f.value("discount_rate_costs", s.finance.discount_rate_costs);
    s.finance.discount_rate_health = f.value("discount_rate_health", s.finance.discount_rate_health);
    s.finance.inflation = f.value("inflation", s.finance.inflation);
    if (f.contains("cashable")) s.finance.cashable = f["cashable"].get<std::vector<std::string>>();
    s.finance.reinvest_share = f.value("reinvest_share", s.finance.reinvest_share);
    if (f.contains("reinvest_from")) s.finance.reinvest_from = f["reinvest_from"].get<std::vector<std::string>>();
    s.finance.funding_source = f.value("funding_source", s.finance.funding_source);
    s.finance.continue_funding = f.value("continue_funding", s.finance.continue_funding);
    if (f.contains("optimism_bias")) {
      s.finance.optimism_bias_costs = f["optimism_bias"].value("costs", 0.0);
      s.finance.optimism_bias_benefits = f["optimism_bias"].value("benefits", 0.0);
    }
  }
  if (merged.contains("interventions")) s.interventions = merged["interventions"];
  if (merged.contains("parameters"))
    for (auto& [k, val] : merged["parameters"].items())
      s.parameters[k] = distribution_of(val, file, "/parameters/" + k, v);

  // Checks that need only the scenario.
  std::set<std::string> names;
  for (std::size_t i = 0; i < s.interventions.size(); ++i) {
    const json& iv = s.interventions[i];
    const std::string at = "/interventions/" + std::to_string(i);
    const std::string type = iv.value("type", "");
    const std::string name = iv.value("name", type);
    if (!names.insert(name).second)
      v.push_back({file, at + "/name", "'" + name + "' names two interventions (give each a different name)"});
    auto month = [](const std::string& ym) { return std::stoi(ym.substr(0, 4)) * 12 + std::stoi(ym.substr(5, 2)) - 1; };
    const int run_start = s.start_year * 12 + 6, run_end = run_start + s.years * 12 - 1;
    const int start = iv.contains("start") ? month(iv["start"]) : run_start;
    const int end = iv.contains("end") ? month(iv["end"]) : run_end;
    if (iv.contains("start") && iv.contains("end") && end < start)
      v.push_back({file, at + "/end", "is \"" + iv["end"].get<std::string>() + "\", but must not be before start (\"" +
                                          iv["start"].get<std::string>() + "\")"});
    if (end < run_start)
      v.push_back({file, at + "/end", "ends before the run starts (July " + std::to_string(s.start_year) + ")"});
    if (!iv.contains("budget"))
      v.push_back({file, at, "has no budget (GBP a year, or by financial year: {\"2019\": 500000})"});
    else if (iv["budget"].is_object())
      for (auto& [year, amount] : iv["budget"].items()) {
        if (year.size() != 4 || !std::all_of(year.begin(), year.end(), ::isdigit)) {
          v.push_back({file, at + "/budget/" + year,
                       "the year '" + year + "' must be written as 4 digits (the financial year it starts in, e.g. 2019 for 2019/20)"});
          continue;
        }
        const int fy = std::stoi(year);
        // Financial year fy runs April fy to March fy+1.
        const int fy_start = fy * 12 + 3, fy_end = fy_start + 11;
        if (fy_end < start || fy_start > end)
          v.push_back({file, at + "/budget/" + year, "is for the financial year " + year + "/" +
                                                       (year.substr(2, 2) == "99" ? "00" : std::to_string((fy + 1) % 100)) +
                                                       ", outside the intervention's period (" +
                                                       iv.value("start", std::string("the run start")) + " to " +
                                                       iv.value("end", std::string("the run end")) + ")"});
        (void)amount;
      }
    if (iv.contains("targeting") && iv["targeting"].contains("ages") && iv["targeting"]["ages"].is_array() &&
        iv["targeting"]["ages"].size() == 2 && iv["targeting"]["ages"][0].is_number() && iv["targeting"]["ages"][1].is_number() &&
        iv["targeting"]["ages"][0].get<int>() > iv["targeting"]["ages"][1].get<int>())
      v.push_back({file, at + "/targeting/ages", "is " + show(iv["targeting"]["ages"]) + ", but the youngest age must come first"});
    if (iv.contains("targeting") && iv["targeting"].contains("quintile_weights") && iv["targeting"]["quintile_weights"].is_array()) {
      double sum = 0;
      for (const auto& w : iv["targeting"]["quintile_weights"])
        if (w.is_number()) sum += w.get<double>();
      if (!(sum > 0)) v.push_back({file, at + "/targeting/quintile_weights", "must not all be zero"});
    }
    if (const auto t = model::intervention_type_from_name(type)) {
      const auto& entry = model::catalogue_entry(*t);
      if (iv.contains("shift"))
        for (std::size_t k = 0; k < iv["shift"].size(); ++k) {
          if (!iv["shift"][k].is_number_integer()) continue;
          const int tag = iv["shift"][k];
          if (tag != 6 && std::find(entry.shifts.begin(), entry.shifts.end(), tag) == entry.shifts.end())
            v.push_back({file, at + "/shift/" + std::to_string(k),
                         "is " + std::to_string(tag) + ", but " + type + " serves shift " + std::to_string(entry.shifts.front()) +
                             " (and shift 6 through its targeting)"});
        }
      if (iv.contains("effects") && iv["effects"].is_object())
        for (auto& [key_binding, val] : iv["effects"].items()) {
          const std::string& key = key_binding;  // (clang 14 cannot capture a structured binding)
          const auto def = std::find_if(entry.effects.begin(), entry.effects.end(), [&](auto& e) { return e.key == key; });
          const std::string ep = at + "/effects/" + key;
          if (def == entry.effects.end()) {
            std::vector<std::string> known;
            for (const auto& e : entry.effects) known.push_back(e.key);
            std::string msg = "is not an effect of " + type;
            const std::string hint = did_you_mean(key, known);
            msg += hint.empty() ? std::string(" (its effects: ") : " (did you mean '" + hint + "'? its effects: ";
            for (std::size_t k = 0; k < known.size(); ++k) msg += (k ? ", " : "") + known[k];
            v.push_back({file, ep, msg + ")"});
            continue;
          }
          const auto d = distribution_of(val, file, ep, v);
          const double m = d.mean();
          if (model::is_one_off(def->kind) && !(m >= 0 && m <= 1))
            v.push_back({file, ep, "has mean " + format_number(m) + ", but a probability must be between 0 and 1"});
          if (!model::is_one_off(def->kind) && !(m > 0 && m <= 3))
            v.push_back({file, ep, "has mean " + format_number(m) + ", but a rate ratio must be above 0 and at most 3"});
        }
      if (iv.contains("unit_cost")) {
        const auto d = distribution_of(iv["unit_cost"], file, at + "/unit_cost", v);
        if (!(d.mean() >= kMinUnitCost))
          v.push_back({file, at + "/unit_cost", "is " + format_number(d.mean()) + ", but must be at least " + format_number(kMinUnitCost) +
                                                    " (GBP per participant, or per resident a year for area-wide types)"});
        else if (!(d.mean() <= kMaxUnitCost))
          v.push_back({file, at + "/unit_cost", "is " + format_number(d.mean()) + ", but must be at most " + format_number(kMaxUnitCost) +
                                                    " (GBP per participant; above any per-person cost in the PSSRU and NHS unit costs)"});
      }
    }
  }
  if (!v.empty()) throw ScenarioError(v);
  s.source_text = merged.dump(2);
  return s;
}

}  // namespace

ScenarioError::ScenarioError(std::vector<Violation> v) : InputError(join_violations(v)), violations_(std::move(v)) {}

const char* scenario_schema() { return kScenarioSchema; }

std::string did_you_mean(const std::string& word, const std::vector<std::string>& options) {
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& o : options) {
    const std::size_t d = edit_distance(word, o);
    if (d < best_d) {
      best_d = d;
      best = o;
    }
  }
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  if (best_d <= limit) return best;
  // A clear abbreviation of exactly one option ("quit_prob" for "quit_probability").
  std::string prefix_of;
  int count = 0;
  for (const auto& o : options)
    if (word.size() >= 4 && o.size() > word.size() && o.compare(0, word.size(), word) == 0) {
      prefix_of = o;
      ++count;
    }
  return count == 1 ? prefix_of : "";
}

Scenario load_scenario(const fs::path& file) {
  Reader r;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    if (ec && ec != std::errc::no_such_file_or_directory)
      throw ScenarioError({{file.string().substr(0, 200), "", "cannot be read as a scenario file: " + ec.message()}});
    throw ScenarioError({{file.string(), "", fs::exists(file, ec) ? "is not a file" : "cannot open the scenario file (does it exist?)"}});
  }
  const json doc = r.read_file(file, file.string(), "");
  if (!r.violations.empty()) throw ScenarioError(r.violations);
  const json merged = r.resolve(doc, file.string(), file.parent_path(), {});
  return build(merged, r, file.string());
}

Scenario parse_scenario(const std::string& text, const std::string& name, const fs::path& base_dir) {
  Reader r;
  const json doc = r.parse_text(text, name);
  const json merged = r.resolve(doc, name, base_dir, {});
  return build(merged, r, name);
}

model::Policy resolve_scenario(const Scenario& s, const model::RegionData& region, const model::Geography& geo,
                               model::ParameterTable& table) {
  std::vector<Violation> v;
  const std::string file = s.path;
  // A plan may start after the data's base year: the run starts at the base year and projects
  // the years before the plan (identically in every arm), which no output reports. Months are
  // counted from the run's start (model month 0 = July of the base year).
  if (s.start_year < region.base_year)
    v.push_back({file, "/start_year", "is " + std::to_string(s.start_year) + ", but the region data (" + s.region +
                                          ") starts at mid-" + std::to_string(region.base_year) + ": a plan can start then or later"});
  const int run_year = region.base_year, run_in = 12 * std::max(0, s.start_year - region.base_year);
  // Parameter overrides.
  std::vector<std::string> parameter_names;
  for (const auto& r : table.rows()) parameter_names.push_back(r.name);
  for (const auto& [name, d] : s.parameters) {
    const std::string at = "/parameters/" + name;
    const auto* row = table.find(name);
    if (!row) {
      const std::string hint = did_you_mean(name, parameter_names);
      v.push_back({file, at, "is not a model parameter" + (hint.empty() ? std::string(" (see `shiftsim params`)") : " (did you mean '" + hint + "'?)")});
      continue;
    }
    if (row->derived) {
      v.push_back({file, at, "is derived from the region data and cannot be set"});
      continue;
    }
    const double m = d.mean();
    if (!(m >= row->lower && m <= row->upper)) {
      v.push_back({file, at, "is " + format_number(m) + ", but must be between " + format_number(row->lower) + " and " +
                                 format_number(row->upper) + " (" + row->unit + ")"});
      continue;
    }
    table.override_value(name, m);
    table.override_uncertainty(name, d);
  }

  model::Policy policy;
  std::vector<std::string> icp_names, nb_names;
  for (const auto& icp : region.icps) icp_names.push_back(icp.name);
  for (const auto& nb : geo.neighbourhoods) nb_names.push_back(nb.name);
  // Budgets and unit costs typed in the prices of budget_price_year (default price_base_year)
  // become the model's 2018/19 money by the NHS cost inflation index.
  const int budget_year = s.finance.budget_price_year.value_or(s.finance.price_base_year);
  double to_model_prices = 1.0;
  if (const auto d = model::deflator_to_2018_19(table, budget_year)) {
    to_model_prices = *d;
  } else {
    std::vector<int> years;
    for (const auto* r : table.with_prefix("general.deflator_to_2018_19.fy")) years.push_back(std::stoi(r->name.substr(30, 4)));
    const std::string range = years.empty() ? "none" : std::to_string(years.front()) + "-" + std::to_string(years.back());
    v.push_back({file, s.finance.budget_price_year ? "/finance/budget_price_year" : "/finance/price_base_year",
                 "is " + std::to_string(budget_year) + ", but the parameter table's NHS cost inflation deflators cover the financial years starting " + range});
  }
  auto month_index = [&](const std::string& ym) {
    return (std::stoi(ym.substr(0, 4)) - run_year) * 12 + std::stoi(ym.substr(5, 2)) - 7;
  };
  for (std::size_t i = 0; i < s.interventions.size(); ++i) {
    const json& iv = s.interventions[i];
    const std::string at = "/interventions/" + std::to_string(i);
    const auto type = model::intervention_type_from_name(iv.value("type", ""));
    if (!type) continue;
    const auto& entry = model::catalogue_entry(*type);
    model::InterventionSpec spec;
    spec.type = *type;
    spec.name = iv.value("name", entry.name);
    spec.shifts = iv.contains("shift") ? iv["shift"].get<std::vector<int>>() : entry.shifts;
    spec.start_month = iv.contains("start") ? month_index(iv["start"]) : run_in;
    spec.end_month = iv.contains("end") ? month_index(iv["end"]) : run_in + s.years * 12 - 1;
    spec.open_ended = !iv.contains("end");
    const std::string payer = iv.value("payer", entry.default_payer);
    const int payer_index = static_cast<int>(std::find(model::kFunderNames.begin(), model::kFunderNames.end(), payer) -
                                             model::kFunderNames.begin());
    auto fy_of = [&](int month) {  // financial year containing model month
      const int calendar = run_year * 12 + 6 + month;  // months since year 0
      const int year = calendar / 12, m = calendar % 12 + 1;
      return m >= 4 ? year : year - 1;
    };
    const json& b = iv.value("budget", json());
    if (b.is_number()) {
      for (int fy = fy_of(std::max(0, spec.start_month)); fy <= fy_of(spec.end_month); ++fy)
        spec.budget[fy][static_cast<std::size_t>(payer_index)] = b.get<double>() * to_model_prices;
    } else if (b.is_object()) {
      for (auto& [year, amount] : b.items()) {
        const int fy = std::stoi(year);
        if (amount.is_number()) spec.budget[fy][static_cast<std::size_t>(payer_index)] += amount.get<double>() * to_model_prices;
        else
          for (auto& [funder, x] : amount.items()) {
            const auto k = std::find(model::kFunderNames.begin(), model::kFunderNames.end(), funder) - model::kFunderNames.begin();
            spec.budget[fy][static_cast<std::size_t>(k)] += x.get<double>() * to_model_prices;
          }
      }
    }
    auto param = [&](const std::string& name) {
      const auto* row = table.find(name);
      if (!row || !row->value) throw InternalError("the catalogue names a missing parameter '" + name + "'");
      return row->uncertainty.kind == model::Distribution::Kind::fixed ? model::Distribution::constant(*row->value)
                                                                       : row->uncertainty;
    };
    auto value = [&](const std::string& name) {  // the table's value (the distribution's mean, exactly as written)
      const auto* row = table.find(name);
      if (!row || !row->value) throw InternalError("the catalogue names a missing parameter '" + name + "'");
      return *row->value;
    };
    spec.unit_cost = iv.contains("unit_cost") ? distribution_of(iv["unit_cost"], file, at, v).mean() * to_model_prices
                                              : value(entry.unit_cost_parameter);
    if (!iv.contains("unit_cost")) spec.unit_cost_row = entry.unit_cost_parameter;
    if (entry.reach != model::Reach::area) {
      spec.max_uptake = iv.value("max_uptake", value(entry.max_uptake_parameter));
      if (!iv.contains("max_uptake")) spec.max_uptake_row = entry.max_uptake_parameter;
    }
    if (const auto* row = table.find(entry.evidence_months_parameter); row && row->value) spec.evidence_months = *row->value;
    spec.effect_half_life_months = iv.value("effect_half_life_months", value(entry.half_life_parameter));
    if (!iv.contains("effect_half_life_months")) spec.half_life_row = entry.half_life_parameter;
    spec.ramp_up_months = iv.value("ramp_up_months", static_cast<int>(std::lround(value(entry.ramp_up_parameter))));
    if (!iv.contains("ramp_up_months")) spec.ramp_up_row = entry.ramp_up_parameter;
    for (const auto& e : entry.effects) {
      const json& effects = iv.value("effects", json::object());
      spec.effects[e.kind] = effects.contains(e.key) ? distribution_of(effects[e.key], file, at, v) : param(e.parameter);
      if (!effects.contains(e.key)) spec.effect_rows[e.kind] = e.parameter;
      if (!e.share_parameter.empty()) spec.effect_share[e.kind] = value(e.share_parameter);
    }
    // Targeting.
    auto& t = spec.targeting;
    t.allocation = entry.allocation == "highest_risk" ? model::Allocation::highest_risk : model::Allocation::uniform;
    const json& tg = iv.value("targeting", json::object());
    const std::string tp = at + "/targeting";
    if (tg.contains("ages")) {
      t.min_age = tg["ages"][0];
      t.max_age = tg["ages"][1];
    }
    if (tg.contains("sexes")) {
      t.sexes = {false, false};
      for (const auto& x : tg["sexes"]) t.sexes[x == "male" ? 0u : 1u] = true;
    }
    if (tg.contains("conditions"))
      for (const auto& x : tg["conditions"])
        for (int c = 0; c < model::kConditions; ++c)
          if (x == std::string(model::kConditionNames[static_cast<std::size_t>(c)])) t.any_condition |= static_cast<std::uint8_t>(1u << c);
    if (tg.contains("risk_factors")) {
      static const std::map<std::string, std::uint8_t> bits{{"smoker", model::rt_smoker},         {"ex_smoker", model::rt_ex_smoker},
                                                             {"overweight", model::rt_overweight}, {"obese", model::rt_obese},
                                                             {"inactive", model::rt_inactive},     {"harmful_drinker", model::rt_harmful_drinker},
                                                             {"isolated", model::rt_isolated}};
      for (const auto& x : tg["risk_factors"]) t.risk_factors |= bits.at(x.get<std::string>());
    }
    if (tg.contains("frailty")) {
      t.frailty_levels = 0;
      for (const auto& x : tg["frailty"])
        for (int f = 0; f < model::kFrailtyLevels; ++f)
          if (x == std::string(model::kFrailtyNames[static_cast<std::size_t>(f)])) t.frailty_levels |= static_cast<std::uint8_t>(1u << f);
    }
    if (tg.contains("imd_deciles")) {
      t.deciles.fill(false);
      for (const auto& x : tg["imd_deciles"]) t.deciles[static_cast<std::size_t>(x.get<int>() - 1)] = true;
    }
    auto names_to_indices = [&](const char* key, const std::vector<std::string>& known, std::vector<int>& out, const char* what) {
      if (!tg.contains(key)) return;
      for (std::size_t k = 0; k < tg[key].size(); ++k) {
        const std::string n = tg[key][k];
        const auto it = std::find(known.begin(), known.end(), n);
        if (it == known.end()) {
          const std::string hint = did_you_mean(n, known);
          v.push_back({file, tp + "/" + key + "/" + std::to_string(k),
                       "is \"" + n + "\", but is not " + what + (hint.empty() ? "" : " (did you mean '" + hint + "'?)")});
        } else {
          out.push_back(static_cast<int>(it - known.begin()));
        }
      }
    };
    names_to_indices("icps", icp_names, t.icps, "an ICP of the region");
    names_to_indices("neighbourhoods", nb_names, t.neighbourhoods, "a neighbourhood of the region (see docs/model.md)");
    if (tg.contains("allocation")) {
      const std::string a = tg["allocation"];
      t.allocation = a == "proportionate" ? model::Allocation::proportionate
                     : a == "highest_risk" ? model::Allocation::highest_risk
                                           : model::Allocation::uniform;
    }
    if (tg.contains("enrol_at")) {
      if (const auto at_event = model::enrol_event_from_name(tg["enrol_at"].get<std::string>())) t.enrol_at = *at_event;
    }
    if (t.allocation == model::Allocation::proportionate) {
      t.gradient = value("targeting.proportionate.gradient");
      if (tg.contains("quintile_weights")) {
        t.shares_given = true;
        double sum = 0;
        for (std::size_t q = 0; q < 5; ++q) sum += tg["quintile_weights"][q].get<double>();
        for (std::size_t q = 0; q < 5; ++q) t.quintile_shares[q] = tg["quintile_weights"][q].get<double>() / sum;
      }
    } else if (tg.contains("quintile_weights")) {
      v.push_back({file, tp + "/quintile_weights", "is given, but allocation is not \"proportionate\" (set \"allocation\": \"proportionate\")"});
    }
    if (entry.reach == model::Reach::births) {
      for (const char* key : {"ages", "sexes", "conditions", "risk_factors", "frailty", "imd_deciles", "allocation", "quintile_weights", "enrol_at"})
        if (tg.contains(key))
          v.push_back({file, tp + "/" + key, "cannot be used: " + entry.name + " reaches pregnancies, at birth; choose the areas with icps or neighbourhoods"});
    }
    if (entry.reach == model::Reach::area) {
      for (const char* key : {"ages", "sexes", "conditions", "risk_factors", "frailty", "imd_deciles", "allocation", "quintile_weights", "enrol_at"})
        if (tg.contains(key))
          v.push_back({file, tp + "/" + key, "cannot be used: " + entry.name + " acts on everyone in its areas; choose the areas with icps or neighbourhoods"});
      if (iv.contains("max_uptake"))
        v.push_back({file, at + "/max_uptake", "cannot be used: " + entry.name + " acts on whole areas (its reach is set by budget / cost per resident)"});
    }
    policy.interventions.push_back(std::move(spec));
  }
  if (!v.empty()) throw ScenarioError(v);
  policy.finance.cashable = s.finance.cashable;
  policy.finance.reinvest_share = s.finance.reinvest_share;
  policy.finance.reinvest_from = s.finance.reinvest_from;
  policy.finance.existing_budgets = s.finance.funding_source == "existing_budgets";
  return policy;
}

}  // namespace shiftsim::inputs
