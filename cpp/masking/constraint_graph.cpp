#include <algorithm>
#include <stdexcept>
#include <string>

#include "masking/constraint.h"

namespace midigpt {

void TokenMask::out_of_range(int from, int to) const {
  throw std::out_of_range("internal error: a constraint wrote token ids [" + std::to_string(from) + ", " +
                          std::to_string(to) + ") into a mask of " + std::to_string(size_) +
                          " ids; the constraint and the mask disagree on the vocabulary");
}

// Applies the first `n` constraints into `disallowed`; returns how many ids stay legal.
int ConstraintGraph::apply_first(size_t n, uint8_t* disallowed) const {
  const TokenMask mask(disallowed, vocab_size_);
  mask.fill_all(0);
  for (size_t i = 0; i < n; ++i) constraints_[i]->apply(mask);
  return static_cast<int>(std::count(disallowed, disallowed + vocab_size_, 0));
}

MaskStatus ConstraintGraph::mask(uint8_t* allowed) const {
  uint8_t* disallowed = scratch_.data();
  MaskStatus status = MaskStatus::Ok;
  size_t n = constraints_.size();
  while (apply_first(n, disallowed) == 0) {
    if (n <= 1) {
      std::fill(allowed, allowed + vocab_size_, 0);
      return MaskStatus::NoLegalToken;
    }
    --n;  // drop the most recently added constraint and try again
    status = MaskStatus::Relaxed;
  }
  for (int i = 0; i < vocab_size_; ++i) allowed[i] = !disallowed[i];
  return status;
}

}  // namespace midigpt
