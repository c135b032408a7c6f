#include "io/bar_grid.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <string>

#include "core/errors.h"
#include "io/midi_reader.h"

namespace midigpt {

BarGrid::BarGrid(const smf::File& file, int tpq, int resolution) {
  int64_t max_tick = 0;
  for (const auto& t : file.tracks)
    for (const auto& n : t.notes) max_tick = std::max(max_tick, n.time + n.duration);
  std::map<int64_t, Signature> signatures;
  for (const auto& ts : file.time_signatures) {
    // A signature whose bar is shorter than one tick (numerator 0, a
    // denominator byte of 8 or more) is ignored as if absent. The reference
    // divides by zero or builds no bars there; see docs/compatibility.md.
    const int64_t len = ts.denominator ? (int64_t(tpq) * 4 * ts.numerator) / ts.denominator : 0;
    if (len <= 0) continue;
    max_tick = std::max(max_tick, ts.time);
    signatures[ts.time] = {len, ts.numerator, ts.denominator};  // later events at a tick win
  }
  if (!signatures.count(0)) signatures[0] = {int64_t(4) * tpq, 4, 4};

  for (auto it = signatures.begin(); it != signatures.end(); ++it) {
    const auto& [start, sig] = *it;
    auto next = std::next(it);
    if (next != signatures.end()) {
      for (int64_t t = start; t < next->first; t += sig.bar_length) add(t, sig);
    } else {
      int64_t t = start;
      do add(t, sig), t += sig.bar_length;
      while (t < max_tick);
    }
  }
  double virtual_start = 0;
  for (auto& bar : bars_) {
    bar.virtual_start = virtual_start;
    virtual_start += (double(resolution) * bar.length) / tpq;
  }
}

int64_t BarGrid::bar_of(int64_t tick) const {
  auto it = std::upper_bound(bars_.begin(), bars_.end(), tick, [](int64_t t, const GridBar& b) { return t < b.start; });
  return it == bars_.begin() ? -1 : (it - bars_.begin()) - 1;
}

void BarGrid::add(int64_t start, const Signature& sig) {
  if (static_cast<int64_t>(bars_.size()) >= kMaxBars)
    throw MidiFormatError("the file spans more than " + std::to_string(kMaxBars) +
                          " bars; its timing is probably corrupt");
  bars_.push_back({start, sig.bar_length, sig.numerator, sig.denominator, 0});
}

}  // namespace midigpt
