// The token grammar (generation.md §4.2): which token types may follow the
// last one, bar counts for autoregressive steps, strictly increasing
// positions inside a bar, and at least one note per generated bar.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <utility>

#include "masking/constraint.h"
#include "tokenizer/vocabulary.h"

namespace midigpt {

class GrammarConstraint : public Constraint {
 public:
  explicit GrammarConstraint(const Vocabulary& vocab);

  void set_max_tracks(int n) { max_tracks_ = n; }
  void set_exact_bars(int n) { exact_bars_ = n; }
  void set_autoregressive(bool ar) { ar_ = ar; }
  void set_require_notes(bool r) { require_notes_ = r; }

  void step(int token) override;
  void apply(TokenMask disallowed) const override;
  void set_fillin_drum(bool drum) override { drum_ = drum; }

 private:
  void allow(TokenMask disallowed, std::initializer_list<TokenType> types) const;
  void allow_note(TokenMask disallowed) const;
  void allow_bars_or_end(TokenMask disallowed) const;
  void allow_end(TokenMask disallowed, bool condition) const;
  void allow_everything(TokenMask disallowed) const;
  bool has_notes_ok() const { return !require_notes_ || has_notes_; }

  const Vocabulary& vocab_;
  std::array<std::pair<int, int>, 128> ranges_{};  // id range per token type, (-1,-1) when absent
  int resolution_;

  TokenType state_ = TokenType::PieceStart;
  int track_count_ = 0;
  int bar_count_ = 0;
  int max_tracks_ = -1;
  int exact_bars_ = -1;
  int timestep_ = -1;
  int64_t bar_ticks_ = 0;  // the current bar's length (core/bar_length.h); set at Bar
  bool drum_ = false;
  bool in_bar_ = false;
  bool in_infill_ = false;
  bool has_notes_ = false;
  bool require_notes_ = true;
  bool ar_ = false;
};

}  // namespace midigpt
