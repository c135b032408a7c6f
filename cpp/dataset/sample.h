// One training sample from one piece (training.md §2.2): augment, pick a
// window size and the most tracks that fit, choose infill cells and masked
// bars, encode, and fit the result into max_seq_len (infill samples retry
// smaller, autoregressive ones are cropped).
#pragma once

#include <optional>
#include <vector>

#include "core/score.h"
#include "dataset/augment.h"
#include "dataset/sample_rng.h"
#include "tokenizer/tokenizer.h"

namespace midigpt::dataset {

struct SampleOptions {
  double infill_probability = 0.75;
  double infill_bar_fraction = 0.5;  // upper bound of the per-cell probability
  int max_seq_len = 2048;
  int max_tracks = 12;
  int min_tracks = 1;
  double min_fill_ratio = 0.75;
  int max_transpose = 6;  // shifts drawn from [-max, max]
  double velocity_min = 0.8;
  double velocity_max = 1.2;
  std::optional<MaskBarConfig> mask;
  // Reachable here, unlike the reference's trainer (B13).
  double velocity_off_probability = 0.0;
  double microtiming_off_probability = 0.0;
  int genre = -1;  // dense genre id of the piece, -1 for none
};

struct TrainingSample {
  std::vector<int> tokens;
  bool infill = false;
  int bars = 0;    // window length (0 for the whole-piece fallback)
  int tracks = 0;  // tracks in the window
  int transpose = 0;
  double velocity_factor = 1.0;
  Cells cells;           // infill cells
  int masked_bars = 0;   // bars marked future
  bool cropped = false;  // an autoregressive sample cut to max_seq_len
  bool fallback = false; // no window fitted; the smallest window, head-clipped
};

// Throws ConfigError when the options do not suit the encoder.
void check_sample_options(const Tokenizer& tokenizer, const SampleOptions& options);

// Throws EncodeError when no window of the piece encodes at all.
TrainingSample build_sample(const Score& piece, const Tokenizer& tokenizer, const SampleOptions& options, SampleRng& rng);

}  // namespace midigpt::dataset
