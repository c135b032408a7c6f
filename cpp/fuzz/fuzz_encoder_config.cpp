// Target 3: encoder-config JSON -> EncoderConfig -> Tokenizer (analyzer and
// vocabulary) -> a small encode/decode and the grammar's first masks.
//
// Properties: a bad config is refused with ConfigError (no other exception
// escapes from_json or the Tokenizer); the vocabulary is the concatenation of
// the domains (its size is their sum, each domain's first and last id decode
// to its type); ids outside it are refused with EncodeError; whatever a config
// encodes decodes without error.
#include <cstdint>
#include <exception>
#include <set>
#include <string>
#include <typeinfo>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "fuzz_support.h"
#include "masking/constraint.h"
#include "masking/grammar.h"
#include "tokenizer/encoder_config.h"
#include "tokenizer/tokenizer.h"

using namespace midigpt;
using midigpt::fuzz::property_failed;

namespace {

void check_vocabulary(const Vocabulary& vocab) {
  int64_t sum = 0;
  for (const TokenDomain& d : vocab.domains()) sum += d.size;
  FUZZ_CHECK(sum == vocab.size(), std::to_string(sum) + " vs " + std::to_string(vocab.size()));
  std::set<TokenType> seen;
  for (size_t i = 0; i < vocab.domains().size(); ++i) {
    const TokenDomain& d = vocab.domains()[i];
    const int first = vocab.offsets()[i];
    FUZZ_CHECK(seen.insert(d.type).second, "a token type listed twice was accepted");
    FUZZ_CHECK(vocab.decode(first).value == 0, "domain " + std::to_string(i));
    FUZZ_CHECK(vocab.decode(first + d.size - 1).value == d.size - 1, "domain " + std::to_string(i));
    FUZZ_CHECK(vocab.has(d.type), "domain " + std::to_string(i));
  }
  for (int id : {-1, vocab.size(), vocab.size() + 1}) {
    try {
      vocab.decode(id);
      property_failed("an id outside the vocabulary decoded", __FILE__, __LINE__, std::to_string(id));
    } catch (const EncodeError&) {
    }
  }
  if (vocab.size() > 0) (void)vocab.name(vocab.size() - 1);
}

// A two-track, two-bar piece in 4/4 at the config's resolution.
Score small_piece(int resolution) {
  Score s;
  s.resolution = resolution;
  for (int t = 0; t < 2; ++t) {
    Track track;
    track.type = t == 1 ? TrackType::Drum : TrackType::Melodic;
    track.instrument = t == 1 ? 0 : 33;
    for (int b = 0; b < 2; ++b) {
      Bar bar;
      bar.notes.push_back({60 + t, 90, 0, resolution, 0});
      bar.notes.push_back({64, 70, resolution, resolution / 2 + 1, t ? 0 : 1});
      track.bars.push_back(bar);
    }
    s.tracks.push_back(track);
  }
  return s;
}

void exercise(const Tokenizer& tok) {
  const Vocabulary& vocab = tok.vocab();
  check_vocabulary(vocab);
  const EncoderConfig& config = tok.config();
  EncodeOptions opts;
  if (config.num_bars_map && !config.num_bars_map->empty()) opts.window_bars = config.num_bars_map->front();
  std::vector<int> tokens;
  try {
    tokens = tok.encode(small_piece(config.resolution), opts).tokens;
  } catch (const Error&) {
    return;  // e.g. 4/4 missing from the config's time signatures
  }
  for (int id : tokens) FUZZ_CHECK(id >= 0 && id < vocab.size(), std::to_string(id));
  tok.decode(tokens, true);
  ConstraintGraph graph(vocab.size());
  graph.add(std::make_unique<GrammarConstraint>(vocab));
  std::vector<uint8_t> allowed(vocab.size());
  for (size_t i = 0; i < tokens.size() && i < 24; ++i) {
    graph.mask(allowed.data());
    graph.step(tokens[i]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const EncoderConfig config = EncoderConfig::from_json(text);
    const Tokenizer tok(config);
    exercise(tok);
  } catch (const ConfigError&) {
  } catch (const Error& e) {
    property_failed("a config error that is not a ConfigError", __FILE__, __LINE__, e.what());
  } catch (const std::exception& e) {
    property_failed("a non-midigpt exception escaped", __FILE__, __LINE__, std::string(typeid(e).name()) + ": " + e.what());
  }
  return 0;
}
