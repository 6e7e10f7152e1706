# Project warnings as an INTERFACE target every target links (cpp-best-practices style).
add_library(shiftsim_warnings INTERFACE)
target_compile_options(shiftsim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wconversion -Wsign-conversion -Wnull-dereference
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(SHIFTSIM_WARNINGS_AS_ERRORS)
  target_compile_options(shiftsim_warnings INTERFACE -Werror)
endif()
