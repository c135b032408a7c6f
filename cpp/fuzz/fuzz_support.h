// Shared pieces of the libFuzzer targets (docs/reliability.md): a reader of
// the fuzz bytes, the shipped encoders, a generator of arbitrary scores and
// the property check that turns a broken invariant into a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/score.h"
#include "tokenizer/tokenizer.h"

namespace midigpt::fuzz {

// A broken property: print what and where, then abort so libFuzzer keeps the input.
[[noreturn]] inline void property_failed(const char* what, const char* file, int line, const std::string& detail) {
  std::fprintf(stderr, "\n*** fuzz property failed: %s (%s:%d)\n%s\n", what, file, line, detail.c_str());
  std::abort();
}

#define FUZZ_CHECK(cond, detail)                                                   \
  do {                                                                             \
    if (!(cond)) ::midigpt::fuzz::property_failed(#cond, __FILE__, __LINE__, (detail)); \
  } while (0)

// Reads values from the fuzz bytes; past the end every read gives zero, so a
// short input makes small structures rather than failing.
class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  size_t remaining() const { return pos_ < size_ ? size_ - pos_ : 0; }

  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(byte() | (byte() << 8)); }
  uint32_t u32() { return u16() | (static_cast<uint32_t>(u16()) << 16); }
  uint64_t u64() { return u32() | (static_cast<uint64_t>(u32()) << 32); }
  bool flag() { return byte() & 1; }
  // A byte in [0, 1].
  double unit() { return byte() / 255.0; }

  // Uniform-ish in [lo, hi] (inclusive), using 1, 2 or 4 bytes as the span needs.
  int64_t range(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    const uint64_t raw = span <= 0x100 ? byte() : span <= 0x10000 ? u16() : u32();
    return lo + static_cast<int64_t>(raw % span);
  }
  int small(int lo, int hi) { return static_cast<int>(range(lo, hi)); }

  // Mostly a value in [lo, hi]; one time in 16 an edge value of int32 (0, -1,
  // INT_MIN, INT_MAX, 1 << 28, ...), to reach what a JS caller could pass.
  int wild(int lo, int hi) {
    if ((byte() & 0x0F) != 0) return small(lo, hi);
    static const int kEdges[] = {0, 1, -1, 2, 127, 128, 255, 256, 32767, 32768, 65535, 1 << 20, 1 << 28,
                                 (1 << 30) + 1, 2147483647, -2147483647 - 1, -2147483647, 0x0FFFFFFF, -128};
    return kEdges[byte() % (sizeof(kEdges) / sizeof(kEdges[0]))];
  }

  std::string ascii(size_t max_len) {
    const size_t n = range(0, static_cast<int64_t>(max_len));
    std::string s;
    for (size_t i = 0; i < n; ++i) s += static_cast<char>(0x20 + byte() % 0x5F);
    return s;
  }

  // Every byte not read yet.
  std::vector<uint8_t> rest() {
    std::vector<uint8_t> out(data_ + std::min(pos_, size_), data_ + size_);
    pos_ = size_;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// The encoder configs shipped in packages/core/encoders (the tokenizer's
// built-ins), in a fixed order: name and JSON text.
struct ShippedEncoder {
  const char* name;
  const char* json;
};
const std::vector<ShippedEncoder>& shipped_encoders();

// One Tokenizer per shipped encoder, built on first use and kept.
const Tokenizer& shipped_tokenizer(size_t index);
inline size_t shipped_count() { return shipped_encoders().size(); }

// How big and how odd a generated score may be.
struct ScoreShape {
  int max_tracks = 4;
  int max_bars = 8;
  int max_notes = 8;  // per bar
  // Allow anything the addon's score_from_js accepts (any int32 note field,
  // time signatures up to 1024/1024, any positive beat length, bars per track
  // differing, arbitrary attribute keys); otherwise musically plausible values.
  bool allow_wild = true;
  bool ascii_names = true;
};

// A score from the fuzz bytes (reads until the shape is filled or the bytes end).
Score make_score(FuzzInput& in, const ScoreShape& shape);

// A short description of a score for failure messages.
std::string describe(const Score& score);

}  // namespace midigpt::fuzz
