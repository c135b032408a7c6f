// Our corrections around the reference's step machinery (generation.md §9),
// kept apart from the parity-exact planner and session state:
//  - B5: an autoregressive step with targets on several tracks generates only
//    one of them in the reference; `split_autoregressive_steps` gives each
//    track its own step, in track order, over the same window.
//  - B9: bar-attribute keys written with absolute bar numbers are read with
//    window-local ones; `rekey_bar_attributes` shifts them to the window.
//  - Write-back: the reference replaces the whole window (and re-quantizes the
//    whole score); `write_generated_bars` replaces only the generated bars'
//    notes, at the caller's resolution. Notes whose onset falls past the bar
//    (possible inside fill-in blocks, B16) stay there while the session runs,
//    since later prompts carry them as the reference's do;
//    `finish_generated_bars` removes them from the finished score, and ends
//    generated notes at the end of the piece so that it keeps its length.
#pragma once

#include <utility>
#include <vector>

#include "core/score.h"
#include "generation/session_state.h"
#include "generation/step_planner.h"

namespace midigpt {

std::vector<GenerationStep> split_autoregressive_steps(const std::vector<GenerationStep>& steps);

// "bar_<Type>_<b>" keys of every track become "bar_<Type>_<b - start>"; keys of
// bars before `start` are dropped.
void rekey_bar_attributes(Score& score, int start);

// Replaces the notes of each generated bar in `score`, converting from
// `model_resolution` (truncating, with the delta residual when `use_delta`).
void write_generated_bars(Score& score, const std::vector<GeneratedBar>& bars, int model_resolution, bool use_delta);

// In the given (track, bar) cells: removes the notes whose onset is outside the
// bar, and shortens notes that would sound past the last bar of the piece.
void finish_generated_bars(Score& score, const std::vector<std::pair<int, int>>& bars);

}  // namespace midigpt
