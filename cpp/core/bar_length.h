// A bar's length in ticks: the one definition every layer uses (the grammar's
// onset positions, the attribute analyzers, request validation and the
// engine's silence and novelty checks). The decoder gives a bar the length
// 4n/d quarters, which beat_bar_ticks turns into the same number of ticks.
//
// A bar of n/d lasts 4·n/d quarter notes, so 4·n·resolution/d ticks. When
// that is not a whole number of ticks (7/32 at 12 ticks per quarter is 10.5)
// it is rounded up, so that an onset of whole ticks t lies inside the bar
// exactly when 0 <= t < length. The reference computes it four ways (integer
// quarters in the grammar, which loses the last eighth of a 7/8 bar; see
// docs/compatibility.md "bar length").
#pragma once

#include <cstdint>

namespace midigpt {

// Far beyond any real bar (2^31 ticks); lengths saturate here, so sums over
// a piece's bars stay far from overflowing int64.
inline constexpr int64_t kMaxBarTicks = int64_t(1) << 31;

// From a time signature. 0 when the numerator, denominator or resolution is
// not positive (a bar nothing fits in).
int64_t signature_bar_ticks(int64_t numerator, int64_t denominator, int64_t resolution);

// From a bar's stated length in quarter notes (Bar::beat_length, which the
// reader takes from the file's own bar grid). 0 when not positive or NaN.
int64_t beat_bar_ticks(double beat_length, int64_t resolution);

}  // namespace midigpt
