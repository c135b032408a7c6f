// Training-sample construction (training.md §2-§3): the seeded generator,
// each augmentation, and the statistics of a sample stream.
#include <doctest/doctest.h>

#include <optional>
#include <set>

#include <cmath>
#include <cstdlib>
#include <new>
#include <map>

#include "core/errors.h"
#include "dataset/sample.h"
#include "parity_configs.h"
#include "tokenizer/encoder_config.h"

using namespace midigpt;
using namespace midigpt::dataset;

// Fault injection for this test executable: once armed, the n-th allocation
// from then on throws std::bad_alloc, as a real out-of-memory would.
static long g_allocations_before_failure = -1;  // -1: disarmed
static bool g_allocation_failed = false;

void* operator new(std::size_t size) {
  if (g_allocations_before_failure >= 0 && g_allocations_before_failure-- == 0) {
    g_allocation_failed = true;
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

// `tracks` tracks of `bars` 4/4 bars at 480 tpq; track t has notes in the bars where filled(t, b).
template <typename Filled>
static Score piece(int tracks, int bars, Filled filled) {
  Score s;
  for (int t = 0; t < tracks; ++t) {
    Track track;
    track.instrument = t;
    track.type = t == tracks - 1 && tracks > 2 ? TrackType::Drum : TrackType::Melodic;
    for (int b = 0; b < bars; ++b) {
      Bar bar;
      if (filled(t, b))
        for (int i = 0; i < 4; ++i) bar.notes.push_back({60 + t + i, 80, i * 480, 480, 0});
      track.bars.push_back(bar);
    }
    s.tracks.push_back(track);
  }
  return s;
}

TEST_CASE("the sample generator is reproducible and uniform") {
  SampleRng a(7), b(7), c(8);
  for (int i = 0; i < 100; ++i) CHECK(a.next() == b.next());
  CHECK(a.next() != c.next());
  std::map<int, int> counts;
  double sum = 0;
  for (int i = 0; i < 13000; ++i) {
    const int v = a.between(-6, 6);
    REQUIRE(v >= -6);
    REQUIRE(v <= 6);
    ++counts[v];
    sum += a.uniform();
  }
  CHECK(counts.size() == 13);
  for (auto [v, n] : counts) CHECK(n > 800);  // 1000 expected each
  CHECK(std::abs(sum / 13000 - 0.5) < 0.02);
}

TEST_CASE("transposition moves melodic tracks only, clamped") {
  Score s = piece(3, 1, [](int, int) { return true; });
  s.tracks[0].bars[0].notes[0].pitch = 125;
  transpose(s, 5);
  CHECK(s.tracks[0].bars[0].notes[0].pitch == 127);
  CHECK(s.tracks[1].bars[0].notes[0].pitch == 66);
  CHECK(s.tracks[2].bars[0].notes[0].pitch == 62);  // drums
}

TEST_CASE("velocity scaling truncates and clamps to 1-127, drums included") {
  Score s = piece(3, 1, [](int, int) { return true; });
  s.tracks[0].bars[0].notes[0].velocity = 120;
  s.tracks[0].bars[0].notes[1].velocity = 1;
  scale_velocity(s, 1.19);
  CHECK(s.tracks[0].bars[0].notes[0].velocity == 127);
  CHECK(s.tracks[2].bars[0].notes[0].velocity == 95);  // trunc(80 * 1.19)
  scale_velocity(s, 0.5);
  CHECK(s.tracks[0].bars[0].notes[1].velocity == 1);
}

TEST_CASE("windows need ceil(0.75 n) bars with onsets per chosen track") {
  // Track 1 is silent in bars 0-5; track 0 always plays.
  Score s = piece(2, 12, [](int t, int b) { return t == 0 || b >= 6; });
  SampleRng rng(1);
  for (int i = 0; i < 50; ++i) {
    auto w = select_window(s, 8, 2, 0.75, rng);
    REQUIRE(w);  // starts 2..4 have 6 filled bars for track 1
    CHECK(w->tracks.size() == 2);
    CHECK(w->tracks[0].bars.size() == 8);
  }
  CHECK_FALSE(select_window(s, 16, 1, 0.75, rng));  // shorter than the window
  Score sparse = piece(1, 8, [](int, int b) { return b < 5; });
  CHECK_FALSE(select_window(sparse, 8, 1, 0.75, rng));  // 5 < 6 filled bars
  // A note sustained into a bar does not fill it.
  Score held = piece(1, 4, [](int, int b) { return b == 0; });
  held.tracks[0].bars[0].notes[0].duration_ticks = 4 * 1920;
  CHECK_FALSE(select_window(held, 4, 1, 0.5, rng));
}

TEST_CASE("windows shuffle their tracks") {
  Score s = piece(4, 4, [](int, int) { return true; });
  SampleRng rng(3);
  std::map<int, int> first;
  for (int i = 0; i < 200; ++i) ++first[select_window(s, 4, 4, 0.75, rng)->tracks[0].instrument];
  CHECK(first.size() == 4);
}

TEST_CASE("infill cells: never none, and masked bars never cover them") {
  Score s = piece(3, 8, [](int, int) { return true; });
  SampleRng rng(11);
  for (int i = 0; i < 200; ++i) {
    Cells cells = infill_cells(s, 0.0, rng);  // p = 0: exactly one forced cell
    REQUIRE(cells.size() == 1);
    Score w = s;
    mask_bars(w, {1.0, MaskMode::Random, 0.5, 4}, cells, rng);
    auto [t, b] = *cells.begin();
    CHECK_FALSE(w.tracks[t].bars[b].future);
  }
  Score w = s;
  mask_bars(w, {0.0, MaskMode::Mixed, 0.25, 4}, {}, rng);
  for (const auto& t : w.tracks)
    for (const auto& b : t.bars) CHECK_FALSE(b.future);
}

TEST_CASE("structured masks: one run after a current bar, at most max_lookahead long, on some tracks") {
  Score s = piece(3, 8, [](int, int) { return true; });
  SampleRng rng(5);
  int masked_runs = 0, skipped_tracks = 0;
  std::set<int> starts;
  for (int i = 0; i < 300; ++i) {
    Score w = s;
    mask_bars(w, {1.0, MaskMode::Structured, 0.25, 4}, {}, rng);
    std::optional<std::pair<int, int>> run;  // the same bars on every masked track
    for (const auto& t : w.tracks) {
      std::vector<int> future;
      for (int b = 0; b < 8; ++b)
        if (t.bars[b].future) future.push_back(b);
      if (future.empty()) {
        ++skipped_tracks;
        continue;
      }
      CHECK(future.front() >= 1);                                                // after the current bar
      CHECK(future.back() - future.front() + 1 == static_cast<int>(future.size()));  // contiguous
      CHECK(future.size() <= 4);                                                 // max_lookahead
      if (run) CHECK(*run == std::make_pair(future.front(), future.back()));
      run = std::make_pair(future.front(), future.back());
    }
    if (run) ++masked_runs, starts.insert(run->first);
  }
  CHECK(masked_runs > 250);         // a track is skipped with p = 0.25: all three with 1/64
  CHECK(skipped_tracks > 100);      // about 300 * 3 * 0.25 = 225
  CHECK(skipped_tracks < 350);
  CHECK(starts.size() == 7);        // every current bar 0..6 occurs (runs start at 1..7)
}

TEST_CASE("a sample stream has the statistics of §2") {
  Tokenizer yellow(EncoderConfig::from_json(read_config("yellow_encoder")));
  Score s = piece(3, 32, [](int t, int b) { return (t + b) % 7 != 0; });
  SampleOptions options;
  check_sample_options(yellow, options);
  SampleRng rng(42), again(42);
  int infill = 0, cropped = 0;
  std::map<int, int> bars, shifts;
  double cell_share = 0;
  const int N = 400;
  for (int i = 0; i < N; ++i) {
    TrainingSample x = build_sample(s, yellow, options, rng);
    CHECK(build_sample(s, yellow, options, again).tokens == x.tokens);  // reproducible by seed
    REQUIRE(!x.tokens.empty());
    CHECK(static_cast<int>(x.tokens.size()) <= options.max_seq_len);
    CHECK(x.tracks == 3);  // greedy: the most tracks that fit
    ++bars[x.bars];
    ++shifts[x.transpose];
    CHECK(x.velocity_factor >= 0.8);
    CHECK(x.velocity_factor < 1.2);
    cropped += x.cropped;
    if (x.infill) {
      ++infill;
      CHECK(x.tokens[0] == yellow.vocab().encode(TokenType::PieceStart, 1));
      CHECK_FALSE(x.cells.empty());
      cell_share += static_cast<double>(x.cells.size()) / (3.0 * x.bars);
    } else {
      CHECK(x.tokens[0] == yellow.vocab().encode(TokenType::PieceStart, 0));
    }
  }
  CHECK(std::abs(infill / static_cast<double>(N) - 0.75) < 0.07);
  CHECK(bars.size() == 2);  // yellow windows: 4 and 8 bars
  CHECK(bars.count(4) == 1);
  CHECK(bars.count(8) == 1);
  CHECK(shifts.size() == 13);
  CHECK(shifts.begin()->first == -6);
  CHECK(shifts.rbegin()->first == 6);
  // p ~ U(0, 0.5) per sample: about a quarter of the cells, a little more with the forced cell.
  CHECK(std::abs(cell_share / infill - 0.25) < 0.06);
  CHECK(cropped == 0);
}

TEST_CASE("long samples: infill retries smaller, autoregressive ones are cropped") {
  Tokenizer yellow(EncoderConfig::from_json(read_config("yellow_encoder")));
  Score s = piece(3, 16, [](int, int) { return true; });
  SampleOptions options;
  options.max_seq_len = 120;
  SampleRng rng(5);
  int cropped = 0, fallback = 0;
  for (int i = 0; i < 100; ++i) {
    TrainingSample x = build_sample(s, yellow, options, rng);
    CHECK(static_cast<int>(x.tokens.size()) <= 120);
    if (x.infill) CHECK(x.tracks < 3);  // three full tracks never fit in 120 tokens
    cropped += x.cropped;
    fallback += x.fallback;
  }
  CHECK(cropped > 0);
  options.max_seq_len = 0;
  CHECK_THROWS_AS(check_sample_options(yellow, options), ConfigError);
}

TEST_CASE("options that do not suit the encoder are refused") {
  Tokenizer yellow(EncoderConfig::from_json(read_config("yellow_encoder")));
  SampleOptions mask;
  mask.mask = MaskBarConfig{};
  CHECK_THROWS_AS(check_sample_options(yellow, mask), ConfigError);  // no MaskBar in yellow
  SampleOptions velocity;
  velocity.velocity_off_probability = 0.5;
  CHECK_THROWS_AS(check_sample_options(yellow, velocity), ConfigError);
}

TEST_CASE("out of memory while building a sample propagates instead of meaning 'try fewer tracks'") {
  Tokenizer yellow(EncoderConfig::from_json(read_config("yellow_encoder")));
  const Score s = piece(2, 4, [](int, int) { return true; });
  SampleOptions options;
  options.infill_probability = 0;
  // Fail each allocation of one build in turn, until a build runs out of
  // allocations to fail: every failure must reach the caller as bad_alloc.
  int builds = 0, swallowed = 0;
  for (long n = 0;; ++n) {
    SampleRng rng(11);
    bool out_of_memory = false;
    g_allocation_failed = false;
    g_allocations_before_failure = n;
    try {
      build_sample(s, yellow, options, rng);
    } catch (const std::bad_alloc&) {
      out_of_memory = true;
    } catch (const std::exception&) {  // turned into another error: swallowed all the same
    }
    g_allocations_before_failure = -1;
    if (!g_allocation_failed) break;
    ++builds;
    if (!out_of_memory) ++swallowed;
  }
  CAPTURE(builds);
  CHECK(builds > 10);
  CHECK(swallowed == 0);
}
