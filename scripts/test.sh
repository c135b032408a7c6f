#!/usr/bin/env bash
# Every test: set up and build, then the C++ unit tests (ctest, plain and
# under ASan + UBSan), a fuzz smoke campaign (each target 20 s), the
# TypeScript suites (vitest, parity included) and the npm packages (packed,
# installed in a fresh project outside the repository, used; the addon also
# built from the packaged sources). Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
set -e
setup_and_build
ensure_apt "test -f /usr/include/doctest/doctest.h" doctest-dev
ensure_apt "command -v midicsv" midicsv
# An OSC implementation that is not ours, to drive the server in its tests.
ensure_apt "command -v oscsend && command -v oscdump" liblo-tools
# A real browser for the studio tests (driven by playwright-core).
ensure_apt "command -v chromium" chromium
# A General MIDI SoundFont (MIT) for the studio's playback tests.
ensure_apt "test -f /usr/share/sounds/sf2/FluidR3_GM.sf2" fluid-soundfont-gm
# The trainer's smoke test: Debian's PyTorch, with the threaded OpenBLAS it needs to be fast.
ensure_apt "/usr/bin/python3 -c 'import torch'" python3-torch
ensure_apt "dpkg -s libopenblas0-pthread" libopenblas0-pthread
# The C++ core as WebAssembly (issue #19): Emscripten, and the module that
# packages/core/test/wasm.test.ts loads (packages/core/wasm/dist/midigpt.wasm).
ensure_apt "command -v emcmake" emscripten
pnpm --filter @midigpt/core run build:wasm
set +e

mkdir -p build
bash scripts/test-cpp.sh 2>&1 | tee build/ctest.log
cpp_status=${PIPESTATUS[0]}

# The same C++ tests under ASan + UBSan, then a short fuzz campaign of every
# target from the committed corpus (fixed seed), as docs/reliability.md says.
bash scripts/test-cpp-sanitized.sh 2>&1 | tee build/ctest-sanitized.log
sanitized_status=${PIPESTATUS[0]}
FUZZ_SEED=1 bash scripts/fuzz.sh all "${FUZZ_SMOKE_SECONDS:-20}" 2>&1 | tee build/fuzz-smoke.log
fuzz_status=${PIPESTATUS[0]}

node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=build/vitest-report.json
ts_status=$?

# The packages as npm users get them (scripts/test-packages.mjs; needs the npm registry).
node scripts/test-packages.mjs 2>&1 | tee build/packages.log
packages_status=${PIPESTATUS[0]}

node scripts/test-summary.mjs build/ctest.log build/ctest-sanitized.log build/fuzz-smoke.log build/vitest-report.json build/packages.log
summary_status=$?

for status in "$cpp_status" "$sanitized_status" "$fuzz_status" "$ts_status" "$packages_status" "$summary_status"; do
  [ "$status" -eq 0 ] || exit 1
done
