#include "dataset/augment.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace midigpt::dataset {

void transpose(Score& score, int semitones) {
  for (Track& track : score.tracks) {
    if (track.type == TrackType::Drum) continue;  // drum pitches are instruments, not notes
    for (Bar& bar : track.bars)
      for (Note& note : bar.notes)  // summed in int64: a score's pitch may be any int
        note.pitch = static_cast<int>(std::clamp<int64_t>(int64_t(note.pitch) + semitones, 0, 127));
  }
}

void scale_velocity(Score& score, double factor) {
  for (Track& track : score.tracks)
    for (Bar& bar : track.bars)
      for (Note& note : bar.notes) {
        // Clamped as a double: a score's velocity may be any int, and v * factor
        // beyond int (or NaN, for 0 * inf) has no defined conversion.
        const double v = std::trunc(note.velocity * factor);
        note.velocity = std::isnan(v) ? 1 : static_cast<int>(std::clamp(v, 1.0, 127.0));
      }
}

namespace {
int filled_bars(const Track& track, int start, int bars) {
  int filled = 0;
  for (int b = start; b < start + bars; ++b) filled += track.bars[b].notes.empty() ? 0 : 1;
  return filled;
}
}  // namespace

std::optional<Score> select_window(const Score& score, int bars, int tracks, double min_fill_ratio, SampleRng& rng) {
  const int need = std::max(1, static_cast<int>(std::ceil(min_fill_ratio * bars)));
  int shortest = score.tracks.empty() ? 0 : static_cast<int>(score.tracks[0].bars.size());
  for (const Track& t : score.tracks) shortest = std::min(shortest, static_cast<int>(t.bars.size()));
  if (bars < 1 || tracks < 1 || shortest < bars) return std::nullopt;

  std::vector<std::pair<int, std::vector<int>>> valid;  // (start, eligible tracks)
  for (int start = 0; start + bars <= shortest; ++start) {
    std::vector<int> good;
    for (int t = 0; t < static_cast<int>(score.tracks.size()); ++t)
      if (filled_bars(score.tracks[t], start, bars) >= need) good.push_back(t);
    if (static_cast<int>(good.size()) >= tracks) valid.emplace_back(start, std::move(good));
  }
  if (valid.empty()) return std::nullopt;
  auto& [start, good] = valid[rng.below(valid.size())];
  rng.shuffle(good);  // the order is the sample's track permutation

  Score window;
  window.resolution = score.resolution;
  window.tempo = score.tempo;
  for (int i = 0; i < tracks; ++i) {
    const Track& source = score.tracks[good[i]];
    Track track;
    track.bars.assign(source.bars.begin() + start, source.bars.begin() + start + bars);
    track.instrument = source.instrument;
    track.type = source.type;
    track.attributes = source.attributes;
    track.name = source.name;
    window.tracks.push_back(std::move(track));
  }
  return window;
}

Cells infill_cells(const Score& window, double max_fraction, SampleRng& rng) {
  const double p = rng.uniform(0.0, max_fraction);
  Cells cells;
  for (int t = 0; t < static_cast<int>(window.tracks.size()); ++t)
    for (int b = 0; b < static_cast<int>(window.tracks[t].bars.size()); ++b)
      if (rng.uniform() < p) cells.emplace(t, b);
  if (cells.empty() && !window.tracks.empty()) {
    const int t = static_cast<int>(rng.below(window.tracks.size()));
    const size_t bars = window.tracks[t].bars.size();
    if (bars > 0) cells.emplace(t, static_cast<int>(rng.below(bars)));
  }
  return cells;
}

void mask_bars(Score& window, const MaskBarConfig& config, const Cells& infill, SampleRng& rng) {
  if (rng.uniform() >= config.apply_probability) return;
  int n = 0;
  for (const Track& t : window.tracks) n = std::max(n, static_cast<int>(t.bars.size()));
  if (n == 0) return;
  MaskMode mode = config.mode;
  if (mode == MaskMode::Mixed) mode = rng.below(2) == 0 ? MaskMode::Random : MaskMode::Structured;
  if (mode == MaskMode::Random) {
    std::vector<std::pair<int, int>> eligible;
    for (int t = 0; t < static_cast<int>(window.tracks.size()); ++t)
      for (int b = 0; b < static_cast<int>(window.tracks[t].bars.size()); ++b)
        if (!infill.contains({t, b})) eligible.emplace_back(t, b);
    if (eligible.empty()) return;
    rng.shuffle(eligible);
    const int k_max = std::max(1, static_cast<int>(config.bar_fraction * static_cast<double>(eligible.size())));
    const int k = rng.between(1, k_max);
    for (int i = 0; i < k; ++i) window.tracks[eligible[i].first].bars[eligible[i].second].future = true;
    return;
  }
  if (n < 2) return;
  const int current = rng.between(0, n - 2);
  const int end = std::min(current + rng.between(1, std::max(1, config.max_lookahead)), n - 1);
  for (int t = 0; t < static_cast<int>(window.tracks.size()); ++t) {
    if (rng.uniform() < 0.25) continue;  // some tracks keep all their bars
    auto& bars = window.tracks[t].bars;
    for (int b = current + 1; b <= end && b < static_cast<int>(bars.size()); ++b)
      if (!infill.contains({t, b})) bars[b].future = true;
  }
}

}  // namespace midigpt::dataset
