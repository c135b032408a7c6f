// silence_proportion (training.md §4.3, bug B2): the share of each bar's ticks
// where no note sounds, averaged over the bars.
//
// Reproduced quirk: the reference subtracts the bar's running start from the
// (already bar-relative) onsets, so after the first bar a note only counts when
// it reaches past that start; later bars read as (almost) fully silent. The
// released prism/expressive checkpoints were trained on these values.
#include <algorithm>
#include <utility>
#include <vector>

#include "attributes/common.h"
#include "attributes/kinds.h"

namespace midigpt::attributes {
namespace {

// Silence measures a bar by its time signature (the others by beat_length).
int64_t signature_ticks(const Bar& bar, int resolution) {
  return signature_bar_ticks(bar.ts_numerator, bar.ts_denominator, resolution);
}

// Ticks covered by at least one of the spans (a union, not a sum).
int64_t covered_ticks(std::vector<std::pair<int64_t, int64_t>> spans) {
  std::sort(spans.begin(), spans.end());
  int64_t covered = 0;
  int64_t reached = 0;  // spans are clamped to [0, length], so 0 is below all
  for (const auto& [from, to] : spans) {
    const int64_t start = std::max(from, reached);
    if (to > start) covered += to - start;
    reached = std::max(reached, to);
  }
  return covered;
}

double bar_silence(const Bar& bar, int64_t bar_start, int64_t length) {
  if (length <= 0) return 0.0;
  if (bar.notes.empty()) return 1.0;
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const Note& note : bar.notes) {
    const int64_t from = note.onset_ticks - bar_start;
    spans.emplace_back(std::clamp<int64_t>(from, 0, length),
                       std::clamp<int64_t>(from + note.duration_ticks, 0, length));
  }
  return double(length - covered_ticks(std::move(spans))) / double(length);
}

double track_silence(const Track& track, int resolution) {
  double sum = 0.0;
  int64_t counted = 0;
  int64_t bar_start = 0;
  for (const Bar& bar : track.bars) {
    const int64_t length = signature_ticks(bar, resolution);
    if (length <= 0) continue;
    sum += bar_silence(bar, bar_start, length);
    ++counted;
    bar_start += length;
  }
  return counted == 0 ? 0.0 : sum / double(counted);
}

// One bar, with the same running start it gets in the track walk.
double one_bar_silence(const Track& track, int bar, int resolution) {
  const Bar* target = bar_at(track, bar);
  if (!target) return 0.0;
  int64_t bar_start = 0;
  for (int b = 0; b < bar; ++b)
    bar_start += std::max<int64_t>(0, signature_ticks(track.bars[static_cast<size_t>(b)], resolution));
  return bar_silence(*target, bar_start, signature_ticks(*target, resolution));
}

class SilenceProportion : public SpecAttribute {
 public:
  using SpecAttribute::SpecAttribute;

  double compute(const Score& score, int t, int bar) const override {
    const Track& track = score.tracks.at(static_cast<size_t>(t));
    if (spec().level == Level::Track) return track_silence(track, score.resolution);
    return one_bar_silence(track, bar, score.resolution);
  }

  int quantize(double raw) const override {
    return static_cast<int>(std::clamp<int64_t>(trunc_int(raw * 10), 0, 9));
  }
};

}  // namespace

std::unique_ptr<Attribute> make_silence_proportion(Params& params) {
  AttributeSpec spec;
  spec.level = params.level(Level::Track);
  spec.track_type = params.track_type(TrackFilter::Both);
  const bool track = spec.level == Level::Track;
  spec.name = track ? "silence_proportion" : "bar_silence_proportion";
  // SilenceProportionBar has no C++ token type; the vocabulary rejects it.
  spec.token_type = track ? "TrackLevelSilenceProportionMax" : "SilenceProportionBar";
  spec.size = 10;
  return std::make_unique<SilenceProportion>(std::move(spec));
}

}  // namespace midigpt::attributes
