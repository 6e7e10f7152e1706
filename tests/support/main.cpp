// The doctest main of every test executable. CTest runs each test case on its own with
// --test-case=<name>; a name that doctest's filter cannot match (a ';' cuts CTest's command
// line, for instance) would run nothing and pass. So a run that selects test cases by name
// and runs none fails.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <cstring>

namespace {

std::atomic<int> g_cases_run{0};

struct CountingListener : doctest::IReporter {
  explicit CountingListener(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override { ++g_cases_run; }
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};
REGISTER_LISTENER("count_cases", 1, CountingListener);

}  // namespace

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int rc = context.run();
  if (context.shouldExit()) return rc;
  bool by_name = false, listing = false;
  for (int k = 1; k < argc; ++k) {
    by_name = by_name || std::strncmp(argv[k], "--test-case=", 12) == 0 || std::strncmp(argv[k], "-tc=", 4) == 0;
    listing = listing || std::strncmp(argv[k], "--list", 6) == 0 || std::strncmp(argv[k], "-l", 2) == 0;
  }
  if (rc == 0 && by_name && !listing && g_cases_run.load() == 0) {
    std::fprintf(stderr, "no test case matched the name given: it would have passed without running (check the name for ';')\n");
    return 1;
  }
  return rc;
}
