// Target 2: score -> writer -> reader round trip.
//
// The first byte picks the score: built from the fuzz bytes (even: any score
// the addon accepts, so the writer's refusals are exercised too), or read from
// the rest of the input as a MIDI file (odd) at the file's own division.
//
// Properties, whenever write_midi accepts the score:
//  1. the bytes read back (at the score's resolution) give the same tracks
//     (count, order, program, drum flag, name, note count) and, when every
//     bar is as long as its time signature says (in whole ticks: MIDI has no
//     other way to state a bar's length), the same notes: per track
//     and pitch, the same (absolute onset, velocity) multiset and, where no
//     note has zero length, the same note-end multiset (MIDI pairs note-offs
//     first in, first out, so overlapping notes of one pitch may trade ends;
//     a zero-length note comes back one tick long);
//  2. writing and reading the result again changes nothing (a fixed point).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/errors.h"
#include "fuzz_support.h"
#include "io/midi_reader.h"
#include "io/midi_writer.h"
#include "io/smf.h"
#include "io/smf_bytes.h"

using namespace midigpt;
using midigpt::fuzz::property_failed;

namespace {

// Bar starts as the writer lays them out: from the track with the most bars.
std::vector<int64_t> bar_starts(const Score& s) {
  const Track* grid = nullptr;
  for (const Track& t : s.tracks)
    if (!grid || t.bars.size() > grid->bars.size()) grid = &t;
  std::vector<int64_t> starts;
  double sum = 0;
  if (grid)
    for (const Bar& b : grid->bars) {
      starts.push_back(std::llround(sum));
      sum += s.resolution * b.beat_length;
    }
  starts.push_back(std::llround(sum));
  return starts;
}

struct TrackNotes {
  std::map<int, std::multiset<std::pair<int64_t, int>>> onsets;  // pitch -> (absolute onset, velocity)
  std::map<int, std::multiset<int64_t>> ends;                     // pitch -> absolute end
  std::set<int> zero_length;                                      // pitches with a zero-length note
};

TrackNotes notes_of(const Score& s, const Track& t, const std::vector<int64_t>& starts) {
  TrackNotes out;
  for (size_t b = 0; b < t.bars.size(); ++b)
    for (const Note& n : t.bars[b].notes) {
      const int64_t on = starts[b] + n.onset_ticks;
      out.onsets[n.pitch].insert({on, n.velocity});
      out.ends[n.pitch].insert(on + n.duration_ticks);
      if (n.duration_ticks == 0) out.zero_length.insert(n.pitch);
    }
  (void)s;
  return out;
}

bool is_guard_message(const std::string& m) {
  // The reader's resource guards (bars, bar slots, int32 ticks): a file the
  // writer may legitimately produce from a huge score and the reader refuse.
  return m.find("more than") != std::string::npos || m.find("too long to represent") != std::string::npos;
}

// Returns false when the reader refused the bytes for a reason the harness
// accepts (see above); fails on any other refusal.
bool read_back(const std::vector<uint8_t>& bytes, const Score& written, Score& out) {
  try {
    out = read_midi(bytes.data(), bytes.size(), written.resolution);
    return true;
  } catch (const MidiFormatError& e) {
    const std::string m = e.what();
    if (is_guard_message(m)) return false;
    property_failed("the reader refused what the writer wrote", __FILE__, __LINE__, m + "\n" + fuzz::describe(written));
  }
}

// MIDI states bar lengths only through time signatures, and readers (ours and
// the reference's) lay bars back to back at their signature's length. A score
// whose bar lengths are something else (beat_length 3 in a 4/4 bar, or 4/128
// at 24 ticks per quarter: 3/4 of a tick) cannot keep its note positions.
bool bars_match_signatures(const Score& s) {
  for (const Track& t : s.tracks)
    for (const Bar& b : t.bars) {
      if (b.beat_length != 4.0 * b.ts_numerator / b.ts_denominator) return false;
      if ((int64_t(s.resolution) * 4 * b.ts_numerator) % b.ts_denominator != 0) return false;
    }
  return true;
}

size_t count_notes(const Track& t) {
  size_t n = 0;
  for (const Bar& b : t.bars) n += b.notes.size();
  return n;
}

void check_same_notes(const Score& s, const Score& back) {
  FUZZ_CHECK(back.tracks.size() == s.tracks.size(), fuzz::describe(s) + "read back:\n" + fuzz::describe(back));
  const bool exact = bars_match_signatures(s);
  const auto starts = bar_starts(s), back_starts = bar_starts(back);
  for (size_t t = 0; t < s.tracks.size(); ++t) {
    const Track& a = s.tracks[t];
    const Track& b = back.tracks[t];
    const std::string where = "track " + std::to_string(t) + "\n" + fuzz::describe(s) + "read back:\n" + fuzz::describe(back);
    FUZZ_CHECK(a.instrument == b.instrument && a.type == b.type && a.name == b.name, where);
    FUZZ_CHECK(count_notes(a) == count_notes(b), where);
    if (!exact) continue;
    const TrackNotes x = notes_of(s, a, starts), y = notes_of(back, b, back_starts);
    FUZZ_CHECK(x.onsets == y.onsets, where);
    for (const auto& [pitch, ends] : x.ends) {
      if (x.zero_length.count(pitch)) continue;
      FUZZ_CHECK(y.ends.count(pitch) && y.ends.at(pitch) == ends, "pitch " + std::to_string(pitch) + ", " + where);
    }
  }
}

// Property 2: a score the reader made is a fixed point of write + read.
void check_fixed_point(const Score& s1) {
  std::vector<uint8_t> bytes;
  try {
    bytes = write_midi(s1);
  } catch (const ScoreError&) {
    return;  // e.g. a key signature byte of the file outside -7..7
  }
  Score s2;
  if (!read_back(bytes, s1, s2)) return;
  FUZZ_CHECK(s2 == s1, "first read:\n" + fuzz::describe(s1) + "second read:\n" + fuzz::describe(s2));
  FUZZ_CHECK(write_midi(s2) == bytes, fuzz::describe(s1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1) {
    Score s1;
    try {
      const smf::File file = smf::parse(data + 1, size - 1);
      s1 = read_midi(file, file.ticks_per_quarter > 0 ? file.ticks_per_quarter : 480);
    } catch (const Error&) {
      return 0;
    }
    // Grids of many bars (up to the reader's 4 M slot guard) take seconds to
    // write and read; fuzz_smf_read covers them.
    size_t slots = 0;
    for (const Track& t : s1.tracks) slots += t.bars.size();
    if (slots <= 20000) check_fixed_point(s1);
    return 0;
  }
  fuzz::FuzzInput in(data + 1, size - 1);
  fuzz::ScoreShape shape;
  shape.max_tracks = 20;  // more than the 15 melodic channels
  shape.max_bars = 12;
  shape.max_notes = 10;
  const Score s = fuzz::make_score(in, shape);
  std::vector<uint8_t> bytes;
  try {
    bytes = write_midi(s);
  } catch (const ScoreError&) {
    return 0;
  }
  Score back;
  if (!read_back(bytes, s, back)) return 0;
  check_same_notes(s, back);
  check_fixed_point(back);
  return 0;
}
