// note_duration_quantile (training.md §4.3): each note's length as a level
// 32nd..whole, taken at the 15% or 85% quantile over the track or one bar.
#include <algorithm>
#include <cmath>

#include "attributes/common.h"
#include "attributes/kinds.h"
#include "attributes/levels.h"

namespace midigpt::attributes {
namespace {

// 0 = 32nd or shorter ... 5 = whole or longer. Drum notes always count as a
// quarter (level 3): their written durations carry no meaning.
int64_t level_of_quarters(double quarters) {
  return trunc_int(std::max(0.0, std::min(5.0, std::log2(std::max(quarters, 1e-6)) + 3.0)));
}

int64_t duration_level(const Note& note, bool drum, int resolution) {
  return level_of_quarters(drum ? 1.0 : double(note.duration_ticks) / std::max(resolution, 1));
}

void add_levels(ValueCounts& levels, const Bar& bar, bool drum, int resolution) {
  for (const Note& note : bar.notes) ++levels[duration_level(note, drum, resolution)];
}

class NoteDurationQuantile : public SpecAttribute {
 public:
  NoteDurationQuantile(AttributeSpec spec, double q) : SpecAttribute(std::move(spec)), q_(q) {}

  double compute(const Score& score, int t, int bar) const override {
    const Track& track = score.tracks.at(static_cast<size_t>(t));
    const bool drum = track.type == TrackType::Drum;
    ValueCounts levels;
    if (spec().level == Level::Track) {
      for (const Bar& b : track.bars) add_levels(levels, b, drum, score.resolution);
    } else if (const Bar* b = bar_at(track, bar)) {
      add_levels(levels, *b, drum, score.resolution);
    }
    return double(quantile(levels, q_));
  }

  int quantize(double raw) const override { return static_cast<int>(trunc_int(raw)); }

 private:
  double q_;
};

}  // namespace

int note_duration_level(int64_t duration_ticks, int resolution) {
  return static_cast<int>(level_of_quarters(double(duration_ticks) / std::max(resolution, 1)));
}

std::unique_ptr<Attribute> make_note_duration_quantile(Params& params) {
  const bool min = params.choice("mode", {"min", "max"}, std::nullopt) == "min";
  AttributeSpec spec;
  spec.level = params.level(Level::Track);
  spec.track_type = params.track_type(TrackFilter::Melodic);
  const std::string base = min ? "min_note_duration" : "max_note_duration";
  const std::string type = min ? "MinNoteDuration" : "MaxNoteDuration";
  // The bar-level token types (…Bar) have no C++ enum entry; the vocabulary
  // rejects them when the tokenizer is built, as in the reference.
  spec.name = spec.level == Level::Track ? base : "bar_" + base;
  spec.token_type = spec.level == Level::Track ? type : type + "Bar";
  spec.size = 6;
  spec.labels = {"32nd", "16th", "8th", "quarter", "half", "whole"};
  return std::make_unique<NoteDurationQuantile>(std::move(spec), min ? kLowQuantile : kHighQuantile);
}

}  // namespace midigpt::attributes
