// AttributeAnalyzer.from_config and Tokenizer.encode's annotation step
// (tokenizer.md §4.9.1-§4.9.2).
#include "attributes/analyzer.h"

#include <map>

#include <nlohmann/json.hpp>

#include "attributes/common.h"
#include "attributes/registry.h"
#include "core/errors.h"

namespace midigpt::attributes {
namespace {

using AttributeList = std::vector<std::unique_ptr<Attribute>>;

// Step 2: every token_domains type that implies an attribute brings it along;
// the slot of each token type is remembered for step 3.
AttributeList infer_from_domains(const std::vector<std::string>& domain_types,
                                 std::map<std::string, size_t>& slot_of_type) {
  AttributeList list;
  for (const std::string& type : domain_types) {
    auto attribute = infer_attribute(type);
    if (!attribute) continue;
    slot_of_type[attribute->spec().token_type] = list.size();
    list.push_back(std::move(attribute));
  }
  return list;
}

std::unique_ptr<Attribute> build_control(const nlohmann::json& control) {
  if (!control.is_object() || !control.contains("name") || !control["name"].is_string())
    throw ConfigError("each attribute_controls entry must be an object with a string 'name'");
  const nlohmann::json params = control.value("params", nlohmann::json());
  return make_attribute(control["name"].get<std::string>(), params);
}

// Step 3: a control whose token type was inferred takes over that slot;
// any other is appended.
void overlay_controls(AttributeList& list, const std::map<std::string, size_t>& slot_of_type,
                      const nlohmann::json& controls) {
  if (controls.is_null()) return;
  if (!controls.is_array()) throw ConfigError("attribute_controls must be an array");
  for (const auto& control : controls) {
    auto attribute = build_control(control);
    const auto slot = slot_of_type.find(attribute->spec().token_type);
    if (slot != slot_of_type.end())
      list[slot->second] = std::move(attribute);
    else
      list.push_back(std::move(attribute));
  }
}

// Step 4: a dict keyed by name keeps the first position of a name and the
// last attribute given for it.
AttributeList unique_by_name(AttributeList list) {
  AttributeList out;
  std::map<std::string, size_t> position;
  for (auto& attribute : list) {
    const auto [it, fresh] = position.emplace(attribute->spec().name, out.size());
    if (fresh)
      out.push_back(std::move(attribute));
    else
      out[it->second] = std::move(attribute);
  }
  return out;
}

}  // namespace

AttributeAnalyzer AttributeAnalyzer::from_config(const std::vector<std::string>& domain_types,
                                                 const nlohmann::json& attribute_controls) {
  std::map<std::string, size_t> slot_of_type;
  AttributeList list = infer_from_domains(domain_types, slot_of_type);
  overlay_controls(list, slot_of_type, attribute_controls);
  AttributeAnalyzer analyzer;
  analyzer.attributes_ = unique_by_name(std::move(list));
  return analyzer;
}

std::vector<std::pair<std::string, int>> AttributeAnalyzer::token_domain_specs() const {
  std::vector<std::pair<std::string, int>> specs;
  for (const auto& attribute : attributes_)
    specs.emplace_back(attribute->spec().token_type, attribute->spec().size);
  return specs;
}

void AttributeAnalyzer::annotate(Score& score) const {
  for (size_t t = 0; t < score.tracks.size(); ++t) {
    const int track_index = static_cast<int>(t);
    // Computed from the untouched score, then written: a track's values never
    // depend on another track's attributes, so this equals the reference's
    // track-by-track update.
    std::map<std::string, int> values = score.tracks[t].attributes;
    const Track& track = score.tracks[t];
    for (const auto& attribute : attributes_) {
      const AttributeSpec& spec = attribute->spec();
      if (!applies_to(spec, track) || spec.level != Level::Track) continue;
      values[spec.name] = attribute->quantize(attribute->compute(score, track_index, -1));
    }
    for (size_t b = 0; b < track.bars.size(); ++b)
      for (const auto& attribute : attributes_) {
        const AttributeSpec& spec = attribute->spec();
        if (!applies_to(spec, track) || spec.level != Level::Bar) continue;
        const std::string key = "bar_" + spec.token_type + "_" + std::to_string(b);
        values[key] = attribute->quantize(attribute->compute(score, track_index, static_cast<int>(b)));
      }
    score.tracks[t].attributes = std::move(values);
  }
}

}  // namespace midigpt::attributes
