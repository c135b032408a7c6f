// Simple constraints (generation.md §4.3-§4.6): note-count limits and fixed
// attribute values.
#pragma once

#include <memory>
#include <vector>

#include "masking/constraint.h"
#include "tokenizer/vocabulary.h"

namespace midigpt {

// Counts notes since the last reset token; at `limit`, forbids the listed types.
class NoteCountConstraint : public Constraint {
 public:
  NoteCountConstraint(const Vocabulary& vocab, int limit, std::vector<TokenType> resets, std::vector<TokenType> forbids)
      : vocab_(vocab), limit_(limit), resets_(std::move(resets)), forbids_(std::move(forbids)) {}
  void step(int token) override;
  void apply(TokenMask disallowed) const override;

 private:
  const Vocabulary& vocab_;
  int limit_;
  std::vector<TokenType> resets_;
  std::vector<TokenType> forbids_;
  int count_ = 0;
};

// At most `limit` notes per onset (chord size, not sounding polyphony), §4.3.
std::unique_ptr<Constraint> polyphony_limit(const Vocabulary& vocab, int limit);
// At most `limit` notes per bar (or per run of fill-in blocks without a BarEnd), §4.4.
std::unique_ptr<Constraint> density_limit(const Vocabulary& vocab, int limit);

// If the model emits a token of `type`, its value must be `value`.
class AttributeValueConstraint : public Constraint {
 public:
  AttributeValueConstraint(const Vocabulary& vocab, TokenType type, int value) : vocab_(vocab), type_(type), value_(value) {}
  void step(int) override {}
  void apply(TokenMask disallowed) const override;

 private:
  const Vocabulary& vocab_;
  TokenType type_;
  int value_;
};

// The same, only inside bar `bar` of the `track`-th track of the sequence.
class BarAttributeValueConstraint : public Constraint {
 public:
  BarAttributeValueConstraint(const Vocabulary& vocab, TokenType type, int track, int bar, int value)
      : inner_(vocab, type, value), vocab_(vocab), track_(track), bar_(bar) {}
  void step(int token) override;
  void apply(TokenMask disallowed) const override;

 private:
  AttributeValueConstraint inner_;
  const Vocabulary& vocab_;
  int track_, bar_;
  int tracks_ = 0, bars_ = 0;
};

}  // namespace midigpt
