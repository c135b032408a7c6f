#include "core/resample.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/errors.h"

namespace midigpt {
namespace {

bool all_deltas_zero(const Score& score) {
  for (const Track& t : score.tracks)
    for (const Bar& b : t.bars)
      for (const Note& n : b.notes)
        if (n.delta != 0) return false;
  return true;
}

// trunc(dst * v / src) with the product exact and the division in double.
int64_t scale_trunc(int64_t v, int src, int dst) {
  return static_cast<int64_t>((double(int64_t(dst) * v)) / src);
}

}  // namespace

Score resample(const Score& score, int resolution, bool use_delta) {
  if (resolution < 1 || resolution > 0x7FFF)
    throw RangeError("resolution must be between 1 and 32767, got " + std::to_string(resolution));
  if (score.resolution < 1) throw ScoreError("score resolution must be positive");
  const int src = score.resolution;
  const int dst = resolution;
  Score out = score;
  if (src == dst && all_deltas_zero(score)) return out;
  out.resolution = dst;
  const double scale = double(dst) / src;
  for (Track& t : out.tracks) {
    for (Bar& b : t.bars) {
      for (Note& n : b.notes) {
        if (use_delta) {
          const double true_pos = (n.onset_ticks + double(n.delta) / src) * scale;
          const int64_t onset = std::max<int64_t>(0, static_cast<int64_t>(true_pos));
          // Python round(): ties to even, which nearbyint gives in the default mode.
          n.delta = static_cast<int>(std::nearbyint((true_pos - onset) * dst));
          n.onset_ticks = static_cast<int>(onset);
        } else {
          n.onset_ticks = static_cast<int>(std::max<int64_t>(0, scale_trunc(n.onset_ticks, src, dst)));
          n.delta = 0;
        }
        n.duration_ticks = static_cast<int>(std::max<int64_t>(1, scale_trunc(n.duration_ticks, src, dst)));
      }
    }
  }
  for (TempoChange& c : out.tempos) c.tick = scale_trunc(c.tick, src, dst);
  for (KeySignature& k : out.key_signatures) k.tick = scale_trunc(k.tick, src, dst);
  return out;
}

}  // namespace midigpt
