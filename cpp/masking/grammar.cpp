#include "masking/grammar.h"

#include "core/bar_length.h"

#include <algorithm>

namespace midigpt {
GrammarConstraint::GrammarConstraint(const Vocabulary& vocab) : vocab_(vocab), resolution_(vocab.config().resolution) {
  for (size_t t = 0; t < ranges_.size(); ++t) ranges_[t] = vocab.range(static_cast<TokenType>(t));
}

void GrammarConstraint::step(int token) {
  const Token t = vocab_.decode(token);
  state_ = t.type;
  switch (t.type) {
    case TokenType::Track:
      ++track_count_;
      drum_ = t.value == 1;
      bar_count_ = 0;
      break;
    case TokenType::Bar:
      ++bar_count_;
      in_bar_ = true;
      timestep_ = -1;
      bar_ticks_ = signature_bar_ticks(4, 4, resolution_);
      has_notes_ = false;
      break;
    case TokenType::TimeSig: {
      const auto& list = vocab_.config().time_signatures;
      if (list && t.value < static_cast<int>(list->list().size())) {
        const auto [n, d] = list->decode(t.value);
        // The exact length (the reference takes whole quarters: 7/8 -> 3).
        bar_ticks_ = signature_bar_ticks(n, d, resolution_);
      }
      break;
    }
    case TokenType::BarEnd:
      in_bar_ = false;
      break;
    case TokenType::TimeAbsolutePos:
      timestep_ = t.value;
      break;
    case TokenType::FillInStart:
      in_infill_ = true;
      has_notes_ = false;
      timestep_ = -1;
      break;
    case TokenType::FillInEnd:
      in_infill_ = false;
      break;
    case TokenType::NoteOnset:
    case TokenType::NotePitch:
      has_notes_ = true;
      break;
    default:
      break;
  }
}

void GrammarConstraint::allow(TokenMask disallowed, std::initializer_list<TokenType> types) const {
  for (TokenType type : types) {
    const auto [from, to] = ranges_[static_cast<size_t>(type)];
    if (from >= 0) disallowed.fill(from, to, 0);
  }
}

void GrammarConstraint::allow_note(TokenMask d) const {
  allow(d, {TokenType::VelocityLevel, TokenType::NoteOnset, TokenType::NotePitch, TokenType::DeltaDirection, TokenType::Delta});
}

// BARS? of the spec.
void GrammarConstraint::allow_bars_or_end(TokenMask d) const {
  if (exact_bars_ < 0) {
    allow(d, {TokenType::Bar, TokenType::TrackEnd});
  } else if (bar_count_ < exact_bars_) {
    allow(d, {TokenType::Bar});
  } else {
    allow(d, {TokenType::TrackEnd});
  }
}

// END(c) of the spec: BarEnd outside fill-in blocks, FillInEnd inside.
void GrammarConstraint::allow_end(TokenMask d, bool condition) const {
  if (condition) allow(d, {in_infill_ ? TokenType::FillInEnd : TokenType::BarEnd});
}

void GrammarConstraint::allow_everything(TokenMask d) const { d.fill(0, vocab_.size(), 0); }

void GrammarConstraint::apply(TokenMask d) const {
  d.fill(0, vocab_.size(), 1);
  const auto bar_body = [&](bool time_signature_allowed) {
    if (time_signature_allowed) allow(d, {TokenType::TimeSig});
    allow(d, {TokenType::Tension, TokenType::PitchClassSet, TokenType::MaskBar, TokenType::TimeAbsolutePos});
    allow_note(d);
    if (has_notes_ok()) allow(d, {TokenType::BarEnd});
  };
  switch (state_) {
    case TokenType::PieceStart:
      allow(d, {TokenType::NumBars, TokenType::Track});
      break;
    case TokenType::NumBars:
      allow(d, {TokenType::Track});
      break;
    case TokenType::Track:
      allow(d, {TokenType::Instrument});
      allow_bars_or_end(d);
      break;
    case TokenType::Instrument:
    case TokenType::NoteDensity:
    case TokenType::MinPolyphony:
    case TokenType::MaxPolyphony:
    case TokenType::MinNoteDuration:
    case TokenType::MaxNoteDuration:
    case TokenType::OnsetPolyphony:
    case TokenType::PitchRange:
      allow(d, {TokenType::NoteDensity, TokenType::MinPolyphony, TokenType::MaxPolyphony, TokenType::MinNoteDuration,
                TokenType::MaxNoteDuration, TokenType::OnsetPolyphony, TokenType::PitchRange});
      allow_bars_or_end(d);
      break;
    case TokenType::Bar:
      bar_body(true);
      allow(d, {TokenType::FillInPlaceholder});
      break;
    case TokenType::TimeSig:
      bar_body(false);
      allow(d, {TokenType::FillInPlaceholder});
      break;
    case TokenType::Tension:
    case TokenType::PitchClassSet:
      bar_body(false);
      break;
    case TokenType::MaskBar:
    case TokenType::FillInPlaceholder:
      allow(d, {TokenType::BarEnd});
      break;
    case TokenType::BarEnd:
      allow(d, {TokenType::FillInStart});
      if (exact_bars_ < 0) {
        allow(d, {TokenType::TrackEnd, TokenType::PieceEnd, TokenType::Bar});
      } else if (bar_count_ < exact_bars_) {
        allow(d, {TokenType::Bar});
      } else {
        allow(d, {TokenType::TrackEnd, TokenType::PieceEnd});
      }
      break;
    case TokenType::TimeAbsolutePos:
      allow_note(d);
      allow_end(d, has_notes_ok());
      break;
    case TokenType::VelocityLevel:
      allow(d, {TokenType::NoteOnset, TokenType::NotePitch, TokenType::Delta});
      break;
    case TokenType::DeltaDirection:
      allow(d, {TokenType::Delta});
      break;
    case TokenType::Delta:
      allow(d, {TokenType::Delta, TokenType::DeltaDirection, TokenType::NoteOnset, TokenType::NotePitch});
      if (in_infill_ && has_notes_ok()) allow(d, {TokenType::FillInEnd});
      break;
    case TokenType::NoteOnset:
    case TokenType::NotePitch:
      if (drum_) {
        allow_note(d);
        allow(d, {TokenType::TimeAbsolutePos});
        allow_end(d, true);
      } else {
        allow(d, {TokenType::NoteDuration});
      }
      break;
    case TokenType::NoteDuration:
      allow_note(d);
      allow(d, {TokenType::TimeAbsolutePos});
      allow_end(d, true);
      break;
    case TokenType::TrackEnd:
      allow(d, {TokenType::PieceEnd});
      if (max_tracks_ < 0 || track_count_ < max_tracks_) allow(d, {TokenType::Track});
      break;
    case TokenType::FillInStart:
      allow(d, {TokenType::TimeAbsolutePos});
      allow_note(d);
      break;
    case TokenType::FillInEnd:
      allow(d, {TokenType::BarEnd, TokenType::FillInStart, TokenType::PieceEnd});
      break;
    default:
      allow_everything(d);
      break;
  }
  // Positions strictly increase inside a bar and stay below its length:
  // position p is forbidden when p <= timestep_ or p >= limit.
  const auto [pos_from, pos_to] = ranges_[static_cast<size_t>(TokenType::TimeAbsolutePos)];
  if (in_bar_ && pos_from >= 0) {
    const int positions = pos_to - pos_from;
    const int first_legal = std::clamp(timestep_ + 1, 0, positions);
    const int end_legal = static_cast<int>(std::clamp<int64_t>(bar_ticks_, first_legal, positions));
    d.fill(pos_from, pos_from + first_legal, 1);
    d.fill(pos_from + end_legal, pos_to, 1);
  }
  if (ar_)
    for (TokenType t : {TokenType::FillInStart, TokenType::FillInEnd, TokenType::FillInPlaceholder}) {
      const auto [from, to] = ranges_[static_cast<size_t>(t)];
      if (from >= 0) d.fill(from, to, 1);
    }
}

}  // namespace midigpt
