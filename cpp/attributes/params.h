// The `params` object of one attribute_controls entry, checked the way
// Python's `Class(**params)` would reject it: every key must be a parameter the
// attribute takes, and our values must be one of the known words.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json_fwd.hpp>

#include "attributes/analyzer.h"

namespace midigpt::attributes {

class Params {
 public:
  // `params` may be null (no params) or an object of strings. Throws ConfigError.
  Params(std::string attribute, const nlohmann::json& params);

  // Built from code, e.g. for the token-type auto-inference.
  Params(std::string attribute, std::map<std::string, std::string> values)
      : attribute_(std::move(attribute)), values_(std::move(values)) {}

  // One of `allowed`; `fallback` when absent (nullopt: the key is required).
  std::string choice(const std::string& key, std::initializer_list<const char*> allowed,
                     std::optional<std::string> fallback);
  Level level(Level fallback);
  TrackFilter track_type(TrackFilter fallback);

  // Throws ConfigError when a key was given that the attribute never read.
  void reject_unknown() const;

 private:
  std::string attribute_;
  std::map<std::string, std::string> values_;
  std::set<std::string> read_;
};

}  // namespace midigpt::attributes
