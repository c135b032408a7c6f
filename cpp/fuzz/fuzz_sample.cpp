// Target 7: training-sample construction (dataset/sample.h) from arbitrary
// scores, options and seeds, for every shipped encoder.
//
// Input: a 40-byte head (byte 0 picks the encoder; then the options, any
// values the addon's option parser lets through, which check_sample_options
// must sort out; then an 8-byte seed), and the score: a MIDI file when the
// rest starts with "MThd", else built from the rest of the bytes.
//
// Properties: options check_sample_options accepts never make build_sample
// fail other than with EncodeError ("no window encodes"); a sample holds at
// most max_seq_len ids, all inside the vocabulary; its window, track count
// and cells agree with the options; the same seed gives the same sample.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/errors.h"
#include "dataset/sample.h"
#include "fuzz_support.h"
#include "io/midi_reader.h"

using namespace midigpt;
using namespace midigpt::dataset;
using midigpt::fuzz::property_failed;

namespace {

double fraction(fuzz::FuzzInput& in) {
  const uint8_t b = in.byte();
  if (b == 0xFF) return -0.5;  // outside [0, 1]: refused by the check
  if (b == 0xFE) return 1.5;
  return b / 253.0;
}

SampleOptions options_from(fuzz::FuzzInput& in, const Tokenizer& tok) {
  SampleOptions o;
  const uint8_t flags = in.byte();
  o.infill_probability = tok.config().supports_infill ? fraction(in) : 0.0;
  o.infill_bar_fraction = fraction(in);
  o.max_seq_len = in.wild(2, 1024);
  o.max_tracks = in.wild(1, 8);
  o.min_tracks = in.wild(1, 3);
  o.min_fill_ratio = fraction(in);
  o.max_transpose = in.wild(0, 12);
  o.velocity_min = 0.5 + in.unit();
  o.velocity_max = o.velocity_min + in.unit();
  if (flags & 1) std::swap(o.velocity_min, o.velocity_max);  // refused unless equal
  if ((flags & 2) && tok.vocab().has(TokenType::MaskBar)) {
    MaskBarConfig m;
    m.apply_probability = fraction(in);
    m.mode = static_cast<MaskMode>(in.small(0, 2));
    m.bar_fraction = fraction(in);
    m.max_lookahead = in.wild(0, 8);
    o.mask = m;
  }
  if ((flags & 4) && tok.config().switchable_velocity) o.velocity_off_probability = fraction(in);
  if ((flags & 8) && tok.config().switchable_microtiming) o.microtiming_off_probability = fraction(in);
  if (flags & 16) o.genre = in.wild(-1, 8);
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kHead = 40;
  if (size < kHead) return 0;
  fuzz::FuzzInput in(data, kHead);
  const Tokenizer& tok = fuzz::shipped_tokenizer(in.byte());
  const uint64_t seed = in.u64();
  SampleOptions options = options_from(in, tok);
  Score piece;
  const std::vector<uint8_t> rest(data + kHead, data + size);
  if (rest.size() >= 4 && std::memcmp(rest.data(), "MThd", 4) == 0) {
    try {
      piece = read_midi(rest.data(), rest.size());
    } catch (const Error&) {
      return 0;
    }
  } else {
    fuzz::FuzzInput score_in(rest.data(), rest.size());
    fuzz::ScoreShape shape;
    shape.max_tracks = 6;
    shape.max_bars = 20;
    shape.max_notes = 8;
    piece = fuzz::make_score(score_in, shape);
  }
  try {
    check_sample_options(tok, options);
  } catch (const ConfigError&) {
    return 0;
  }
  TrainingSample a, b;
  try {
    SampleRng rng(seed);
    a = build_sample(piece, tok, options, rng);
  } catch (const EncodeError&) {
    return 0;
  }
  FUZZ_CHECK(static_cast<int>(a.tokens.size()) <= options.max_seq_len, std::to_string(a.tokens.size()));
  for (int id : a.tokens) FUZZ_CHECK(id >= 0 && id < tok.vocab().size(), std::to_string(id));
  if (!a.fallback) {
    FUZZ_CHECK(a.tracks >= options.min_tracks && a.tracks <= options.max_tracks, std::to_string(a.tracks));
    for (const auto& [t, bar] : a.cells) FUZZ_CHECK(t >= 0 && t < a.tracks && bar >= 0 && bar < a.bars, "cell outside the window");
    FUZZ_CHECK(!a.infill || !a.cells.empty(), "an infill sample without cells");
  }
  SampleRng again(seed);
  b = build_sample(piece, tok, options, again);
  FUZZ_CHECK(a.tokens == b.tokens && a.cells == b.cells && a.transpose == b.transpose && a.bars == b.bars &&
                 a.tracks == b.tracks && a.masked_bars == b.masked_bars,
             "the same seed gave another sample");
  return 0;
}
