// Value mappings between musical quantities and token values
// (tokenizer.md §6): time signatures, velocity bins, instrument groups,
// window sizes and genres.
#pragma once

#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace midigpt {

// Index of an exact (numerator, denominator) pair in the config's list.
class TimeSignatureList {
 public:
  TimeSignatureList() = default;
  explicit TimeSignatureList(std::vector<std::pair<int, int>> list) : list_(std::move(list)) {}
  // Throws EncodeError for a pair not in the list (no reduction: 2/4 is not 4/8).
  int encode(int numerator, int denominator) const;
  std::pair<int, int> decode(int index) const;  // throws for an index out of range
  const std::vector<std::pair<int, int>>& list() const { return list_; }
  bool empty() const { return list_.empty(); }

 private:
  std::vector<std::pair<int, int>> list_;
};

// Velocity <-> one of `levels` bins (§6.2, Appendix C).
class VelocityQuantizer {
 public:
  explicit VelocityQuantizer(int levels);
  int encode(int velocity) const;
  // The reference's representative: the second velocity of the bin, 0 when the
  // bin holds fewer than two (every bin of a 128-level quantizer).
  int decode_reference(int level) const;
  // Our representative: the reference's when it is non-zero, else the bin's
  // only velocity, so 128-level vocabularies decode to real velocities.
  int decode(int level) const;
  int levels() const { return levels_; }

 private:
  int levels_;
  std::vector<int> second_;  // per level
  std::vector<int> first_;   // per level
};

// General MIDI program -> dense merge-group id (§6.3).
class InstrumentGrouping {
 public:
  InstrumentGrouping();  // identity: 128 groups
  explicit InstrumentGrouping(const std::vector<std::vector<int>>& groups);
  int encode(int program) const;  // 0 for programs outside 0..127
  int decode(int id) const;       // the group's representative program, 0 if unknown
  int num_groups() const { return static_cast<int>(representatives_.size()); }

 private:
  std::array<int, 128> id_of_program_{};
  std::vector<int> representatives_;  // sorted; index = dense id
};

// Canonical genre names (sorted) with their aliases (§6.5).
class GenreGrouping {
 public:
  GenreGrouping() = default;
  explicit GenreGrouping(const std::map<std::string, std::vector<std::string>>& groups);
  int encode(const std::string& name) const;  // case-insensitive; throws EncodeError when unknown
  const std::string& decode(int id) const;
  bool contains(const std::string& name) const;
  int num_genres() const { return static_cast<int>(names_.size()); }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
  std::map<std::string, int> ids_;  // lower-cased name or alias -> id
};

}  // namespace midigpt
