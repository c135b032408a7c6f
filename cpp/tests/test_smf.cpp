#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <random>

#include "core/errors.h"
#include "io/smf.h"
#include "smf_builder.h"

using midigpt::MidiFormatError;
using test::TrackBytes;

static midigpt::smf::File parse(const test::Bytes& b) { return midigpt::smf::parse(b.data(), b.size()); }

TEST_CASE("header fields and the division") {
  auto f = parse(test::midi(384, {TrackBytes().on(0, 0, 60, 90).off(10, 0, 60).end()}));
  CHECK(f.format == 1);
  CHECK(f.ticks_per_quarter == 384);
  REQUIRE(f.tracks.size() == 1);
  CHECK(f.tracks[0].notes[0].duration == 10);
}

TEST_CASE("note-on with velocity 0 closes a note, FIFO per channel and pitch") {
  // Two overlapping C4s: the first off closes the oldest.
  auto f = parse(test::midi(480, {TrackBytes().on(0, 0, 60, 90).on(100, 0, 60, 80).on(200, 0, 60, 0).off(500, 0, 60).end()}));
  REQUIRE(f.tracks.size() == 1);
  const auto& n = f.tracks[0].notes;
  REQUIRE(n.size() == 2);
  CHECK(n[0].time == 0);
  CHECK(n[0].duration == 300);
  CHECK(n[0].velocity == 90);
  CHECK(n[1].time == 100);
  CHECK(n[1].duration == 700);
}

TEST_CASE("unclosed notes are dropped but their track stays, stray note-offs are ignored") {
  auto f = parse(test::midi(480, {TrackBytes().off(0, 0, 50).on(0, 0, 60, 90).end(10)}));
  REQUIRE(f.tracks.size() == 1);
  CHECK(f.tracks[0].notes.empty());
}

TEST_CASE("tracks split by channel and program, sorted, drums on channel 10") {
  auto t = TrackBytes()
               .program(0, 3, 40)
               .on(0, 3, 60, 90)
               .on(0, 9, 36, 100)
               .off(10, 3, 60)
               .off(0, 9, 36)
               .program(0, 3, 41)  // later notes on channel 3 go to a new track
               .on(0, 3, 62, 90)
               .off(10, 3, 62)
               .on(0, 0, 70, 90)
               .off(10, 0, 70)
               .end();
  auto f = parse(test::midi(480, {t}));
  REQUIRE(f.tracks.size() == 4);
  CHECK(f.tracks[0].channel == 0);
  CHECK(f.tracks[1].channel == 3);
  CHECK(f.tracks[1].program == 40);
  CHECK(f.tracks[2].channel == 3);
  CHECK(f.tracks[2].program == 41);
  CHECK(f.tracks[3].is_drum);
  CHECK_FALSE(f.tracks[0].is_drum);
}

TEST_CASE("pairing is per MIDI track") {
  auto f = parse(test::midi(480, {TrackBytes().on(0, 0, 60, 90).end(5), TrackBytes().off(10, 0, 60).end()}));
  REQUIRE(f.tracks.size() == 1);
  CHECK(f.tracks[0].notes.empty());
}

TEST_CASE("running status, meta events and names") {
  TrackBytes t;
  t.text(0, 0x03, "Bass");
  t.add(0, {0x90, 60, 90}).add(10, {60, 0}).add(0, {62, 90});
  t.text(0, 0x01, "comment");
  t.add(10, {62, 0}).end();
  auto f = parse(test::midi(480, {t}));
  REQUIRE(f.tracks.size() == 1);
  CHECK(f.tracks[0].name == "Bass");
  CHECK(f.tracks[0].notes.size() == 2);
}

TEST_CASE("Latin-1 names become UTF-8") {
  auto f = parse(test::midi(480, {TrackBytes().text(0, 0x03, "Pi\xe9" "ce").on(0, 0, 60, 90).off(1, 0, 60).end()}));
  CHECK(f.tracks[0].name == "Pi\xc3\xa9" "ce");
}

TEST_CASE("a lyric creates a track with no notes") {
  auto f = parse(test::midi(480, {TrackBytes().text(0, 0x05, "la").end()}));
  REQUIRE(f.tracks.size() == 1);
  CHECK(f.tracks[0].notes.empty());
  CHECK(f.tracks[0].program == 0);
}

TEST_CASE("time signatures, tempos and key signatures are collected and sorted stably") {
  auto f = parse(test::midi(480, {TrackBytes().time_signature(0, 4, 2).time_signature(0, 3, 3).tempo(100, 400000).end(),
                                  TrackBytes().tempo(50, 600000).add(0, {0xFF, 0x59, 2, 0xFD, 1}).end()}));
  REQUIRE(f.time_signatures.size() == 2);
  CHECK(f.time_signatures[1].numerator == 3);
  CHECK(f.time_signatures[1].denominator == 8);
  REQUIRE(f.tempos.size() == 2);
  CHECK(f.tempos[0].microseconds_per_quarter == 600000);
  REQUIRE(f.key_signatures.size() == 1);
  CHECK(f.key_signatures[0].key == -3);
  CHECK(f.key_signatures[0].tonality == 1);
}

TEST_CASE("unknown chunks are skipped and trailing bytes ignored") {
  test::Bytes b = test::header(0, 1, 96);
  b.insert(b.end(), {'X', 'F', 'I', 'H', 0, 0, 0, 2, 1, 2});
  test::append_track(b, TrackBytes().on(0, 0, 60, 90).off(96, 0, 60).end().body);
  b.insert(b.end(), {0, 0, 0});
  auto f = parse(b);
  REQUIRE(f.tracks.size() == 1);
  CHECK(f.tracks[0].notes[0].duration == 96);
}

TEST_CASE("malformed files give clear errors") {
  auto error_of = [](const test::Bytes& b) -> std::string {
    try {
      parse(b);
    } catch (const MidiFormatError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK(error_of({}).find("not a Standard MIDI File") != std::string::npos);
  CHECK(error_of({'R', 'I', 'F', 'F', 0, 0}).find("MThd") != std::string::npos);
  CHECK(error_of(test::header(1, 1, 0xE728)).find("SMPTE") != std::string::npos);
  CHECK(error_of(test::header(1, 2, 480)).find("declares 2 tracks") != std::string::npos);

  auto truncated = test::midi(480, {TrackBytes().on(0, 0, 60, 90).off(10, 0, 60).end()});
  truncated.resize(truncated.size() - 3);
  CHECK(error_of(truncated).find("track chunk claims") != std::string::npos);

  // A chunk body that ends in the middle of an event.
  test::Bytes cut = test::header(1, 1, 480);
  test::append_track(cut, {0x00, 0x90, 60});
  CHECK(error_of(cut).find("unexpected end of data") != std::string::npos);

  test::Bytes running = test::header(1, 1, 480);
  test::append_track(running, {0x00, 60, 90});
  CHECK(error_of(running).find("running status") != std::string::npos);

  test::Bytes high = test::header(1, 1, 480);
  test::append_track(high, {0x00, 0x90, 0xC0, 90});
  CHECK(error_of(high).find("above 0x7F") != std::string::npos);

  test::Bytes long_vlq = test::header(1, 1, 480);
  test::append_track(long_vlq, {0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x90, 60, 90});
  CHECK(error_of(long_vlq).find("longer than 4 bytes") != std::string::npos);

  test::Bytes meta_len = test::header(1, 1, 480);
  test::append_track(meta_len, {0x00, 0xFF, 0x03, 0x7F, 'a'});
  CHECK(error_of(meta_len).find("meta event claims 127 bytes") != std::string::npos);

  test::Bytes bad_status = test::header(1, 1, 480);
  test::append_track(bad_status, {0x00, 0xF3, 0x01});
  CHECK(error_of(bad_status).find("unexpected status byte 0xF3") != std::string::npos);
}

TEST_CASE("random corruption of a real file never crashes the parser") {
  std::ifstream in(MIDIGPT_PARITY_DIR "/midi/edge_drums_and_melodic.mid", std::ios::binary);
  REQUIRE(in.good());
  const test::Bytes good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::mt19937 rng(7);
  // Every corruption either parses into notes that lie inside the file's own time span, or is
  // refused with a midigpt::Error (anything else escapes the loop and fails the test case).
  int parsed = 0, rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    test::Bytes b = good;
    const int edits = 1 + int(rng() % 4);
    for (int k = 0; k < edits; ++k) b[rng() % b.size()] = uint8_t(rng());
    if (round % 5 == 0) b.resize(rng() % b.size());
    try {
      const auto file = parse(b);
      for (const auto& t : file.tracks)
        for (const auto& n : t.notes) {
          CHECK(n.time >= 0);
          CHECK(n.duration >= 0);
          CHECK((n.pitch >= 0 && n.pitch < 128 && n.velocity > 0 && n.velocity < 128));
        }
      ++parsed;
    } catch (const midigpt::Error&) {
      ++rejected;
    }
  }
  CHECK(parsed > 300);   // most single-byte edits leave a readable file
  CHECK(rejected > 300); // and truncations and broken headers are refused
}
