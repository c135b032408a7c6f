// The attribute registry (training.md §4.1): names an attribute_controls entry
// may use, and the attribute each token type implies on its own.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "attributes/analyzer.h"

namespace midigpt::attributes {

// REGISTRY[name](**params). Throws ConfigError for an unknown name, for params
// the entry does not take or with bad values, and for tension/tension_drum,
// which this port does not implement.
std::unique_ptr<Attribute> make_attribute(const std::string& name, const nlohmann::json& params);

// The attribute a token_domains entry brings with it (TOKEN_TYPE_TO_ATTRIBUTE),
// or nullptr when the type is not an attribute type. `type` is a canonical
// token-type name; the aliases and TOKEN_ forms of attribute types are
// resolved to it first, as the reference's to_json round trip does.
std::unique_ptr<Attribute> infer_attribute(const std::string& type);

}  // namespace midigpt::attributes
