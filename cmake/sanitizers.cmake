# Sanitizers as an INTERFACE target; choose with -DSHIFTSIM_SANITIZER=address|undefined|thread|fuzz
# (the asan/ubsan/tsan presets set it).
add_library(shiftsim_sanitizers INTERFACE)
if(SHIFTSIM_SANITIZER STREQUAL "address")
  target_compile_options(shiftsim_sanitizers INTERFACE -fsanitize=address -fno-omit-frame-pointer)
  target_link_options(shiftsim_sanitizers INTERFACE -fsanitize=address)
elseif(SHIFTSIM_SANITIZER STREQUAL "undefined")
  target_compile_options(shiftsim_sanitizers INTERFACE -fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(shiftsim_sanitizers INTERFACE -fsanitize=undefined -fno-sanitize-recover=all)
elseif(SHIFTSIM_SANITIZER STREQUAL "thread")
  # Debian's TBB is not built with TSan: run the parallel blocks on std::threads instead
  # (see model/parallel.hpp) so that TSan sees the synchronisation.
  target_compile_definitions(shiftsim_sanitizers INTERFACE SHIFTSIM_STD_THREADS)
  target_compile_options(shiftsim_sanitizers INTERFACE -fsanitize=thread)
  target_link_options(shiftsim_sanitizers INTERFACE -fsanitize=thread)
elseif(SHIFTSIM_SANITIZER STREQUAL "fuzz")
  # libFuzzer (clang only; the fuzz preset): every target instrumented for coverage, with the
  # address and undefined-behaviour sanitizers; tests/fuzz's fuzz_* programs link libFuzzer.
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SHIFTSIM_SANITIZER=fuzz needs clang (the fuzz preset sets it)")
  endif()
  target_compile_options(shiftsim_sanitizers INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                                                       -fno-omit-frame-pointer)
  target_link_options(shiftsim_sanitizers INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=undefined)
elseif(NOT SHIFTSIM_SANITIZER STREQUAL "")
  message(FATAL_ERROR "SHIFTSIM_SANITIZER must be address, undefined, thread or empty, not '${SHIFTSIM_SANITIZER}'")
endif()
