// Target 6: request -> planning -> session state, through the C++ entry points
// the addon calls (cpp/node/generation_binding.cpp): plan_steps,
// split_autoregressive_steps (with planned steps and with steps as a JS
// caller may send them), SessionState construction with options and
// constraints, a token loop under the session's mask, result(),
// generated_bars(), and the write-back helpers (rekey_bar_attributes,
// write_generated_bars, finish_generated_bars).
//
// Properties: planned steps are well formed (windows inside the piece, at most
// model_dim bars, targets inside their window and selected, every selected
// non-ignored bar planned once); a session's mask is never empty unless it
// reports NoLegalToken; generated_bars() names exactly the step's targets;
// result() keeps the caller's track count.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "fuzz_support.h"
#include "generation/session_state.h"
#include "generation/step_fixes.h"
#include "generation/step_planner.h"

using namespace midigpt;
using midigpt::fuzz::property_failed;

namespace {

constexpr TokenType kValueTypes[] = {TokenType::NoteDensity,   TokenType::MinPolyphony,   TokenType::MaxPolyphony,
                                     TokenType::PitchRange,    TokenType::KeySignature,   TokenType::NoteDuration,
                                     TokenType::PitchClassSet, TokenType::TimeSig,        TokenType::Tension,
                                     TokenType::OnsetPolyphony, TokenType::MinNoteDuration, TokenType::SilenceProportion};

std::vector<bool> bools(fuzz::FuzzInput& in, int n) {
  std::vector<bool> v;
  for (int i = 0; i < n; ++i) v.push_back(in.flag());
  return v;
}

void check_plan(const SelectionMask& mask, int model_dim, const std::vector<GenerationStep>& steps) {
  const int nt = static_cast<int>(mask.selected.size());
  const int nb = nt ? static_cast<int>(mask.selected[0].size()) : 0;
  std::set<std::pair<int, int>> planned;
  for (const GenerationStep& s : steps) {
    FUZZ_CHECK(s.start_bar >= 0 && s.start_bar < s.end_bar && s.end_bar <= nb, "window");
    FUZZ_CHECK(s.end_bar - s.start_bar <= model_dim, "window larger than model_dim");
    FUZZ_CHECK(!s.bars_to_generate.empty(), "a step without targets");
    FUZZ_CHECK(static_cast<int>(s.context.size()) == nt, "context rows");
    for (const auto& [t, b] : s.bars_to_generate) {
      FUZZ_CHECK(t >= 0 && t < nt && b >= s.start_bar && b < s.end_bar, "target outside the window");
      FUZZ_CHECK(mask.selected[t][b], "a target that was not selected");
      FUZZ_CHECK(!(t < static_cast<int>(mask.ignore.size()) && mask.ignore[t]), "a target on an ignored track");
      FUZZ_CHECK(planned.insert({t, b}).second, "a bar planned twice");
      FUZZ_CHECK(std::find(s.track_indices.begin(), s.track_indices.end(), t) != s.track_indices.end(), "target track missing");
    }
  }
  for (int t = 0; t < nt; ++t)
    for (int b = 0; b < nb; ++b)
      if (mask.selected[t][b] && !(t < static_cast<int>(mask.ignore.size()) && mask.ignore[t]))
        FUZZ_CHECK(planned.count({t, b}), "selected bar " + std::to_string(t) + "/" + std::to_string(b) + " never planned");
}

// A step as a JS caller could send it: any numbers, any grid shapes.
GenerationStep raw_step(fuzz::FuzzInput& in, int tracks, int bars) {
  GenerationStep s;
  s.start_bar = in.small(-1, bars);
  s.end_bar = in.small(-1, bars + 1);
  s.is_autoregressive = in.flag();
  const int targets = in.small(0, 4);
  for (int i = 0; i < targets; ++i) s.bars_to_generate.emplace(in.small(-1, tracks), in.small(-1, bars));
  const int indices = in.small(0, tracks);
  for (int i = 0; i < indices; ++i) s.track_indices.push_back(in.small(-1, tracks));
  const int rows = in.small(0, tracks + 1);
  for (int t = 0; t < rows; ++t) s.context.push_back(bools(in, in.small(0, bars + 1)));
  for (const auto& [t, b] : s.bars_to_generate) s.bar_mapping.push_back({0, b - s.start_bar, t, b});
  return s;
}

void run_session(fuzz::FuzzInput& in, const Tokenizer& tok, const Score& prepared, Score& caller, const GenerationStep& step) {
  SessionOptions options;
  const uint8_t flags = in.byte();
  options.use_span_masks = flags & 1;
  options.remove_future_bars = flags & 2;
  if (flags & 4) options.use_velocity = in.small(-1, 1);
  if (flags & 8) options.use_microtiming = in.small(-1, 1);
  if (flags & 16) options.genre = in.wild(-1, 4);
  if (flags & 32) options.omitted_tracks = bools(in, in.small(0, static_cast<int>(prepared.tracks.size()) + 1));
  StepConstraints c;
  if (flags & 64) {
    c.max_tracks = in.small(-1, 5);
    c.polyphony_limit = in.small(0, 4);
    c.density_limit = in.small(0, 8);
  }
  if (flags & 128) {
    const int n = in.small(0, 3);
    for (int i = 0; i < n; ++i) c.values.emplace_back(kValueTypes[in.byte() % std::size(kValueTypes)], in.wild(0, 12));
    const int m = in.small(0, 3);
    for (int i = 0; i < m; ++i)
      c.bar_values.emplace_back(kValueTypes[in.byte() % std::size(kValueTypes)], in.small(-1, 4), in.small(-1, 8), in.wild(0, 12));
  }

  std::unique_ptr<SessionState> state;
  try {
    state = std::make_unique<SessionState>(prepared, step, tok.vocab(), tok.encoder(), tok.decoder(), options, c);
  } catch (const Error&) {
    return;  // RangeError for a step that does not fit, EncodeError for an unencodable window
  }
  const int n = tok.vocab().size();
  for (int id : state->prompt()) FUZZ_CHECK(id >= 0 && id < n, "prompt id " + std::to_string(id));
  std::vector<uint8_t> allowed(n);
  std::vector<int> legal;
  for (int i = 0; i < 400 && !state->complete() && !in.empty(); ++i) {
    const MaskStatus status = state->mask(allowed.data());
    legal.clear();
    for (int id = 0; id < n; ++id)
      if (allowed[id]) legal.push_back(id);
    if (status == MaskStatus::NoLegalToken) {
      FUZZ_CHECK(legal.empty(), "NoLegalToken with legal ids");
      break;
    }
    FUZZ_CHECK(!legal.empty(), "an empty mask without a reported dead end after " + std::to_string(i) + " tokens");
    state->advance(legal[in.u16() % legal.size()]);
  }
  const Score result = state->result();
  FUZZ_CHECK(result.tracks.size() == prepared.tracks.size(), fuzz::describe(result));
  const auto bars = state->generated_bars();
  FUZZ_CHECK(bars.size() == step.bars_to_generate.size(), "generated bars");
  std::vector<std::pair<int, int>> cells;
  for (const GeneratedBar& g : bars) {
    FUZZ_CHECK(step.bars_to_generate.count({g.track, g.bar}), "a generated bar that is not a target");
    cells.emplace_back(g.track, g.bar);
  }
  try {
    write_generated_bars(caller, bars, prepared.resolution, tok.config().emit_delta_tokens);
    finish_generated_bars(caller, cells);
  } catch (const RangeError&) {
    // The caller's score may have fewer bars than the prepared one when the
    // harness mutated it; the helpers refuse that.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput in(data, size);
  const Tokenizer& tok = fuzz::shipped_tokenizer(in.byte());
  fuzz::ScoreShape shape;
  shape.max_tracks = 4;
  shape.max_bars = 10;
  shape.max_notes = 6;
  Score caller = fuzz::make_score(in, shape);
  // The package gives the session a prepared score (model grid, attributes);
  // the native constructor takes any score, so one input in four skips that.
  Score prepared;
  if (in.byte() & 3) {
    try {
      prepared = tok.prepare(caller);
    } catch (const Error&) {
      return 0;
    }
  } else {
    prepared = caller;
  }
  rekey_bar_attributes(prepared, in.small(-2, 4));

  const int nt = static_cast<int>(prepared.tracks.size());
  int nb = 0;
  for (const Track& t : prepared.tracks) nb = std::max(nb, static_cast<int>(t.bars.size()));

  const uint8_t mode = in.byte();
  std::vector<GenerationStep> steps;
  if (mode & 1) {
    SelectionMask mask;
    for (int t = 0; t < nt; ++t) mask.selected.push_back(bools(in, nb));
    mask.autoregressive = bools(in, in.small(0, nt + 1));
    mask.ignore = bools(in, in.small(0, nt));
    const int model_dim = in.wild(1, 12);
    const int bars_per_step = in.wild(-1, 12);
    const int tracks_per_step = in.wild(-1, 5);
    try {
      steps = plan_steps(mask, model_dim, bars_per_step, tracks_per_step);
    } catch (const RangeError&) {
      return 0;
    }
    check_plan(mask, model_dim, steps);
    const auto split = split_autoregressive_steps(steps);
    size_t targets = 0, split_targets = 0;
    for (const auto& s : steps) targets += s.bars_to_generate.size();
    for (const auto& s : split) {
      split_targets += s.bars_to_generate.size();
      if (s.is_autoregressive) {
        std::set<int> tracks;
        for (const auto& [t, b] : s.bars_to_generate) tracks.insert(t);
        FUZZ_CHECK(tracks.size() <= 1, "an AR step with targets on several tracks after the split");
      }
    }
    FUZZ_CHECK(targets == split_targets, "the split lost or added targets");
    steps = split;
  } else {
    const int count = in.small(1, 3);
    for (int i = 0; i < count; ++i) steps.push_back(raw_step(in, nt, nb));
    steps = split_autoregressive_steps(steps);
  }
  const int sessions = in.small(1, 3);
  for (int i = 0; i < sessions && i < static_cast<int>(steps.size()); ++i)
    run_session(in, tok, prepared, caller, steps[in.byte() % steps.size()]);
  return 0;
}
