// The score model shared by every layer: plain structs, no behaviour.
//
// Mirrors the reference's Score/Track/Bar/Note (tokenizer.md §1.1) with one
// simplification: a bar owns its notes directly instead of indexing a
// score-wide pool. The order of `Bar::notes` is meaningful (the encoder walks
// it), exactly like the reference's `note_indices` order.
//
// Beyond the reference, a score keeps what a user would miss on a round trip:
// the whole tempo map, key signatures and track names.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace midigpt {

struct Note {
  int pitch = 60;
  int velocity = 100;
  // Onset relative to the start of the bar that holds the note, in score ticks.
  int onset_ticks = 0;
  // May run past the end of its bar: notes are never split at bar lines.
  int duration_ticks = 1;
  // Microtiming residual between the true onset and the grid (tokenizer.md §1.3.4).
  int delta = 0;

  bool operator==(const Note&) const = default;
};

struct Bar {
  std::vector<Note> notes;
  int ts_numerator = 4;
  int ts_denominator = 4;
  // Bar length in quarter notes (4.0 for 4/4, 3.0 for 6/8).
  double beat_length = 4.0;
  // "Not yet generated": masked out when the bar is encoded.
  bool future = false;

  bool operator==(const Bar&) const = default;
};

enum class TrackType { Melodic = 0, Drum = 1 };

struct Track {
  std::vector<Bar> bars;
  int instrument = 0;  // General MIDI program 0-127 (drum tracks keep theirs).
  TrackType type = TrackType::Melodic;
  std::map<std::string, int> attributes;
  std::string name;  // Not in the reference; kept for round trips.

  bool operator==(const Track&) const = default;
};

// Event positions below are absolute ticks at `Score::resolution`, on the
// score's bar timeline (bars back to back).
struct TempoChange {
  int64_t tick = 0;
  int microseconds_per_quarter = 500000;
  bool operator==(const TempoChange&) const = default;
};

struct KeySignature {
  int64_t tick = 0;
  int key = 0;    // -7 (7 flats) .. 7 (7 sharps)
  int minor = 0;  // 0 major, 1 minor
  bool operator==(const KeySignature&) const = default;
};

struct Score {
  std::vector<Track> tracks;
  int resolution = 480;  // ticks per quarter note
  // The first tempo, as the reference keeps it.
  int tempo = 500000;
  // The tempo map when the tempo changes (its first entry is then `tempo`);
  // empty for a piece with one tempo from the start.
  std::vector<TempoChange> tempos;
  std::vector<KeySignature> key_signatures;

  bool operator==(const Score&) const = default;
};

}  // namespace midigpt
