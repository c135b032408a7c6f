// Registry entries no shipped config uses (training.md §4.3, bug B25): plain
// note_density, onset_polyphony and note_duration_dist. They quantize past
// their domain size (the encoder clamps), and their token types collide with
// NoteDensityQuantile's and with the NoteDuration note token.
#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "attributes/common.h"
#include "attributes/kinds.h"

namespace midigpt::attributes {
namespace {

int cap_127(double raw) { return static_cast<int>(std::min<int64_t>(trunc_int(raw), 127)); }

class NoteDensity : public SpecAttribute {
 public:
  using SpecAttribute::SpecAttribute;

  // All notes over all bars (empty ones too), as a float; 0 without bars.
  double compute(const Score& score, int t, int) const override {
    const Track& track = score.tracks.at(static_cast<size_t>(t));
    if (track.bars.empty()) return 0.0;
    size_t notes = 0;
    for (const Bar& bar : track.bars) notes += bar.notes.size();
    return double(notes) / double(track.bars.size());
  }

  int quantize(double raw) const override { return cap_127(raw); }
};

class OnsetPolyphony : public SpecAttribute {
 public:
  using SpecAttribute::SpecAttribute;

  // The most notes that start on one tick of one bar.
  double compute(const Score& score, int t, int) const override {
    int most = 0;
    for (const Bar& bar : score.tracks.at(static_cast<size_t>(t)).bars) {
      std::map<int, int> per_onset;
      for (const Note& note : bar.notes) most = std::max(most, ++per_onset[note.onset_ticks]);
    }
    return most;
  }

  int quantize(double raw) const override { return cap_127(raw); }
};

// clamp(trunc(log2(max(dur / (res/8), 1))), 0, 5): 32nd = 0 ... whole = 5.
int duration_class(const Note& note, int resolution) {
  const double in_32nds = note.duration_ticks / (resolution / 8.0);
  return static_cast<int>(std::clamp<int64_t>(trunc_int(std::log2(std::max(in_32nds, 1.0))), 0, 5));
}

class NoteDurationDist : public SpecAttribute {
 public:
  using SpecAttribute::SpecAttribute;

  // The most common duration class; a tie goes to the class seen first, and
  // a track without (positive-length) notes reads as quarter notes (3).
  double compute(const Score& score, int t, int) const override {
    std::vector<int> first_seen;
    std::map<int, int> count;
    for (const Bar& bar : score.tracks.at(static_cast<size_t>(t)).bars)
      for (const Note& note : bar.notes) {
        if (note.duration_ticks <= 0) continue;
        const int level = duration_class(note, score.resolution);
        if (count[level]++ == 0) first_seen.push_back(level);
      }
    int best = 3;
    int best_count = 0;
    for (int level : first_seen) {
      if (count[level] <= best_count) continue;
      best = level;
      best_count = count[level];
    }
    return best;
  }

  int quantize(double raw) const override {
    return static_cast<int>(std::clamp<int64_t>(trunc_int(raw), 0, 5));
  }
};

}  // namespace

std::unique_ptr<Attribute> make_note_density(Params&) {
  AttributeSpec spec{"note_density", "NoteDensity", Level::Track, TrackFilter::Melodic, 10, {}};
  return std::make_unique<NoteDensity>(std::move(spec));
}

std::unique_ptr<Attribute> make_onset_polyphony(Params&) {
  AttributeSpec spec{"onset_polyphony", "OnsetPolyphony", Level::Track, TrackFilter::Melodic, 10, {}};
  return std::make_unique<OnsetPolyphony>(std::move(spec));
}

std::unique_ptr<Attribute> make_note_duration_dist(Params&) {
  AttributeSpec spec{"note_duration_dist", "NoteDurationDist", Level::Track, TrackFilter::Both, 6, {}};
  return std::make_unique<NoteDurationDist>(std::move(spec));
}

}  // namespace midigpt::attributes
