#include "tokenizer/tokenizer.h"

#include "core/resample.h"

namespace midigpt {
namespace {

std::vector<std::string> canonical_domain_names(const EncoderConfig& config) {
  std::vector<std::string> names;
  for (const TokenDomain& d : config.token_domains) names.emplace_back(to_string(d.type));
  return names;
}

}  // namespace

EncoderConfig Tokenizer::with_attribute_domains(EncoderConfig config, const attributes::AttributeAnalyzer& analyzer) {
  config.add_attribute_token_domains(analyzer.token_domain_specs());
  return config;
}

Tokenizer::Tokenizer(EncoderConfig config)
    : analyzer_(attributes::AttributeAnalyzer::from_config(canonical_domain_names(config), config.attribute_controls)),
      vocab_(with_attribute_domains(std::move(config), analyzer_)),
      encoder_(vocab_),
      decoder_(vocab_) {}

Score Tokenizer::prepare(const Score& score, bool compute_attributes) const {
  Score out = score.resolution == config().resolution ? score : resample(score, config().resolution, config().emit_delta_tokens);
  if (compute_attributes) analyzer_.annotate(out);
  return out;
}

EncodeResult Tokenizer::encode(const Score& score, const EncodeOptions& options, bool compute_attributes) const {
  return encoder_.encode(prepare(score, compute_attributes), options);
}

Score Tokenizer::decode(const std::vector<int>& tokens, bool resample_output) const {
  Score score = decoder_.decode(tokens);
  if (resample_output && config().resolution != config().decode_resolution)
    score = resample(score, config().decode_resolution, config().emit_delta_tokens);
  return score;
}

}  // namespace midigpt
