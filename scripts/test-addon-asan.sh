#!/usr/bin/env bash
# The TypeScript suites against an AddressSanitizer + UndefinedBehaviorSanitizer
# build of the addon: every conversion and core call the tests make runs with
# bounds and UB checks. Node itself is not instrumented, so the ASan runtime is
# preloaded; leak checking is off (Node keeps its heap alive at exit).
#   bash scripts/test-addon-asan.sh [vitest filters...]   (default: core, parity and edit suites)
set -euo pipefail
cd "$(dirname "$0")/.."
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
(cd packages/core && npx --no-install cmake-js compile --out build-asan --log-level warn \
  --CDCMAKE_BUILD_TYPE=RelWithDebInfo "--CDCMAKE_CXX_FLAGS=$flags" \
  "--CDCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined")
addon=packages/core/build-asan/RelWithDebInfo/midigpt.node
[ -f "$addon" ] || addon=$(find packages/core/build-asan -name midigpt.node | head -1)
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(packages/core tests/parity tests/edits)
LD_PRELOAD="$(g++ -print-file-name=libasan.so)" \
ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
MIDIGPT_ADDON="$addon" \
  node_modules/.bin/vitest run "${suites[@]}"
