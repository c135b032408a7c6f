// Cost of the per-token work outside the model: legal-token mask + advance
// (generation.md §3.5), teacher-forced along a real continuation. Prints the
// median over rounds. Usage: bench_generation CONFIG.json FILE.mid
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include "core/window.h"
#include "generation/session_state.h"
#include "generation/step_planner.h"
#include "io/midi_reader.h"
#include "tokenizer/tokenizer.h"

using namespace midigpt;
using Clock = std::chrono::steady_clock;

static std::string read_text(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s CONFIG.json FILE.mid\n", argv[0]);
    return 2;
  }
  Tokenizer tokenizer(EncoderConfig::from_json(read_text(argv[1])));
  std::ifstream in(argv[2], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Score score = tokenizer.prepare(window(read_midi(bytes.data(), bytes.size()), 0, 8));

  // Infill every bar of track 1 with model_dim 8: one step, 8 fill blocks.
  SelectionMask mask;
  const int tracks = static_cast<int>(score.tracks.size());
  mask.selected.assign(tracks, std::vector<bool>(8, false));
  mask.selected[1].assign(8, true);
  GenerationStep step = plan_steps(mask, 8, 8, 1).front();
  for (int t = 0; t < tracks; ++t)
    for (int b = 0; b < 8; ++b) step.context[t][b] = !step.bars_to_generate.count({t, b});

  // The real continuation: the same window encoded with the targets filled in.
  EncodeOptions opts;
  opts.window_bars = 8;
  opts.multi_fill = step.bars_to_generate;
  const std::vector<int> full = tokenizer.encoder().encode(score, opts).tokens;
  StepConstraints constraints;
  constraints.max_tracks = tracks;
  SessionState probe(score, step, tokenizer.vocab(), tokenizer.encoder(), tokenizer.decoder(), {}, constraints);
  const std::vector<int> continuation(full.begin() + probe.prompt().size(), full.end());

  std::vector<uint8_t> allowed(tokenizer.vocab().size());
  std::vector<double> per_token_ns, build_us;
  size_t checksum = 0;
  for (int round = 0; round < 15; ++round) {
    const auto t0 = Clock::now();
    SessionState state(score, step, tokenizer.vocab(), tokenizer.encoder(), tokenizer.decoder(), {}, constraints);
    const auto t1 = Clock::now();
    for (int token : continuation) {
      state.mask(allowed.data());
      checksum += allowed[token];
      state.advance(token);
    }
    const auto t2 = Clock::now();
    build_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    per_token_ns.push_back(std::chrono::duration<double, std::nano>(t2 - t1).count() / continuation.size());
  }
  std::sort(per_token_ns.begin(), per_token_ns.end());
  std::sort(build_us.begin(), build_us.end());
  std::printf("vocab %d, prompt %zu tokens, continuation %zu tokens (all legal: %s)\n", tokenizer.vocab().size(),
              probe.prompt().size(), continuation.size(), checksum == 15 * continuation.size() ? "yes" : "no");
  std::printf("mask + advance per token: median %.0f ns (min %.0f, max %.0f)\n", per_token_ns[7], per_token_ns[0], per_token_ns[14]);
  std::printf("SessionState construction (window encode + prompt fed to constraints): median %.0f us\n", build_us[7]);
  return 0;
}
