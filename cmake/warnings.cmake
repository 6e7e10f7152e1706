# Project warnings as an INTERFACE target every target links (cpp-best-practices style).
# -Wno-restrict: GCC 12 reports false positives inside libstdc++'s std::string (PR 105329).
add_library(shiftsim_warnings INTERFACE)
target_compile_options(shiftsim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wconversion -Wsign-conversion -Wformat=2 -Wimplicit-fallthrough $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
if(SHIFTSIM_WARNINGS_AS_ERRORS)
  target_compile_options(shiftsim_warnings INTERFACE -Werror)
endif()
