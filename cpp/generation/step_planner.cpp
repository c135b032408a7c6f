#include "generation/step_planner.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "core/errors.h"

namespace midigpt {
namespace {

using Grid = std::vector<std::vector<bool>>;

bool at(const std::vector<bool>& v, size_t i) { return i < v.size() && v[i]; }

// Checked before anything is clamped to it: std::clamp(x, 1, model_dim) is
// undefined when model_dim < 1.
int checked_model_dim(int model_dim) {
  if (model_dim < 1) throw RangeError("model_dim must be at least 1, got " + std::to_string(model_dim));
  return model_dim;
}

class Planner {
 public:
  Planner(const SelectionMask& mask, int model_dim, int bars_per_step, int tracks_per_step)
      : mask_(mask),
        nt_(static_cast<int>(mask.selected.size())),
        nb_(nt_ ? static_cast<int>(mask.selected[0].size()) : 0),
        md_(checked_model_dim(model_dim)),
        bps_(std::clamp(bars_per_step <= 0 ? md_ : bars_per_step, 1, md_)),
        tps_(std::clamp(tracks_per_step, 1, std::max(1, nt_))),
        generated_(nt_, std::vector<bool>(nb_, false)) {
    for (const auto& row : mask.selected)
      if (static_cast<int>(row.size()) != nb_) throw RangeError("every track of the selection mask needs the same bar count");
  }

  std::vector<GenerationStep> plan() {
    if (nt_ == 0 || nb_ == 0) return {};
    pass(true);   // autoregressive steps first
    pass(false);  // then infill
    return std::move(steps_);
  }

 private:
  // generation.md §2.3, one pass over track groups and bar cursors.
  void pass(bool ar) {
    Grid sel(nt_, std::vector<bool>(nb_, false));
    for (int t = 0; t < nt_; ++t)
      if (!at(mask_.ignore, t) && at(mask_.autoregressive, t) == ar) sel[t] = mask_.selected[t];
    const int context_bars = ar ? md_ - bps_ : (md_ - bps_) / 2;
    for (int i = 0; i < nt_; i += tps_) {
      for (int j = 0; j < nb_; j += bps_) {
        const int tracks = std::min(tps_, nt_ - i);
        // In int64: model_dim (and so bars_per_step) may be as large as INT_MAX.
        int64_t start, kernel_from, kernel_to;  // kernel in local bars [from, to)
        if (ar) {
          const int64_t right = std::max<int64_t>(int64_t(j) + md_ - nb_, 0);
          start = std::min(j, std::max(0, nb_ - md_));
          kernel_from = j > 0 ? context_bars + right : 0;
          kernel_to = md_;
        } else {
          start = std::clamp(j - context_bars, 0, std::max(0, nb_ - md_));
          kernel_from = j - start;
          kernel_to = std::min<int64_t>(md_, j - start + int64_t(bps_));
        }
        window(ar, sel, i, tracks, start, kernel_from, kernel_to);
      }
    }
  }

  void window(bool ar, const Grid& sel, int first_track, int tracks, int64_t start64, int64_t kernel_from, int64_t kernel_to) {
    const int start = static_cast<int>(start64);  // in [0, nb)
    const int end = static_cast<int>(std::min<int64_t>(start64 + md_, nb_));
    Grid target(nt_, std::vector<bool>(nb_, false));
    bool any = false;
    for (int tr = first_track; tr < first_track + tracks; ++tr)
      for (int b = start; b < end; ++b) {
        const int k = b - start;
        target[tr][b] = sel[tr][b] && k >= kernel_from && k < kernel_to && !(ar && generated_[tr][b]);
        any = any || target[tr][b];
      }
    GenerationStep step;
    step.context.assign(nt_, std::vector<bool>(nb_, false));
    for (int tr = 0; tr < nt_; ++tr) {
      const bool has_selection = ar && std::find(sel[tr].begin(), sel[tr].end(), true) != sel[tr].end();
      for (int b = start; b < end; ++b)
        step.context[tr][b] = has_selection ? generated_[tr][b] : !at(mask_.ignore, tr) && !target[tr][b];
    }
    if (any) {
      step.start_bar = start;
      step.end_bar = end;
      step.is_autoregressive = ar;
      for (int tr = 0; tr < nt_; ++tr) {
        bool used = false;
        for (int b = start; b < end; ++b) used = used || target[tr][b] || step.context[tr][b];
        if (used) step.track_indices.push_back(tr);
        for (int b = start; b < end; ++b)
          if (target[tr][b]) step.bars_to_generate.emplace(tr, b);
      }
      for (const auto& [tr, b] : step.bars_to_generate) {
        const int local_track = static_cast<int>(
            std::find(step.track_indices.begin(), step.track_indices.end(), tr) - step.track_indices.begin());
        step.bar_mapping.push_back({local_track, b - start, tr, b});
      }
      steps_.push_back(std::move(step));
    }
    for (int tr = 0; tr < nt_; ++tr)
      for (int b = start; b < end; ++b)
        if (target[tr][b]) generated_[tr][b] = true;
  }

  const SelectionMask& mask_;
  const int nt_, nb_, md_, bps_, tps_;
  Grid generated_;
  std::vector<GenerationStep> steps_;
};

}  // namespace

std::vector<GenerationStep> plan_steps(const SelectionMask& mask, int model_dim, int bars_per_step, int tracks_per_step) {
  return Planner(mask, model_dim, bars_per_step, tracks_per_step).plan();
}

}  // namespace midigpt
