// Strict controls (docs/controls.md): limits a generated bar must keep,
// enforced through the mask. Plain numbers in the model's units (ticks at the
// model resolution, token values); cpp/generation/strict_limits turns the
// attribute levels a user asks for into them.
#pragma once

#include <vector>

#include "masking/constraint.h"
#include "tokenizer/vocabulary.h"

namespace midigpt {

struct BarLimits {
  int max_voices = 0;     // notes of the bar sounding at one tick; 0 = no limit
  int min_voices = 0;     // best effort: a position is not left with fewer sounding; 0 = none
  int min_duration = -1;  // allowed NoteDuration values [min_duration, max_duration]; -1 = open
  int max_duration = -1;
  int min_pitch = -1;     // allowed NoteOnset / NotePitch values; -1 = open
  int max_pitch = -1;
  int max_notes = 0;      // notes per bar; 0 = no limit
  // Ticks from the bar's start to the end of the piece (-1 = unknown). With a
  // minimum duration, a note must fit before the end: the finished score
  // cuts notes there, which would shorten them below the minimum.
  int room = -1;

  bool any() const {
    return max_voices > 0 || min_voices > 0 || min_duration >= 0 || max_duration >= 0 || min_pitch >= 0 ||
           max_pitch >= 0 || max_notes > 0;
  }
};

// Applies `limits[k]` inside the k-th generated bar: the k-th fill-in block of
// an infill step, or the k-th bar an autoregressive step opens.
// Silent until begin(): the prompt is replayed through the graph first.
class StrictControlsConstraint : public Constraint {
 public:
  StrictControlsConstraint(const Vocabulary& vocab, std::vector<BarLimits> limits, bool autoregressive);
  // Generation starts: an infill prompt has just opened the first block.
  void begin();
  void step(int token) override;
  void apply(TokenMask disallowed) const override;

 private:
  const BarLimits* current() const;
  void open_bar();
  void forbid_values(TokenMask d, TokenType type, int lo, int hi) const;  // outside [lo, hi]
  void forbid(TokenMask d, std::initializer_list<TokenType> types) const;
  int sounding(int tick) const;

  const Vocabulary& vocab_;
  std::vector<BarLimits> limits_;
  bool autoregressive_;
  bool active_ = false;
  bool in_bar_ = false;  // inside a generated bar
  int bar_ = -1;         // index into limits_
  std::vector<int> voices_;  // per tick of the bar: its notes sounding (onset ticks include pending notes)
  int position_ = 0;
  int notes_ = 0;           // notes in the bar
  int notes_here_ = 0;      // notes at the current position
  bool duration_due_ = false;  // a melodic note waits for its NoteDuration
};

}  // namespace midigpt
