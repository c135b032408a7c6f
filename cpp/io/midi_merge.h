// Lossless write-back: a score read from a MIDI file, with some (track, bar)
// cells generated anew, written over that file's own events. Everything that
// was not generated stays as it was in the file, byte for byte where a track
// chunk is untouched: the division, every non-note event (controllers, pitch
// bend, program changes, aftertouch, SysEx, every meta event) at its tick,
// channel and chunk, and every note outside the generated cells. The
// generated notes are converted to the file's ticks on the channel the
// track's notes used; tracks the file did not have become new chunks on free
// channels (drums on channel 10) with a program change at their start.
//
// The reference writes a new file from the score alone (480 ticks per
// quarter, notes and a few meta events); docs/compatibility.md lists this as
// one of our deviations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/score.h"

namespace midigpt {

// A (track, bar) of the score.
using Cell = std::pair<int, int>;

struct MergeOptions {
  // Remove the controller and pitch-bend events of a generated track's
  // channel inside its generated cells. Pedals, modulation and pitch bend are
  // released at the start of each such region, and every controller is set
  // back to the file's value at its end, so what follows sounds as before.
  bool drop_controllers = false;
};

struct MergeResult {
  std::vector<uint8_t> bytes;
  // Generated notes whose end was moved so that a note of the same pitch and
  // channel does not steal its note-off (readers pair them first in, first out).
  int adjusted_notes = 0;
  // Generated notes that could not be placed without changing a kept note.
  int dropped_notes = 0;
};

// `source` is the MIDI file `score` was read from (at any resolution); the
// first tracks of `score` are the file's tracks in the reader's order, and
// tracks after them are new. Only the notes of `cells` (of the file's tracks)
// and of the new tracks are taken from `score`. Throws MidiFormatError when
// `source` is not readable, ScoreError when `score` does not fit it.
MergeResult write_midi_over(const uint8_t* source, size_t size, const Score& score, const std::vector<Cell>& cells,
                            const MergeOptions& options = {});

}  // namespace midigpt
