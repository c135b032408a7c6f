#!/usr/bin/env bash
# The main job: set up, build, and infill four bars of a bundled example with
# the embedded default model, writing the new MIDI file and before/after
# piano-roll previews.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
setup_and_build
echo
OUT=out/main-job
mkdir -p "$OUT"
midigpt=node_modules/.bin/midigpt
# POP909 song 032 was held out of the default model's training.
$midigpt inspect examples/pop909-032.mid --preview "$OUT/before.png" --preview-bars 8-19 --force
echo
$midigpt infill examples/pop909-032.mid -o "$OUT/pop909-032-infilled.mid" \
  --track 0 --bars 12-15 --seed 1 --force \
  --preview "$OUT/after.png" --preview-bars 8-19
echo
echo "new melody for bars 12-15: $OUT/pop909-032-infilled.mid"
echo "piano rolls: $OUT/before.png (input), $OUT/after.png (generated bars highlighted)"
