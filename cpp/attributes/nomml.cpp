// nomml (training.md §4.3): the median metrical depth of a track's onsets,
// from 0 (on the beat) through binary and triplet subdivisions to 12 (none).
// Training takes it from the GigaMIDI metadata when the row has it
// (`_nomml_raw`); otherwise it is computed here from the bar-relative onsets.
#include <algorithm>
#include <cmath>
#include <vector>

#include "attributes/common.h"
#include "attributes/kinds.h"

namespace midigpt::attributes {
namespace {

constexpr int kUnaligned = 12;

// Python's float `o % p == 0`: for a zero test, fmod agrees with it.
bool divides(double period, double onset) { return std::fmod(onset, period) == 0.0; }

// 2i for the first binary period tpq/2^i dividing the onset, else 2i+1 for
// the first triplet period 2tpq/(3*2^i), else 12.
int metrical_depth(int onset, int tpq) {
  for (int i = 0; i <= 5; ++i)
    if (divides(double(tpq) / double(1 << i), onset)) return 2 * i;
  for (int i = 0; i <= 5; ++i)
    if (divides(double(tpq * 2) / double((1 << i) * 3), onset)) return 2 * i + 1;
  return kUnaligned;
}

// statistics.median: the mean of the two middle values for an even count.
double median(std::vector<int> values) {
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  if (values.size() % 2 == 1) return values[mid];
  return (values[mid - 1] + values[mid]) / 2.0;
}

class Nomml : public SpecAttribute {
 public:
  using SpecAttribute::SpecAttribute;

  double compute(const Score& score, int t, int) const override {
    const Track& track = score.tracks.at(static_cast<size_t>(t));
    if (const auto raw = track.attributes.find("_nomml_raw"); raw != track.attributes.end())
      return raw->second;
    std::vector<int> depths;
    for (const Bar& bar : track.bars)
      for (const Note& note : bar.notes) depths.push_back(metrical_depth(note.onset_ticks, score.resolution));
    if (depths.empty()) return kUnaligned;
    return std::trunc(median(std::move(depths)));
  }

  int quantize(double raw) const override {
    return static_cast<int>(std::clamp<int64_t>(trunc_int(round_even(raw)), 0, kUnaligned));
  }
};

}  // namespace

std::unique_ptr<Attribute> make_nomml(Params&) {
  AttributeSpec spec{"nomml", "TrackLevelNomml", Level::Track, TrackFilter::Both, 13, {}};
  return std::make_unique<Nomml>(std::move(spec));
}

}  // namespace midigpt::attributes
