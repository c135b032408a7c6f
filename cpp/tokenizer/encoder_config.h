// The encoder configuration (tokenizer.md §2): grid, vocabulary layout and
// the musical tables behind it, parsed from the reference's JSON format.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokenizer/domain_transforms.h"
#include "tokenizer/token_type.h"

namespace midigpt {

struct TokenDomain {
  TokenType type;
  int size;
};

struct EncoderConfig {
  int resolution = 480;         // model grid, ticks per quarter
  int decode_resolution = 480;  // resolution of decoded scores
  int model_dim = 4;            // NumBars fallback; never read from JSON (as in the reference)
  int pitch_min = 0;
  int pitch_max = 127;
  int velocity_levels = 32;
  int note_duration_max_beats = 8;
  bool emit_delta_tokens = false;
  bool supports_infill = false;
  bool supports_mask_bar_token = false;
  bool velocity_sticky = true;
  bool switchable_velocity = false;
  bool switchable_microtiming = false;
  nlohmann::json attribute_controls = nlohmann::json::array();
  std::optional<TimeSignatureList> time_signatures;
  InstrumentGrouping instrument_grouping;
  std::optional<GenreGrouping> genre_grouping;
  std::optional<std::vector<int>> num_bars_map;
  std::vector<TokenDomain> token_domains;

  // Parses the JSON text; throws ConfigError naming the bad field. When
  // `token_domains` is absent the list is derived (§2.2).
  static EncoderConfig from_json(const std::string& text);
  static EncoderConfig from_json(const nlohmann::json& json);

  // §2.2: the domain list implied by the other fields.
  std::vector<TokenDomain> derive_token_domains() const;
  // §2.4: appends (type name, size) domains whose type is not present yet.
  void add_attribute_token_domains(const std::vector<std::pair<std::string, int>>& specs);

  bool has_domain(TokenType type) const;
  // Index of `n` in num_bars_map (its last occurrence), or nullopt.
  std::optional<int> num_bars_index(int n) const;
};

}  // namespace midigpt
