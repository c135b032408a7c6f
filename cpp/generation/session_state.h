// One generation step (generation.md §3): builds the prompt for the step's
// window, follows the tokens the model produces with the constraint graph,
// and turns the finished sequence back into bars.
#pragma once

#include <cstdint>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "core/score.h"
#include "generation/step_planner.h"
#include "generation/strict_limits.h"
#include "masking/constraint.h"
#include "tokenizer/decoder.h"
#include "tokenizer/encoder.h"
#include "tokenizer/vocabulary.h"

namespace midigpt {

struct SessionOptions {
  bool use_span_masks = false;      // attention modes: hidden bars become spans
  bool remove_future_bars = false;  // remove mode: hidden bars are left out
  int use_velocity = -1;
  int use_microtiming = -1;
  int genre = -1;
  // Tracks left out of the prompt entirely (our fix for `ignore`); they must
  // hold no target of the step. Empty = every track is encoded.
  std::vector<bool> omitted_tracks;
};

// The step's constraints besides the grammar (generation.md §4.7), worked out
// by the caller from the request.
struct StepConstraints {
  int max_tracks = -1;  // Track tokens the grammar allows in the sequence
  int polyphony_limit = 0;
  int density_limit = 0;
  std::vector<std::pair<TokenType, int>> values;  // full-AR attribute values
  std::vector<std::tuple<TokenType, int, int, int>> bar_values;  // (type, track ordinal, local bar, value)
  std::vector<StrictControls> strict;  // by the caller's track index; empty = none (docs/controls.md)
};

struct GeneratedBar {
  int track;  // index in the caller's score
  int bar;    // absolute bar
  Bar content;  // at the model resolution
};

class SessionState {
 public:
  // `score` is at the model resolution with attribute values in its tracks.
  SessionState(const Score& score, const GenerationStep& step, const Vocabulary& vocab, const Encoder& encoder,
               const Decoder& decoder, SessionOptions options, const StepConstraints& constraints);

  const std::vector<int>& prompt() const { return prompt_; }
  std::vector<int> context_tokens() const;
  const std::vector<int>& generated() const { return generated_; }
  const std::vector<std::pair<int, int>>& hidden_spans() const { return hidden_spans_; }
  bool is_autoregressive() const { return step_.is_autoregressive; }

  // Legal next tokens: allowed[id] = 1 (vocab_size entries). No allocation.
  MaskStatus mask(uint8_t* allowed) const { return graph_.mask(allowed); }
  void advance(int token);
  bool complete() const;

  // The reference's result (§3.6): the decoded window with the bars outside it
  // put back, at the model resolution.
  Score result() const;
  // The bars this step generated, in the caller's track and bar numbers.
  std::vector<GeneratedBar> generated_bars() const;

 private:
  void take_window(const Score& score, const GenerationStep& step);
  void move_agent_last();
  void build_prompt();
  void trim_autoregressive_tail();
  void build_constraints(const StepConstraints& constraints);
  StrictControlsConstraint* add_strict_controls(const std::vector<StrictControls>& controls);
  Score decode_window() const;

  const Vocabulary& vocab_;
  const Encoder& encoder_;
  const Decoder& decoder_;
  SessionOptions options_;
  GenerationStep step_;  // in window coordinates (start_bar 0) and prompt track order
  int window_start_ = 0;
  int window_bars_ = 0;
  std::vector<int> prompt_to_score_track_;  // prompt track index -> caller's track index
  std::vector<std::vector<Bar>> prefix_, suffix_;  // per caller track
  std::vector<Track> omitted_;                     // omitted tracks' window, kept as it is
  std::vector<std::vector<int>> encoded_bars_;     // per prompt track: local bars present in the sequence
  Score window_;                                   // the encoded window, prompt track order
  int agent_ = -1;                                 // prompt index of the AR agent (last after reordering)
  int agent_origin_ = -1;                          // its prompt index before it was moved last
  int first_generated_bar_ = 0;                    // the agent's first target bar (local)
  std::vector<bool> fill_drum_order_;
  size_t fill_index_ = 0;
  std::vector<int> prompt_;
  std::vector<int> generated_;
  std::vector<std::pair<int, int>> hidden_spans_;
  ConstraintGraph graph_;
  int fill_in_start_ = -1, fill_in_end_ = -1, track_end_ = -1, piece_end_ = -1;
  size_t fill_ends_ = 0;  // FillInEnd tokens generated so far (complete() runs every token: no recount)
};

}  // namespace midigpt
