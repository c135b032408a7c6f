// Strict controls (docs/controls.md): the attribute levels a user asks for,
// turned into limits the mask can enforce in each generated bar.
#pragma once

#include "core/score.h"
#include "masking/strict_controls.h"
#include "tokenizer/vocabulary.h"

namespace midigpt {

// A track's requested levels; -1 = not asked for.
struct StrictControls {
  int min_polyphony = -1;
  int max_polyphony = -1;
  int min_note_duration = -1;
  int max_note_duration = -1;
  int note_density = -1;
  int min_pitch = -1;  // a pitch range (no attribute token; always enforced when given)
  int max_pitch = -1;
};

// The limits of one generated bar of a track (at the model resolution).
BarLimits bar_limits(const StrictControls& controls, const Vocabulary& vocab, int resolution, const Track& track);

}  // namespace midigpt
