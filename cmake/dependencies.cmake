# Every dependency is a Debian 12 package installed by scripts/install-deps.sh.
find_package(Eigen3 3.4 REQUIRED NO_MODULE)          # libeigen3-dev
find_package(Boost 1.74 REQUIRED)                    # libboost-random-dev, libboost-math-dev (header-only parts)
find_package(TBB REQUIRED)                           # libtbb-dev
find_package(CLI11 REQUIRED)                         # libcli11-dev
find_package(nlohmann_json 3.10 REQUIRED)            # nlohmann-json3-dev
find_package(SQLite3 REQUIRED)                       # libsqlite3-dev
find_package(MPI REQUIRED COMPONENTS CXX)            # libopenmpi-dev: shiftsim sweep over processes (runs/sweep_mpi.hpp)
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)   # librandom123-dev
add_library(shiftsim_random123 INTERFACE)
target_include_directories(shiftsim_random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})
if(SHIFTSIM_BUILD_TESTS)
  find_package(doctest REQUIRED)                     # doctest-dev
endif()
