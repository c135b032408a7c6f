// Strict controls (docs/controls.md): the constraint on hand-made token
// streams, the levels-to-limits conversion, and a dead end that relaxes.
#include <doctest/doctest.h>

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "generation/strict_limits.h"
#include "masking/constraint.h"
#include "masking/grammar.h"
#include "masking/strict_controls.h"
#include "parity_configs.h"
#include "tokenizer/tokenizer.h"

using namespace midigpt;

namespace {

struct Fixture {
  Tokenizer tok{EncoderConfig::from_json(read_config("yellow_encoder"))};
  const Vocabulary& v = tok.vocab();
  std::vector<uint8_t> disallowed = std::vector<uint8_t>(v.size());

  void play(Constraint& c, std::initializer_list<std::pair<TokenType, int>> tokens) {
    for (const auto& [type, value] : tokens) c.step(v.encode(type, value));
  }
  bool forbidden(const Constraint& c, TokenType type, int value) {
    std::fill(disallowed.begin(), disallowed.end(), 0);
    c.apply(TokenMask(disallowed.data(), v.size()));
    return disallowed[v.encode(type, value)] == 1;
  }
  // The allowed values of `type` as [first, last], or {-1, -1} when none.
  std::pair<int, int> allowed_values(const Constraint& c, TokenType type) {
    std::fill(disallowed.begin(), disallowed.end(), 0);
    c.apply(TokenMask(disallowed.data(), v.size()));
    const auto [from, to] = v.range(type);
    int first = -1, last = -1;
    for (int id = from; id < to; ++id)
      if (!disallowed[id]) {
        if (first < 0) first = id - from;
        last = id - from;
      }
    return {first, last};
  }
};

BarLimits voices(int n) {
  BarLimits l;
  l.max_voices = n;
  return l;
}

}  // namespace

TEST_CASE("strict controls: at most N notes of the bar sound at any tick") {
  Fixture f;
  StrictControlsConstraint c(f.v, {voices(2)}, false);
  c.begin();  // an infill prompt ends with the first block's FillInStart
  f.play(c, {{TokenType::TimeAbsolutePos, 0}, {TokenType::NoteOnset, 60}, {TokenType::NoteDuration, 23}});  // ticks 0..23
  f.play(c, {{TokenType::TimeAbsolutePos, 12}, {TokenType::NoteOnset, 64}});
  CHECK(f.forbidden(c, TokenType::NoteOnset, 67));  // two sound at 12 already
  CHECK(f.forbidden(c, TokenType::VelocityLevel, 10));
  f.play(c, {{TokenType::NoteDuration, 5}});  // 12..17
  CHECK(f.forbidden(c, TokenType::TimeAbsolutePos, 15));
  CHECK(f.forbidden(c, TokenType::TimeAbsolutePos, 17));
  CHECK_FALSE(f.forbidden(c, TokenType::TimeAbsolutePos, 18));  // only the first note sounds there
  // Fill blocks may go back in time: a note at 8 may last until tick 11 only.
  f.play(c, {{TokenType::TimeAbsolutePos, 8}, {TokenType::NoteOnset, 55}});
  CHECK(f.allowed_values(c, TokenType::NoteDuration) == std::pair{0, 3});
}

TEST_CASE("strict controls: pitch range, duration range and notes per bar") {
  Fixture f;
  BarLimits l;
  l.min_pitch = 28;
  l.max_pitch = 55;
  l.min_duration = 11;
  l.max_duration = 22;
  l.max_notes = 2;
  StrictControlsConstraint c(f.v, {l}, false);
  c.begin();
  CHECK(f.allowed_values(c, TokenType::NoteOnset) == std::pair{28, 55});
  f.play(c, {{TokenType::TimeAbsolutePos, 0}, {TokenType::NoteOnset, 40}});
  CHECK(f.allowed_values(c, TokenType::NoteDuration) == std::pair{11, 22});
  f.play(c, {{TokenType::NoteDuration, 11}, {TokenType::TimeAbsolutePos, 12}, {TokenType::NoteOnset, 43}, {TokenType::NoteDuration, 11}});
  CHECK(f.forbidden(c, TokenType::NoteOnset, 40));        // the bar is full
  CHECK(f.forbidden(c, TokenType::TimeAbsolutePos, 30));  // so is every way into a note
  CHECK_FALSE(f.forbidden(c, TokenType::FillInEnd, 0));
}

TEST_CASE("strict controls: each generated bar gets its own limits; the prompt and context bars none") {
  Fixture f;
  BarLimits low;
  low.max_pitch = 50;
  SUBCASE("infill: the k-th fill block") {
    StrictControlsConstraint c(f.v, {BarLimits{}, low}, false);
    f.play(c, {{TokenType::Bar, 0}, {TokenType::NoteOnset, 90}});  // prompt tokens: ignored
    c.begin();
    CHECK_FALSE(f.forbidden(c, TokenType::NoteOnset, 90));
    f.play(c, {{TokenType::NoteOnset, 90}, {TokenType::NoteDuration, 3}, {TokenType::FillInEnd, 0}, {TokenType::FillInStart, 0}});
    CHECK(f.forbidden(c, TokenType::NoteOnset, 90));
    CHECK_FALSE(f.forbidden(c, TokenType::NoteOnset, 50));
  }
  SUBCASE("autoregressive: every bar it opens, not the context bar it ends") {
    StrictControlsConstraint c(f.v, {low, low}, true);
    c.begin();
    CHECK_FALSE(f.forbidden(c, TokenType::NoteOnset, 90));  // still in the last context bar (B6)
    f.play(c, {{TokenType::BarEnd, 0}, {TokenType::Bar, 0}});
    CHECK(f.forbidden(c, TokenType::NoteOnset, 90));
    f.play(c, {{TokenType::BarEnd, 0}, {TokenType::Bar, 0}});
    CHECK(f.forbidden(c, TokenType::NoteOnset, 90));
    f.play(c, {{TokenType::BarEnd, 0}, {TokenType::Bar, 0}});  // past the step's targets: nothing
    CHECK_FALSE(f.forbidden(c, TokenType::NoteOnset, 90));
  }
}

TEST_CASE("strict controls: with a minimum duration, a note must end before the piece does") {
  // The finished score cuts notes at the end of the piece, which would take
  // them below the minimum (seen on 5 of 240 bars of the adherence run).
  Fixture f;
  BarLimits l;
  l.min_duration = 11;  // 12 ticks at least
  l.room = 20;          // the piece ends 20 ticks into this bar
  StrictControlsConstraint c(f.v, {l}, false);
  c.begin();
  CHECK_FALSE(f.forbidden(c, TokenType::TimeAbsolutePos, 8));
  CHECK(f.forbidden(c, TokenType::TimeAbsolutePos, 9));  // 11 ticks left: no allowed note fits
  f.play(c, {{TokenType::TimeAbsolutePos, 0}, {TokenType::NoteOnset, 60}});
  CHECK(f.allowed_values(c, TokenType::NoteDuration) == std::pair{11, 19});
  f.play(c, {{TokenType::NoteDuration, 11}, {TokenType::TimeAbsolutePos, 8}, {TokenType::NoteOnset, 62}});
  CHECK(f.allowed_values(c, TokenType::NoteDuration) == std::pair{11, 11});
}

TEST_CASE("strict controls: best effort minimum polyphony keeps a position open") {
  Fixture f;
  BarLimits l;
  l.min_voices = 2;
  StrictControlsConstraint c(f.v, {l}, false);
  c.begin();
  f.play(c, {{TokenType::TimeAbsolutePos, 0}, {TokenType::NoteOnset, 60}, {TokenType::NoteDuration, 5}});
  CHECK(f.forbidden(c, TokenType::TimeAbsolutePos, 6));
  CHECK(f.forbidden(c, TokenType::FillInEnd, 0));
  f.play(c, {{TokenType::NoteOnset, 64}, {TokenType::NoteDuration, 5}});
  CHECK_FALSE(f.forbidden(c, TokenType::TimeAbsolutePos, 6));
}

TEST_CASE("strict controls: levels become limits as the analyzers measure them") {
  Fixture f;
  Track melodic;
  StrictControls asked;
  asked.max_polyphony = 0;      // 1 voice
  asked.min_note_duration = 3;  // quarter ...
  asked.max_note_duration = 3;  // ... only: 12..23 ticks at 12 per quarter
  asked.min_pitch = 28;
  asked.max_pitch = 55;
  BarLimits l = bar_limits(asked, f.v, 12, melodic);
  CHECK(l.max_voices == 1);
  CHECK(l.min_duration == 11);
  CHECK(l.max_duration == 22);
  CHECK(l.min_pitch == 28);
  CHECK(l.max_pitch == 55);
  asked = {};
  asked.max_polyphony = 9;  // "10+ voices" bounds nothing
  CHECK_FALSE(bar_limits(asked, f.v, 12, melodic).any());
  Track drums;
  drums.type = TrackType::Drum;
  asked = {};
  asked.note_density = 0;
  asked.max_polyphony = 0;  // not a drum attribute
  l = bar_limits(asked, f.v, 12, drums);
  CHECK(l.max_notes >= 1);
  CHECK(l.max_voices == 0);
  asked.note_density = 9;  // the densest level bounds nothing
  CHECK_FALSE(bar_limits(asked, f.v, 12, drums).any());
}

TEST_CASE("strict controls: a dead end relaxes the controls and is reported, never an empty mask") {
  Fixture f;
  BarLimits none;  // an empty pitch range: no note can be written
  none.min_pitch = 60;
  none.max_pitch = 59;
  ConstraintGraph graph(f.v.size());
  graph.add(std::make_unique<GrammarConstraint>(f.v));
  auto strict = std::make_unique<StrictControlsConstraint>(f.v, std::vector{none}, true);
  StrictControlsConstraint* raw = strict.get();
  graph.add(std::move(strict));
  raw->begin();
  for (auto [type, value] : {std::pair{TokenType::Track, 0}, {TokenType::Instrument, 0}, {TokenType::Bar, 0},
                             {TokenType::TimeSig, 13}, {TokenType::TimeAbsolutePos, 0}, {TokenType::VelocityLevel, 20}})
    graph.step(f.v.encode(type, value));
  std::vector<uint8_t> allowed(f.v.size());
  CHECK(graph.mask(allowed.data()) == MaskStatus::Relaxed);
  CHECK(allowed[f.v.encode(TokenType::NoteOnset, 60)] == 1);
}
