// The user-facing tokenizer: what the reference's Python `Tokenizer` does
// around the C++ encoder (tokenizer.md §1.5, §4.9.2, §5.3). Encoding resamples
// the score to the model grid (path B), writes the attribute-control values
// into each track, then encodes; decoding can resample back.
#pragma once

#include <string>
#include <vector>

#include "attributes/analyzer.h"
#include "core/score.h"
#include "tokenizer/decoder.h"
#include "tokenizer/encoder.h"
#include "tokenizer/encoder_config.h"
#include "tokenizer/vocabulary.h"

namespace midigpt {

class Tokenizer {
 public:
  // Builds the analyzer from the config and appends its attribute domains.
  explicit Tokenizer(EncoderConfig config);
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  const EncoderConfig& config() const { return vocab_.config(); }
  const Vocabulary& vocab() const { return vocab_; }
  const attributes::AttributeAnalyzer& analyzer() const { return analyzer_; }
  const Encoder& encoder() const { return encoder_; }
  const Decoder& decoder() const { return decoder_; }

  // The score on the model grid with attribute values written into its tracks.
  Score prepare(const Score& score, bool compute_attributes = true) const;
  EncodeResult encode(const Score& score, const EncodeOptions& options, bool compute_attributes = true) const;
  // `resample`: move the decoded score to `decode_resolution` (as the reference's default).
  Score decode(const std::vector<int>& tokens, bool resample = true) const;

 private:
  static EncoderConfig with_attribute_domains(EncoderConfig config, const attributes::AttributeAnalyzer& analyzer);

  attributes::AttributeAnalyzer analyzer_;
  Vocabulary vocab_;
  Encoder encoder_;
  Decoder decoder_;
};

}  // namespace midigpt
