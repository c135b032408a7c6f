#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "core/errors.h"
#include "core/resample.h"

using midigpt::Note;

static midigpt::Score one_bar(std::vector<Note> notes, int resolution = 480) {
  midigpt::Score s;
  s.resolution = resolution;
  midigpt::Track t;
  midigpt::Bar b;
  b.notes = std::move(notes);
  t.bars.push_back(b);
  s.tracks.push_back(t);
  return s;
}

TEST_CASE("path B of the worked example: 480 -> 12 truncates") {
  // tokenizer.md §8.4: C4 0/470, E4 490/470, G4 1905/495 at 480.
  auto s = midigpt::resample(one_bar({{60, 90, 0, 470, 0}, {64, 90, 490, 470, 0}, {67, 90, 1905, 495, 0}}), 12, false);
  CHECK(s.resolution == 12);
  const auto& n = s.tracks[0].bars[0].notes;
  CHECK(n[0] == Note{60, 90, 0, 11, 0});
  CHECK(n[1] == Note{64, 90, 12, 11, 0});
  CHECK(n[2] == Note{67, 90, 47, 12, 0});
}

TEST_CASE("with deltas the residual is kept, ties to even") {
  // onset 490 at 480 -> 12.25 ticks at 12: onset 12, delta round_even(0.25*12) = 3.
  // onset 20 -> 0.5: onset 0, delta round_even(6.0) = 6.
  // onset 10, delta 10 -> (10 + 10/480) * 12/480 = 0.2525: delta round_even(3.03) = 3.
  auto s = midigpt::resample(one_bar({{64, 90, 490, 470, 0}, {60, 90, 20, 10, 0}, {62, 90, 10, 40, 10}}), 12, true);
  const auto& n = s.tracks[0].bars[0].notes;
  CHECK(n[0] == Note{64, 90, 12, 11, 3});
  CHECK(n[1] == Note{60, 90, 0, 1, 6});
  CHECK(n[2] == Note{62, 90, 0, 1, 3});
}

TEST_CASE("same resolution with zero deltas is unchanged, bad resolutions throw") {
  auto s = one_bar({{60, 90, 5, 0, 0}});
  CHECK(midigpt::resample(s, 480, false) == s);  // even the zero duration stays
  CHECK_THROWS_AS(midigpt::resample(s, 0, false), midigpt::RangeError);
}

TEST_CASE("resampling refuses ticks beyond 32 bits instead of wrapping them") {
  // 2^30 at 1 tick per quarter is 2^33 at 8: it wrapped to 0 as an int.
  CHECK_THROWS_WITH_AS(midigpt::resample(one_bar({{60, 100, 1 << 30, 1, 0}}, 1), 8, false),
                       doctest::Contains("too long"), midigpt::RangeError);
  CHECK_THROWS_AS(midigpt::resample(one_bar({{60, 100, 1 << 30, 1, 0}}, 1), 8, true), midigpt::RangeError);
  CHECK_THROWS_AS(midigpt::resample(one_bar({{60, 100, 0, 1 << 30, 0}}, 1), 8, false), midigpt::RangeError);
  // A negative onset with deltas left a residual too large for an int.
  CHECK_THROWS_AS(midigpt::resample(one_bar({{60, 100, -(1 << 30), 1, 0}}, 1), 32767, true), midigpt::RangeError);
  // Event ticks are int64: scaling them overflowed before any narrowing.
  midigpt::Score s = one_bar({{60, 100, 0, 1, 0}}, 480);
  s.tempos = {{0, 500000}, {std::numeric_limits<int64_t>::max() / 2, 400000}};
  CHECK_THROWS_AS(midigpt::resample(s, 960, false), midigpt::RangeError);
  s.tempos.clear();
  s.key_signatures = {{std::numeric_limits<int64_t>::min() / 2, 0, 0}};
  CHECK_THROWS_AS(midigpt::resample(s, 960, false), midigpt::RangeError);
  // At the edge of 32 bits the values are kept exactly.
  const auto kept = midigpt::resample(one_bar({{60, 100, (1 << 30) - 1, 3, 0}}, 1), 2, false);
  CHECK(kept.tracks[0].bars[0].notes[0].onset_ticks == 2147483646);
  CHECK(kept.tracks[0].bars[0].notes[0].duration_ticks == 6);
}
