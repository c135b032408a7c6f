// Token ids -> Score (tokenizer.md §5): fill-in blocks are put back into
// their placeholders, then a state machine rebuilds tracks, bars and notes.
// The result is at the model resolution (its `resolution` says so).
#pragma once

#include <optional>
#include <vector>

#include "core/score.h"
#include "tokenizer/domain_transforms.h"
#include "tokenizer/vocabulary.h"

namespace midigpt {

class Decoder {
 public:
  explicit Decoder(const Vocabulary& vocab);
  // Never throws on odd sequences (model output can be anything); ids outside
  // the vocabulary throw EncodeError.
  Score decode(const std::vector<int>& tokens) const;

 private:
  class Run;
  std::vector<int> resolve_fill_ins(const std::vector<int>& tokens) const;
  const Vocabulary& vocab_;
  std::optional<VelocityQuantizer> velocity_;
};

}  // namespace midigpt
