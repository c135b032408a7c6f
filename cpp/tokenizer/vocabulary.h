// Token ids (tokenizer.md §3): each domain of the config's token_domains gets
// a contiguous id range, in list order.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "tokenizer/encoder_config.h"

namespace midigpt {

struct Token {
  TokenType type;
  int value;
};

class Vocabulary {
 public:
  // Throws ConfigError when a type is listed twice or has a negative size.
  explicit Vocabulary(const EncoderConfig& config);

  int size() const { return size_; }
  bool has(TokenType type) const { return slot(type).present; }
  int domain_size(TokenType type) const { return slot(type).size; }
  // [offset, offset + size), or (-1, -1) when the type is absent.
  std::pair<int, int> range(TokenType type) const;

  // Throws EncodeError for an absent type or a value outside the domain.
  int encode(TokenType type, int value) const;
  // Clamps the value into the domain first (the reference's clamp_encode).
  int encode_clamped(TokenType type, int value) const;
  // Throws EncodeError for an id outside the vocabulary.
  Token decode(int id) const;
  // "Type:value", the reference's token name.
  std::string name(int id) const;

  const std::vector<TokenDomain>& domains() const { return domains_; }
  const std::vector<int>& offsets() const { return offsets_; }
  const EncoderConfig& config() const { return config_; }

 private:
  struct Slot {
    bool present = false;
    int offset = -1;
    int size = 0;  // a type is listed once (the constructor refuses repeats)
  };
  const Slot& slot(TokenType type) const { return slots_[static_cast<size_t>(type)]; }

  EncoderConfig config_;
  std::vector<TokenDomain> domains_;
  std::vector<int> offsets_;
  std::array<Slot, 128> slots_{};
  std::vector<Token> by_id_;  // decode table
  int size_ = 0;
};

}  // namespace midigpt
