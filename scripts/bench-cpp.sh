#!/usr/bin/env bash
# Builds and runs the C++ micro-benchmarks (Release).
set -euo pipefail
cd "$(dirname "$0")/.."
parity=${MIDIGPT_PARITY_DIR:-../shared/parity}
cmake -S . -B build/bench -DMIDIGPT_BUILD_BENCH=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/bench --target bench_generation --parallel 2 >/dev/null
for encoder in yellow_encoder prism_encoder expressive_encoder; do
  echo "== $encoder, Aicha.mid bars 0-7, infill track 1"
  build/bench/bench_generation "packages/core/encoders/$encoder.json" "$parity/midi/Aicha.mid"
done
