// libFuzzer's entry for one harness (tests/fuzz/harnesses.hpp), chosen when compiled
// (SHIFTSIM_FUZZ_TARGET, e.g. scenario). Built by the `fuzz` preset; scripts/fuzz.sh runs it.
#include "harnesses.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  shiftsim::fuzz::SHIFTSIM_FUZZ_TARGET(data, size);
  return 0;
}
