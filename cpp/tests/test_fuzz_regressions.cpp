// Regressions for what the fuzz targets of cpp/fuzz found (docs/reliability.md).
// Each case is named after its finding; the inputs are the minimized ones, or
// the score they stand for. Under scripts/test-cpp-sanitized.sh (ASan + UBSan)
// each of these crashed before its fix.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/errors.h"
#include "dataset/augment.h"
#include "dataset/sample.h"
#include "generation/step_fixes.h"
#include "generation/step_planner.h"
#include "parity_configs.h"
#include "tokenizer/encoder_config.h"
#include "tokenizer/tokenizer.h"

using namespace midigpt;

namespace {

Score one_bar_piece(int resolution, double beat_length) {
  Score s;
  s.resolution = resolution;
  Track t;
  Bar bar;
  bar.beat_length = beat_length;
  bar.notes = {{60, 90, 0, 12, 0}, {64, 90, 0, 24, 0}, {67, 90, 6, 6, 0}};
  t.bars = {bar, bar};
  s.tracks = {t};
  return s;
}

}  // namespace

TEST_CASE("fuzz session: a bar with an enormous beat length (float-cast overflow in the bar length, now beat_bar_ticks)") {
  // The addon accepts any positive finite beat_length; the polyphony
  // attributes converted beat_length * resolution to int64 unchecked.
  Tokenizer ghost(EncoderConfig::from_json(read_config("ghost_config")));
  for (double beat_length : {1e18, 1e300, std::numeric_limits<double>::max()}) {
    const Score prepared = ghost.prepare(one_bar_piece(12, beat_length));
    REQUIRE(prepared.tracks.size() == 1);
    CHECK(prepared.tracks[0].attributes.count("min_polyphony") == 1);
    CHECK(prepared.tracks[0].attributes.count("max_polyphony") == 1);
  }
}

TEST_CASE("fuzz encoder_config: a number no double holds escaped as nlohmann's out_of_range, not ConfigError") {
  // Found as {"0": [..., 11e4006, ...]}: the JSON parser throws out_of_range
  // (406), which from_json let through.
  CHECK_THROWS_AS(EncoderConfig::from_json(std::string(R"({"resolution": 11e4006})")), ConfigError);
  CHECK_THROWS_AS(EncoderConfig::from_json(std::string(R"({"x": [1, -1e400]})")), ConfigError);
}

TEST_CASE("fuzz session: split_autoregressive_steps with targets outside the step's context grid (out-of-bounds write)") {
  // A step as a caller of the native binding may send it: an AR step with
  // targets on two tracks and a context grid that does not cover them.
  GenerationStep step;
  step.start_bar = 0;
  step.end_bar = 2;
  step.is_autoregressive = true;
  step.bars_to_generate = {{0, 0}, {1, 1}, {2, 0}};
  step.context = {{false}};  // one track, one bar
  const auto parts = split_autoregressive_steps({step});
  REQUIRE(parts.size() == 3);
  for (const auto& part : parts) CHECK(part.bars_to_generate.size() == 1);
  CHECK(parts[1].context == std::vector<std::vector<bool>>{{false}});
}

TEST_CASE("fuzz sample: velocity scaling of velocities beyond int after scaling (float-cast overflow)") {
  Score s;
  Track t;
  Bar b;
  b.notes = {{60, 2147483647, 0, 1, 0}, {61, -2147483647, 0, 1, 0}, {62, 0, 0, 1, 0}, {63, 100, 0, 1, 0}};
  t.bars = {b};
  s.tracks = {t};
  Score big = s;
  dataset::scale_velocity(big, 1.5);
  const auto& n = big.tracks[0].bars[0].notes;
  CHECK(n[0].velocity == 127);
  CHECK(n[1].velocity == 1);
  CHECK(n[2].velocity == 1);
  CHECK(n[3].velocity == 127);  // trunc(150) clamped, as before
  Score inf = s;
  dataset::scale_velocity(inf, std::numeric_limits<double>::infinity());  // 0 * inf is NaN
  CHECK(inf.tracks[0].bars[0].notes[2].velocity == 1);
  CHECK(inf.tracks[0].bars[0].notes[3].velocity == 127);
}

TEST_CASE("fuzz session: rekey_bar_attributes with a bar number beyond long (std::stol threw out_of_range)") {
  Score s;
  Track t;
  t.attributes = {{"bar_Tension_99999999999999999999999", 1},
                  {"bar_Tension_2147483648", 2},
                  {"bar_Tension_2147483647", 3},
                  {"bar_Tension_5", 4},
                  {"bar_Tension_1", 5},
                  {"note_density", 6}};
  s.tracks = {t};
  rekey_bar_attributes(s, -1);
  const auto& a = s.tracks[0].attributes;
  CHECK(a.at("bar_Tension_99999999999999999999999") == 1);  // not a bar number: kept as it is
  CHECK(a.at("bar_Tension_2147483648") == 2);
  CHECK(a.at("bar_Tension_6") == 4);
  CHECK(a.at("bar_Tension_2") == 5);
  CHECK(a.count("bar_Tension_2147483647") == 0);
  CHECK(a.at("note_density") == 6);
  Score shifted;
  shifted.tracks = {t};
  rekey_bar_attributes(shifted, 3);
  CHECK(shifted.tracks[0].attributes.at("bar_Tension_2") == 4);
  CHECK(shifted.tracks[0].attributes.count("bar_Tension_-2") == 0);  // bars before the window are dropped
}

TEST_CASE("fuzz sample: max_tracks of 10^9 walked a billion track counts (a hang)") {
  Tokenizer yellow(EncoderConfig::from_json(read_config("yellow_encoder")));
  Score piece;
  for (int t = 0; t < 3; ++t) {
    Track track;
    track.instrument = t;
    for (int b = 0; b < 8; ++b) {
      Bar bar;
      bar.notes = {{60 + t, 80, 0, 480, 0}, {64 + t, 80, 960, 480, 0}};
      track.bars.push_back(bar);
    }
    piece.tracks.push_back(track);
  }
  dataset::SampleOptions options;
  options.infill_probability = 0;
  options.max_tracks = 3;
  dataset::SampleRng a(11);
  const auto expected = dataset::build_sample(piece, yellow, options, a);
  options.max_tracks = 1000000000;
  dataset::check_sample_options(yellow, options);
  dataset::SampleRng b(11);
  const auto sample = dataset::build_sample(piece, yellow, options, b);
  CHECK(sample.tokens == expected.tokens);  // the same draws: larger counts never drew anything
  CHECK(sample.tracks == 3);
}

TEST_CASE("fuzz sample: transposing a pitch near INT_MIN (signed overflow in transpose)") {
  Score s;
  Track t;
  Bar b;
  b.notes = {{-2147483647 - 1, 90, 0, 1, 0}, {2147483647, 90, 0, 1, 0}, {60, 90, 0, 1, 0}};
  t.bars = {b};
  s.tracks = {t};
  Score down = s;
  dataset::transpose(down, -6);
  CHECK(down.tracks[0].bars[0].notes[0].pitch == 0);
  CHECK(down.tracks[0].bars[0].notes[1].pitch == 127);
  CHECK(down.tracks[0].bars[0].notes[2].pitch == 54);
  Score up = s;
  dataset::transpose(up, 6);
  CHECK(up.tracks[0].bars[0].notes[0].pitch == 0);
  CHECK(up.tracks[0].bars[0].notes[1].pitch == 127);
  CHECK(up.tracks[0].bars[0].notes[2].pitch == 66);
}

TEST_CASE("fuzz session: plan_steps with model_dim INT_MAX (signed overflow in the window arithmetic)") {
  SelectionMask mask;
  mask.selected = {{true, false, true, true, false, true}, {false, true, true, false, false, false}};
  mask.autoregressive = {true, false};
  for (int bars_per_step : {0, 1, 2, 2147483647}) {
    const auto huge = plan_steps(mask, 2147483647, bars_per_step, 1);
    const auto large = plan_steps(mask, 1000, bars_per_step == 2147483647 ? 1000 : bars_per_step, 1);
    REQUIRE(huge.size() == large.size());
    for (size_t i = 0; i < huge.size(); ++i) {
      CHECK(huge[i].start_bar == large[i].start_bar);
      CHECK(huge[i].end_bar == large[i].end_bar);
      CHECK(huge[i].bars_to_generate == large[i].bars_to_generate);
      CHECK(huge[i].context == large[i].context);
    }
  }
}

TEST_CASE("fuzz sample: encoding a note of duration INT_MIN (signed overflow in the NoteDuration value)") {
  Tokenizer yellow(EncoderConfig::from_json(read_config("yellow_encoder")));
  const auto& config = yellow.config();
  Score s;
  s.resolution = config.resolution;
  Track t;
  Bar b;
  b.notes = {{60, 90, 0, -2147483647 - 1, 0}, {62, 90, 0, 0, 0}, {64, 90, 0, 1, 0}};
  t.bars = {b, b, b, b};
  s.tracks = {t};
  EncodeOptions opts;
  if (config.num_bars_map) opts.window_bars = config.num_bars_map->front();
  const auto tokens = yellow.encoder().encode(s, opts).tokens;
  const int shortest = yellow.vocab().encode(TokenType::NoteDuration, 0);
  int durations = 0;
  for (size_t i = 0; i < tokens.size(); ++i)
    if (yellow.vocab().decode(tokens[i]).type == TokenType::NoteDuration) {
      CHECK(tokens[i] == shortest);
      ++durations;
    }
  CHECK(durations == 12);
}
