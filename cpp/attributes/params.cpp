#include "attributes/params.h"

#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace midigpt::attributes {
namespace {

std::string quoted_list(std::initializer_list<const char*> words) {
  std::string out;
  for (const char* w : words) out += (out.empty() ? "'" : ", '") + std::string(w) + "'";
  return out;
}

}  // namespace

Params::Params(std::string attribute, const nlohmann::json& params)
    : attribute_(std::move(attribute)) {
  if (params.is_null()) return;
  if (!params.is_object())
    throw ConfigError("attribute '" + attribute_ + "': params must be an object");
  for (const auto& [key, value] : params.items()) {
    if (!value.is_string())
      throw ConfigError("attribute '" + attribute_ + "': param '" + key + "' must be a string");
    values_[key] = value.get<std::string>();
  }
}

std::string Params::choice(const std::string& key, std::initializer_list<const char*> allowed,
                           std::optional<std::string> fallback) {
  read_.insert(key);
  const auto it = values_.find(key);
  if (it == values_.end()) {
    if (fallback) return *fallback;
    throw ConfigError("attribute '" + attribute_ + "' needs param '" + key + "' (one of " +
                      quoted_list(allowed) + ")");
  }
  for (const char* word : allowed)
    if (it->second == word) return it->second;
  throw ConfigError("attribute '" + attribute_ + "': param '" + key + "' is '" + it->second +
                    "', expected one of " + quoted_list(allowed));
}

Level Params::level(Level fallback) {
  const std::string word =
      choice("level", {"track", "bar"}, fallback == Level::Bar ? "bar" : "track");
  return word == "bar" ? Level::Bar : Level::Track;
}

TrackFilter Params::track_type(TrackFilter fallback) {
  const char* fallback_word = fallback == TrackFilter::Drum   ? "drum"
                              : fallback == TrackFilter::Both ? "both"
                                                              : "melodic";
  const std::string word = choice("track_type", {"melodic", "drum", "both"}, fallback_word);
  if (word == "drum") return TrackFilter::Drum;
  if (word == "both") return TrackFilter::Both;
  return TrackFilter::Melodic;
}

void Params::reject_unknown() const {
  for (const auto& [key, value] : values_)
    if (!read_.count(key))
      throw ConfigError("attribute '" + attribute_ + "' takes no param '" + key + "'");
}

}  // namespace midigpt::attributes
