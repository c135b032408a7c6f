// note_density_quantile (training.md §4.3): notes per bar, binned against the
// instrument's decile thresholds. Drum tracks only by default, as in Yellow.
#include <algorithm>

#include "attributes/common.h"
#include "attributes/density_table.h"
#include "attributes/kinds.h"
#include "attributes/levels.h"

namespace midigpt::attributes {
namespace {

// Melodic tracks use their raw program's row, drums row 128.
const DensityRow& row_for(const Track& track) {
  return density_row(track.type == TrackType::Drum ? 128 : track.instrument);
}

// round_even(all notes / non-empty bars), the empty bars left out.
double mean_notes_per_bar(const Track& track) {
  int64_t notes = 0;
  int64_t filled_bars = 0;
  for (const Bar& bar : track.bars) {
    notes += static_cast<int64_t>(bar.notes.size());
    if (!bar.notes.empty()) ++filled_bars;
  }
  return round_even(double(notes) / double(std::max<int64_t>(filled_bars, 1)));
}

class NoteDensityQuantile : public SpecAttribute {
 public:
  using SpecAttribute::SpecAttribute;

  double compute(const Score& score, int t, int bar) const override {
    const Track& track = score.tracks.at(static_cast<size_t>(t));
    if (spec().level == Level::Track) return density_bin(mean_notes_per_bar(track), row_for(track));
    const Bar* b = bar_at(track, bar);
    return b ? density_bin(double(b->notes.size()), row_for(track)) : 0.0;
  }

  int quantize(double raw) const override { return static_cast<int>(trunc_int(raw)); }
};

const std::vector<std::string> kDensityLabels{
    "sparsest (Q0)", "Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8", "densest (Q9)"};

}  // namespace

int64_t density_upper_bound(int level, int row_key) {
  if (level < 0 || level >= 9) return -1;
  // density_bin(n) <= level exactly when n <= row[b] for some b <= level.
  const DensityRow& row = density_row(row_key);
  return *std::max_element(row.begin(), row.begin() + level + 1);
}

std::unique_ptr<Attribute> make_note_density_quantile(Params& params) {
  AttributeSpec spec;
  spec.level = params.level(Level::Track);
  spec.track_type = params.track_type(TrackFilter::Drum);
  const bool track = spec.level == Level::Track;
  spec.name = track ? "note_density" : "bar_note_density";
  spec.token_type = track ? "NoteDensity" : "BarLevelOnsetDensity";
  spec.size = 10;
  spec.labels = kDensityLabels;
  return std::make_unique<NoteDensityQuantile>(std::move(spec));
}

}  // namespace midigpt::attributes
