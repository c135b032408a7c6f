// The bar grid of a MIDI file: bar starts and lengths in the file's own ticks,
// derived from its time-signature map (tokenizer.md §1.3.3), with each bar's
// start on the score's back-to-back timeline at a chosen resolution. The
// reader places notes with it; the lossless writer (io/midi_merge.h) maps
// score positions back to file ticks with it.
#pragma once

#include <cstdint>
#include <vector>

#include "io/smf.h"

namespace midigpt {

// One bar of the grid, in the file's own ticks.
struct GridBar {
  int64_t start = 0;
  int64_t length = 0;
  int numerator = 4;
  int denominator = 4;
  double virtual_start = 0;  // at the target resolution, bars back to back
};

class BarGrid {
 public:
  // `tpq` is the file's ticks per quarter (a zero division already replaced).
  BarGrid(const smf::File& file, int tpq, int resolution);

  const std::vector<GridBar>& bars() const { return bars_; }

  // Index of the bar with the greatest start <= tick, or -1 before the first bar.
  int64_t bar_of(int64_t tick) const;

 private:
  struct Signature {
    int64_t bar_length = 0;
    int numerator = 4;
    int denominator = 4;
  };
  void add(int64_t start, const Signature& sig);

  std::vector<GridBar> bars_;
};

// The file's ticks per quarter as the reader uses them: a zero division (an
// error in the file) counts as 480, as the reference carries on with.
inline int effective_tpq(const smf::File& file) { return file.ticks_per_quarter > 0 ? file.ticks_per_quarter : 480; }

}  // namespace midigpt
