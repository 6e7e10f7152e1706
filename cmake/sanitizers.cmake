# Sanitizers as an INTERFACE target; choose with -DSHIFTSIM_SANITIZER=address|undefined|thread
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
elseif(NOT SHIFTSIM_SANITIZER STREQUAL "")
  message(FATAL_ERROR "SHIFTSIM_SANITIZER must be address, undefined, thread or empty, not '${SHIFTSIM_SANITIZER}'")
endif()
