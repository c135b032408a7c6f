#include "generation/strict_limits.h"

#include <algorithm>

#include "attributes/levels.h"

namespace midigpt {
namespace {

constexpr int kTopVoiceLevel = 9;  // "10+ voices": no upper bound

// The NoteDuration values (value v lasts v + 1 ticks) whose level lies in [lo, hi].
void duration_values(BarLimits& out, int lo, int hi, const Vocabulary& vocab, int resolution) {
  const int size = vocab.domain_size(TokenType::NoteDuration);
  int first = -1, last = -1;
  for (int v = 0; v < size; ++v) {
    const int level = attributes::note_duration_level(v + 1, resolution);
    if (level < lo || level > hi) continue;
    if (first < 0) first = v;
    last = v;
  }
  // Levels grow with the duration, so [first, last] holds exactly those values;
  // none at all forbids every duration (the graph then relaxes and reports it).
  out.min_duration = first < 0 ? size : first;
  out.max_duration = first < 0 ? 0 : last;
}

}  // namespace

BarLimits bar_limits(const StrictControls& c, const Vocabulary& vocab, int resolution, const Track& track) {
  BarLimits out;
  const bool drum = track.type == TrackType::Drum;
  if (!drum) {  // polyphony and durations are melodic attributes; drum durations carry no meaning
    if (c.max_polyphony >= 0 && c.max_polyphony < kTopVoiceLevel) out.max_voices = c.max_polyphony + 1;
    if (c.min_polyphony > 0) out.min_voices = c.min_polyphony + 1;
    if ((c.min_note_duration >= 0 || c.max_note_duration >= 0) && vocab.domain_size(TokenType::NoteDuration) > 0)
      duration_values(out, c.min_note_duration < 0 ? 0 : c.min_note_duration, c.max_note_duration < 0 ? 5 : c.max_note_duration,
                      vocab, resolution);
  }
  if (c.note_density >= 0) {
    const int64_t bound = attributes::density_upper_bound(c.note_density, drum ? 128 : track.instrument);
    if (bound >= 0) out.max_notes = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(bound, 1 << 20)));
  }
  out.min_pitch = c.min_pitch;
  out.max_pitch = c.max_pitch;
  return out;
}

}  // namespace midigpt
