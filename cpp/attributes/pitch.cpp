// pitch_range and pitch_class_set (training.md §4.3): how wide and how varied
// a track's (or a bar's) pitches are.
#include <algorithm>
#include <bitset>

#include "attributes/common.h"
#include "attributes/kinds.h"

namespace midigpt::attributes {
namespace {

class PitchRange : public SpecAttribute {
 public:
  using SpecAttribute::SpecAttribute;

  // Highest minus lowest pitch of the track; 0 without notes.
  double compute(const Score& score, int t, int) const override {
    bool any = false;
    int low = 0;
    int high = 0;
    for (const Bar& bar : score.tracks.at(static_cast<size_t>(t)).bars)
      for (const Note& note : bar.notes) {
        low = any ? std::min(low, note.pitch) : note.pitch;
        high = any ? std::max(high, note.pitch) : note.pitch;
        any = true;
      }
    return any ? double(high) - double(low) : 0.0;
  }

  int quantize(double raw) const override {
    return static_cast<int>(std::min<int64_t>(trunc_int(raw), 127));
  }
};

using PitchClasses = std::bitset<12>;

void add_classes(PitchClasses& classes, const Bar& bar) {
  for (const Note& note : bar.notes) classes.set(static_cast<size_t>(pitch_class(note.pitch)));
}

class PitchClassSet : public SpecAttribute {
 public:
  using SpecAttribute::SpecAttribute;

  // Distinct pitch classes in the bar (bar level) or the whole track.
  double compute(const Score& score, int t, int bar) const override {
    const Track& track = score.tracks.at(static_cast<size_t>(t));
    PitchClasses classes;
    if (spec().level == Level::Track) {
      for (const Bar& b : track.bars) add_classes(classes, b);
    } else if (const Bar* b = bar_at(track, bar)) {
      add_classes(classes, *b);
    }
    return double(classes.count());
  }

  int quantize(double raw) const override {
    return static_cast<int>(std::min<int64_t>(trunc_int(raw), 12));
  }
};

}  // namespace

std::unique_ptr<Attribute> make_pitch_range(Params&) {
  AttributeSpec spec{"pitch_range", "TrackLevelPitchRangeMax", Level::Track, TrackFilter::Melodic,
                     128, {}};
  return std::make_unique<PitchRange>(std::move(spec));
}

std::unique_ptr<Attribute> make_pitch_class_set(Params& params) {
  AttributeSpec spec;
  spec.level = params.level(Level::Bar);
  spec.track_type = params.track_type(TrackFilter::Melodic);
  const bool bar = spec.level == Level::Bar;
  spec.name = bar ? "pitch_class_set" : "pitch_class_set_track";
  // The reference keys bar values by this name, which the encoder never looks
  // up (it reads bar_PitchClassSet_<b>), so these tokens are never emitted
  // (tokenizer.md §7.2-4). PitchClassSetTrack has no C++ token type.
  spec.token_type = bar ? "BarLevelPitchClassSet" : "PitchClassSetTrack";
  spec.size = 13;
  return std::make_unique<PitchClassSet>(std::move(spec));
}

}  // namespace midigpt::attributes
