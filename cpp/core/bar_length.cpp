#include "core/bar_length.h"

#include <cmath>

namespace midigpt {

int64_t signature_bar_ticks(int64_t numerator, int64_t denominator, int64_t resolution) {
  if (numerator <= 0 || denominator <= 0 || resolution <= 0) return 0;
  // 128 bits: 4 * n * resolution of two int64 values cannot overflow there
  // once each factor is capped at 2^40 (anything that large saturates anyway).
  constexpr int64_t kFactorCap = int64_t(1) << 40;
  if (numerator > kFactorCap || resolution > kFactorCap) return kMaxBarTicks;
  const __int128 whole = __int128(4) * numerator * resolution;
  const __int128 ticks = (whole + denominator - 1) / denominator;
  return ticks >= kMaxBarTicks ? kMaxBarTicks : static_cast<int64_t>(ticks);
}

int64_t beat_bar_ticks(double beat_length, int64_t resolution) {
  if (resolution <= 0) return 0;
  const double ticks = beat_length * static_cast<double>(resolution);
  if (!(ticks > 0)) return 0;  // also NaN
  if (ticks >= static_cast<double>(kMaxBarTicks)) return kMaxBarTicks;
  // Lengths read from a file are ratios of its ticks (1680 / 480 quarters);
  // the tolerance keeps a product like 42.000000000001 at 42.
  return static_cast<int64_t>(std::ceil(ticks - 1e-9));
}

}  // namespace midigpt
