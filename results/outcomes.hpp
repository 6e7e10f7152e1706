// The outcome dictionary (every outcome's unit, scope, breakdowns and definition) and, beside
// it as data, the headline lists: which outcomes each output leads with, under one label each.
// The command line's table, the workbook's Summary and Per replicate sheets and the report's
// headline read them from here.
#pragma once

#include <string>
#include <vector>

namespace shiftsim::results {

/// One entry of the outcome dictionary.
struct OutcomeDefinition {
  std::string name, unit, scope, breakdowns, definition;  // scope: "arm" or "difference"
};
/// Every outcome the comparison layer produces, in a fixed order.
const std::vector<OutcomeDefinition>& outcome_dictionary();
/// Index of an outcome in the dictionary; throws InternalError for an unknown name.
int outcome_index(const std::string& name);

/// What a figure measures, which decides how it is written.
enum class Figure {
  money,        // GBP
  ratio,        // GBP back per GBP 1, or a rate
  probability,  // a share of replicates (0-1)
  count,        // people, events, QALYs
  years,        // a length of life
  year,         // a financial year (break-even)
  percent       // already in percent
};
enum class HeadlineGroup { finance, health, equity, economy, wider, beyond };
/// Where a headline is shown (bit flags).
enum : unsigned {
  kShowTerminal = 1,      // the command line's comparison table
  kShowWorkbook = 2,      // the workbook's Summary
  kShowPerReplicate = 4,  // the workbook's Per replicate sheet
  kShowPlan = 8,          // also over the plan alone (a run longer than the plan)
  kShowReport = 16        // the report's headline table
};
struct HeadlineOutcome {
  std::string label, outcome, breakdown;
  Figure kind = Figure::count;
  HeadlineGroup group = HeadlineGroup::finance;
  unsigned shown = 0;
  std::string note;  // what the figure is, in a line
};
/// A scenario against the baseline, in the order a finance lead reads it.
const std::vector<HeadlineOutcome>& scenario_headlines();
/// Each arm's own figures.
const std::vector<HeadlineOutcome>& arm_headlines();
/// The headlines of a list shown at `where` (any of the flags).
std::vector<HeadlineOutcome> headlines_shown(const std::vector<HeadlineOutcome>& list, unsigned where);
/// A group's heading.
const char* group_title(HeadlineGroup group);

}  // namespace shiftsim::results
