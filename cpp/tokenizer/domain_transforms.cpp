#include "tokenizer/domain_transforms.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "core/errors.h"

namespace midigpt {

int TimeSignatureList::encode(int numerator, int denominator) const {
  for (size_t i = 0; i < list_.size(); ++i)
    if (list_[i].first == numerator && list_[i].second == denominator) return static_cast<int>(i);
  throw EncodeError("time signature " + std::to_string(numerator) + "/" + std::to_string(denominator) +
                    " is not in this encoder's list of " + std::to_string(list_.size()) + " time signatures");
}

std::pair<int, int> TimeSignatureList::decode(int index) const {
  if (index < 0 || index >= static_cast<int>(list_.size()))
    throw EncodeError("time signature index " + std::to_string(index) + " is out of range");
  return list_[index];
}

VelocityQuantizer::VelocityQuantizer(int levels) : levels_(levels) {
  if (levels < 2) throw ConfigError("VelocityLevel needs at least 2 levels, got " + std::to_string(levels));
  first_.assign(levels, 0);
  second_.assign(levels, 0);
  std::vector<int> seen(levels, 0);
  for (int v = 1; v <= 127; ++v) {
    const int level = encode(v);
    if (seen[level] == 0) first_[level] = v;
    if (seen[level] == 1) second_[level] = v;
    ++seen[level];
  }
}

int VelocityQuantizer::encode(int velocity) const {
  if (velocity <= 0) return 0;
  if (velocity >= 127) return levels_ - 1;
  return std::min(1 + (velocity * (levels_ - 1)) / 128, levels_ - 1);
}

int VelocityQuantizer::decode_reference(int level) const {
  if (level < 0 || level >= levels_) throw EncodeError("velocity level " + std::to_string(level) + " is out of range");
  return second_[level];
}

int VelocityQuantizer::decode(int level) const {
  const int reference = decode_reference(level);
  return reference ? reference : first_[level];
}

InstrumentGrouping::InstrumentGrouping() {
  for (int p = 0; p < 128; ++p) {
    id_of_program_[p] = p;
    representatives_.push_back(p);
  }
}

InstrumentGrouping::InstrumentGrouping(const std::vector<std::vector<int>>& groups) {
  std::array<int, 128> representative{};
  for (int p = 0; p < 128; ++p) representative[p] = p;
  for (const auto& group : groups) {
    if (group.empty()) continue;
    for (int member : group)
      if (member >= 0 && member < 128) representative[member] = group.front();
  }
  representatives_.assign(representative.begin(), representative.end());
  std::sort(representatives_.begin(), representatives_.end());
  representatives_.erase(std::unique(representatives_.begin(), representatives_.end()), representatives_.end());
  for (int p = 0; p < 128; ++p)
    id_of_program_[p] = static_cast<int>(
        std::lower_bound(representatives_.begin(), representatives_.end(), representative[p]) - representatives_.begin());
}

int InstrumentGrouping::encode(int program) const { return program >= 0 && program < 128 ? id_of_program_[program] : 0; }

int InstrumentGrouping::decode(int id) const {
  return id >= 0 && id < num_groups() ? representatives_[id] : 0;
}

namespace {
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

GenreGrouping::GenreGrouping(const std::map<std::string, std::vector<std::string>>& groups) {
  for (const auto& [name, aliases] : groups) {  // std::map: byte-wise sorted names
    const int id = static_cast<int>(names_.size());
    names_.push_back(name);
    ids_[lower(name)] = id;
    for (const auto& alias : aliases) ids_[lower(alias)] = id;  // later groups win, as in the reference
  }
}

int GenreGrouping::encode(const std::string& name) const {
  auto it = ids_.find(lower(name));
  if (it == ids_.end()) throw EncodeError("unknown genre \"" + name + "\"");
  return it->second;
}

bool GenreGrouping::contains(const std::string& name) const { return ids_.count(lower(name)) > 0; }

const std::string& GenreGrouping::decode(int id) const {
  if (id < 0 || id >= num_genres()) throw EncodeError("genre id " + std::to_string(id) + " is out of range");
  return names_[id];
}

}  // namespace midigpt
