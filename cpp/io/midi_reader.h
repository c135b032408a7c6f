// MIDI file -> Score on a grid of `resolution` ticks per quarter note,
// reproducing the reference's MidiReader (tokenizer.md §1.3.2-§1.3.5): the bar
// grid comes from the time-signature map, every track gets every bar, and each
// note lands in the bar of its onset with a bar-relative onset.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/score.h"
#include "io/smf.h"

namespace midigpt {

inline constexpr int kDefaultResolution = 480;  // what Score.from_midi uses
inline constexpr int kMaxResolution = 32767;    // the largest an SMF header can state
// A guard against corrupt files whose absurd delta times would make millions
// of bars; real pieces stay far below it (the longest parity file has 1171).
inline constexpr int64_t kMaxBars = 100000;
// Bars are stored per track; this bounds tracks x bars (about 200 MB).
inline constexpr int64_t kMaxBarSlots = 4000000;

Score read_midi(const smf::File& file, int resolution = kDefaultResolution);
Score read_midi(const uint8_t* data, size_t size, int resolution = kDefaultResolution);

}  // namespace midigpt
