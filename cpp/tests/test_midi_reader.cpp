#include <doctest/doctest.h>

#include "core/errors.h"
#include "io/midi_reader.h"
#include "smf_builder.h"

using midigpt::read_midi;
using test::TrackBytes;

static midigpt::Score read(const test::Bytes& b, int resolution = 480) {
  return read_midi(b.data(), b.size(), resolution);
}

// tokenizer.md §8.4: tpq 480, no time signature, C4 0-470, E4 490-960, G4 1905-2400.
static test::Bytes worked_example() {
  return test::midi(480, {TrackBytes()
                              .on(0, 0, 60, 90)
                              .off(470, 0, 60)
                              .on(20, 0, 64, 90)
                              .off(470, 0, 64)
                              .on(945, 0, 67, 90)
                              .off(495, 0, 67)
                              .end()});
}

TEST_CASE("worked example, path A at resolution 12") {
  auto s = read(worked_example(), 12);
  CHECK(s.resolution == 12);
  REQUIRE(s.tracks.size() == 1);
  const auto& bars = s.tracks[0].bars;
  REQUIRE(bars.size() == 2);
  CHECK(bars[0].beat_length == 4.0);
  REQUIRE(bars[0].notes.size() == 2);  // G4 rounds onto the bar end and is dropped
  CHECK(bars[0].notes[0] == midigpt::Note{60, 90, 0, 12, 0});
  CHECK(bars[0].notes[1] == midigpt::Note{64, 90, 12, 12, 3});
  CHECK(bars[1].notes.empty());
}

TEST_CASE("worked example at resolution 480 keeps every note") {
  auto s = read(worked_example());
  const auto& bars = s.tracks[0].bars;
  REQUIRE(bars.size() == 2);
  REQUIRE(bars[0].notes.size() == 3);
  CHECK(bars[0].notes[2] == midigpt::Note{67, 90, 1905, 495, 0});
  CHECK(s.tempo == 500000);
}

TEST_CASE("bar grid follows time-signature changes, even off the bar line") {
  // 4/4 at 0, 3/4 at 2400 (half way through bar 1): bar 1 overlaps.
  auto conductor = TrackBytes().time_signature(0, 4, 2).time_signature(2400, 3, 2).end();
  auto notes = TrackBytes().on(0, 0, 60, 90).off(4800, 0, 60).end();
  auto s = read(test::midi(480, {conductor, notes}));
  const auto& bars = s.tracks[0].bars;
  // Segment 1: bars at 0 and 1920 (< 2400). Segment 2 from 2400: 2400, 3840 (< max_tick 4800).
  REQUIRE(bars.size() == 4);
  CHECK(bars[1].ts_numerator == 4);
  CHECK(bars[2].ts_numerator == 3);
  CHECK(bars[2].beat_length == 3.0);
  // The note runs 0..4800: it ends 960 ticks into bar 3, whose virtual start
  // is 1920+1920+1440 = 5280, so its duration follows the virtual timeline.
  CHECK(bars[0].notes[0].duration_ticks == 5280 + 960);
}

TEST_CASE("a time signature at the very end makes one extra empty bar") {
  auto t = TrackBytes().on(0, 0, 60, 90).off(1920, 0, 60).time_signature(0, 4, 2).end();
  auto s = read(test::midi(480, {t}));
  CHECK(s.tracks[0].bars.size() == 2);
}

TEST_CASE("a zero division is read with 480 ticks per quarter") {
  auto s = read(test::midi(0, {TrackBytes().on(0, 0, 60, 90).off(480, 0, 60).end()}), 480);
  REQUIRE(s.tracks[0].bars.size() == 1);
  CHECK(s.tracks[0].bars[0].notes[0].duration_ticks == 480);
}

TEST_CASE("tempo map and key signatures land on the score timeline") {
  auto t = TrackBytes().tempo(0, 600000).tempo(960, 300000).add(0, {0xFF, 0x59, 2, 2, 0}).on(0, 0, 60, 90).off(960, 0, 60).end();
  auto s = read(test::midi(240, {t}), 480);
  CHECK(s.tempo == 600000);
  REQUIRE(s.tempos.size() == 2);
  CHECK(s.tempos[1] == midigpt::TempoChange{1920, 300000});
  REQUIRE(s.key_signatures.size() == 1);
  CHECK(s.key_signatures[0] == midigpt::KeySignature{1920, 2, 0});
}

TEST_CASE("absurd times and resolutions are refused with clear errors") {
  auto far = TrackBytes().on(0, 0, 60, 90).off(0x0FFFFFFF, 0, 60).off(0x0FFFFFFF, 0, 60).end();
  CHECK_THROWS_WITH_AS(read(test::midi(1, {far})), doctest::Contains("bars"), midigpt::MidiFormatError);
  auto ok = test::midi(480, {TrackBytes().on(0, 0, 60, 90).off(1, 0, 60).end()});
  CHECK_THROWS_AS(read(ok, 0), midigpt::RangeError);
  CHECK_THROWS_AS(read(ok, 40000), midigpt::RangeError);
}

TEST_CASE("a piece too long for 32-bit ticks at the asked resolution is refused, not wrapped (resource guard)") {
  // One note of 70,000 quarters at 1 tick per quarter (17,500 bars of 4/4):
  // 33,600,000 ticks at 480 per quarter, 2,293,690,000 (beyond int32) at 32767.
  const auto long_note = test::midi(1, {TrackBytes().on(0, 0, 60, 90).off(70000, 0, 60).end()});
  const auto s = read(long_note, 480);
  REQUIRE(s.tracks.size() == 1);
  REQUIRE(s.tracks[0].bars[0].notes.size() == 1);
  CHECK(s.tracks[0].bars[0].notes[0].duration_ticks == 33600000);
  CHECK_THROWS_WITH_AS(read(long_note, 32767), doctest::Contains("the piece is too long to represent at this resolution"),
                       midigpt::MidiFormatError);
}

TEST_CASE("time signatures with a bar shorter than one tick are ignored") {
  // Denominator byte 9 (2^9 does not fit the reference's 8 bits) and numerator 0.
  auto conductor = TrackBytes().time_signature(0, 4, 2).time_signature(1920, 4, 9).time_signature(1920, 0, 2).end();
  auto notes = TrackBytes().on(0, 0, 60, 90).off(3840, 0, 60).end();
  auto s = read(test::midi(480, {conductor, notes}));
  REQUIRE(s.tracks[0].bars.size() == 2);
  CHECK(s.tracks[0].bars[1].ts_numerator == 4);
  CHECK(s.tracks[0].bars[1].beat_length == 4.0);
}
