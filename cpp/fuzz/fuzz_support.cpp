#include "fuzz_support.h"

#include <array>
#include <cmath>
#include <utility>

#include "tokenizer/encoder_config.h"

namespace midigpt::fuzz {

const Tokenizer& shipped_tokenizer(size_t index) {
  static std::vector<std::unique_ptr<Tokenizer>> tokenizers = [] {
    std::vector<std::unique_ptr<Tokenizer>> out;
    for (const ShippedEncoder& e : shipped_encoders())
      out.push_back(std::make_unique<Tokenizer>(EncoderConfig::from_json(std::string(e.json))));
    return out;
  }();
  return *tokenizers[index % tokenizers.size()];
}

namespace {

// Time signatures of real files and of the shipped encoders' lists.
constexpr std::array<std::pair<int, int>, 20> kSignatures = {{
    {4, 4}, {3, 4}, {2, 4}, {6, 8}, {2, 2}, {1, 4}, {6, 4}, {3, 8}, {5, 4}, {7, 8},
    {12, 8}, {5, 8}, {9, 8}, {1, 8}, {1, 16}, {3, 1}, {17, 16}, {4, 2}, {11, 8}, {16, 4},
}};
constexpr std::array<int, 10> kResolutions = {12, 24, 48, 96, 120, 192, 384, 480, 960, 1920};

// Track-level keys the encoder reads, and the bar-level names (as "bar_<name>_<b>").
constexpr std::array<const char*, 12> kTrackKeys = {
    "min_polyphony", "max_polyphony", "min_note_duration", "max_note_duration", "note_density", "onset_polyphony",
    "pitch_range", "key_signature", "silence_proportion", "nomml", "note_duration_dist", "unknown_key"};
constexpr std::array<const char*, 6> kBarNames = {"Tension", "TensionDrum", "PitchClassSet", "BarLevelOnsetDensity",
                                                  "BarLevelOnsetPolyphonyMin", "BarLevelOnsetPolyphonyMax"};

double beat_length_of(FuzzInput& in, int num, int den, bool wild) {
  if (!wild || (in.byte() & 7) != 0) return 4.0 * num / den;
  static const double kOdd[] = {1e-9, 0.001, 0.25, 0.5, 3.0, 7.0 / 2, 1023.9, 1024, 1025, 65536, 1e9, 1e18, 1e300};
  return kOdd[in.byte() % (sizeof(kOdd) / sizeof(kOdd[0]))];
}

Note make_note(FuzzInput& in, int bar_ticks, int resolution, bool wild) {
  Note n;
  if (wild) {
    n.pitch = in.wild(0, 127);
    n.velocity = in.wild(1, 127);
    n.onset_ticks = in.wild(0, std::max(0, bar_ticks + resolution / 2));
    n.duration_ticks = in.wild(0, 8 * resolution);
    n.delta = (in.byte() & 3) ? 0 : in.wild(-resolution, resolution);
  } else {
    n.pitch = in.small(0, 127);
    n.velocity = in.small(1, 127);
    n.onset_ticks = in.small(0, std::max(0, bar_ticks - 1));
    n.duration_ticks = in.small(1, 4 * resolution);
  }
  return n;
}

}  // namespace

Score make_score(FuzzInput& in, const ScoreShape& shape) {
  Score s;
  const uint8_t flags = in.byte();
  const bool wild = shape.allow_wild && (flags & 1);
  s.resolution = wild && (flags & 2) ? in.small(1, 32767) : kResolutions[in.byte() % kResolutions.size()];
  if (flags & 4) s.tempo = in.small(1, 0xFFFFFF);
  if (flags & 8) {
    const int n = in.small(1, 3);
    for (int i = 0; i < n; ++i)
      s.tempos.push_back({wild ? in.range(0, 0x7FFFFFFF) : in.range(0, 64 * s.resolution), in.small(1, 0xFFFFFF)});
    if (!s.tempos.empty()) s.tempo = s.tempos.front().microseconds_per_quarter;
  }
  if (flags & 16) {
    const int n = in.small(1, 2);
    for (int i = 0; i < n; ++i)
      s.key_signatures.push_back({wild ? in.range(0, 0x7FFFFFFF) : in.range(0, 64 * s.resolution), in.small(-7, 7),
                                  in.small(0, 1)});
  }
  const int tracks = in.small(0, shape.max_tracks);
  const int common_bars = in.small(0, shape.max_bars);
  const bool same_bars = !wild || (flags & 32);
  // One bar grid for all tracks unless wild (the addon accepts ragged scores).
  std::vector<std::pair<int, int>> grid;
  for (int b = 0; b < common_bars; ++b) {
    const bool raw = wild && (in.byte() & 7) == 0;
    grid.push_back(raw ? std::make_pair(in.small(1, 1024), in.small(1, 1024)) : kSignatures[in.byte() % kSignatures.size()]);
  }
  for (int t = 0; t < tracks; ++t) {
    Track track;
    track.instrument = in.small(0, 127);
    track.type = (in.byte() & 3) == 0 ? TrackType::Drum : TrackType::Melodic;
    track.name = in.ascii(shape.ascii_names ? 6 : 0);
    if (flags & 64) {
      const int n = in.small(0, 4);
      for (int i = 0; i < n; ++i) {
        const uint8_t which = in.byte();
        std::string key;
        if (which < 128) {
          key = kTrackKeys[which % kTrackKeys.size()];
        } else if (which < 250) {
          key = std::string("bar_") + kBarNames[which % kBarNames.size()] + "_" + std::to_string(in.small(0, shape.max_bars));
        } else {
          key = "bar_" + in.ascii(4) + "_" + std::to_string(in.u64());  // what rekey_bar_attributes must survive
        }
        track.attributes[key] = wild ? in.wild(0, 16) : in.small(0, 16);
      }
    }
    const int bars = same_bars ? common_bars : in.small(0, shape.max_bars);
    for (int b = 0; b < bars; ++b) {
      Bar bar;
      const auto [num, den] = b < common_bars ? grid[b] : kSignatures[in.byte() % kSignatures.size()];
      bar.ts_numerator = num;
      bar.ts_denominator = den;
      bar.beat_length = beat_length_of(in, num, den, wild);
      bar.future = wild && (in.byte() & 7) == 0;
      const double ticks = bar.beat_length * s.resolution;
      const int bar_ticks = ticks > 1e6 ? 1000000 : static_cast<int>(ticks);
      const int notes = in.small(0, shape.max_notes);
      for (int k = 0; k < notes; ++k) bar.notes.push_back(make_note(in, bar_ticks, s.resolution, wild));
      track.bars.push_back(std::move(bar));
    }
    s.tracks.push_back(std::move(track));
  }
  return s;
}


std::string describe(const Score& score) {
  std::string out = "score: resolution " + std::to_string(score.resolution) + ", tempo " + std::to_string(score.tempo) + ", " +
                    std::to_string(score.tracks.size()) + " tracks\n";
  for (size_t t = 0; t < score.tracks.size() && t < 8; ++t) {
    const Track& track = score.tracks[t];
    out += "  track " + std::to_string(t) + (track.type == TrackType::Drum ? " drum" : " melodic") + " program " +
           std::to_string(track.instrument) + ", " + std::to_string(track.bars.size()) + " bars:";
    for (size_t b = 0; b < track.bars.size() && b < 8; ++b) {
      const Bar& bar = track.bars[b];
      out += " [" + std::to_string(bar.ts_numerator) + "/" + std::to_string(bar.ts_denominator);
      if (bar.beat_length != 4.0 * bar.ts_numerator / bar.ts_denominator) out += " len " + std::to_string(bar.beat_length);
      for (size_t k = 0; k < bar.notes.size() && k < 6; ++k) {
        const Note& n = bar.notes[k];
        out += " (" + std::to_string(n.pitch) + " v" + std::to_string(n.velocity) + " @" + std::to_string(n.onset_ticks) +
               " d" + std::to_string(n.duration_ticks) + ")";
      }
      out += "]";
    }
    out += "\n";
  }
  return out;
}

}  // namespace midigpt::fuzz
