// polyphony_quantile (training.md §4.3): how many notes sound per tick, taken
// at the 15% or 85% quantile of the ticks where at least one note sounds.
#include <algorithm>
#include <utility>
#include <vector>

#include "attributes/common.h"
#include "attributes/kinds.h"

namespace midigpt::attributes {
namespace {

using Span = std::pair<int64_t, int64_t>;  // [first tick, end tick)

// Voices per tick over the spans, as value counts of the non-zero ticks: the
// same multiset as the reference's piano-roll array, by a sweep over span ends.
ValueCounts voice_counts(const std::vector<Span>& spans) {
  std::vector<std::pair<int64_t, int>> edges;
  for (const auto& [first, end] : spans) {
    if (first >= end) continue;  // an empty slice adds nothing
    edges.emplace_back(first, +1);
    edges.emplace_back(end, -1);
  }
  std::sort(edges.begin(), edges.end());
  ValueCounts counts;
  int voices = 0;
  for (size_t i = 0; i < edges.size(); ++i) {
    voices += edges[i].second;
    const int64_t next = i + 1 < edges.size() ? edges[i + 1].first : edges[i].first;
    if (voices > 0 && next > edges[i].first) counts[voices] += next - edges[i].first;
  }
  return counts;
}

// The track's notes on one timeline (bar starts add up round_even(beat_length
// * res)); the latest end's last tick is left out, as in the reference.
ValueCounts track_voices(const Track& track, int resolution) {
  std::vector<Span> spans;
  int64_t bar_start = 0;
  for (const Bar& bar : track.bars) {
    for (const Note& note : bar.notes) {
      const int64_t start = bar_start + note.onset_ticks;
      spans.emplace_back(start, start + note.duration_ticks);
    }
    bar_start += beat_bar_ticks(bar.beat_length, resolution);
  }
  if (spans.empty()) return {};
  int64_t max_tick = spans.front().second;
  for (const Span& s : spans) max_tick = std::max(max_tick, s.second);
  if (max_tick <= 0) return {};
  for (Span& s : spans) s = {std::max<int64_t>(0, s.first), std::min(s.second, max_tick - 1)};
  return voice_counts(spans);
}

// One bar alone: notes ringing in from earlier bars are not counted and the
// bar's last tick never is.
ValueCounts bar_voices(const Bar& bar, int resolution) {
  const int64_t length = beat_bar_ticks(bar.beat_length, resolution);
  if (bar.notes.empty() || length <= 0) return {};
  std::vector<Span> spans;
  for (const Note& note : bar.notes) {
    const int64_t onset = note.onset_ticks;
    const int64_t end = std::min<int64_t>(onset + note.duration_ticks, length - 1);
    spans.emplace_back(std::max<int64_t>(0, onset), std::max<int64_t>(0, end));
  }
  return voice_counts(spans);
}

class PolyphonyQuantile : public SpecAttribute {
 public:
  PolyphonyQuantile(AttributeSpec spec, double q) : SpecAttribute(std::move(spec)), q_(q) {}

  double compute(const Score& score, int t, int bar) const override {
    const Track& track = score.tracks.at(static_cast<size_t>(t));
    if (spec().level == Level::Track) return double(quantile(track_voices(track, score.resolution), q_));
    const Bar* b = bar_at(track, bar);
    return b ? double(quantile(bar_voices(*b, score.resolution), q_)) : 0.0;
  }

  // 0 and 1 voice share bin 0; 10 or more voices are bin 9.
  int quantize(double raw) const override {
    return static_cast<int>(std::clamp<int64_t>(trunc_int(raw), 1, 10)) - 1;
  }

 private:
  double q_;
};

const std::vector<std::string> kVoiceLabels{
    "1 voice",  "2 voices", "3 voices", "4 voices", "5 voices",
    "6 voices", "7 voices", "8 voices", "9 voices", "10+ voices"};

}  // namespace

std::unique_ptr<Attribute> make_polyphony_quantile(Params& params) {
  const std::string mode = params.choice("mode", {"min", "max"}, std::nullopt);
  const Level level = params.level(Level::Track);
  AttributeSpec spec;
  spec.level = level;
  spec.track_type = params.track_type(TrackFilter::Melodic);
  const bool min = mode == "min";
  if (level == Level::Track) {
    spec.name = min ? "min_polyphony" : "max_polyphony";
    spec.token_type = min ? "MinPolyphony" : "MaxPolyphony";
  } else {
    spec.name = min ? "bar_min_polyphony" : "bar_max_polyphony";
    spec.token_type = min ? "BarLevelOnsetPolyphonyMin" : "BarLevelOnsetPolyphonyMax";
  }
  spec.size = 10;
  spec.labels = kVoiceLabels;
  return std::make_unique<PolyphonyQuantile>(std::move(spec), min ? kLowQuantile : kHighQuantile);
}

}  // namespace midigpt::attributes
