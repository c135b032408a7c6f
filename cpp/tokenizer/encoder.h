// Score -> token ids (tokenizer.md §4): piece header, tracks with their
// attribute tokens, bars, notes, and the fill-in blocks of infill requests.
#pragma once

#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "core/score.h"
#include "tokenizer/domain_transforms.h"
#include "tokenizer/vocabulary.h"

namespace midigpt {

struct EncodeOptions {
  int partial_encode_track_index = -1;  // this track stops after `partial_encode_track_bars` bars
  int partial_encode_track_bars = -1;
  std::set<std::pair<int, int>> multi_fill;  // (track, bar) cells to move into fill-in blocks
  int window_bars = 0;                       // NumBars value; 0 = the longest track's bar count
  bool use_span_masks = false;               // future bars become hidden spans
  bool remove_future_bars = false;           // future bars are left out entirely
  int use_velocity = -1;                     // -1 = on; 0/1 = off/on
  int use_microtiming = -1;
  int genre = -1;                            // dense genre id, -1 = none
};

struct EncodeResult {
  std::vector<int> tokens;
  std::vector<std::pair<int, int>> hidden_spans;  // [start, end) token positions
};

class Encoder {
 public:
  explicit Encoder(const Vocabulary& vocab);
  // Throws EncodeError (window size not in num_bars_map, unknown time signature, ...).
  EncodeResult encode(const Score& score, const EncodeOptions& options) const;

 private:
  class Run;
  const Vocabulary& vocab_;
  std::optional<VelocityQuantizer> velocity_;
};

}  // namespace midigpt
