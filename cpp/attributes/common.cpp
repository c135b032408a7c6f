#include "attributes/common.h"

#include <algorithm>

namespace midigpt::attributes {

int64_t quantile_index(int64_t n, double q) {
  // n converts to double first, as Python's int * float does.
  const auto index = static_cast<int64_t>(round_even(static_cast<double>(n) * q));
  return std::min(index, n - 1);
}

int64_t quantile(const ValueCounts& values, double q) {
  int64_t n = 0;
  for (const auto& [value, count] : values) n += count;
  if (n == 0) return 0;
  const int64_t index = quantile_index(n, q);
  int64_t seen = 0;
  for (const auto& [value, count] : values) {
    seen += count;
    if (index < seen) return value;
  }
  return values.rbegin()->first;  // unreachable: index < n
}

const Bar* bar_at(const Track& track, int bar) {
  if (bar < 0 || static_cast<size_t>(bar) >= track.bars.size()) return nullptr;
  return &track.bars[static_cast<size_t>(bar)];
}

bool applies_to(const AttributeSpec& spec, const Track& track) {
  switch (spec.track_type) {
    case TrackFilter::Melodic: return track.type == TrackType::Melodic;
    case TrackFilter::Drum: return track.type == TrackType::Drum;
    case TrackFilter::Both: return true;
  }
  return true;
}

}  // namespace midigpt::attributes
