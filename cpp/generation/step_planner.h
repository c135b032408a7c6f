// Splits a generation request into model-sized steps (generation.md §2): all
// autoregressive steps first, then infill steps, each a window of at most
// `model_dim` bars with its target and context bars.
#pragma once

#include <array>
#include <set>
#include <utility>
#include <vector>

namespace midigpt {

// Which bars the request asks for, per track.
struct SelectionMask {
  std::vector<std::vector<bool>> selected;  // [track][bar]
  std::vector<bool> autoregressive;         // [track]; missing entries are false
  std::vector<bool> ignore;                 // [track]; missing entries are false
};

struct GenerationStep {
  int start_bar = 0;  // window [start_bar, end_bar), absolute
  int end_bar = 0;
  bool is_autoregressive = true;
  std::vector<int> track_indices;                  // tracks with a target or context bar in the window
  std::set<std::pair<int, int>> bars_to_generate;  // (track, absolute bar)
  std::vector<std::array<int, 4>> bar_mapping;     // (local track, local bar, track, absolute bar)
  std::vector<std::vector<bool>> context;          // [track][absolute bar]; true = shown as context
};

// `bars_per_step` <= 0 means model_dim; both per-step counts are clamped.
std::vector<GenerationStep> plan_steps(const SelectionMask& mask, int model_dim, int bars_per_step, int tracks_per_step);

}  // namespace midigpt
