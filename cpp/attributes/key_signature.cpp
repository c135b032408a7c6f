// key_signature (training.md §4.3): Krumhansl-Kessler key finding on the
// duration-weighted pitch classes of the WHOLE score (every track, drums
// included, velocity-0 notes left out), so all melodic tracks share one value.
#include <array>

#include "attributes/common.h"
#include "attributes/kinds.h"

namespace midigpt::attributes {
namespace {

constexpr int kNoKey = 24;
constexpr std::array<double, 12> kMajorProfile{6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
                                               2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
constexpr std::array<double, 12> kMinorProfile{6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
                                               2.54, 4.75, 3.98, 2.69, 3.34, 3.17};

struct PitchClassWeights {
  std::array<int64_t, 12> by_class{};
  int64_t total = 0;
};

PitchClassWeights weigh_pitch_classes(const Score& score) {
  PitchClassWeights w;
  for (const Track& track : score.tracks)
    for (const Bar& bar : track.bars)
      for (const Note& note : bar.notes) {
        if (note.velocity <= 0) continue;
        w.by_class[static_cast<size_t>(pitch_class(note.pitch))] += note.duration_ticks;
        w.total += note.duration_ticks;
      }
  return w;
}

// 0..11: major on tonic i, 12..23: minor on tonic i-12; the first maximum wins.
int best_key(const std::array<int64_t, 12>& pc) {
  std::array<double, 24> score{};
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 12; ++j) {
      const auto step = static_cast<size_t>((j - i + 12) % 12);
      const double weight = double(pc[static_cast<size_t>(j)]);
      score[static_cast<size_t>(i)] += kMajorProfile[step] * weight;
      score[static_cast<size_t>(i + 12)] += kMinorProfile[step] * weight;
    }
  int best = 0;
  for (int k = 1; k < 24; ++k)
    if (score[static_cast<size_t>(k)] > score[static_cast<size_t>(best)]) best = k;
  return best;
}

class KeySignature : public SpecAttribute {
 public:
  using SpecAttribute::SpecAttribute;

  double compute(const Score& score, int, int) const override {
    const PitchClassWeights w = weigh_pitch_classes(score);
    return w.total == 0 ? kNoKey : best_key(w.by_class);
  }

  int quantize(double raw) const override {
    return static_cast<int>(std::clamp<int64_t>(trunc_int(raw), 0, kNoKey));
  }
};

std::vector<std::string> key_labels() {
  static const char* const kTonics[12] = {"C", "C#", "D", "D#", "E", "F",
                                          "F#", "G", "G#", "A", "A#", "B"};
  std::vector<std::string> labels;
  for (const char* tonic : kTonics) labels.push_back(std::string(tonic) + " major");
  for (const char* tonic : kTonics) labels.push_back(std::string(tonic) + " minor");
  labels.push_back("no key");
  return labels;
}

}  // namespace

std::unique_ptr<Attribute> make_key_signature(Params&) {
  AttributeSpec spec{"key_signature", "KeySignature", Level::Track, TrackFilter::Melodic, 25,
                     key_labels()};
  return std::make_unique<KeySignature>(std::move(spec));
}

}  // namespace midigpt::attributes
