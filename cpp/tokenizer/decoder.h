// Token ids -> Score (tokenizer.md §5): fill-in blocks are put back into
// their placeholders, then a state machine rebuilds tracks, bars and notes.
// The result is at the model resolution (its `resolution` says so).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "core/score.h"
#include "tokenizer/domain_transforms.h"
#include "tokenizer/vocabulary.h"

namespace midigpt {

// Fill-in resolution (§5.1) may make a sequence at most this many tokens
// longer. Well-formed sequences never grow (each token is copied at most
// once); FillInStart tokens without their FillInEnd make blocks overlap, and
// copying each of them in full grows quadratically (gigabytes from a few
// hundred kilobytes of ids).
inline constexpr size_t kMaxFillInGrowth = size_t(1) << 20;

class Decoder {
 public:
  explicit Decoder(const Vocabulary& vocab);
  // Never throws on odd sequences (model output can be anything), with two
  // exceptions, both EncodeError: ids outside the vocabulary, and unclosed
  // fill-in blocks that would grow the sequence beyond kMaxFillInGrowth.
  // Time and memory are linear in the sequence (plus that bound).
  Score decode(const std::vector<int>& tokens) const;

 private:
  class Run;
  std::vector<int> resolve_fill_ins(const std::vector<int>& tokens) const;
  const Vocabulary& vocab_;
  std::optional<VelocityQuantizer> velocity_;
};

}  // namespace midigpt
