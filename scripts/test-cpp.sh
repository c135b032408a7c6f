#!/usr/bin/env bash
# Builds the C++ core with its unit tests and runs them with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build/cpp -DMIDIGPT_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/cpp --parallel 2 >/dev/null
ctest --test-dir build/cpp --output-on-failure
