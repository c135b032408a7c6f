// Simple constraints (generation.md §4.3-§4.6): note-count limits and fixed
// attribute values.
#pragma once

#include <memory>
#include <utility>
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

// At most `limit` notes on one time position of a bar (chord size, not
// sounding polyphony), §4.3 with a fix: the reference counts notes since the
// last TimeAbsolutePos token, so a model that repeats a position (fill blocks
// do not order positions) stacks any number of notes on it. Counts are kept
// per position of the current bar or fill block; at a full position no note
// may start (nor a velocity or delta, which only lead to one), and a full
// position cannot be entered again.
class OnsetPolyphonyConstraint : public Constraint {
 public:
  OnsetPolyphonyConstraint(const Vocabulary& vocab, int limit);
  void step(int token) override;
  void apply(TokenMask disallowed) const override;

 private:
  bool full(int position) const { return counts_[static_cast<size_t>(position)] >= limit_; }

  const Vocabulary& vocab_;
  int limit_;
  std::pair<int, int> positions_;  // the TimeAbsolutePos id range, (-1, -1) when absent
  std::vector<int> counts_;        // notes per position in the current bar
  std::vector<int> touched_;       // positions with a count, to reset and to close
  int position_ = 0;
};

// At most `limit` notes per onset: an OnsetPolyphonyConstraint.
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
