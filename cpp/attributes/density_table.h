// The note-density quantile table (density_quantiles.json, shipped verbatim
// and embedded at build time): per GM program, and row 128 for drums, the
// notes-per-bar thresholds of bins 0..9.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace midigpt::attributes {

using DensityRow = std::array<int64_t, 10>;

// The row for `row_key` (a program, or 128 for drums); row 0 when the table
// has none. Parsed once, on first use.
const DensityRow& density_row(int row_key);

// The smallest bin b in 0..9 with notes <= row[b] (9 when none is).
int density_bin(double notes, const DensityRow& row);

// The embedded JSON text, generated from density_quantiles.json.
std::string_view density_quantiles_json();

}  // namespace midigpt::attributes
