// Target 5: token streams under the constraint graph. A shipped encoder's
// grammar with fuzz-chosen settings (AR or infill, exact bars, track cap,
// notes required) and optional limits (polyphony, density, attribute values,
// bar attribute values); then, token after token, a fuzz byte picks one of
// the ids the mask allows, and the stream goes on until the bytes run out or
// the graph reports a dead end.
//
// Properties: a mask that is not NoLegalToken allows at least one id, and
// only ids the grammar alone allows; Ok means no constraint was dropped (the
// ids satisfy every constraint); NoLegalToken comes with an all-zero mask
// and only when the grammar alone allows nothing. Whatever the stream, it
// decodes without error.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/errors.h"
#include "fuzz_support.h"
#include "masking/constraint.h"
#include "masking/grammar.h"
#include "masking/limits.h"
#include "masking/strict_controls.h"

using namespace midigpt;
using midigpt::fuzz::property_failed;

namespace {

// Token types a value constraint can name (attribute types and a few others).
constexpr TokenType kValueTypes[] = {
    TokenType::NoteDensity,      TokenType::MinPolyphony,    TokenType::MaxPolyphony, TokenType::MinNoteDuration,
    TokenType::MaxNoteDuration,  TokenType::OnsetPolyphony,  TokenType::PitchRange,   TokenType::KeySignature,
    TokenType::NoteDuration,     TokenType::SilenceProportion, TokenType::PitchClassSet, TokenType::TimeSig,
    TokenType::Tension,          TokenType::Instrument,      TokenType::NoteOnset,    TokenType::VelocityLevel,
};

struct Settings {
  int max_tracks = -1, exact_bars = -1;
  bool ar = false, require_notes = true;
};

std::unique_ptr<GrammarConstraint> grammar(const Vocabulary& vocab, const Settings& s) {
  auto g = std::make_unique<GrammarConstraint>(vocab);
  g->set_max_tracks(s.max_tracks);
  g->set_exact_bars(s.exact_bars);
  g->set_autoregressive(s.ar);
  g->set_require_notes(s.require_notes);
  return g;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput in(data, size);
  const Tokenizer& tok = fuzz::shipped_tokenizer(in.byte());
  const Vocabulary& vocab = tok.vocab();
  const int n = vocab.size();

  Settings s;
  const uint8_t flags = in.byte();
  s.ar = flags & 1;
  s.require_notes = !(flags & 2);
  if (flags & 4) s.exact_bars = in.small(0, 6);
  if (flags & 8) s.max_tracks = in.small(0, 4);

  ConstraintGraph graph(n);
  ConstraintGraph grammar_only(n);  // the same grammar, alone, for the NoLegalToken check
  graph.add(grammar(vocab, s));
  grammar_only.add(grammar(vocab, s));
  if (flags & 16) graph.add(polyphony_limit(vocab, in.small(1, 6)));
  if (flags & 32) graph.add(density_limit(vocab, in.small(1, 12)));
  if (flags & 64) {
    const int count = in.small(1, 3);
    for (int i = 0; i < count; ++i)
      graph.add(std::make_unique<AttributeValueConstraint>(vocab, kValueTypes[in.byte() % std::size(kValueTypes)], in.wild(0, 12)));
  }
  if (flags & 128) {
    const int count = in.small(1, 3);
    for (int i = 0; i < count; ++i)
      graph.add(std::make_unique<BarAttributeValueConstraint>(vocab, kValueTypes[in.byte() % std::size(kValueTypes)],
                                                              in.small(-1, 3), in.small(-1, 6), in.wild(0, 12)));
  }

  // Strict controls (from the fuzz bytes: any limits, some contradictory),
  // active from the first token as after an infill prompt.
  if (in.byte() & 1) {
    std::vector<BarLimits> limits(static_cast<size_t>(in.small(1, 3)));
    for (BarLimits& l : limits) {
      l.max_voices = in.small(0, 4);
      l.min_voices = in.small(0, 3);
      l.min_duration = in.small(-1, 40);
      l.max_duration = in.small(-1, 40);
      l.min_pitch = in.small(-1, 127);
      l.max_pitch = in.small(-1, 127);
      l.max_notes = in.small(0, 12);
    }
    auto strict = std::make_unique<StrictControlsConstraint>(vocab, std::move(limits), s.ar);
    strict->begin();
    graph.add(std::move(strict));
  }

  std::vector<uint8_t> allowed(n), grammar_allowed(n);
  std::vector<int> legal, stream;
  while (!in.empty() && stream.size() < 1024) {
    const uint8_t op = in.byte();
    if (op == 0xFF) {  // a fill-in block's drum flag, as the session sets it
      const bool drum = in.flag();
      graph.set_fillin_drum(drum);
      grammar_only.set_fillin_drum(drum);
      continue;
    }
    const MaskStatus status = graph.mask(allowed.data());
    const MaskStatus grammar_status = grammar_only.mask(grammar_allowed.data());
    legal.clear();
    for (int id = 0; id < n; ++id) {
      FUZZ_CHECK(allowed[id] <= 1, "mask entries are 0 or 1");
      if (allowed[id]) legal.push_back(id);
      FUZZ_CHECK(!allowed[id] || grammar_allowed[id], "id " + vocab.name(id) + " allowed but not grammatical");
    }
    const std::string at = "after " + std::to_string(stream.size()) + " tokens";
    if (status == MaskStatus::NoLegalToken) {
      FUZZ_CHECK(legal.empty(), "NoLegalToken with legal ids, " + at);
      FUZZ_CHECK(grammar_status == MaskStatus::NoLegalToken, "a dead end the grammar alone does not have, " + at);
      break;
    }
    FUZZ_CHECK(!legal.empty(), "an empty mask reported as " + std::string(status == MaskStatus::Ok ? "Ok" : "Relaxed") + ", " + at);
    if (status == MaskStatus::Ok) FUZZ_CHECK(grammar_status == MaskStatus::Ok, at);
    const int token = legal[in.u16() % legal.size()];
    stream.push_back(token);
    graph.step(token);
    grammar_only.step(token);
  }
  try {
    tok.decoder().decode(stream);
  } catch (const std::exception& e) {
    property_failed("a legal stream does not decode", __FILE__, __LINE__, e.what());
  }
  return 0;
}
