// Shared pieces of the attribute analyzers: the reference's rounding, its
// quantile helper, and a base class that just holds the spec.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "attributes/analyzer.h"
#include "core/bar_length.h"

namespace midigpt::attributes {

// Python's round(x) on a float: nearest, ties to even. nearbyint does exactly
// that in the default FE_TONEAREST mode, which nothing in this project changes.
inline double round_even(double x) { return std::nearbyint(x); }

// Python's int(x) / C's (int)x: toward zero. Values beyond any bin (and NaN,
// as 0) are pinned first so the conversion is always defined.
inline int64_t trunc_int(double x) {
  if (std::isnan(x)) return 0;
  return static_cast<int64_t>(std::trunc(std::clamp(x, -1e15, 1e15)));
}

// The two quantiles every quantile attribute uses ("min" and "max" mode),
// kept as the doubles 0.15 and 0.85 so that n*q rounds like the reference.
inline constexpr double kLowQuantile = 0.15;
inline constexpr double kHighQuantile = 0.85;

// A multiset of integer values as value -> how many times it occurs. The
// reference builds plain lists (one entry per tick or per note); counting them
// instead gives the same sorted order without the memory.
using ValueCounts = std::map<int64_t, int64_t>;

// Index into the sorted list of n values: min(round_even(n*q), n-1).
int64_t quantile_index(int64_t n, double q);

// The sorted list's value at quantile_index; 0 for an empty list.
int64_t quantile(const ValueCounts& values, double q);

// Python's `x % 12` for a pitch: never negative.
inline int pitch_class(int pitch) { return ((pitch % 12) + 12) % 12; }

// nullptr when `bar` is not an index of the track's bars.
const Bar* bar_at(const Track& track, int bar);

bool applies_to(const AttributeSpec& spec, const Track& track);

// Every attribute keeps its spec; subclasses only compute and quantize.
class SpecAttribute : public Attribute {
 public:
  explicit SpecAttribute(AttributeSpec spec) : spec_(std::move(spec)) {}
  const AttributeSpec& spec() const override { return spec_; }

 private:
  AttributeSpec spec_;
};

}  // namespace midigpt::attributes
