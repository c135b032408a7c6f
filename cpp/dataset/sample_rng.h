// The seeded generator of training samples: xoshiro256** seeded through
// splitmix64, with its own integer and real draws (the standard library's
// distributions differ between implementations), so a seed gives the same
// sample stream on every platform.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace midigpt::dataset {

class SampleRng {
 public:
  explicit SampleRng(uint64_t seed);

  uint64_t next();
  // Uniform in [0, n); n > 0. Unbiased (rejection on the top of the range).
  uint64_t below(uint64_t n);
  // Uniform integer in [lo, hi], inclusive.
  int between(int lo, int hi);
  // Uniform in [0, 1).
  double uniform();
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
  }

 private:
  uint64_t s_[4];
};

}  // namespace midigpt::dataset
