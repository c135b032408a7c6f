#!/usr/bin/env bash
# The C++ unit tests under AddressSanitizer + UndefinedBehaviorSanitizer
# (clang, -fno-sanitize-recover=all: the first error fails its test), built
# into build/cpp-asan, run with ctest. See docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_apt "command -v clang++-14" clang-14
ensure_apt "ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.asan-x86_64.a" libclang-rt-14-dev
ensure_apt "command -v cmake" cmake
ensure_apt "test -f /usr/include/nlohmann/json.hpp" nlohmann-json3-dev
ensure_apt "test -f /usr/include/doctest/doctest.h" doctest-dev
cmake -S . -B build/cpp-asan -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMIDIGPT_SANITIZE=ON -DMIDIGPT_BUILD_TESTS=ON >/dev/null
cmake --build build/cpp-asan --parallel 2 >/dev/null
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir build/cpp-asan --output-on-failure
