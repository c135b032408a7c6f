#include "masking/limits.h"

#include <algorithm>

namespace midigpt {
namespace {

void forbid(const Vocabulary& vocab, uint8_t* d, TokenType type) {
  const auto [from, to] = vocab.range(type);
  if (from >= 0) std::fill(d + from, d + to, 1);
}

bool is_pitch(TokenType t) { return t == TokenType::NoteOnset || t == TokenType::NotePitch; }

}  // namespace

void PolyphonyConstraint::step(int token) {
  const TokenType t = vocab_.decode(token).type;
  if (t == TokenType::Bar || t == TokenType::BarEnd || t == TokenType::TimeAbsolutePos) count_ = 0;
  if (is_pitch(t)) ++count_;
}

void PolyphonyConstraint::apply(uint8_t* d) const {
  if (count_ < limit_) return;
  forbid(vocab_, d, TokenType::NoteOnset);
  forbid(vocab_, d, TokenType::NotePitch);
}

void DensityConstraint::step(int token) {
  const TokenType t = vocab_.decode(token).type;
  if (t == TokenType::Bar || t == TokenType::BarEnd) count_ = 0;
  if (is_pitch(t)) ++count_;
}

void DensityConstraint::apply(uint8_t* d) const {
  if (count_ < limit_) return;
  for (TokenType t : {TokenType::NoteOnset, TokenType::NotePitch, TokenType::VelocityLevel, TokenType::TimeAbsolutePos,
                      TokenType::DeltaDirection, TokenType::Delta})
    forbid(vocab_, d, t);
}

void AttributeValueConstraint::apply(uint8_t* d) const {
  const auto [from, to] = vocab_.range(type_);
  if (from < 0) return;
  for (int id = from; id < to; ++id)
    if (id - from != value_) d[id] = 1;
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

void BarAttributeValueConstraint::apply(uint8_t* d) const {
  if (tracks_ - 1 == track_ && bars_ - 1 == bar_) inner_.apply(d);
}

}  // namespace midigpt
