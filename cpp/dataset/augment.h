// The augmentations and window choices of a training sample (training.md
// §2.3, §2.4, §3): transposition, velocity scaling, the bar window and its
// tracks, infill cells and masked bars. Each takes the sample's generator so
// the stream is reproducible by seed.
#pragma once

#include <optional>
#include <set>
#include <utility>

#include "core/score.h"
#include "dataset/sample_rng.h"

namespace midigpt::dataset {

using Cells = std::set<std::pair<int, int>>;  // (track, bar) of the window

// Every note of every melodic track moves by `semitones`, clamped to 0-127.
void transpose(Score& score, int semitones);

// Every velocity (drums included) becomes clamp(trunc(v * factor), 1, 127).
void scale_velocity(Score& score, double factor);

// A random start where at least `tracks` tracks have a note onset in
// ceil(min_fill_ratio * bars) of the window's bars, and `tracks` of those in
// random order; nullopt when the piece has no such window.
std::optional<Score> select_window(const Score& score, int bars, int tracks, double min_fill_ratio, SampleRng& rng);

// Each (track, bar) cell with probability p ~ U(0, max_fraction); one random
// cell when none is drawn.
Cells infill_cells(const Score& window, double max_fraction, SampleRng& rng);

enum class MaskMode { Random = 0, Structured = 1, Mixed = 2 };

struct MaskBarConfig {
  double apply_probability = 0.5;
  MaskMode mode = MaskMode::Mixed;
  double bar_fraction = 0.25;
  int max_lookahead = 4;
};

// Marks bars `future` (§3.1), never an infill cell; notes are kept.
void mask_bars(Score& window, const MaskBarConfig& config, const Cells& infill, SampleRng& rng);

}  // namespace midigpt::dataset
