// Changing a score's resolution the way the reference's Python path does
// before encoding (tokenizer.md §1.4, `resample_delta`): onsets and durations
// are truncated, not rounded, and the sub-tick residual can be kept in `delta`.
#pragma once

#include "core/score.h"

namespace midigpt {

// `use_delta` is the encoder's `emit_delta_tokens`. Returns a new score.
Score resample(const Score& score, int resolution, bool use_delta);

}  // namespace midigpt
