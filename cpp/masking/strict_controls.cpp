#include "masking/strict_controls.h"

#include <algorithm>

namespace midigpt {

StrictControlsConstraint::StrictControlsConstraint(const Vocabulary& vocab, std::vector<BarLimits> limits,
                                                   bool autoregressive)
    : vocab_(vocab), limits_(std::move(limits)), autoregressive_(autoregressive) {
  const auto [from, to] = vocab.range(TokenType::TimeAbsolutePos);
  // One entry per position a bar can have (position 0 when there are none).
  voices_.assign(static_cast<size_t>(std::max(1, to - from)), 0);
}

void StrictControlsConstraint::begin() {
  active_ = true;
  if (autoregressive_) return;  // the first generated Bar opens the first target
  bar_ = 0;
  open_bar();
}

const BarLimits* StrictControlsConstraint::current() const {
  if (!active_ || !in_bar_ || bar_ < 0 || limits_.empty()) return nullptr;
  const size_t k = static_cast<size_t>(bar_);
  return k < limits_.size() && limits_[k].any() ? &limits_[k] : nullptr;
}

void StrictControlsConstraint::open_bar() {
  in_bar_ = true;
  std::fill(voices_.begin(), voices_.end(), 0);
  position_ = 0;
  notes_ = notes_here_ = 0;
  duration_due_ = false;
}

void StrictControlsConstraint::step(int token) {
  if (!active_) return;
  const Token t = vocab_.decode(token);
  const int last = static_cast<int>(voices_.size()) - 1;
  switch (t.type) {
    case TokenType::Bar:
      if (autoregressive_) {
        ++bar_;
        open_bar();
      }
      break;
    case TokenType::FillInStart:
      ++bar_;
      open_bar();
      break;
    case TokenType::BarEnd:
    case TokenType::FillInEnd:
      in_bar_ = false;
      break;
    case TokenType::TimeAbsolutePos:
      position_ = std::clamp(t.value, 0, last);
      notes_here_ = 0;
      duration_due_ = false;
      break;
    case TokenType::NoteOnset:
    case TokenType::NotePitch:
      ++notes_;
      ++notes_here_;
      ++voices_[static_cast<size_t>(position_)];
      duration_due_ = true;  // a drum hit never gets one; then it sounds at its onset only
      break;
    case TokenType::NoteDuration: {
      // Value v lasts v + 1 ticks: it sounds at the ticks after its onset too.
      const int end = std::min<long>(last + 1, long(position_) + t.value + 1);
      for (int tick = position_ + 1; tick < end; ++tick) ++voices_[static_cast<size_t>(tick)];
      duration_due_ = false;
      break;
    }
    default:
      break;
  }
}

int StrictControlsConstraint::sounding(int tick) const { return voices_[static_cast<size_t>(tick)]; }

void StrictControlsConstraint::forbid(TokenMask d, std::initializer_list<TokenType> types) const {
  for (TokenType type : types) {
    const auto [from, to] = vocab_.range(type);
    if (from >= 0) d.fill(from, to, 1);
  }
}

void StrictControlsConstraint::forbid_values(TokenMask d, TokenType type, int lo, int hi) const {
  const auto [from, to] = vocab_.range(type);
  if (from < 0) return;
  const int size = to - from;
  lo = std::clamp(lo < 0 ? 0 : lo, 0, size);
  hi = std::clamp(hi < 0 ? size - 1 : hi, -1, size - 1);
  if (lo > hi) {
    d.fill(from, to, 1);
    return;
  }
  d.fill(from, from + lo, 1);
  d.fill(from + hi + 1, to, 1);
}

void StrictControlsConstraint::apply(TokenMask d) const {
  const BarLimits* limits = current();
  if (!limits) return;
  const BarLimits& l = *limits;
  static constexpr std::initializer_list<TokenType> kNoteStart = {TokenType::VelocityLevel, TokenType::NoteOnset,
                                                                 TokenType::NotePitch, TokenType::DeltaDirection,
                                                                 TokenType::Delta};
  if (l.max_notes > 0 && notes_ >= l.max_notes) {
    forbid(d, kNoteStart);
    forbid(d, {TokenType::TimeAbsolutePos});
  }
  if (l.min_pitch >= 0 || l.max_pitch >= 0) {
    forbid_values(d, TokenType::NoteOnset, l.min_pitch, l.max_pitch);
    forbid_values(d, TokenType::NotePitch, l.min_pitch, l.max_pitch);
  }
  int longest = -1;  // the longest NoteDuration value the voice limit leaves; -1 = open
  if (l.max_voices > 0) {
    if (sounding(position_) >= l.max_voices) forbid(d, kNoteStart);
    const auto [from, to] = vocab_.range(TokenType::TimeAbsolutePos);
    if (from >= 0)
      for (int tick = 0; tick < to - from; ++tick)
        if (sounding(tick) >= l.max_voices) d.fill(from + tick, from + tick + 1, 1);
    // A note at this position may last until the first tick that is full.
    for (int tick = position_ + 1; tick < static_cast<int>(voices_.size()); ++tick)
      if (sounding(tick) >= l.max_voices) {
        longest = tick - position_ - 1;
        break;
      }
  }
  if (l.min_duration >= 0 && l.room >= 0) {
    // The shortest allowed note must end before the piece does.
    const int shortest = l.min_duration + 1;
    if (l.room - position_ < shortest) forbid(d, kNoteStart);
    const auto [from, to] = vocab_.range(TokenType::TimeAbsolutePos);
    if (from >= 0)
      for (int tick = std::max(0, l.room - shortest + 1); tick < to - from; ++tick) d.fill(from + tick, from + tick + 1, 1);
    const int fits = l.room - position_ - 1;  // the longest value that ends by then
    longest = longest < 0 ? fits : std::min(longest, fits);
  }
  if (l.min_duration >= 0 || l.max_duration >= 0 || longest >= 0) {
    int hi = l.max_duration;
    if (longest >= 0) hi = hi < 0 ? longest : std::min(hi, longest);
    forbid_values(d, TokenType::NoteDuration, l.min_duration, hi);
  }
  // Best effort: stay at a position (add a note there) until enough sound.
  if (l.min_voices > 0 && notes_here_ > 0 && !duration_due_ && sounding(position_) < l.min_voices)
    forbid(d, {TokenType::TimeAbsolutePos, TokenType::BarEnd, TokenType::FillInEnd});
}

}  // namespace midigpt
