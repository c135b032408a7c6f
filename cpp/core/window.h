// Cutting a window of bars out of a score: what training samples and
// generation steps work on.
#pragma once

#include "core/score.h"

namespace midigpt {

// Bars [start, start + bars) of every track, all tracks in order, with their
// instrument, type, name and attributes. Tempo and key events are kept when
// they fall inside the window (shifted to its start). Throws RangeError when
// a track has fewer bars than the window needs.
Score window(const Score& score, int start, int bars);

}  // namespace midigpt
