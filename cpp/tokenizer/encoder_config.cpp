#include "tokenizer/encoder_config.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <stdexcept>

#include "core/errors.h"

namespace midigpt {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& field, const std::string& what) {
  throw ConfigError("encoder config: \"" + field + "\" " + what);
}

int get_int(const json& j, const char* key, int fallback) {
  if (!j.contains(key)) return fallback;
  const json& v = j.at(key);
  if (!v.is_number_integer()) bad(key, "must be an integer");
  const auto n = v.get<int64_t>();
  if (n < -(int64_t(1) << 30) || n > (int64_t(1) << 30)) bad(key, "is out of range");
  return static_cast<int>(n);
}

int get_positive(const json& j, const char* key, int fallback, int max) {
  const int v = get_int(j, key, fallback);
  if (v < 1 || v > max) bad(key, "must be between 1 and " + std::to_string(max) + ", got " + std::to_string(v));
  return v;
}

bool get_bool(const json& j, const char* key, bool fallback) {
  if (!j.contains(key)) return fallback;
  if (!j.at(key).is_boolean()) bad(key, "must be true or false");
  return j.at(key).get<bool>();
}

std::vector<int> int_list(const json& v, const std::string& field) {
  if (!v.is_array()) bad(field, "must be an array of integers");
  std::vector<int> out;
  for (const json& x : v) {
    if (!x.is_number_integer()) bad(field, "must be an array of integers");
    out.push_back(x.get<int>());
  }
  return out;
}

// A MIDI time signature stores its numerator in one byte and its denominator
// as a power of two up to 2^7 (the reader decodes no larger); keeping configs
// within that also keeps numerator * 4 * resolution inside an int.
constexpr int kMaxTimeSigNumerator = 255;
constexpr int kMaxTimeSigDenominator = 128;

TimeSignatureList parse_time_signatures(const json& v) {
  if (!v.is_array()) bad("time_signatures", "must be an array of \"n/d\" strings");
  std::vector<std::pair<int, int>> list;
  for (const json& x : v) {
    const std::string s = x.is_string() ? x.get<std::string>() : "";
    const auto slash = s.find('/');
    int n = 0, d = 0;
    try {
      if (slash == std::string::npos) throw std::invalid_argument(s);
      n = std::stoi(s.substr(0, slash));
      d = std::stoi(s.substr(slash + 1));
    } catch (const std::logic_error&) {  // stoi's invalid_argument and out_of_range
      bad("time_signatures", "entry " + x.dump() + " is not of the form \"numerator/denominator\"");
    }
    if (n < 1 || n > kMaxTimeSigNumerator || d < 1 || d > kMaxTimeSigDenominator)
      bad("time_signatures", "entry " + x.dump() + " needs a numerator from 1 to " +
                                 std::to_string(kMaxTimeSigNumerator) + " and a denominator from 1 to " +
                                 std::to_string(kMaxTimeSigDenominator) + ", as a MIDI time signature");
    list.emplace_back(n, d);
  }
  return TimeSignatureList(std::move(list));
}

// A type listed twice would get its ids from one entry and its size from the
// other (tokenizer.md §3.1), so masks and lookups would disagree on where its
// ids are; the reference accepts it, we refuse it. Aliases share a type.
void check_not_listed_before(const std::vector<TokenDomain>& earlier, TokenType type, const std::string& field) {
  for (size_t j = 0; j < earlier.size(); ++j)
    if (earlier[j].type == type)
      bad(field, "lists token type \"" + std::string(to_string(type)) + "\" again (token_domains[" + std::to_string(j) +
                     "] already has it); each type may appear once, and aliases such as PitchClassSet and "
                     "BarLevelPitchClassSet are the same type");
}

std::vector<TokenDomain> parse_domains(const json& v) {
  if (!v.is_array()) bad("token_domains", "must be an array of {type, domain_size}");
  std::vector<TokenDomain> out;
  for (size_t i = 0; i < v.size(); ++i) {
    const json& d = v[i];
    const std::string field = "token_domains[" + std::to_string(i) + "]";
    if (!d.is_object() || !d.contains("type") || !d.at("type").is_string() || !d.contains("domain_size"))
      bad(field, "must be an object with \"type\" (a string) and \"domain_size\"");
    const std::string name = d.at("type").get<std::string>();
    const auto type = token_type_from_string(name);
    if (!type) bad(field + ".type", "names an unknown token type \"" + name + "\"");
    check_not_listed_before(out, *type, field + ".type");
    if (!d.at("domain_size").is_number_integer() || d.at("domain_size").get<int64_t>() < 1 ||
        d.at("domain_size").get<int64_t>() > (1 << 20))
      bad(field + ".domain_size", "must be an integer from 1 to 1048576");
    out.push_back({*type, d.at("domain_size").get<int>()});
  }
  return out;
}

// The longest listed bar in ticks, rounded up (§2.2). A parsed config keeps
// this small; a config built in code may not, so nothing here may overflow:
// the estimate in double bounds the exact product before it is taken.
int longest_bar_ticks(const TimeSignatureList& list, int resolution) {
  constexpr int kMax = std::numeric_limits<int>::max();
  int64_t longest = 0;
  for (const auto& [n, den] : list.list()) {
    const std::string name = "time signature " + std::to_string(n) + "/" + std::to_string(den);
    if (n < 1 || den < 1 || resolution < 1) throw ConfigError(name + " or the resolution is not positive");
    if (double(n) * 4 * resolution / den > kMax) throw ConfigError(name + " makes a bar of more ticks than an int holds");
    longest = std::max(longest, (int64_t(n) * 4 * resolution + den - 1) / den);
  }
  if (longest > kMax) throw ConfigError("a time signature makes a bar of more ticks than an int holds");
  return static_cast<int>(longest);
}

}  // namespace

EncoderConfig EncoderConfig::from_json(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number no double holds (1e400)
    throw ConfigError(std::string("encoder config is not valid JSON: ") + e.what());
  }
  return from_json(j);
}

EncoderConfig EncoderConfig::from_json(const json& j) {
  if (!j.is_object()) throw ConfigError("encoder config must be a JSON object");
  EncoderConfig c;
  c.resolution = get_positive(j, "resolution", 480, 32767);
  c.decode_resolution = get_positive(j, "decode_resolution", 480, 32767);
  if (j.contains("pitch_range")) {
    const auto range = int_list(j.at("pitch_range"), "pitch_range");
    if (range.size() != 2 || range[0] > range[1]) bad("pitch_range", "must be [min, max]");
    c.pitch_min = range[0];
    c.pitch_max = range[1];
  }
  c.velocity_levels = get_positive(j, "velocity_levels", 32, 128);
  c.note_duration_max_beats = get_positive(j, "note_duration_max_beats", 8, 1024);
  c.emit_delta_tokens = get_bool(j, "emit_delta_tokens", false);
  c.supports_infill = get_bool(j, "supports_infill", false);
  c.supports_mask_bar_token = get_bool(j, "supports_mask_bar_token", false);
  c.velocity_sticky = get_bool(j, "velocity_sticky", true);
  c.switchable_velocity = get_bool(j, "switchable_velocity", false);
  c.switchable_microtiming = get_bool(j, "switchable_microtiming", false);
  if (c.switchable_microtiming) c.emit_delta_tokens = true;  // as the reference forces it
  if (j.contains("attribute_controls")) {
    if (!j.at("attribute_controls").is_array()) bad("attribute_controls", "must be an array");
    c.attribute_controls = j.at("attribute_controls");
  }
  if (j.contains("time_signatures")) c.time_signatures = parse_time_signatures(j.at("time_signatures"));
  if (j.contains("instrument_merge_groups")) {
    const json& groups = j.at("instrument_merge_groups");
    if (!groups.is_array()) bad("instrument_merge_groups", "must be an array of arrays of programs");
    std::vector<std::vector<int>> parsed;
    for (const json& g : groups) parsed.push_back(int_list(g, "instrument_merge_groups"));
    c.instrument_grouping = InstrumentGrouping(parsed);
  }
  if (j.contains("genre_groups")) {
    const json& g = j.at("genre_groups");
    if (!g.is_object()) bad("genre_groups", "must map each genre to a list of aliases");
    std::map<std::string, std::vector<std::string>> groups;
    for (const auto& [name, aliases] : g.items()) {
      if (!aliases.is_array()) bad("genre_groups." + name, "must be a list of aliases");
      for (const json& a : aliases) {
        if (!a.is_string()) bad("genre_groups." + name, "must be a list of strings");
        groups[name].push_back(a.get<std::string>());
      }
      groups[name];  // a genre with no aliases still counts
    }
    c.genre_grouping = GenreGrouping(groups);
  }
  if (j.contains("num_bars_map")) {
    c.num_bars_map = int_list(j.at("num_bars_map"), "num_bars_map");
    for (int n : *c.num_bars_map)
      if (n < 1) bad("num_bars_map", "must hold positive bar counts");
  }
  c.token_domains = j.contains("token_domains") ? parse_domains(j.at("token_domains")) : c.derive_token_domains();
  return c;
}

std::vector<TokenDomain> EncoderConfig::derive_token_domains() const {
  std::vector<TokenDomain> d;
  auto add = [&](TokenType t, int size) { d.push_back({t, size}); };
  add(TokenType::PieceStart, supports_infill ? 2 : 1);
  add(TokenType::Track, 2);
  add(TokenType::TrackEnd, 1);
  add(TokenType::Bar, 1);
  add(TokenType::BarEnd, 1);
  if (time_signatures && !time_signatures->empty()) add(TokenType::TimeSig, static_cast<int>(time_signatures->list().size()));
  add(TokenType::Instrument, instrument_grouping.num_groups());
  if (num_bars_map && !num_bars_map->empty()) add(TokenType::NumBars, static_cast<int>(num_bars_map->size()));
  add(TokenType::NoteOnset, pitch_max - pitch_min + 1);
  add(TokenType::NoteDuration, note_duration_max_beats * resolution);
  if (time_signatures && !time_signatures->empty()) {
    add(TokenType::TimeAbsolutePos, longest_bar_ticks(*time_signatures, resolution));
  }
  if (switchable_velocity) add(TokenType::UseVelocity, 2);
  if (switchable_microtiming) add(TokenType::UseMicrotiming, 2);
  if (genre_grouping && genre_grouping->num_genres() > 0) add(TokenType::Genre, genre_grouping->num_genres());
  add(TokenType::VelocityLevel, velocity_levels);
  if (emit_delta_tokens) {
    add(TokenType::DeltaDirection, 2);
    add(TokenType::Delta, std::max(1, resolution / 2));
  }
  if (supports_infill) {
    add(TokenType::FillInPlaceholder, 1);
    add(TokenType::FillInStart, 1);
    add(TokenType::FillInEnd, 1);
  }
  if (supports_mask_bar_token) add(TokenType::MaskBar, 1);
  return d;
}

void EncoderConfig::add_attribute_token_domains(const std::vector<std::pair<std::string, int>>& specs) {
  for (const auto& [name, size] : specs) {
    const auto type = token_type_from_string(name);
    if (!type) throw ConfigError("attribute token type \"" + name + "\" is not a known token type");
    if (!has_domain(*type)) token_domains.push_back({*type, size});
  }
}

bool EncoderConfig::has_domain(TokenType type) const {
  return std::any_of(token_domains.begin(), token_domains.end(), [&](const TokenDomain& d) { return d.type == type; });
}

std::optional<int> EncoderConfig::num_bars_index(int n) const {
  if (!num_bars_map) return std::nullopt;
  std::optional<int> index;
  for (size_t i = 0; i < num_bars_map->size(); ++i)
    if ((*num_bars_map)[i] == n) index = static_cast<int>(i);  // the last occurrence, as the reference
  return index;
}

}  // namespace midigpt
