// Fuzz harnesses (issue 19): each reader a user's file goes through, fed arbitrary bytes.
// A harness returns normally when the input is read or refused as bad input (InputError and
// its kinds: the clear message and exit 2 a user gets); any other exception, a crash, a hang
// or a sanitizer report is a bug. The same functions run under libFuzzer (fuzz_main.cpp, the
// `fuzz` preset, scripts/fuzz.sh) and, in every build, over the stored corpora and the
// crashes found (test_replay.cpp), so that each one found stays a regression test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace shiftsim::fuzz {

using Harness = void (*)(const std::uint8_t* data, std::size_t size);

/// A scenario file and the file it may extend: the input up to a line "--base--" is main.json,
/// the rest base.json; both are read, checked against the schema and resolved.
void scenario(const std::uint8_t* data, std::size_t size);
/// One of the region folder's files replaced by the input (its first byte chooses which):
/// load_region reads the whole folder.
void region(const std::uint8_t* data, std::size_t size);
/// The parameter table (parameters.csv).
void parameters(const std::uint8_t* data, std::size_t size);
/// The observed series a back-cast is compared with (observed.csv).
void observed(const std::uint8_t* data, std::size_t size);
/// A sweep file (shiftsim sweep), with the bundled scenarios beside it.
void sweep(const std::uint8_t* data, std::size_t size);

struct Target {
  const char* name;
  Harness run;
};
/// Every harness, by the name of its corpus folder (tests/fuzz/corpus/NAME).
const std::vector<Target>& targets();

}  // namespace shiftsim::fuzz
