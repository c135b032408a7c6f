#include "masking/limits.h"

#include <algorithm>

namespace midigpt {
namespace {

void forbid(const Vocabulary& vocab, TokenMask d, TokenType type) {
  const auto [from, to] = vocab.range(type);
  if (from >= 0) d.fill(from, to, 1);
}

bool is_pitch(TokenType t) { return t == TokenType::NoteOnset || t == TokenType::NotePitch; }

}  // namespace

void NoteCountConstraint::step(int token) {
  const TokenType t = vocab_.decode(token).type;
  if (std::find(resets_.begin(), resets_.end(), t) != resets_.end()) count_ = 0;
  if (is_pitch(t)) ++count_;
}

void NoteCountConstraint::apply(TokenMask d) const {
  if (count_ < limit_) return;
  for (TokenType t : forbids_) forbid(vocab_, d, t);
}

OnsetPolyphonyConstraint::OnsetPolyphonyConstraint(const Vocabulary& vocab, int limit)
    : vocab_(vocab), limit_(limit), positions_(vocab.range(TokenType::TimeAbsolutePos)) {
  // Position 0 is where notes before any TimeAbsolutePos start.
  counts_.assign(static_cast<size_t>(std::max(1, positions_.second - positions_.first)), 0);
  touched_.reserve(counts_.size());
}

void OnsetPolyphonyConstraint::step(int token) {
  const Token t = vocab_.decode(token);
  switch (t.type) {
    case TokenType::Track:
    case TokenType::Bar:
    case TokenType::BarEnd:
    case TokenType::FillInStart:  // each fill block is another bar
    case TokenType::FillInEnd:
      for (int p : touched_) counts_[static_cast<size_t>(p)] = 0;
      touched_.clear();
      position_ = 0;
      break;
    case TokenType::TimeAbsolutePos:
      position_ = std::clamp(t.value, 0, static_cast<int>(counts_.size()) - 1);
      break;
    case TokenType::NoteOnset:
    case TokenType::NotePitch:
      if (counts_[static_cast<size_t>(position_)]++ == 0) touched_.push_back(position_);
      break;
    default:
      break;
  }
}

void OnsetPolyphonyConstraint::apply(TokenMask d) const {
  if (full(position_))
    for (TokenType t : {TokenType::NoteOnset, TokenType::NotePitch, TokenType::VelocityLevel, TokenType::DeltaDirection,
                        TokenType::Delta})
      forbid(vocab_, d, t);
  if (positions_.first < 0) return;
  for (int p : touched_)
    if (full(p)) d.fill(positions_.first + p, positions_.first + p + 1, 1);
}

std::unique_ptr<Constraint> polyphony_limit(const Vocabulary& vocab, int limit) {
  return std::make_unique<OnsetPolyphonyConstraint>(vocab, limit);
}

// Forbids every way into another note, so the bar (or block) must end.
std::unique_ptr<Constraint> density_limit(const Vocabulary& vocab, int limit) {
  return std::make_unique<NoteCountConstraint>(
      vocab, limit, std::vector{TokenType::Bar, TokenType::BarEnd},
      std::vector{TokenType::NoteOnset, TokenType::NotePitch, TokenType::VelocityLevel, TokenType::TimeAbsolutePos,
                  TokenType::DeltaDirection, TokenType::Delta});
}

void AttributeValueConstraint::apply(TokenMask d) const {
  const auto [from, to] = vocab_.range(type_);
  if (from < 0) return;
  // Every id but the allowed value's (all of them when the value is outside
  // the domain). The allowed id is left as it is: other constraints may forbid it.
  if (value_ < 0 || value_ >= to - from) {
    d.fill(from, to, 1);
    return;
  }
  d.fill(from, from + value_, 1);
  d.fill(from + value_ + 1, to, 1);
}

void BarAttributeValueConstraint::step(int token) {
  const TokenType t = vocab_.decode(token).type;
  if (t == TokenType::Track) {
    ++tracks_;
    bars_ = 0;
  } else if (t == TokenType::Bar) {
    ++bars_;
  }
}

void BarAttributeValueConstraint::apply(TokenMask d) const {
  if (tracks_ - 1 == track_ && bars_ - 1 == bar_) inner_.apply(d);
}

}  // namespace midigpt
