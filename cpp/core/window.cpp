#include "core/window.h"

#include <cmath>
#include <string>

#include "core/errors.h"

namespace midigpt {

Score window(const Score& score, int start, int bars) {
  if (start < 0 || bars < 1) throw RangeError("a window needs start >= 0 and at least one bar");
  Score out;
  out.resolution = score.resolution;
  out.tempo = score.tempo;
  double first_tick = 0, end_tick = 0;  // the window's span on the score timeline (first track)
  for (const Track& t : score.tracks) {
    if (static_cast<int>(t.bars.size()) < start + bars)
      throw RangeError("window of bars " + std::to_string(start) + "-" + std::to_string(start + bars - 1) +
                       " does not fit: a track has only " + std::to_string(t.bars.size()) + " bars");
    Track w;
    w.instrument = t.instrument;
    w.type = t.type;
    w.name = t.name;
    w.attributes = t.attributes;
    w.bars.assign(t.bars.begin() + start, t.bars.begin() + start + bars);
    out.tracks.push_back(std::move(w));
  }
  if (!score.tracks.empty()) {
    const auto& grid = score.tracks.front().bars;
    for (int b = 0; b < start + bars; ++b) (b < start ? first_tick : end_tick) += grid[b].beat_length * score.resolution;
    end_tick += first_tick;
  }
  const auto first = std::llround(first_tick), end = std::llround(end_tick);
  for (const TempoChange& c : score.tempos)
    if (c.tick >= first && c.tick < end) out.tempos.push_back({c.tick - first, c.microseconds_per_quarter});
  for (const KeySignature& k : score.key_signatures)
    if (k.tick >= first && k.tick < end) out.key_signatures.push_back({k.tick - first, k.key, k.minor});
  return out;
}

}  // namespace midigpt
