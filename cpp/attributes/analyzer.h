// Attribute controls (training.md §4, tokenizer.md §4.9): per-track and
// per-bar descriptors (polyphony, note duration, density, key, ...) that the
// encoder writes as control tokens. Computed on the score at the encoder's
// resolution, with the reference's exact arithmetic and quirks.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/score.h"

namespace midigpt::attributes {

enum class Level { Track, Bar };
// Which tracks an attribute applies to.
enum class TrackFilter { Melodic, Drum, Both };

struct AttributeSpec {
  std::string name;        // key in Track::attributes for track level ("min_polyphony")
  std::string token_type;  // canonical C++ token-type name ("MinPolyphony"); bar keys use it
  Level level = Level::Track;
  TrackFilter track_type = TrackFilter::Melodic;
  int size = 0;                       // domain size
  std::vector<std::string> labels;    // value labels, empty when the reference has none
};

class Attribute {
 public:
  virtual ~Attribute() = default;
  virtual const AttributeSpec& spec() const = 0;
  // Raw value for track `t` (bar < 0) or for bar `bar` of track `t`.
  virtual double compute(const Score& score, int t, int bar) const = 0;
  virtual int quantize(double raw) const = 0;
};

// Builds attributes the way AttributeAnalyzer.from_config does (tokenizer.md §4.9.1).
class AttributeAnalyzer {
 public:
  // `domain_types`: the config's token_domains types by canonical name, in order.
  // `attribute_controls`: the config's attribute_controls array ([{name, params?}]).
  // Throws midigpt::ConfigError (core/errors.h) for unknown names or bad params.
  static AttributeAnalyzer from_config(const std::vector<std::string>& domain_types,
                                       const nlohmann::json& attribute_controls);

  // (token_type, size) in analyzer order, for add_attribute_token_domains.
  std::vector<std::pair<std::string, int>> token_domain_specs() const;
  const std::vector<std::unique_ptr<Attribute>>& attributes() const { return attributes_; }

  // tokenizer.md §4.9.2: for each track, overwrite track-level values under
  // `spec.name` and bar-level ones under "bar_<token_type>_<b>"; other keys stay.
  void annotate(Score& score) const;

 private:
  std::vector<std::unique_ptr<Attribute>> attributes_;
};

}  // namespace midigpt::attributes
