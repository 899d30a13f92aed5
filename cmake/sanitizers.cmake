# Sanitizer builds: -DJB_SANITIZE=address (AddressSanitizer with LeakSanitizer, plus
# UndefinedBehaviorSanitizer) or -DJB_SANITIZE=thread (ThreadSanitizer). `make test-asan`
# and `make test-tsan` build the whole tree that way in build-asan/ and build-tsan/ and run
# every test (README "Development").
#
# - The flags go on every target defined after this file is included: the libraries, the
#   services, the Jellyfin stand-in, the tests and their support code. Third-party libraries
#   are Debian's prebuilt ones and stay uninstrumented.
# - Runtime options: ctest runs every test binary through <build>/sanitizer-env (made from
#   tests/sanitizers/sanitizer-env.in; it is every executable's CROSSCOMPILING_EMULATOR), which exports ASAN_/UBSAN_/LSAN_/TSAN_OPTIONS; the
#   processes a test starts (services, stand-in, scripts/run.sh) inherit them. A finding
#   stops the process with exit code 66, and its report goes to a file under
#   <build>/sanitizer-reports/. The test sanitizer_reports, which ctest runs after every other
#   test, fails and prints them when there is one: a finding in a child process fails the run
#   even where no test looks at that child's exit code.
set(JB_SANITIZE "" CACHE STRING "Sanitizer build: empty (none), address or thread")
set_property(CACHE JB_SANITIZE PROPERTY STRINGS "" address thread)

if(JB_SANITIZE STREQUAL "")
  return()
elseif(JB_SANITIZE STREQUAL "address")
  set(JB_SANITIZER_FLAGS -fsanitize=address,undefined)
elseif(JB_SANITIZE STREQUAL "thread")
  set(JB_SANITIZER_FLAGS -fsanitize=thread)
else()
  message(FATAL_ERROR "JB_SANITIZE='${JB_SANITIZE}': use address or thread (or leave it empty)")
endif()

# Frame pointers: complete stacks in reports, also from the fast unwinder. Line tables
# only (-g1, after the build type's -g, so it wins): a report's stack still names file
# and line, and the sanitizer build compiles in about 60 % of the time full debug
# information takes (measured on auth-service's largest files), which keeps `.ci/run`
# well inside its time.
add_compile_options(${JB_SANITIZER_FLAGS} -fno-omit-frame-pointer -g1)
add_link_options(${JB_SANITIZER_FLAGS})
# GCC 12's -Wmaybe-uninitialized reports false positives inside libstdc++ (std::regex,
# std::function) when the sanitizers' instrumentation changes inlining; it stays a
# warning here, and an error in the normal build.
add_compile_options(-Wno-error=maybe-uninitialized)

set(JB_SANITIZER_REPORT_DIR ${PROJECT_BINARY_DIR}/sanitizer-reports)
set(JB_SANITIZER_SUPPRESSIONS ${PROJECT_SOURCE_DIR}/tests/sanitizers)
configure_file(${PROJECT_SOURCE_DIR}/tests/sanitizers/sanitizer-env.in
  ${PROJECT_BINARY_DIR}/sanitizer-env @ONLY
  FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ
    WORLD_EXECUTE)
# Every executable target gets it as its "emulator": add_test() and gtest_discover_tests()
# (listing and running) then start our binaries through sanitizer-env.
set(CMAKE_CROSSCOMPILING_EMULATOR ${PROJECT_BINARY_DIR}/sanitizer-env)

# The report check, as a ctest fixture every test requires (see jb_test): the setup empties
# the report folder first, the cleanup fails when any process left a report.
if(JB_BUILD_TESTS)
  add_test(NAME sanitizer_reports_reset
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${JB_SANITIZER_REPORT_DIR})
  set_tests_properties(sanitizer_reports_reset PROPERTIES FIXTURES_SETUP jb_sanitizer)
  add_test(NAME sanitizer_reports
    COMMAND ${PROJECT_SOURCE_DIR}/tests/sanitizers/check_reports.sh ${JB_SANITIZER_REPORT_DIR})
  set_tests_properties(sanitizer_reports PROPERTIES FIXTURES_CLEANUP jb_sanitizer)
endif()
