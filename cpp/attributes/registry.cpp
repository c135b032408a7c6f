#include "attributes/registry.h"

#include <map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "attributes/kinds.h"
#include "attributes/params.h"
#include "core/errors.h"

namespace midigpt::attributes {
namespace {

using Factory = std::unique_ptr<Attribute> (*)(Params&);

// In the reference's registry order, which the error message lists.
const std::vector<std::pair<std::string, Factory>>& registry() {
  static const std::vector<std::pair<std::string, Factory>> entries{
      {"note_density", make_note_density},
      {"onset_polyphony", make_onset_polyphony},
      {"pitch_range", make_pitch_range},
      {"key_signature", make_key_signature},
      {"note_duration_dist", make_note_duration_dist},
      {"silence_proportion", make_silence_proportion},
      {"pitch_class_set", make_pitch_class_set},
      {"note_density_quantile", make_note_density_quantile},
      {"polyphony_quantile", make_polyphony_quantile},
      {"note_duration_quantile", make_note_duration_quantile},
      {"tension", nullptr},  // known, but not ported (a large symusic+numpy model)
      {"tension_drum", nullptr},
      {"nomml", make_nomml},
  };
  return entries;
}

std::string known_names() {
  std::string out;
  for (const auto& [name, factory] : registry()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::unique_ptr<Attribute> build(const std::string& name, Params& params) {
  for (const auto& [entry, factory] : registry()) {
    if (entry != name) continue;
    if (!factory)
      throw ConfigError("attribute '" + name +
                        "' is not supported by this implementation (tension needs the reference's "
                        "Python/symusic tension model; no shipped encoder config uses it)");
    auto attribute = factory(params);
    params.reject_unknown();
    return attribute;
  }
  throw ConfigError("unknown attribute '" + name + "' in attribute_controls; known: " + known_names());
}

struct Inferred {
  std::string name;
  std::map<std::string, std::string> params;
};

// TOKEN_TYPE_TO_ATTRIBUTE, by canonical token-type name.
const std::map<std::string, Inferred>& inferred_by_type() {
  static const std::map<std::string, Inferred> table{
      {"MinPolyphony", {"polyphony_quantile", {{"mode", "min"}}}},
      {"MaxPolyphony", {"polyphony_quantile", {{"mode", "max"}}}},
      {"MinNoteDuration", {"note_duration_quantile", {{"mode", "min"}}}},
      {"MaxNoteDuration", {"note_duration_quantile", {{"mode", "max"}}}},
      {"NoteDensity", {"note_density_quantile", {}}},
      {"TrackLevelSilenceProportionMax", {"silence_proportion", {}}},
      {"PitchClassSetTrack", {"pitch_class_set", {{"level", "track"}}}},
      {"TrackLevelPitchRangeMax", {"pitch_range", {}}},
      {"KeySignature", {"key_signature", {}}},
      {"NoteDurationDist", {"note_duration_dist", {}}},
      {"OnsetPolyphony", {"onset_polyphony", {}}},
      {"BarLevelPitchClassSet", {"pitch_class_set", {}}},
      {"BarLevelOnsetDensity", {"note_density_quantile", {{"level", "bar"}}}},
      {"BarLevelOnsetPolyphonyMin", {"polyphony_quantile", {{"mode", "min"}, {"level", "bar"}}}},
      {"BarLevelOnsetPolyphonyMax", {"polyphony_quantile", {{"mode", "max"}, {"level", "bar"}}}},
      {"Tension", {"tension", {}}},
      {"TensionDrum", {"tension_drum", {}}},
      {"TrackLevelNomml", {"nomml", {}}},
  };
  return table;
}

// The reference reads the types back from to_json(), which writes canonical
// names; so an alias never reaches its own table entry (OnsetPolyphony and
// NoteDurationDist included), it becomes the type it stands for.
std::string canonical(const std::string& type) {
  static const std::map<std::string, std::string> aliases{
      {"PitchRange", "TrackLevelPitchRangeMax"},
      {"SilenceProportion", "TrackLevelSilenceProportionMax"},
      {"PitchClassSet", "BarLevelPitchClassSet"},
      {"OnsetPolyphony", "BarLevelOnsetPolyphonyMax"},
      {"NoteDurationDist", "NoteDuration"},
  };
  const auto it = aliases.find(type);
  return it == aliases.end() ? type : it->second;
}

}  // namespace

std::unique_ptr<Attribute> make_attribute(const std::string& name, const nlohmann::json& params) {
  Params checked(name, params);
  return build(name, checked);
}

std::unique_ptr<Attribute> infer_attribute(const std::string& type) {
  const auto it = inferred_by_type().find(canonical(type));
  if (it == inferred_by_type().end()) return nullptr;
  Params params(it->second.name, it->second.params);
  return build(it->second.name, params);
}

}  // namespace midigpt::attributes
