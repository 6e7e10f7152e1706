// shiftsim serve: a local web app over the run library (cpp-httplib). A strategist picks a
// scenario from the library or edits one in a form, checks it with the same messages as
// `shiftsim check`, takes a quick look (one replicate at a small scale, about a second), runs
// the full comparison with a progress bar and a cancel button, puts the plans side by side and
// downloads the board paper and the workbook.
//
// Every run is a job with its own random id and its own cancel token: one user's cancel can
// only reach the job whose id it holds, never another's. Jobs run one after another on a worker
// thread (a full comparison uses every core); requests are answered meanwhile. Everything is
// stored in the server's results database like any `shiftsim compare`.
#include "cli/commands.hpp"

#include "generated/cli/serve_css.hpp"
#include "generated/cli/serve_html.hpp"
#include "generated/cli/serve_js.hpp"
#include "model/core/errors.hpp"
#include "model/programmes/policy.hpp"
#include "results/document.hpp"
#include "results/report.hpp"
#include "results/statistics.hpp"
#include "results/store.hpp"
#include "results/view.hpp"
#include "results/workbook.hpp"
#include "runs/experiment.hpp"
#include "runs/inputs.hpp"
#include "runs/store_writer.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/strict_json.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <vector>
#include <algorithm>

#ifndef SHIFTSIM_VERSION
#define SHIFTSIM_VERSION "unknown"
#endif

namespace shiftsim::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }

/// A quick look: one replicate at this scale (about a second for five years on two cores).
constexpr double kQuickScale = 0.02;
/// The most a request may ask: the command line's limits, so that no one locks the server for a day.
constexpr int kMaxReplicates = 200;
/// Runs waiting at most, and jobs remembered (the oldest finished ones are forgotten).
constexpr std::size_t kMaxQueued = 20, kMaxJobs = 500;

struct Job {
  std::string id, title, kind;  // kind: quick or full
  fs::path plan_file, baseline_file;
  int replicates = 1, years = 0;
  double scale = kQuickScale;
  runs::CancelToken cancel;
  // Guarded by the server's mutex.
  std::string state = "queued";  // queued, running, done, failed, cancelled
  double progress = 0;
  std::string error;
  long long comparison_id = 0;
  json figures;
};

std::string random_id() {
  static std::mutex m;
  static std::random_device rd;
  std::lock_guard<std::mutex> lock(m);
  std::uniform_int_distribution<unsigned> d(0, 15);
  std::string s;
  for (int k = 0; k < 32; ++k) s += "0123456789abcdef"[d(rd)];
  return s;
}

/// The key figures of a stored comparison's scenario arms, for the page.
json figures_of(const results::ResultsStore& store, long long comparison_id) {
  const json doc = results::comparison_document(store, comparison_id);
  const results::ComparisonView v(doc);
  json out = json::array();
  auto stat = [&](int arm, const std::string& outcome, const std::string& breakdown) -> json {
    const results::Stat* s = v.horizon(arm, outcome, breakdown);
    if (!s || !s->mean) return nullptr;
    json j = {{"mean", *s->mean}, {"n", s->n}};
    if (s->interval_shown()) j["p05"] = *s->p05, j["p95"] = *s->p95;
    if (s->median) j["median"] = *s->median;
    return j;
  };
  for (const auto* a : v.scenarios()) {
    json arm = {{"arm", a->index}, {"name", a->name}, {"title", a->label}};
    arm["invest"] = stat(a->index, "intervention_cost_discounted_gbp", "all");
    arm["savings"] = stat(a->index, "gross_savings_discounted_gbp", "public");
    arm["npv"] = stat(a->index, "npv_gbp", "all");
    arm["roi"] = stat(a->index, "roi_gross", "all");
    arm["break_even"] = stat(a->index, "break_even_year", "all");
    arm["break_even_within"] = stat(a->index, "break_even_within_horizon", "all");
    arm["qalys"] = stat(a->index, "qalys_gained_discounted", "all");
    arm["equity"] = stat(a->index, "equity_gain_qalys_per_100k", "all");
    json series = json::array();
    for (const auto& fy : v.financial_years()) {
      const results::Stat* s = v.stat(a->index, fy, "all", "cumulative_discounted_net_benefit_gbp");
      series.push_back({{"year", fy}, {"mean", s && s->mean ? json(*s->mean) : json(nullptr)},
                        {"p05", s && s->interval_shown() ? json(*s->p05) : json(nullptr)},
                        {"p95", s && s->interval_shown() ? json(*s->p95) : json(nullptr)}});
    }
    arm["cumulative"] = series;
    out.push_back(arm);
  }
  return {{"comparison_id", comparison_id}, {"replicates", v.replicates()}, {"arms", out}};
}

class Server {
 public:
  Server(const ServeOptions& o) : o_(o) {
    library_ = fs::weakly_canonical(fs::absolute(o.scenarios));
    if (!fs::is_directory(library_)) throw InputError("--scenarios " + o.scenarios + ": not a folder of scenario files");
    if (!fs::exists(library_ / "baseline.json"))
      throw InputError("--scenarios " + o.scenarios + ": has no baseline.json (the arm every plan is compared with)");
    plans_ = fs::path(o.db + ".plans");
    fs::create_directories(plans_);
    { results::ResultsStore check(o.db); }  // fails now, with its message, if the database cannot be opened
    worker_ = std::thread([this] { work(); });
  }
  ~Server() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stopping_ = true;
      for (auto& [id, j] : jobs_) j->cancel.cancel();
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
    // The plans of runs that never started, and the folder when nothing else is in it.
    std::error_code ec;
    for (const auto& j : queue_) fs::remove(j->plan_file, ec);
    fs::remove(plans_, ec);
  }

  /// The addresses the page may be reached at: the bound host and, on loopback, localhost.
  void listening_on(const std::string& host, int port) {
    std::lock_guard<std::mutex> lock(m_);
    hosts_ = {host + ":" + std::to_string(port)};
    if (host == "127.0.0.1" || host == "localhost" || host == "::1")
      for (const char* h : {"127.0.0.1", "localhost", "[::1]"}) hosts_.push_back(std::string(h) + ":" + std::to_string(port));
  }

  /// Refuses what a web page elsewhere could send this server: a Host that is not its own (DNS
  /// rebinding), a POST from another origin or not as JSON (a cross-site form needs no preflight).
  bool allowed(const httplib::Request& req, httplib::Response& res) {
    const std::string host = req.get_header_value("Host");
    bool known = false;
    {
      std::lock_guard<std::mutex> lock(m_);
      known = o_.host == "0.0.0.0" || std::find(hosts_.begin(), hosts_.end(), host) != hosts_.end();
    }
    if (!known) {
      reply(res, {{"error", "this server answers requests for its own address only, not for '" + host + "'"}}, 403);
      return false;
    }
    if (req.method == "POST") {
      const std::string origin = req.get_header_value("Origin");
      if (!origin.empty() && origin != "http://" + host) {
        reply(res, {{"error", "requests from another site are refused"}}, 403);
        return false;
      }
      if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
        reply(res, {{"error", "send JSON (Content-Type: application/json)"}}, 415);
        return false;
      }
    }
    return true;
  }

  void routes(httplib::Server& svr) {
    svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      return allowed(req, res) ? httplib::Server::HandlerResponse::Unhandled : httplib::Server::HandlerResponse::Handled;
    });
    svr.Get("/", [](const httplib::Request&, httplib::Response& res) {
      std::string page = kServeHtml;
      const auto put = [&](const std::string& mark, const char* text) {
        const auto at = page.find(mark);
        if (at != std::string::npos) page.replace(at, mark.size(), text);
      };
      put("/*STYLE*/", kServeCss);
      put("/*SCRIPT*/", kServeJs);
      secure(res);
      res.set_content(page, "text/html; charset=utf-8");
    });
    svr.Get("/api/library", [this](const httplib::Request&, httplib::Response& res) { reply(res, library()); });
    svr.Get("/api/catalogue", [](const httplib::Request&, httplib::Response& res) {
      json types = json::array();
      for (const auto& e : model::catalogue())
        types.push_back({{"type", e.name}, {"shifts", e.shifts}, {"payer", e.default_payer}, {"reach", e.reach == model::Reach::person ? "person" : "area"},
                         {"description", e.description}});
      reply(res, types);
    });
    svr.Post("/api/check", [this](const httplib::Request& req, httplib::Response& res) { reply(res, check(req.body)); });
    svr.Post("/api/runs", [this](const httplib::Request& req, httplib::Response& res) {
      json answer;
      const int status = start(req.body, answer);
      reply(res, answer, status);
    });
    svr.Get(R"(/api/runs/([0-9a-f]{32}))", [this](const httplib::Request& req, httplib::Response& res) {
      const auto j = find(req.matches[1]);
      if (!j) return reply(res, {{"error", "no such run"}}, 404);
      std::lock_guard<std::mutex> lock(m_);
      reply(res, describe(*j));
    });
    svr.Post(R"(/api/runs/([0-9a-f]{32})/cancel)", [this](const httplib::Request& req, httplib::Response& res) {
      const auto j = find(req.matches[1]);
      if (!j) return reply(res, {{"error", "no such run"}}, 404);
      j->cancel.cancel();
      std::lock_guard<std::mutex> lock(m_);
      if (j->state == "queued") j->state = "cancelled";
      reply(res, describe(*j));
    });
    svr.Get(R"(/api/comparisons/([0-9]{1,12})/(report|workbook))", [this](const httplib::Request& req, httplib::Response& res) {
      const long long id = std::stoll(req.matches[1]);
      const std::string what = req.matches[2];
      results::ResultsStore store(o_.db);
      if (!results::has_comparison(store, id)) return reply(res, {{"error", "no comparison " + std::to_string(id)}}, 404);
      const json doc = results::comparison_document(store, id);
      if (what == "report") {
        res.set_header("Content-Disposition", "attachment; filename=\"shiftsim-comparison-" + std::to_string(id) + ".html\"");
        res.set_content(results::html_report(doc), "text/html; charset=utf-8");
        return;
      }
      const fs::path file = plans_ / ("workbook-" + random_id() + ".xlsx");
      results::write_workbook(doc, file);
      std::ifstream in(file, std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      in.close();
      std::error_code ec;
      fs::remove(file, ec);
      res.set_header("Content-Disposition", "attachment; filename=\"shiftsim-comparison-" + std::to_string(id) + ".xlsx\"");
      res.set_content(bytes.str(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    });
    svr.set_payload_max_length(1 << 20);  // a plan is a few kilobytes; nothing larger is read
    svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string message = "internal error";
      int status = 500;
      try {
        std::rethrow_exception(ep);
      } catch (const InputError& e) {
        message = e.what();
        status = 400;
      } catch (const std::exception& e) {
        message = std::string("internal error: ") + e.what();
      } catch (...) {
      }
      reply(res, {{"error", message}}, status);
    });
  }

 private:
  static void secure(httplib::Response& res) {
    // The page loads nothing from anywhere else.
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src data:; "
                   "form-action 'none'; frame-ancestors 'none'");
    res.set_header("X-Content-Type-Options", "nosniff");
  }
  static void reply(httplib::Response& res, const json& j, int status = 200) {
    res.status = status;
    res.set_header("Cache-Control", "no-store");
    res.set_content(j.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
  }

  std::shared_ptr<Job> find(const std::string& id) {
    std::lock_guard<std::mutex> lock(m_);
    const auto it = jobs_.find(id);
    return it == jobs_.end() ? nullptr : it->second;
  }

  static json describe(const Job& j) {
    json d = {{"id", j.id}, {"state", j.state}, {"progress", j.progress}, {"kind", j.kind}, {"title", j.title},
              {"replicates", j.replicates}, {"scale", j.scale}};
    if (!j.error.empty()) d["error"] = j.error;
    if (j.comparison_id) d["comparison_id"] = j.comparison_id;
    if (!j.figures.is_null()) d["figures"] = j.figures;
    return d;
  }

  /// Every scenario file of the library, merged (what a form edits).
  json library() const {
    json out = json::array();
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(library_))
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      try {
        const inputs::Scenario s = inputs::load_scenario(f);
        json merged = json::parse(s.source_text);
        merged.erase("extends");
        out.push_back({{"file", f.filename().string()}, {"name", s.name},
                       {"title", merged.value("title", results::humane_name(s.name))}, {"scenario", merged}});
      } catch (const std::exception&) {
        // A file of the library that does not load is left out (shiftsim check says why).
      }
    }
    return out;
  }

  /// Writes a plan posted by the page to its own file (the merged form: no extends).
  fs::path save_plan(const json& scenario) const {
    json plan = scenario;
    if (plan.is_object()) plan.erase("extends");
    const fs::path file = plans_ / ("plan-" + random_id() + ".json");
    std::ofstream out(file);
    out << plan.dump(2) << "\n";
    if (!out) throw InputError("cannot write the plan to " + file.string());
    return file;
  }

  /// The same checks as `shiftsim check`, as messages with their JSON paths.
  json check(const std::string& body) const {
    json scenario;
    try {
      scenario = inputs::parse_strict_json(body);
    } catch (const std::exception& e) {
      return {{"ok", false}, {"problems", json::array({{{"path", ""}, {"message", e.what()}}})}};
    }
    if (scenario.is_object() && scenario.contains("region")) {
      // A region is a folder of the data: a plain name of one that exists, never a path.
      const json& r = scenario["region"];
      const std::string name = r.is_string() ? r.get<std::string>() : std::string();
      const bool plain = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == std::string::npos;
      if (!plain || !fs::is_directory(fs::path(o_.data_dir) / name))
        return {{"ok", false}, {"problems", json::array({{{"path", "/region"}, {"message", "must be the name of a region folder of the data (lsc)"}}})}};
    }
    const fs::path file = save_plan(scenario);
    struct Remove {
      fs::path f;
      ~Remove() {
        std::error_code ec;
        fs::remove(f, ec);
      }
    } remove{file};
    json answer = {{"ok", true}, {"problems", json::array()}};
    try {
      const runs::Arm arm = runs::prepare_arm(file, {o_.data_dir, ""});
      answer["interventions"] = arm.policy->interventions.size();
    } catch (const inputs::ScenarioError& e) {
      answer["ok"] = false;
      for (const auto& v : e.violations()) answer["problems"].push_back({{"path", v.path}, {"message", v.message}});
    } catch (const InputError& e) {
      answer["ok"] = false;
      answer["problems"].push_back({{"path", ""}, {"message", e.what()}});
    }
    return answer;
  }

  int start(const std::string& body, json& answer) {
    json req;
    try {
      req = inputs::parse_strict_json(body);
    } catch (const std::exception& e) {
      answer = {{"error", e.what()}};
      return 400;
    }
    if (!req.is_object() || !req.contains("scenario") || !req["scenario"].is_object()) {
      answer = {{"error", "the request must be an object with a \"scenario\""}};
      return 400;
    }
    const json checked = check(req["scenario"].dump());
    if (!checked["ok"].get<bool>()) {
      answer = {{"error", "the plan has problems"}, {"problems", checked["problems"]}};
      return 400;
    }
    auto job = std::make_shared<Job>();
    job->id = random_id();
    if (req.contains("kind") && !(req["kind"].is_string() && (req["kind"] == "quick" || req["kind"] == "full"))) {
      answer = {{"error", "the request's kind must be \"quick\" or \"full\""}};
      return 400;
    }
    job->kind = req.value("kind", std::string("quick"));
    const json& sc = req["scenario"];
    job->title = sc.contains("title") && sc["title"].is_string() ? sc["title"].get<std::string>()
                 : sc.contains("name") && sc["name"].is_string() ? sc["name"].get<std::string>()
                                                                 : std::string("plan");
    auto int_of = [&](const char* key, int lo, int hi, int fallback) -> int {
      if (!req.contains(key) || req[key].is_null()) return fallback;
      if (!req[key].is_number_integer() || req[key].get<long long>() < lo || req[key].get<long long>() > hi)
        throw InputError(std::string("the request's ") + key + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
      return req[key].get<int>();
    };
    try {
      if (job->kind == "full") {
        job->replicates = int_of("replicates", 1, kMaxReplicates, results::kMinIntervalReplicates);
        job->scale = 0.1;
        if (req.contains("scale") && !req["scale"].is_null()) {
          if (!req["scale"].is_number() || !(req["scale"].get<double>() > 0) || req["scale"].get<double>() > 1)
            throw InputError("the request's scale must be a number above 0 and at most 1");
          job->scale = req["scale"].get<double>();
        }
      }
      job->years = int_of("years", 1, 25, 0);
    } catch (const InputError& e) {
      answer = {{"error", e.what()}};
      return 400;
    }
    {
      std::lock_guard<std::mutex> lock(m_);
      if (queue_.size() >= kMaxQueued) {
        answer = {{"error", "the server has " + std::to_string(queue_.size()) + " runs waiting: try again when some have finished"}};
        return 503;
      }
      // Forget the oldest finished jobs beyond the last kMaxJobs (their results stay in the database).
      while (order_.size() >= kMaxJobs) {
        const auto it = jobs_.find(order_.front());
        if (it != jobs_.end() && (it->second->state == "queued" || it->second->state == "running")) break;
        if (it != jobs_.end()) jobs_.erase(it);
        order_.pop_front();
      }
    }
    job->plan_file = save_plan(req["scenario"]);
    job->baseline_file = library_ / "baseline.json";
    {
      std::lock_guard<std::mutex> lock(m_);
      order_.push_back(job->id);
      jobs_[job->id] = job;
      queue_.push_back(job);
      answer = describe(*job);
    }
    cv_.notify_one();
    return 202;
  }

  void work() {
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        job = queue_.front();
        queue_.pop_front();
        if (job->cancel.cancelled()) {
          job->state = "cancelled";
          std::error_code ec;
          fs::remove(job->plan_file, ec);
          continue;
        }
        job->state = "running";
      }
      run(*job);
    }
  }

  void run(Job& job) {
    std::string state = "done", error;
    long long cid = 0;
    json figures;
    try {
      runs::ExperimentSettings settings;
      settings.default_replicates = job.replicates;
      settings.replicates = job.replicates;
      settings.scale = job.scale;
      settings.years = job.years;
      const runs::Experiment experiment(runs::prepare_arms({job.baseline_file, job.plan_file}, {o_.data_dir, ""}), settings);
      results::ResultsStore store(o_.db);
      runs::StoreWriter writer(store, experiment, {SHIFTSIM_VERSION, o_.threads});
      runs::Controls c;
      c.threads = o_.threads;
      c.cancel = &job.cancel;
      c.progress = [this, &job](const runs::Progress& p) {
        std::lock_guard<std::mutex> lock(m_);
        job.progress = p.months_total > 0 ? static_cast<double>(p.months_done) / static_cast<double>(p.months_total) : 0.0;
      };
      const auto stored = runs::run_and_store(experiment, writer, c);
      cid = stored.comparison_id;
      figures = figures_of(store, cid);
    } catch (const shiftsim::Cancelled&) {
      state = "cancelled";
    } catch (const inputs::ScenarioError& e) {
      state = "failed";
      for (const auto& v : e.violations()) error += (error.empty() ? "" : "; ") + v.to_string();
    } catch (const std::exception& e) {
      state = "failed";
      error = e.what();
    }
    std::error_code ec;
    fs::remove(job.plan_file, ec);
    std::lock_guard<std::mutex> lock(m_);
    job.state = state;
    job.error = error;
    job.comparison_id = cid;
    job.figures = figures;
    if (state == "done") job.progress = 1;
  }

  const ServeOptions& o_;
  fs::path library_, plans_;
  std::mutex m_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::deque<std::string> order_;  // job ids, oldest first
  std::deque<std::shared_ptr<Job>> queue_;
  std::vector<std::string> hosts_;
  std::thread worker_;
};

}  // namespace

int serve_forever(const ServeOptions& o) {
  if (o.port < 0 || o.port > 65535) throw InputError("--port must be 0 (any free port) to 65535, not " + std::to_string(o.port));
  Server server(o);
  httplib::Server svr;
  server.routes(svr);
  const int port = o.port == 0 ? svr.bind_to_any_port(o.host) : (svr.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port < 0) throw InputError("--host " + o.host + " --port " + std::to_string(o.port) + ": cannot listen there (in use, or not this machine's address)");
  server.listening_on(o.host, port);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::atomic<bool> returned{false};
  std::thread watcher([&svr, &returned] {
    // stop() before listen_after_bind has started is lost: ask until listening has returned.
    while (!returned.load()) {
      if (g_stop.load()) svr.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::cout << "shiftsim serve: listening on http://" << o.host << ":" << port << "/ (results in " << o.db
            << "; Ctrl-C to stop)" << std::endl;
  svr.listen_after_bind();
  returned.store(true);
  watcher.join();
  std::cout << "shiftsim serve: stopped" << std::endl;
  return 0;
}

}  // namespace shiftsim::cli
