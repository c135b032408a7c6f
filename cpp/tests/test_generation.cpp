#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "parity_configs.h"
#include "generation/session_state.h"
#include "generation/step_fixes.h"
#include "generation/step_planner.h"
#include "masking/grammar.h"
#include "masking/limits.h"
#include "tokenizer/tokenizer.h"

using namespace midigpt;

static SelectionMask one_track(int bars, std::vector<int> selected, bool ar) {
  SelectionMask m;
  m.selected.assign(1, std::vector<bool>(bars, false));
  for (int b : selected) m.selected[0][b] = true;
  m.autoregressive = {ar};
  m.ignore = {false};
  return m;
}

// (start, end, targets) of each step, for compact comparisons.
static std::vector<std::tuple<int, int, std::vector<int>>> summary(const std::vector<GenerationStep>& steps) {
  std::vector<std::tuple<int, int, std::vector<int>>> out;
  for (const auto& s : steps) {
    std::vector<int> bars;
    for (const auto& [t, b] : s.bars_to_generate) bars.push_back(b);
    out.emplace_back(s.start_bar, s.end_bar, bars);
  }
  return out;
}

using Plan = std::vector<std::tuple<int, int, std::vector<int>>>;

TEST_CASE("planner: the examples of generation.md §2.3") {
  CHECK(summary(plan_steps(one_track(8, {0, 1, 2, 3, 4, 5, 6, 7}, true), 4, 1, 1)) ==
        Plan{{0, 4, {0, 1, 2, 3}}, {1, 5, {4}}, {2, 6, {5}}, {3, 7, {6}}, {4, 8, {7}}});
  CHECK(summary(plan_steps(one_track(8, {4, 5, 6, 7}, true), 4, 1, 1)) == Plan{{1, 5, {4}}, {2, 6, {5}}, {3, 7, {6}}, {4, 8, {7}}});
  CHECK(summary(plan_steps(one_track(8, {4, 5, 6, 7}, true), 4, 2, 1)) == Plan{{2, 6, {4, 5}}, {4, 8, {6, 7}}});
  CHECK(summary(plan_steps(one_track(4, {0, 1, 2, 3}, true), 2, 1, 1)) == Plan{{0, 2, {0, 1}}, {1, 3, {2}}, {2, 4, {3}}});
  CHECK(summary(plan_steps(one_track(8, {4, 5, 6, 7}, false), 4, 1, 1)) == Plan{{3, 7, {4}}, {4, 8, {5}}, {4, 8, {6}}, {4, 8, {7}}});
  CHECK(plan_steps(SelectionMask{}, 4, 1, 1).empty());
  CHECK_THROWS_AS(plan_steps(one_track(8, {1}, false), 0, 1, 1), RangeError);
}

TEST_CASE("planner: a model_dim below 1 is refused before anything is clamped to it") {
  // std::clamp(x, 1, model_dim) with model_dim < 1 is undefined (the
  // library asserts hi >= lo); the check has to come first.
  CHECK_THROWS_WITH_AS(plan_steps(one_track(8, {1}, false), 0, 0, 1), "model_dim must be at least 1, got 0", RangeError);
  CHECK_THROWS_AS(plan_steps(one_track(8, {1}, true), -3, 2, 1), RangeError);
}

TEST_CASE("split_autoregressive_steps gives every AR track its own step") {
  SelectionMask m;
  m.selected.assign(2, std::vector<bool>(4, true));
  m.autoregressive = {true, true};
  m.ignore = {false, false};
  auto steps = plan_steps(m, 4, 4, 2);
  REQUIRE(steps.size() == 1);
  REQUIRE(steps[0].bars_to_generate.size() == 8);
  auto split = split_autoregressive_steps(steps);
  REQUIRE(split.size() == 2);
  CHECK(split[0].bars_to_generate.begin()->first == 0);
  CHECK(split[0].bars_to_generate.size() == 4);
  CHECK(split[1].bars_to_generate.begin()->first == 1);
  CHECK_FALSE(split[0].context[1][0]);  // track 1's bars are not shown while track 0 is written
}

TEST_CASE("rekey_bar_attributes moves bar keys into the window") {
  Score s;
  s.tracks.emplace_back();
  s.tracks[0].attributes = {{"bar_BarLevelOnsetDensity_3", 7}, {"bar_BarLevelOnsetDensity_1", 2}, {"min_polyphony", 1},
                            {"bar_PitchClassSet_12", 4}};
  rekey_bar_attributes(s, 2);
  CHECK(s.tracks[0].attributes ==
        std::map<std::string, int>{{"bar_BarLevelOnsetDensity_1", 7}, {"bar_PitchClassSet_10", 4}, {"min_polyphony", 1}});
}

TEST_CASE("write_generated_bars replaces only the generated bars, at the caller's resolution") {
  Score s;
  s.resolution = 480;
  s.tracks.emplace_back();
  s.tracks[0].bars.resize(3);
  s.tracks[0].bars[0].notes = {{60, 90, 17, 301, 0}};  // off the 12-tick grid: must stay as it is
  s.tracks[0].bars[2].notes = {{62, 90, 0, 480, 0}};
  Bar generated;
  generated.notes = {{64, 80, 6, 12, 0}};
  write_generated_bars(s, {{0, 1, generated}}, 12, false);
  CHECK(s.tracks[0].bars[0].notes == std::vector<Note>{{60, 90, 17, 301, 0}});
  CHECK(s.tracks[0].bars[1].notes == std::vector<Note>{{64, 80, 240, 480, 0}});
  CHECK(s.tracks[0].bars[2].notes.size() == 1);
  CHECK_THROWS_AS(write_generated_bars(s, {{0, 3, generated}}, 12, false), RangeError);
}

// A yellow score at resolution 12: one track, 4 bars, notes at 0 and 24 (generation.md §3.3).
static Score two_notes_per_bar(int tracks = 1) {
  Score s;
  s.resolution = 12;
  for (int t = 0; t < tracks; ++t) {
    Track track;
    track.type = t == 1 ? TrackType::Drum : TrackType::Melodic;
    for (int b = 0; b < 4; ++b) {
      Bar bar;
      bar.notes = {{60 + b, 80, 0, 12, 0}, {60 + b, 80, 24, 12, 0}};
      track.bars.push_back(bar);
    }
    s.tracks.push_back(track);
  }
  return s;
}

static GenerationStep step_for(const Score& s, std::set<std::pair<int, int>> targets, bool ar) {
  GenerationStep step;
  step.start_bar = 0;
  step.end_bar = 4;
  step.is_autoregressive = ar;
  step.bars_to_generate = targets;
  step.context.assign(s.tracks.size(), std::vector<bool>(4, true));
  for (const auto& [t, b] : targets) step.context[t][b] = false;
  return step;
}

static std::vector<TokenType> legal_types(const SessionState& state, const Vocabulary& vocab) {
  std::vector<uint8_t> allowed(vocab.size());
  state.mask(allowed.data());
  std::vector<TokenType> types;
  for (int id = 0; id < vocab.size(); ++id)
    if (allowed[id] && (types.empty() || types.back() != vocab.decode(id).type)) types.push_back(vocab.decode(id).type);
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  return types;
}

TEST_CASE("AR prompt ends inside the last context bar (generation.md §3.3 example)") {
  Tokenizer tok(EncoderConfig::from_json(read_config("yellow_encoder")));
  const Score s = two_notes_per_bar();
  StepConstraints c;
  c.max_tracks = 1;
  SessionState state(s, step_for(s, {{0, 2}, {0, 3}}, true), tok.vocab(), tok.encoder(), tok.decoder(), {}, c);
  const std::vector<int> expected = {0,   152, 2,   43,  5, 20, 590, 214, 293, 402, 214, 293,
                                     6,   5,   20,  590, 215, 293, 402, 215, 293};
  CHECK(state.prompt() == expected);
  auto types = legal_types(state, tok.vocab());
  std::vector<TokenType> want = {TokenType::NoteOnset, TokenType::TimeAbsolutePos, TokenType::BarEnd, TokenType::VelocityLevel};
  std::sort(want.begin(), want.end());
  CHECK(types == want);
}

TEST_CASE("infill: fill blocks follow each target's drum flag, and complete after the last FillInEnd") {
  Tokenizer tok(EncoderConfig::from_json(read_config("yellow_encoder")));
  const Score s = two_notes_per_bar(2);
  StepConstraints c;
  c.max_tracks = 2;
  SessionState state(s, step_for(s, {{0, 2}, {1, 1}}, false), tok.vocab(), tok.encoder(), tok.decoder(), {}, c);
  const auto& v = tok.vocab();
  CHECK(state.prompt().back() == v.encode(TokenType::FillInStart, 0));
  for (int token : {v.encode(TokenType::NoteOnset, 70), v.encode(TokenType::NoteDuration, 3), v.encode(TokenType::FillInEnd, 0)})
    state.advance(token);
  CHECK_FALSE(state.complete());
  for (int token : {v.encode(TokenType::FillInStart, 0), v.encode(TokenType::TimeAbsolutePos, 12), v.encode(TokenType::NoteOnset, 36)})
    state.advance(token);
  auto types = legal_types(state, v);  // drum rules in block 2: no NoteDuration
  std::vector<TokenType> want = {TokenType::NoteOnset, TokenType::TimeAbsolutePos, TokenType::VelocityLevel, TokenType::FillInEnd};
  std::sort(want.begin(), want.end());
  CHECK(types == want);
  state.advance(v.encode(TokenType::FillInEnd, 0));
  CHECK(state.complete());
  const auto bars = state.generated_bars();
  REQUIRE(bars.size() == 2);
  CHECK(bars[0].track == 0);
  CHECK(bars[0].bar == 2);
  // Without a VelocityLevel in the block, the track's last level (80) carries on.
  CHECK(bars[0].content.notes == std::vector<Note>{{70, 80, 0, 4, 0}});
  CHECK(bars[1].content.notes == std::vector<Note>{{36, 80, 12, 1, 0}});
}

TEST_CASE("omitted tracks are not in the prompt and come back unchanged") {
  Tokenizer tok(EncoderConfig::from_json(read_config("yellow_encoder")));
  const Score s = two_notes_per_bar(2);
  SessionOptions options;
  options.omitted_tracks = {false, true};
  StepConstraints c;
  c.max_tracks = 1;
  SessionState state(s, step_for(s, {{0, 1}}, false), tok.vocab(), tok.encoder(), tok.decoder(), options, c);
  const auto& prompt = state.prompt();
  CHECK(std::count(prompt.begin(), prompt.end(), tok.vocab().encode(TokenType::Track, 0)) == 1);
  CHECK(std::count(prompt.begin(), prompt.end(), tok.vocab().encode(TokenType::Track, 1)) == 0);
  const auto& v = tok.vocab();
  for (int token : {v.encode(TokenType::NoteOnset, 70), v.encode(TokenType::NoteDuration, 3), v.encode(TokenType::FillInEnd, 0)})
    state.advance(token);
  Score result = state.result();
  REQUIRE(result.tracks.size() == 2);
  CHECK(result.tracks[1].bars == s.tracks[1].bars);
  SessionOptions bad;
  bad.omitted_tracks = {true, false};
  CHECK_THROWS_AS(SessionState(s, step_for(s, {{0, 1}}, false), v, tok.encoder(), tok.decoder(), bad, c), RangeError);
}

TEST_CASE("a dead end relaxes the limits first and is reported") {
  Tokenizer tok(EncoderConfig::from_json(read_config("yellow_encoder")));
  const auto& v = tok.vocab();
  ConstraintGraph graph(v.size());
  graph.add(std::make_unique<GrammarConstraint>(v));
  graph.add(polyphony_limit(v, 1));
  // A melodic bar: one note at onset 0, then a velocity: only a pitch may follow,
  // which the polyphony limit forbids (generation.md §4.3).
  for (int token : {v.encode(TokenType::Track, 0), v.encode(TokenType::Instrument, 0), v.encode(TokenType::Bar, 0),
                    v.encode(TokenType::TimeSig, 13), v.encode(TokenType::NoteOnset, 60), v.encode(TokenType::NoteDuration, 3),
                    v.encode(TokenType::VelocityLevel, 20)})
    graph.step(token);
  std::vector<uint8_t> allowed(v.size());
  CHECK(graph.mask(allowed.data()) == MaskStatus::Relaxed);
  CHECK(allowed[v.encode(TokenType::NoteOnset, 62)] == 1);
  graph.step(v.encode(TokenType::NoteOnset, 62));
  graph.step(v.encode(TokenType::NoteDuration, 3));
  graph.step(v.encode(TokenType::BarEnd, 0));
  graph.step(v.encode(TokenType::TrackEnd, 0));
  ConstraintGraph capped(v.size());
  auto grammar = std::make_unique<GrammarConstraint>(v);
  grammar->set_max_tracks(1);
  capped.add(std::move(grammar));
  for (int token : {v.encode(TokenType::Track, 0), v.encode(TokenType::TrackEnd, 0)}) capped.step(token);
  CHECK(capped.mask(allowed.data()) == MaskStatus::NoLegalToken);
  CHECK(std::count(allowed.begin(), allowed.end(), 1) == 0);
}

TEST_CASE("polyphony limit: counted per position of the bar, so a repeated position cannot stack notes (#16 fix)") {
  Tokenizer tok(EncoderConfig::from_json(read_config("yellow_encoder")));
  const auto& v = tok.vocab();
  auto limit = polyphony_limit(v, 2);
  std::vector<uint8_t> disallowed(v.size());
  const auto forbidden = [&](TokenType type, int value) {
    std::fill(disallowed.begin(), disallowed.end(), 0);
    limit->apply(TokenMask(disallowed.data(), v.size()));
    return disallowed[v.encode(type, value)] == 1;
  };
  const auto play = [&](std::initializer_list<std::pair<TokenType, int>> tokens) {
    for (const auto& [type, value] : tokens) limit->step(v.encode(type, value));
  };
  // A fill block that returns to position 43: the reference's count starts
  // again at every TimeAbsolutePos, ours remembers the two notes already there.
  play({{TokenType::FillInStart, 0}, {TokenType::TimeAbsolutePos, 43}, {TokenType::NoteOnset, 60}, {TokenType::NoteDuration, 3}});
  CHECK_FALSE(forbidden(TokenType::NoteOnset, 64));
  play({{TokenType::NoteOnset, 64}, {TokenType::NoteDuration, 3}});
  CHECK(forbidden(TokenType::NoteOnset, 67));      // full: no third note here
  CHECK(forbidden(TokenType::VelocityLevel, 20));  // nor what only leads to one
  CHECK(forbidden(TokenType::TimeAbsolutePos, 43));
  CHECK_FALSE(forbidden(TokenType::TimeAbsolutePos, 44));
  play({{TokenType::TimeAbsolutePos, 20}, {TokenType::NoteOnset, 60}, {TokenType::NoteDuration, 3}});
  CHECK_FALSE(forbidden(TokenType::NoteOnset, 62));
  CHECK(forbidden(TokenType::TimeAbsolutePos, 43));  // still full, wherever the model is now
  play({{TokenType::TimeAbsolutePos, 43}});            // stepped anyway (a relaxed mask): no note may start
  CHECK(forbidden(TokenType::NoteOnset, 67));
  // The next block is another bar: every position is free again.
  play({{TokenType::FillInEnd, 0}, {TokenType::FillInStart, 0}, {TokenType::TimeAbsolutePos, 43}});
  CHECK_FALSE(forbidden(TokenType::NoteOnset, 67));
  CHECK_FALSE(forbidden(TokenType::TimeAbsolutePos, 43));
}

TEST_CASE("mask writes outside the vocabulary throw instead of writing past the buffer") {
  Tokenizer tok(EncoderConfig::from_json(read_config("yellow_encoder")));
  const auto& v = tok.vocab();
  std::vector<uint8_t> allowed(v.size());
  // Constraints over the whole vocabulary in a graph whose mask (its scratch
  // buffer) holds only half of it: every write past the half must be refused.
  auto half = [&](std::unique_ptr<Constraint> c) {
    ConstraintGraph graph(v.size() / 2);
    graph.add(std::move(c));
    graph.step(v.encode(TokenType::Track, 0));
    return graph.mask(allowed.data());
  };
  CHECK_THROWS_AS(half(std::make_unique<GrammarConstraint>(v)), std::out_of_range);
  CHECK_THROWS_AS(half(density_limit(v, 0)), std::out_of_range);
  CHECK_THROWS_AS(half(std::make_unique<AttributeValueConstraint>(v, TokenType::MaxNoteDuration, 0)), std::out_of_range);

  std::vector<uint8_t> flags(4, 7);
  const TokenMask mask(flags.data(), 4);
  CHECK_THROWS_AS(mask.fill(-1, 2, 1), std::out_of_range);
  CHECK_THROWS_AS(mask.fill(3, 5, 1), std::out_of_range);
  CHECK_THROWS_AS(mask.fill(3, 2, 1), std::out_of_range);
  mask.fill(4, 4, 1);  // empty ranges are fine, even at the end
  mask.fill(1, 3, 0);
  CHECK(flags == std::vector<uint8_t>{7, 0, 0, 7});
}

TEST_CASE("an attribute value constraint forbids every other value of its type only") {
  Tokenizer tok(EncoderConfig::from_json(read_config("yellow_encoder")));
  const auto& v = tok.vocab();
  std::vector<uint8_t> flags(v.size(), 0);
  AttributeValueConstraint(v, TokenType::MaxNoteDuration, 3).apply(TokenMask(flags.data(), v.size()));
  const auto [from, to] = v.range(TokenType::MaxNoteDuration);
  for (int id = 0; id < v.size(); ++id) CHECK(flags[id] == (id >= from && id < to && id != from + 3 ? 1 : 0));
  std::fill(flags.begin(), flags.end(), 0);
  AttributeValueConstraint(v, TokenType::MaxNoteDuration, to - from).apply(TokenMask(flags.data(), v.size()));
  CHECK(std::count(flags.begin(), flags.end(), 1) == to - from);  // a value outside the domain: all of them
}

TEST_CASE("grammar: a huge time signature in a config built in code does not overflow the bar length") {
  // 2^30/1 is four times 2^30 quarters: 4 * numerator overflowed an int (to
  // 0 here), which forbade every position of the bar.
  EncoderConfig config;
  config.time_signatures = TimeSignatureList({{1 << 30, 1}});
  config.token_domains = {{TokenType::Track, 2},    {TokenType::Instrument, 1},       {TokenType::Bar, 1},
                          {TokenType::TimeSig, 1},  {TokenType::TimeAbsolutePos, 100}, {TokenType::NoteOnset, 128},
                          {TokenType::BarEnd, 1}, {TokenType::TrackEnd, 1}};
  const Vocabulary v(config);
  GrammarConstraint grammar(v);
  for (int token : {v.encode(TokenType::Track, 0), v.encode(TokenType::Instrument, 0), v.encode(TokenType::Bar, 0),
                    v.encode(TokenType::TimeSig, 0)})
    grammar.step(token);
  std::vector<uint8_t> disallowed(v.size(), 0);
  grammar.apply(TokenMask(disallowed.data(), v.size()));
  const auto [from, to] = v.range(TokenType::TimeAbsolutePos);
  CHECK(std::count(disallowed.begin() + from, disallowed.begin() + to, 0) == 100);
}

TEST_CASE("grammar: a 7/8 bar offers onsets up to its last tick (bar length fix)") {
  // The reference measures the bar in whole quarters (7/8 -> 3, 36 ticks at
  // 12 per quarter), so onsets 36..41 of a 42-tick bar were never offered.
  Tokenizer tok(EncoderConfig::from_json(read_config("yellow_encoder")));
  const auto& v = tok.vocab();
  const auto offered = [&](int numerator, int denominator) {
    GrammarConstraint grammar(v);
    for (int token : {v.encode(TokenType::Track, 0), v.encode(TokenType::Instrument, 0), v.encode(TokenType::Bar, 0),
                      v.encode(TokenType::TimeSig, tok.config().time_signatures->encode(numerator, denominator))})
      grammar.step(token);
    std::vector<uint8_t> disallowed(v.size(), 0);
    grammar.apply(TokenMask(disallowed.data(), v.size()));
    const auto [from, to] = v.range(TokenType::TimeAbsolutePos);
    std::vector<int> positions;
    for (int id = from; id < to; ++id)
      if (!disallowed[id]) positions.push_back(id - from);
    return positions;
  };
  struct Case {
    int numerator, denominator, ticks;
  };
  for (const Case c : {Case{7, 8, 42}, {5, 8, 30}, {1, 8, 6}, {9, 16, 27}, {4, 4, 48}, {13, 16, 39}}) {
    CAPTURE(c.numerator);
    CAPTURE(c.denominator);
    const std::vector<int> positions = offered(c.numerator, c.denominator);
    REQUIRE(positions.size() == size_t(c.ticks));
    CHECK(positions.front() == 0);
    CHECK(positions.back() == c.ticks - 1);
  }
}

TEST_CASE("remove mode: generated bars map past removed bars") {
  Tokenizer tok(EncoderConfig::from_json(read_config("yellow_encoder")));
  const auto& v = tok.vocab();
  Score s = two_notes_per_bar();
  GenerationStep step = step_for(s, {{0, 2}}, false);
  step.context[0][1] = false;  // bar 1 is masked: left out entirely in remove mode
  SessionOptions options;
  options.remove_future_bars = true;
  StepConstraints c;
  c.max_tracks = 1;
  SessionState state(s, step, v, tok.encoder(), tok.decoder(), options, c);
  const auto& prompt = state.prompt();
  CHECK(std::count(prompt.begin(), prompt.end(), v.encode(TokenType::Bar, 0)) == 3);
  for (int token : {v.encode(TokenType::NoteOnset, 50), v.encode(TokenType::NoteDuration, 5), v.encode(TokenType::FillInEnd, 0)})
    state.advance(token);
  const auto bars = state.generated_bars();
  REQUIRE(bars.size() == 1);
  CHECK(bars[0].bar == 2);
  REQUIRE(bars[0].content.notes.size() == 1);
  CHECK(bars[0].content.notes[0].pitch == 50);
}

TEST_CASE("malformed steps are refused") {
  Tokenizer tok(EncoderConfig::from_json(read_config("yellow_encoder")));
  const Score s = two_notes_per_bar();
  auto make = [&](GenerationStep step) {
    return SessionState(s, step, tok.vocab(), tok.encoder(), tok.decoder(), {}, {});
  };
  GenerationStep step = step_for(s, {{0, 2}}, false);
  step.bars_to_generate = {{3, 2}};
  CHECK_THROWS_AS(make(step), RangeError);
  step.bars_to_generate = {{0, 7}};
  CHECK_THROWS_AS(make(step), RangeError);
  step.bars_to_generate.clear();
  CHECK_THROWS_AS(make(step), RangeError);
  step = step_for(s, {{0, 2}}, false);
  step.end_bar = 9;
  step.bars_to_generate = {{0, 6}};
  CHECK_THROWS_AS(make(step), RangeError);
}

TEST_CASE("onsets past the bar stay during a session and are dropped from the finished score") {
  Score s;
  s.resolution = 480;
  s.tracks.emplace_back();
  s.tracks[0].bars.resize(2);
  Bar generated;
  generated.notes = {{64, 80, 6, 12, 0}, {65, 80, 47, 12, 0}, {66, 80, 48, 12, 0}, {67, 80, 187, 12, 0}};
  write_generated_bars(s, {{0, 0, generated}}, 12, false);
  REQUIRE(s.tracks[0].bars[0].notes.size() == 4);  // the next prompt carries them, as the reference's does
  finish_generated_bars(s, {{0, 0}});
  REQUIRE(s.tracks[0].bars[0].notes.size() == 2);
  CHECK(s.tracks[0].bars[0].notes[1].onset_ticks == 47 * 40);
  CHECK(s.tracks[0].bars[1].notes.empty());
  CHECK_THROWS_AS(finish_generated_bars(s, {{0, 2}}), RangeError);
}

TEST_CASE("a generated note ends at the end of the piece at the latest") {
  Score s;
  s.resolution = 480;
  s.tracks.emplace_back();
  s.tracks[0].bars.resize(2);
  // In the last bar: one note rings 80 ticks past the piece's end, one ends inside it.
  s.tracks[0].bars[1].notes = {{60, 90, 1440, 560, 0}, {62, 90, 0, 480, 0}};
  // In the first bar a note may ring into the next bar, but not past the end either.
  s.tracks[0].bars[0].notes = {{64, 90, 1800, 3000, 0}};
  finish_generated_bars(s, {{0, 0}, {0, 1}});
  CHECK(s.tracks[0].bars[1].notes[0].duration_ticks == 480);
  CHECK(s.tracks[0].bars[1].notes[1].duration_ticks == 480);
  CHECK(s.tracks[0].bars[0].notes[0].duration_ticks == 3840 - 1800);
}
