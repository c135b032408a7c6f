#!/usr/bin/env bash
# Every test: set up and build, then the C++ unit tests (ctest) and the
# TypeScript suites (vitest, parity included). Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
set -e
setup_and_build
ensure_apt "test -f /usr/include/doctest/doctest.h" doctest-dev
ensure_apt "command -v midicsv" midicsv
# The trainer's smoke test: Debian's PyTorch, with the threaded OpenBLAS it needs to be fast.
ensure_apt "/usr/bin/python3 -c 'import torch'" python3-torch
ensure_apt "dpkg -s libopenblas0-pthread" libopenblas0-pthread
set +e

mkdir -p build
bash scripts/test-cpp.sh 2>&1 | tee build/ctest.log
cpp_status=${PIPESTATUS[0]}

node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=build/vitest-report.json
ts_status=$?

node scripts/test-summary.mjs build/ctest.log build/vitest-report.json
summary_status=$?

if [ "$cpp_status" -ne 0 ] || [ "$ts_status" -ne 0 ] || [ "$summary_status" -ne 0 ]; then exit 1; fi
