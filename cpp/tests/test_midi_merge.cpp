#include <doctest/doctest.h>

#include <algorithm>
#include <tuple>

#include "core/errors.h"
#include "io/midi_merge.h"
#include "io/midi_reader.h"
#include "io/smf.h"
#include "smf_builder.h"

using namespace midigpt;

namespace {

// Two bars of 4/4 at 384 ticks per quarter (a bar is 1536 ticks) on channel 2
// with a sustain pedal, a pitch bend, a marker, a SysEx event and a note
// sustained over the bar line; the conductor track has a tempo change.
test::Bytes piano_file() {
  test::TrackBytes conductor;
  conductor.time_signature(0, 4, 2).tempo(0, 500000).text(0, 0x06, "verse").tempo(1536, 400000).end(3072);
  test::TrackBytes piano;
  piano.text(0, 0x03, "Piano")
      .program(0, 2, 5)
      .add(0, {0xF0, 3, 0x7E, 0x09, 0xF7})
      .add(0, {0xB2, 64, 127})  // pedal down
      .on(0, 2, 60, 90)
      .on(0, 2, 48, 70)
      .off(384, 2, 60)
      .add(0, {0xE2, 0x00, 0x50})  // bend up
      .on(384, 2, 62, 80)
      .off(384, 2, 62)
      .add(384, {0xB2, 64, 0})  // pedal up at bar 1
      .add(0, {0xB2, 64, 127})  // and down again
      .on(0, 2, 64, 100)
      .add(192, {0xE2, 0x00, 0x40})  // bend back to centre
      .off(192, 2, 48)               // the long note ends inside bar 1
      .off(384, 2, 64)
      .on(0, 2, 65, 60)
      .off(768, 2, 65)
      .add(0, {0xB2, 64, 0})
      .end();
  return test::midi(384, {conductor, piano});
}

// Notes of a parsed file as (chunk, channel, on, off, pitch, velocity), sorted.
using NoteRow = std::tuple<int, int, int64_t, int64_t, int, int>;
std::vector<NoteRow> notes_of(const smf::File& f) {
  std::vector<NoteRow> rows;
  for (const smf::Track& t : f.tracks)
    for (const smf::Note& n : t.notes) rows.emplace_back(t.chunk, t.channel, n.time, n.time + n.duration, n.pitch, n.velocity);
  std::sort(rows.begin(), rows.end());
  return rows;
}

// Every non-note event as (chunk, time, bytes), in file order.
using EventRow = std::tuple<int, int64_t, std::vector<uint8_t>>;
std::vector<EventRow> others_of(const smf::File& f, const test::Bytes& data) {
  std::vector<EventRow> rows;
  for (size_t c = 0; c < f.chunks.size(); ++c)
    for (const smf::Event& e : f.chunks[c].events) {
      const int kind = e.status & 0xF0;
      if (kind == 0x80 || kind == 0x90) continue;
      std::vector<uint8_t> bytes{e.status};
      bytes.insert(bytes.end(), data.begin() + e.offset, data.begin() + e.offset + e.length);
      rows.emplace_back(int(c), e.time, bytes);
    }
  return rows;
}

smf::File parse_all(const test::Bytes& b) { return smf::parse(b.data(), b.size(), {.keep_events = true}); }

Score read(const test::Bytes& b) { return read_midi(b.data(), b.size(), 480); }

MergeResult merge(const test::Bytes& src, const Score& score, std::vector<Cell> cells, MergeOptions options = {}) {
  return write_midi_over(src.data(), src.size(), score, cells, options);
}

}  // namespace

TEST_CASE("with nothing generated the file is written back byte for byte") {
  const test::Bytes src = piano_file();
  CHECK(merge(src, read(src), {}).bytes == src);
}

TEST_CASE("a generated bar replaces only that bar's notes; every other event stays at its tick") {
  const test::Bytes src = piano_file();
  Score score = read(src);
  REQUIRE(score.tracks.size() == 1);
  score.tracks[0].bars[1].notes = {{72, 101, 0, 480, 0}, {74, 99, 960, 240, 0}};
  const MergeResult out = merge(src, score, {{0, 1}});
  const smf::File before = parse_all(src), after = parse_all(out.bytes);
  CHECK(after.ticks_per_quarter == 384);
  CHECK(others_of(after, out.bytes) == others_of(before, src));  // pedal, bends, SysEx, names, tempo map, marker
  // Bar 0's notes (the one sustained into bar 1 included) are unchanged; bar 1 holds only the new ones,
  // converted to 384 ticks per quarter on the track's channel.
  std::vector<NoteRow> expected;
  for (const NoteRow& n : notes_of(before))
    if (std::get<2>(n) < 1536) expected.push_back(n);
  expected.emplace_back(1, 2, 1536, 1536 + 384, 72, 101);
  expected.emplace_back(1, 2, 1536 + 768, 1536 + 768 + 192, 74, 99);
  std::sort(expected.begin(), expected.end());
  CHECK(notes_of(after) == expected);
  CHECK(out.adjusted_notes == 0);
  CHECK(out.dropped_notes == 0);
  // The untouched conductor chunk is copied byte for byte.
  const smf::Chunk& c0 = before.chunks[0];
  CHECK(std::equal(src.begin() + c0.begin, src.begin() + c0.end, out.bytes.begin() + after.chunks[0].begin));
}

TEST_CASE("a generated note cannot steal the note-off of a kept note of the same pitch") {
  const test::Bytes src = piano_file();
  Score score = read(src);
  // Pitch 48 sounds from bar 0 into bar 1 (until 1536 + 384): a new 48 struck inside it
  // must not end before it, or readers would pair the kept note with the new note's off.
  score.tracks[0].bars[1].notes = {{48, 50, 120, 60, 0}};
  const MergeResult out = merge(src, score, {{0, 1}});
  const smf::File after = parse_all(out.bytes);
  const auto notes = notes_of(after);
  CHECK(std::count(notes.begin(), notes.end(), NoteRow{1, 2, 0, 1536 + 384, 48, 70}) == 1);  // the kept note, intact
  CHECK(std::count(notes.begin(), notes.end(), NoteRow{1, 2, 1536 + 96, 1536 + 384, 48, 50}) == 1);  // the new one, extended
  CHECK(out.adjusted_notes == 1);
}

TEST_CASE("drop_controllers clears the generated bars and restores the state after them") {
  const test::Bytes src = piano_file();
  Score score = read(src);
  score.tracks[0].bars[1].notes = {{72, 101, 0, 480, 0}};
  const MergeResult out = merge(src, score, {{0, 1}}, {.drop_controllers = true});
  const smf::File after = parse_all(out.bytes);
  std::vector<EventRow> controllers;
  for (const auto& row : others_of(after, out.bytes))
    if ((std::get<2>(row)[0] & 0xF0) == 0xB0 || (std::get<2>(row)[0] & 0xF0) == 0xE0) controllers.push_back(row);
  // Bar 0 keeps its pedal and bend; at bar 1 the pedal is released and the bend centred; the
  // pedal-down, bend and pedal-up inside bar 1 are gone; at the end the file's last values return.
  const std::vector<EventRow> expected = {
      {1, 0, {0xB2, 64, 127}},       {1, 384, {0xE2, 0x00, 0x50}}, {1, 1536, {0xB2, 64, 0}},
      {1, 1536, {0xE2, 0x00, 0x40}}, {1, 3072, {0xB2, 64, 0}},
  };
  CHECK(controllers == expected);
}

TEST_CASE("drop_controllers also clears a generated bar that stays empty") {
  // Notes in bar 0 only; the pedal moves in bar 1. Bar 1 is generated and comes back empty.
  test::TrackBytes piano;
  piano.time_signature(0, 4, 2).program(0, 0, 0).on(0, 0, 60, 90).off(480, 0, 60);
  // (the signature repeated at bar 1 makes the grid two bars long, as the writer does for empty last bars)
  piano.time_signature(1440, 4, 2).add(0, {0xB0, 64, 127}).add(480, {0xB0, 64, 0}).add(960, {0xB0, 64, 127}).end(480);
  const test::Bytes src = test::midi(480, {piano});
  Score score = read(src);
  REQUIRE(score.tracks[0].bars.size() == 2);
  const MergeResult out = merge(src, score, {{0, 1}}, {.drop_controllers = true});
  std::vector<EventRow> controllers;
  for (const auto& row : others_of(parse_all(out.bytes), out.bytes))
    if ((std::get<2>(row)[0] & 0xF0) == 0xB0) controllers.push_back(row);
  // The three pedal events in bar 1 are gone; the pedal is down again where the bar ends, as it was.
  CHECK(controllers == std::vector<EventRow>{{0, 3840, {0xB0, 64, 127}}});
  CHECK(std::get<1>(others_of(parse_all(out.bytes), out.bytes).back()) == 3840);
  CHECK(merge(src, score, {{0, 1}}).bytes == src);  // kept by default: the file as it was
}

TEST_CASE("a new track gets its own chunk, a free channel and a program change") {
  const test::Bytes src = piano_file();
  Score score = read(src);
  Track bass = score.tracks[0];
  bass.name = "Bass";
  bass.instrument = 33;
  for (Bar& b : bass.bars) b.notes.clear();
  bass.bars[0].notes = {{36, 100, 0, 1920, 0}};
  Track drums = bass;
  drums.type = TrackType::Drum;
  drums.instrument = 0;
  drums.bars[0].notes = {{36, 100, 0, 120, 0}};
  score.tracks.push_back(bass);
  score.tracks.push_back(drums);
  const MergeResult out = merge(src, score, {});
  const smf::File before = parse_all(src), after = parse_all(out.bytes);
  REQUIRE(after.tracks.size() == 3);
  CHECK(std::equal(src.begin() + before.chunks[1].begin, src.end(), out.bytes.begin() + after.chunks[1].begin));
  CHECK(after.tracks[1].channel == 0);  // channel 3 (index 2) is the piano's
  CHECK(after.tracks[1].program == 33);
  CHECK(after.tracks[1].name == "Bass");
  CHECK(after.tracks[2].channel == 9);
  CHECK(notes_of(after).back() == NoteRow{3, 9, 0, 96, 36, 100});
  const Score back = read(out.bytes);
  CHECK(back.tracks[1].bars[0].notes == bass.bars[0].notes);
}

TEST_CASE("a format-0 file becomes format 1 when a track is added") {
  test::TrackBytes only;
  only.time_signature(0, 4, 2).program(0, 0, 0).on(0, 0, 60, 90).off(480, 0, 60).end();
  test::Bytes src = test::header(0, 1, 480);
  test::append_track(src, only.body);
  Score score = read(src);
  score.tracks.push_back(score.tracks[0]);
  const MergeResult out = merge(src, score, {});
  CHECK(out.bytes[9] == 1);
  CHECK(parse_all(out.bytes).tracks.size() == 2);
}

TEST_CASE("a score that does not come from the file is refused") {
  const test::Bytes src = piano_file();
  Score score = read(src);
  CHECK_THROWS_AS(merge(src, score, {{0, 9}}), ScoreError);
  CHECK_THROWS_AS(merge(src, score, {{3, 0}}), ScoreError);
  score.tracks.clear();
  CHECK_THROWS_AS(merge(src, score, {}), ScoreError);
  const test::Bytes junk{'M', 'T', 'h', 'd'};
  CHECK_THROWS_AS(merge(junk, read(src), {}), MidiFormatError);
}
