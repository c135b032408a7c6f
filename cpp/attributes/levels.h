// Attribute levels as numbers, for strict controls (cpp/generation/
// strict_limits): the same functions the analyzers level notes with.
#pragma once

#include <cstdint>

namespace midigpt::attributes {

// A melodic note's duration level: 0 = 32nd or shorter ... 5 = whole or longer.
int note_duration_level(int64_t duration_ticks, int resolution);

// The most notes a bar may hold and still be at note-density `level` or
// below, for the density row `row_key` (a program, 128 for drums); -1 when
// any count is (the top level).
int64_t density_upper_bound(int level, int row_key);

}  // namespace midigpt::attributes
