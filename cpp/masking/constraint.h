// Constraints on the next token (generation.md §4). Each one follows the
// token stream with `step` and marks the ids it forbids with `apply`.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace midigpt {

class Constraint {
 public:
  virtual ~Constraint() = default;
  virtual void step(int token) = 0;
  // Sets disallowed[id] = 1 for every id this constraint forbids.
  virtual void apply(uint8_t* disallowed) const = 0;
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
