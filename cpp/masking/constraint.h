// Constraints on the next token (generation.md §4). Each one follows the
// token stream with `step` and marks the ids it forbids with `apply`.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace midigpt {

// The flags a constraint writes, one per token id. Every write is checked
// against the buffer's size: ids that do not fit (a constraint built for
// another vocabulary than its graph's, or a bug) throw std::out_of_range
// instead of writing past the buffer.
class TokenMask {
 public:
  TokenMask(uint8_t* flags, int size) : flags_(flags), size_(size) {}
  int size() const { return size_; }
  // flags[from, to) = value; an empty range (from == to) writes nothing.
  void fill(int from, int to, uint8_t value) const {
    if (from < 0 || to < from || to > size_) out_of_range(from, to);
    for (int id = from; id < to; ++id) flags_[id] = value;
  }
  void fill_all(uint8_t value) const { fill(0, size_, value); }

 private:
  [[noreturn]] void out_of_range(int from, int to) const;
  uint8_t* flags_;
  int size_;
};

class Constraint {
 public:
  virtual ~Constraint() = default;
  virtual void step(int token) = 0;
  // Sets disallowed[id] = 1 for every id this constraint forbids.
  virtual void apply(TokenMask disallowed) const = 0;
  // Called when a fill-in block of a drum (or melodic) bar starts.
  virtual void set_fillin_drum(bool /*drum*/) {}
};

// What a mask request found.
enum class MaskStatus {
  Ok,
  // Every token was forbidden; constraints other than the grammar were
  // dropped (in reverse insertion order) until some token was legal.
  Relaxed,
  // The grammar alone allows nothing (the sequence cannot go on, e.g. after
  // the last TrackEnd): the mask is all zero and the caller ends the step.
  NoLegalToken,
};

// The constraints of one step, in insertion order; the grammar comes first.
class ConstraintGraph {
 public:
  explicit ConstraintGraph(int vocab_size) : vocab_size_(vocab_size), scratch_(vocab_size) {}
  void add(std::unique_ptr<Constraint> c) {
    if (c) constraints_.push_back(std::move(c));
  }
  void step(int token) {
    for (auto& c : constraints_) c->step(token);
  }
  void set_fillin_drum(bool drum) {
    for (auto& c : constraints_) c->set_fillin_drum(drum);
  }
  // Writes allowed[id] = 1 for legal ids, 0 otherwise (vocab_size entries).
  MaskStatus mask(uint8_t* allowed) const;
  int vocab_size() const { return vocab_size_; }

 private:
  int apply_first(size_t n, uint8_t* disallowed) const;
  int vocab_size_;
  mutable std::vector<uint8_t> scratch_;
  std::vector<std::unique_ptr<Constraint>> constraints_;
};

}  // namespace midigpt
