#include "dataset/sample.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <string>

#include "core/errors.h"

namespace midigpt::dataset {

namespace {

// The encoder's window sizes, largest first (§2.1); [4] when unrestricted.
std::vector<int> window_sizes(const Tokenizer& tokenizer) {
  std::vector<int> sizes = tokenizer.config().num_bars_map.value_or(std::vector<int>{4});
  if (sizes.empty()) sizes = {4};
  std::sort(sizes.begin(), sizes.end(), std::greater<>());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

// Velocity/microtiming switches and genre, drawn per attempt in the reference's order.
void draw_switches(EncodeOptions& opts, const Tokenizer& tokenizer, const SampleOptions& options, SampleRng& rng) {
  const auto& cfg = tokenizer.config();
  if (cfg.switchable_velocity && options.velocity_off_probability > 0)
    opts.use_velocity = rng.uniform() < options.velocity_off_probability ? 0 : 1;
  if (cfg.switchable_microtiming && options.microtiming_off_probability > 0)
    opts.use_microtiming = rng.uniform() < options.microtiming_off_probability ? 0 : 1;
  opts.genre = options.genre;
}

int count_masked(const Score& window) {
  int n = 0;
  for (const Track& t : window.tracks)
    for (const Bar& b : t.bars) n += b.future ? 1 : 0;
  return n;
}

}  // namespace

void check_sample_options(const Tokenizer& tokenizer, const SampleOptions& o) {
  const auto& cfg = tokenizer.config();
  auto fail = [](const std::string& m) { throw ConfigError(m); };
  if (!(o.infill_probability >= 0 && o.infill_probability <= 1)) fail("infill_probability must be in [0, 1]");
  if (o.infill_probability > 0 && !cfg.supports_infill) fail("this encoder does not support infilling; set infill_probability to 0");
  if (!(o.infill_bar_fraction >= 0 && o.infill_bar_fraction <= 1)) fail("infill_bar_fraction must be in [0, 1]");
  if (o.max_seq_len < 2) fail("max_seq_len must be at least 2 (the reference's 0 was never implemented, B10)");
  if (o.min_tracks < 1 || o.max_tracks < o.min_tracks) fail("tracks per window must satisfy 1 <= min_tracks <= max_tracks");
  if (!(o.min_fill_ratio >= 0 && o.min_fill_ratio <= 1)) fail("min_fill_ratio must be in [0, 1]");
  if (o.max_transpose < 0 || o.max_transpose > 127) fail("max_transpose must be from 0 to 127");
  if (!(o.velocity_min > 0 && o.velocity_min <= o.velocity_max)) fail("the velocity factors must satisfy 0 < min <= max");
  if (o.mask && !tokenizer.vocab().has(TokenType::MaskBar)) fail("mask bars need an encoder with the MaskBar token");
  if (o.velocity_off_probability > 0 && !cfg.switchable_velocity) fail("velocity dropout needs an encoder with switchable velocity");
  if (o.microtiming_off_probability > 0 && !cfg.switchable_microtiming) fail("microtiming dropout needs an encoder with switchable microtiming");
}

TrainingSample build_sample(const Score& piece, const Tokenizer& tokenizer, const SampleOptions& options, SampleRng& rng) {
  TrainingSample sample;
  Score score = piece;
  sample.transpose = rng.between(-options.max_transpose, options.max_transpose);
  transpose(score, sample.transpose);
  sample.velocity_factor = rng.uniform(options.velocity_min, options.velocity_max);
  scale_velocity(score, sample.velocity_factor);
  sample.infill = rng.uniform() < options.infill_probability;

  const std::vector<int> sizes = window_sizes(tokenizer);
  const size_t first = rng.below(sizes.size());
  for (size_t s = first; s < sizes.size(); ++s) {  // the drawn size, then the smaller ones
    // Windows of more tracks than the piece has never exist (select_window
    // refuses them without drawing), so the walk starts at the piece's count:
    // max_tracks may be as large as 10^9.
    const int most = static_cast<int>(std::min<int64_t>(options.max_tracks, static_cast<int64_t>(score.tracks.size())));
    for (int tracks = most; tracks >= options.min_tracks; --tracks) {
      std::optional<Score> window = select_window(score, sizes[s], tracks, options.min_fill_ratio, rng);
      if (!window) continue;
      Cells cells;
      if (sample.infill) cells = infill_cells(*window, options.infill_bar_fraction, rng);
      if (options.mask) mask_bars(*window, *options.mask, cells, rng);
      EncodeOptions opts;
      if (sample.infill) opts.multi_fill = cells;
      draw_switches(opts, tokenizer, options, rng);
      std::vector<int> tokens;
      try {
        tokens = tokenizer.encode(*window, opts).tokens;
      } catch (const Error&) {
        // Something about this window (e.g. a time signature the encoder
        // lacks): try fewer tracks. Anything else, out of memory above all,
        // is not about the window and goes to the caller.
        continue;
      }
      const int limit = options.max_seq_len;
      if (sample.infill && static_cast<int>(tokens.size()) > limit) continue;  // never cut an infill sample
      if (static_cast<int>(tokens.size()) > limit) {
        const int offset = rng.between(0, static_cast<int>(tokens.size()) - limit);
        tokens = std::vector<int>(tokens.begin() + offset, tokens.begin() + offset + limit);
        sample.cropped = true;
      }
      sample.tokens = std::move(tokens);
      sample.bars = sizes[s];
      sample.tracks = tracks;
      sample.cells = std::move(cells);
      sample.masked_bars = count_masked(*window);
      return sample;
    }
  }

  // Nothing fitted (mostly infill too long at every size): the smallest window
  // as an autoregressive sample, its head kept.
  std::optional<Score> window = select_window(score, sizes.back(), options.min_tracks, options.min_fill_ratio, rng);
  EncodeOptions opts;
  draw_switches(opts, tokenizer, options, rng);
  std::vector<int> tokens;
  try {
    tokens = tokenizer.encode(window ? *window : score, opts).tokens;
  } catch (const Error& e) {
    throw EncodeError(std::string("no window of this piece can be encoded: ") + e.what());
  }
  if (static_cast<int>(tokens.size()) > options.max_seq_len) tokens.resize(options.max_seq_len);
  sample.tokens = std::move(tokens);
  sample.infill = false;
  sample.fallback = true;
  sample.bars = window ? sizes.back() : 0;
  sample.tracks = static_cast<int>((window ? *window : score).tracks.size());
  return sample;
}

}  // namespace midigpt::dataset
