#include "tokenizer/vocabulary.h"

#include <algorithm>
#include <limits>

#include "core/errors.h"

namespace midigpt {

Vocabulary::Vocabulary(const EncoderConfig& config) : config_(config), domains_(config.token_domains) {
  for (const TokenDomain& d : domains_) {
    Slot& s = slots_[static_cast<size_t>(d.type)];
    // EncoderConfig::from_json refuses this already; a config built in code
    // must not get past it either (the reference's split offset/size lookup
    // made masks write past their buffer).
    if (s.present)
      throw ConfigError("token_domains lists token type \"" + std::string(to_string(d.type)) +
                        "\" twice; each type may appear once");
    if (d.size < 0)
      throw ConfigError("token_domains gives \"" + std::string(to_string(d.type)) + "\" a negative size");
    if (d.size > std::numeric_limits<int>::max() - size_)
      throw ConfigError("token_domains add up to more token ids than this vocabulary can number");
    s.present = true;
    s.size = d.size;
    s.offset = size_;
    offsets_.push_back(size_);
    size_ += d.size;
  }
  // decode() returns the first domain in list order that holds the id.
  by_id_.reserve(size_);
  for (size_t i = 0; i < domains_.size(); ++i)
    for (int v = 0; v < domains_[i].size; ++v) by_id_.push_back({domains_[i].type, v});
}

std::pair<int, int> Vocabulary::range(TokenType type) const {
  const Slot& s = slot(type);
  return s.present ? std::make_pair(s.offset, s.offset + s.size) : std::make_pair(-1, -1);
}

int Vocabulary::encode(TokenType type, int value) const {
  const Slot& s = slot(type);
  if (!s.present) throw EncodeError("the vocabulary has no " + std::string(to_string(type)) + " tokens");
  if (value < 0 || value >= s.size)
    throw EncodeError(std::string(to_string(type)) + " value " + std::to_string(value) + " is outside 0.." +
                      std::to_string(s.size - 1));
  return s.offset + value;
}

int Vocabulary::encode_clamped(TokenType type, int value) const {
  const Slot& s = slot(type);
  if (s.present && s.size > 0) value = std::clamp(value, 0, s.size - 1);
  return encode(type, value);
}

Token Vocabulary::decode(int id) const {
  if (id < 0 || id >= size_)
    throw EncodeError("token id " + std::to_string(id) + " is outside the vocabulary (0.." + std::to_string(size_ - 1) + ")");
  return by_id_[id];
}

std::string Vocabulary::name(int id) const {
  const Token t = decode(id);
  return std::string(to_string(t.type)) + ":" + std::to_string(t.value);
}

}  // namespace midigpt
