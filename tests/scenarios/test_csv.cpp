#include "scenarios/csv.hpp"

#include <doctest/doctest.h>

using namespace shiftsim;
using namespace shiftsim::inputs;

TEST_CASE("csv: quoted fields, doubled quotes, CRLF and a byte order mark are read") {
  const auto t = CsvTable::parse("\xEF\xBB\xBF" "a,\"b, with comma\",c\r\n1,\"say \"\"hi\"\"\",3\r\n\r\n4,5,6\n", "mem.csv");
  REQUIRE(t.header().size() == 3);
  CHECK(t.header()[1] == "b, with comma");
  REQUIRE(t.row_count() == 2);
  CHECK(t.cell(0, 1) == "say \"hi\"");
  CHECK(t.line_of(1) == 4);  // the blank line is skipped but counted
}

TEST_CASE("csv: a row with the wrong number of fields is reported with its line") {
  try {
    CsvTable::parse("a,b\n1,2\n3\n", "short.csv");
    FAIL("expected a DataError");
  } catch (const DataError& e) {
    CHECK(std::string(e.what()) == "short.csv, line 3: has 1 fields, but the header has 2");
  }
}

TEST_CASE("csv: an unterminated quote and an empty file are errors") {
  CHECK_THROWS_WITH_AS(CsvTable::parse("a,b\n\"1,2\n", "q.csv"), "q.csv, line 2: a quoted field is not closed", DataError);
  CHECK_THROWS_AS(CsvTable::parse("", "empty.csv"), DataError);
}

TEST_CASE("csv checker: types and ranges are checked and every problem is collected") {
  const auto t = CsvTable::parse("name,count,share\nx,12,0.5\ny,abc,1.5\nz,-3,0.1\n", "t.csv");
  CsvChecker ck(t);
  REQUIRE(ck.require_columns({"name", "count", "share"}));
  CHECK_FALSE(ck.require_columns({"missing"}));
  CHECK(ck.integer(0, "count", 0, 100) == 12);
  CHECK_FALSE(ck.integer(1, "count", 0, 100).has_value());
  CHECK_FALSE(ck.integer(2, "count", 0, 100).has_value());
  CHECK_FALSE(ck.number(1, "share", 0, 1).has_value());
  try {
    ck.finish();
    FAIL("expected a DataError");
  } catch (const DataError& e) {
    REQUIRE(e.problems().size() == 4);
    CHECK(e.problems()[0].to_string().find("t.csv, line 1, column 'missing': the column is missing") == 0);
    CHECK(e.problems()[1].to_string() == "t.csv, line 3, column 'count': is 'abc', but must be a whole number");
    CHECK(e.problems()[2].to_string() == "t.csv, line 4, column 'count': is -3, but must be between 0 and 100");
    CHECK(e.problems()[3].to_string() == "t.csv, line 3, column 'share': is 1.5, but must be between 0 and 1");
  }
}

TEST_CASE("csv: numbers must be whole tokens") {
  CHECK(parse_number("1.5e3") == 1500.0);
  CHECK_FALSE(parse_number("1.5x").has_value());
  CHECK_FALSE(parse_number("").has_value());
  CHECK_FALSE(parse_number("nan").has_value());
  CHECK(parse_integer(" 42 ") == 42);
  CHECK_FALSE(parse_integer("4.2").has_value());
}
