#include "core/resample.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
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
// Callers keep |v| within 32 bits, so the product cannot overflow.
int64_t scale_trunc(int64_t v, int src, int dst) {
  return static_cast<int64_t>((double(int64_t(dst) * v)) / src);
}

constexpr int64_t kMinTick = std::numeric_limits<int32_t>::min();
constexpr int64_t kMaxTick = std::numeric_limits<int32_t>::max();

std::string tick_text(double v) {
  return std::abs(v) < 9e18 ? std::to_string(static_cast<int64_t>(v)) : std::to_string(v);
}

// A score's ticks are 32-bit, as the MIDI reader guards them: a value that
// resampling takes beyond that is refused, never wrapped. Takes a double so
// that an out-of-range double is checked before it is converted (which would
// be undefined behaviour).
int checked_tick(double v, const char* what, int resolution) {
  if (!(v >= double(kMinTick) && v <= double(kMaxTick)))
    throw RangeError(std::string("the piece is too long to represent at ") + std::to_string(resolution) +
                     " ticks per quarter: a " + what + " would be " + tick_text(v) +
                     " ticks, beyond the 32 bits a score holds");
  return static_cast<int>(v);
}

// Tempo and key-signature ticks are int64; they are held to the same 32 bits
// before scaling (so that dst * tick cannot overflow) and after.
int64_t scale_event_tick(int64_t tick, int src, int dst, const char* what) {
  checked_tick(double(tick), what, src);
  return checked_tick(double(scale_trunc(tick, src, dst)), what, dst);
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
          // |true_pos| < 2^32 * 32767, well inside int64.
          const double true_pos = (n.onset_ticks + double(n.delta) / src) * scale;
          const int64_t onset = std::max<int64_t>(0, static_cast<int64_t>(true_pos));
          // Python round(): ties to even, which nearbyint gives in the default mode.
          n.delta = checked_tick(std::nearbyint((true_pos - onset) * dst), "note's microtiming delta", dst);
          n.onset_ticks = checked_tick(double(onset), "note onset", dst);
        } else {
          n.onset_ticks = checked_tick(double(std::max<int64_t>(0, scale_trunc(n.onset_ticks, src, dst))), "note onset", dst);
          n.delta = 0;
        }
        n.duration_ticks =
            checked_tick(double(std::max<int64_t>(1, scale_trunc(n.duration_ticks, src, dst))), "note duration", dst);
      }
    }
  }
  for (TempoChange& c : out.tempos) c.tick = scale_event_tick(c.tick, src, dst, "tempo change");
  for (KeySignature& k : out.key_signatures) k.tick = scale_event_tick(k.tick, src, dst, "key signature");
  return out;
}

}  // namespace midigpt
