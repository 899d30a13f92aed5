# JB_BUILD_FUZZ: the libFuzzer build of fuzz/ (`make fuzz` configures it in build-fuzz/ with
# clang; see fuzz/README.md). Every target of ours is then compiled with libFuzzer's coverage
# instrumentation (-fsanitize=fuzzer-no-link) and checked by AddressSanitizer and
# UndefinedBehaviorSanitizer, every finding fatal; only fuzz/'s binaries link libFuzzer itself
# (fuzz/CMakeLists.txt). Included by the top-level CMakeLists.txt before any target is defined.
option(JB_BUILD_FUZZ "Build the libFuzzer targets in fuzz/ (clang; make fuzz)" OFF)
if(JB_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR
      "JB_BUILD_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++ (make fuzz does)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  # Known problems of third-party headers only (see the file).
  add_compile_options(-fsanitize-ignorelist=${PROJECT_SOURCE_DIR}/fuzz/ubsan-ignorelist.txt)
  add_link_options(-fsanitize=address,undefined)
  # jb_warnings() passes GCC's -Wno-restrict, unknown to clang.
  add_compile_options(-Wno-unknown-warning-option)
endif()
