// Target 1: SMF bytes -> parser -> reader -> score, at every resolution path
// (the file's own division, the default 480, an encoder grid, the extremes)
// and then through resample, with and without delta.
//
// Properties besides "no crash, no UB": a parse that keeps the events finds
// the same notes as a plain one; every score the reader returns has one bar
// grid for all tracks, notes inside MIDI's ranges with a positive duration,
// and the resolution asked for; resample keeps bars and note counts.
#include <cstdint>
#include <string>

#include "core/errors.h"
#include "core/resample.h"
#include "fuzz_support.h"
#include "io/midi_reader.h"
#include "io/smf.h"

using namespace midigpt;
using midigpt::fuzz::property_failed;

namespace {

constexpr size_t kCheapSlots = 20000;

void check_score(const Score& s, int resolution) {
  FUZZ_CHECK(s.resolution == resolution, fuzz::describe(s));
  const size_t bars = s.tracks.empty() ? 0 : s.tracks[0].bars.size();
  for (const Track& t : s.tracks) {
    FUZZ_CHECK(t.bars.size() == bars, fuzz::describe(s));
    FUZZ_CHECK(t.instrument >= 0 && t.instrument <= 127, fuzz::describe(s));
    for (const Bar& b : t.bars) {
      FUZZ_CHECK(b.beat_length > 0, fuzz::describe(s));
      for (const Note& n : b.notes) {
        FUZZ_CHECK(n.pitch >= 0 && n.pitch <= 127, fuzz::describe(s));
        FUZZ_CHECK(n.velocity >= 1 && n.velocity <= 127, fuzz::describe(s));
        FUZZ_CHECK(n.onset_ticks >= 0, fuzz::describe(s));
        FUZZ_CHECK(n.duration_ticks >= 1, fuzz::describe(s));
      }
    }
  }
}

size_t note_count(const Score& s) {
  size_t n = 0;
  for (const Track& t : s.tracks)
    for (const Bar& b : t.bars) n += b.notes.size();
  return n;
}

void check_resample(const Score& s, int resolution, bool use_delta) {
  Score r;
  try {
    r = resample(s, resolution, use_delta);
  } catch (const Error&) {
    return;
  }
  FUZZ_CHECK(r.resolution == resolution, fuzz::describe(s));
  FUZZ_CHECK(r.tracks.size() == s.tracks.size(), fuzz::describe(s));
  FUZZ_CHECK(note_count(r) == note_count(s), fuzz::describe(s));
  for (const Track& t : r.tracks)
    for (const Bar& b : t.bars)
      for (const Note& n : b.notes) {
        FUZZ_CHECK(n.onset_ticks >= 0, fuzz::describe(r));
        FUZZ_CHECK(n.duration_ticks >= 1, fuzz::describe(r));
      }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  smf::File file;
  try {
    file = smf::parse(data, size);
  } catch (const MidiFormatError&) {
    // The lossless writer's parse must refuse the same files.
    try {
      smf::parse(data, size, {.keep_events = true});
    } catch (const MidiFormatError&) {
      return 0;
    }
    property_failed("a file only the event-keeping parse accepts", __FILE__, __LINE__, "");
  }
  const smf::File kept = smf::parse(data, size, {.keep_events = true});
  FUZZ_CHECK(kept.tracks.size() == file.tracks.size(), "");
  for (size_t t = 0; t < file.tracks.size(); ++t) {
    FUZZ_CHECK(kept.tracks[t].notes.size() == file.tracks[t].notes.size(), "track " + std::to_string(t));
    for (size_t k = 0; k < file.tracks[t].notes.size(); ++k) {
      const smf::Note& a = file.tracks[t].notes[k];
      const smf::Note& b = kept.tracks[t].notes[k];
      FUZZ_CHECK(a.time == b.time && a.duration == b.duration && a.pitch == b.pitch && a.velocity == b.velocity,
                 "note " + std::to_string(k));
      FUZZ_CHECK(a.duration >= 0, "note " + std::to_string(k));
    }
  }

  // Every resolution path the callers use: the file's own grid (lossless
  // reading), Score.from_midi's 480, an encoder grid and the two extremes.
  const int own = file.ticks_per_quarter > 0 ? file.ticks_per_quarter : 480;
  const int resolutions[] = {own, kDefaultResolution, 12, 1, kMaxResolution};
  for (int resolution : resolutions) {
    Score s;
    try {
      s = read_midi(file, resolution);
    } catch (const MidiFormatError& e) {
      // A resource guard. The bar and slot guards do not depend on the
      // resolution (the grid is in file ticks), so they hold for every path;
      // only the int32 tick guard may pass at a smaller resolution.
      if (std::string(e.what()).find("too long to represent") == std::string::npos) break;
      continue;
    }
    check_score(s, resolution);
    // A grid of many bars (up to the 4 M slot guard) takes a second per read;
    // the guards are exercised by the first read, the paths by small files.
    const size_t slots = s.tracks.size() * (s.tracks.empty() ? 0 : s.tracks[0].bars.size());
    if (slots > kCheapSlots) break;
    if (resolution == own || resolution == 12) {
      for (int target : {12, 480, 1920, 1, kMaxResolution}) {
        check_resample(s, target, false);
        check_resample(s, target, true);
      }
    }
  }
  // Out-of-range resolutions are refused, never used.
  for (int bad : {0, -1, kMaxResolution + 1}) {
    try {
      read_midi(file, bad);
      property_failed("read_midi accepted a bad resolution", __FILE__, __LINE__, std::to_string(bad));
    } catch (const RangeError&) {
    }
  }
  return 0;
}
