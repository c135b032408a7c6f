#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/errors.h"
#include "io/midi_reader.h"
#include "io/midi_writer.h"
#include "io/smf_bytes.h"

using namespace midigpt;

static Score round_trip(const Score& s) {
  auto bytes = write_midi(s);
  return read_midi(bytes.data(), bytes.size(), s.resolution);
}

static Bar bar(int num, int den, std::vector<Note> notes = {}) {
  Bar b;
  b.ts_numerator = num;
  b.ts_denominator = den;
  b.beat_length = 4.0 * num / den;
  b.notes = std::move(notes);
  return b;
}

static Score example() {
  Score s;
  s.resolution = 480;
  s.tempo = 600000;
  s.tempos = {{0, 600000}, {1920, 450000}};
  s.key_signatures = {{0, -2, 1}};
  Track piano;
  piano.name = "Piano";
  piano.instrument = 0;
  // Overlapping same-pitch notes, a note crossing the bar line, a 3/4 bar,
  // and two trailing empty bars.
  piano.bars = {bar(4, 4, {{60, 90, 0, 960, 0}, {60, 80, 480, 960, 0}, {64, 70, 1440, 960, 0}}),
                bar(3, 4, {{67, 100, 0, 1, 0}}), bar(6, 8), bar(6, 8)};
  Track drums;
  drums.type = TrackType::Drum;
  drums.instrument = 0;
  drums.bars = {bar(4, 4, {{36, 100, 0, 120, 0}, {38, 100, 0, 120, 0}}), bar(3, 4), bar(6, 8), bar(6, 8)};
  Track empty;
  empty.instrument = 33;
  empty.name = "Bass";
  empty.bars = {bar(4, 4), bar(3, 4), bar(6, 8), bar(6, 8)};
  s.tracks = {piano, drums, empty};
  return s;
}

TEST_CASE("a score survives write + read unchanged") {
  Score s = example();
  CHECK(round_trip(s) == s);
}

TEST_CASE("tracks beyond 15 melodic channels still round-trip") {
  Score s;
  for (int i = 0; i < 20; ++i) {
    Track t;
    t.instrument = i;
    t.bars = {bar(4, 4, {{40 + i, 100, i * 10, 100, 0}})};
    s.tracks.push_back(t);
  }
  CHECK(round_trip(s) == s);
}

TEST_CASE("values MIDI cannot hold are refused with the place they occur") {
  Score s = example();
  s.tracks[0].bars[0].notes[1].pitch = 130;
  CHECK_THROWS_WITH_AS(write_midi(s), "track 0 bar 0 note 1: pitch 130 is outside 0-127", ScoreError);
  s = example();
  s.tracks[1].bars[0].notes[0].velocity = 0;
  CHECK_THROWS_WITH_AS(write_midi(s), doctest::Contains("velocity 0 is outside 1-127"), ScoreError);
  s = example();
  s.tracks[0].bars[1].ts_denominator = 3;
  CHECK_THROWS_WITH_AS(write_midi(s), doctest::Contains("not a power of two"), ScoreError);
  s = example();
  s.resolution = 0;
  CHECK_THROWS_AS(write_midi(s), ScoreError);
  s = example();
  s.tracks[2].instrument = 128;
  CHECK_THROWS_AS(write_midi(s), ScoreError);
}

// `count` bars of num/den with no notes.
static std::vector<Bar> bars(int count, int num, int den) { return std::vector<Bar>(count, bar(num, den)); }

TEST_CASE("events a MIDI delta time cannot reach are refused, not written for the reader to reject") {
  // Ticks past 2^28 - 1 need a 5-byte variable-length delta, which the reader
  // (and the standard) refuses; past 2^32 they were cut to 32 bits.
  const int64_t beyond = smf::kMaxDelta + 1;
  auto refused = [](const Score& s, const std::string& what) {
    CAPTURE(what);
    CHECK_THROWS_WITH_AS(write_midi(s), doctest::Contains("is outside 0-268435455"), ScoreError);
  };
  Score s = example();
  s.tempos.push_back({beyond, 500000});
  refused(s, "tempo change");
  s = example();
  s.tempos.push_back({0x7FFFFFFF, 500000});
  refused(s, "tempo change at 2^31 - 1");
  s = example();
  s.key_signatures.push_back({beyond, 3, 0});
  refused(s, "key signature");
  // 255/1 bars at 32767 ticks per quarter: bar 9 starts at 300,801,060.
  s = Score{};
  s.resolution = 32767;
  Track long_bars;
  long_bars.bars = bars(9, 255, 1);
  long_bars.bars.push_back(bar(4, 4));
  s.tracks = {long_bars};
  CHECK_THROWS_WITH_AS(write_midi(s), doctest::Contains("time signature of bar 9: tick 300801060"), ScoreError);
  // Bar 129 starts at 4,311,481,860, which wrapped to 16,514,564 in 32 bits.
  s.tracks[0].bars = bars(129, 255, 1);
  s.tracks[0].bars.push_back(bar(4, 4));
  refused(s, "time signature past 2^32");
}

TEST_CASE("events at the largest MIDI delta time round-trip") {
  // 435 ticks per quarter and 617,093 quarters of bars put the last bar line
  // exactly at 2^28 - 1 = 435 * 617,093.
  Score s;
  s.resolution = 435;
  Track t;
  t.bars = bars(604, 255, 1);  // 616,080 quarters
  t.bars.push_back(bar(253, 1));  // 1,012
  t.bars.push_back(bar(1, 4, {{60, 100, 0, 435, 0}}));  // 1, and a note that ends at the limit
  t.bars.push_back(bar(4, 4));
  s.tracks = {t};
  s.tempos = {{0, 500000}, {smf::kMaxDelta, 400000}};
  s.key_signatures = {{smf::kMaxDelta, -3, 1}};
  const Score back = round_trip(s);
  CHECK(back.tempos == s.tempos);
  CHECK(back.key_signatures == s.key_signatures);
  REQUIRE(back.tracks.size() == 1);
  CHECK(back.tracks[0].bars.size() == s.tracks[0].bars.size());
  CHECK(back == s);
}

TEST_CASE("every parity MIDI file round-trips through the writer") {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(MIDIGPT_PARITY_DIR "/midi")) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Score s = read_midi(bytes.data(), bytes.size());
    Score back = round_trip(s);
    // `delta` is sub-tick timing that MIDI at the same resolution cannot carry.
    for (auto& t : s.tracks)
      for (auto& b : t.bars)
        for (auto& n : b.notes) n.delta = 0;
    INFO(entry.path().filename().string());
    CHECK(back == s);
    ++files;
  }
  CHECK(files >= 20);
}
