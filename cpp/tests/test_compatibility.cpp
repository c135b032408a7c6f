// Reference behaviours the tokenizer keeps on purpose (docs/compatibility.md,
// tokenizer.md §7.2), pinned where only C++ can reach them.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/bar_length.h"
#include "core/errors.h"
#include "parity_configs.h"
#include "tokenizer/decoder.h"
#include "tokenizer/encoder.h"
#include "tokenizer/encoder_config.h"
#include "tokenizer/vocabulary.h"

using namespace midigpt;

namespace {

// One melodic track of `bars` 4/4 bars at the model resolution, a note per bar.
Score one_track(int bars, int program) {
  Score s;
  s.resolution = 12;
  Track t;
  t.instrument = program;
  for (int b = 0; b < bars; ++b) {
    Bar bar;
    bar.notes = {{60 + b, 80, 0, 12, 0}};
    t.bars.push_back(bar);
  }
  s.tracks = {t};
  return s;
}

// The value of the first token of `type` in `tokens`, or -1.
int first_value(const Vocabulary& vocab, const std::vector<int>& tokens, TokenType type) {
  for (int id : tokens)
    if (vocab.decode(id).type == type) return vocab.decode(id).value;
  return -1;
}

}  // namespace

TEST_CASE("#18: a program outside 0..127 is encoded as instrument group 0, silently") {
  for (const char* config : {"yellow_encoder", "prism_encoder"}) {
    CAPTURE(config);
    Vocabulary vocab(EncoderConfig::from_json(read_config(config)));
    EncodeOptions opts;
    opts.window_bars = 4;
    auto instrument = [&](int program) {
      return first_value(vocab, Encoder(vocab).encode(one_track(4, program), opts).tokens, TokenType::Instrument);
    };
    CHECK(instrument(0) == 0);
    CHECK(instrument(200) == 0);
    CHECK(instrument(128) == 0);
    CHECK(instrument(-1) == 0);
    CHECK(instrument(127) > 0);  // a real program keeps its own group
    // Decoded, group 0 is program 0: the track comes back as a piano.
    const Score back = Decoder(vocab).decode(Encoder(vocab).encode(one_track(4, 200), opts).tokens);
    REQUIRE(back.tracks.size() == 1);
    CHECK(back.tracks[0].instrument == 0);
  }
}

TEST_CASE("#18: a time signature the encoder does not list fails the whole encode") {
  Vocabulary vocab(EncoderConfig::from_json(read_config("yellow_encoder")));
  Score s = one_track(4, 0);
  s.tracks.push_back(s.tracks[0]);  // a second, valid track changes nothing
  s.tracks[0].bars[2].ts_numerator = 19;
  s.tracks[0].bars[2].ts_denominator = 4;
  EncodeOptions opts;
  opts.window_bars = 4;
  CHECK_THROWS_WITH_AS(Encoder(vocab).encode(s, opts), "time signature 19/4 is not in this encoder's list of 36 time signatures",
                       EncodeError);
  s.tracks[0].bars[2].ts_numerator = 4;
  CHECK_NOTHROW(Encoder(vocab).encode(s, opts));
}

TEST_CASE("bar length: one definition, exact or rounded up, saturated (docs/compatibility.md)") {
  CHECK(signature_bar_ticks(7, 8, 12) == 42);   // the reference's grammar: 36
  CHECK(signature_bar_ticks(4, 4, 480) == 1920);
  CHECK(signature_bar_ticks(7, 32, 12) == 11);  // 10.5 ticks: onset 10 is inside
  CHECK(signature_bar_ticks(3, 7, 12) == 21);   // 20.57...
  CHECK(signature_bar_ticks(0, 4, 12) == 0);
  CHECK(signature_bar_ticks(4, 0, 12) == 0);
  CHECK(signature_bar_ticks(4, 4, 0) == 0);
  CHECK(signature_bar_ticks(-3, 4, 12) == 0);
  CHECK(signature_bar_ticks(std::numeric_limits<int>::max(), 1, std::numeric_limits<int>::max()) == kMaxBarTicks);
  CHECK(signature_bar_ticks(int64_t(1) << 62, 1, int64_t(1) << 62) == kMaxBarTicks);
  CHECK(beat_bar_ticks(3.5, 12) == 42);
  CHECK(beat_bar_ticks(1680.0 / 480.0, 12) == 42);
  CHECK(beat_bar_ticks(7.0 / 12.0 * 3.0, 12) == 21);  // a product a hair above 21 stays 21
  CHECK(beat_bar_ticks(0.875, 12) == 11);
  CHECK(beat_bar_ticks(0.0, 12) == 0);
  CHECK(beat_bar_ticks(-4.0, 12) == 0);
  CHECK(beat_bar_ticks(std::nan(""), 12) == 0);
  CHECK(beat_bar_ticks(1e300, 12) == kMaxBarTicks);
  CHECK(beat_bar_ticks(4.0, -1) == 0);
  // The decoder's beat_length and the grammar's positions agree for every listed signature.
  const EncoderConfig config = EncoderConfig::from_json(read_config("yellow_encoder"));
  for (const auto& [n, d] : config.time_signatures->list())
    CHECK(beat_bar_ticks(4.0 * n / d, config.resolution) == signature_bar_ticks(n, d, config.resolution));
}
