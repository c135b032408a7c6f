// Score -> Standard MIDI File (format 1), compatible with the reference's
// writer (tokenizer.md §1.3.6) and built so that reading the bytes back gives
// the same score: bar grid, time signatures, tempo map, key signatures, track
// names, programs, drum flags and every note (the sub-tick `delta` cannot be
// stored in MIDI and is not written, as in the reference).
#pragma once

#include <cstdint>
#include <vector>

#include "core/score.h"

namespace midigpt {

// Throws ScoreError naming the first value MIDI cannot hold (pitch 130,
// velocity 0, a 4/3 time signature, ...).
std::vector<uint8_t> write_midi(const Score& score);

}  // namespace midigpt
