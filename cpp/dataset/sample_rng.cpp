#include "dataset/sample_rng.h"

namespace midigpt::dataset {

namespace {
uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

SampleRng::SampleRng(uint64_t seed) {
  for (uint64_t& s : s_) s = splitmix64(seed);
}

uint64_t SampleRng::next() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

uint64_t SampleRng::below(uint64_t n) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;  // largest multiple of n
  uint64_t x;
  do x = next();
  while (x >= limit);
  return x % n;
}

int SampleRng::between(int lo, int hi) {
  return lo + static_cast<int>(below(static_cast<uint64_t>(static_cast<int64_t>(hi) - lo + 1)));
}

double SampleRng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

}  // namespace midigpt::dataset
