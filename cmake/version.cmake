# The program version stored with every run: project version plus the git commit when known.
execute_process(COMMAND git -C "${CMAKE_SOURCE_DIR}" describe --always --dirty --abbrev=12
                OUTPUT_VARIABLE SHIFTSIM_GIT_DESCRIBE OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET RESULT_VARIABLE _git_rc)
if(NOT _git_rc EQUAL 0 OR SHIFTSIM_GIT_DESCRIBE STREQUAL "")
  set(SHIFTSIM_GIT_DESCRIBE "unknown")
endif()
set(SHIFTSIM_VERSION_STRING "${PROJECT_VERSION}+${SHIFTSIM_GIT_DESCRIBE}")
