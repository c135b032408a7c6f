#include "generation/step_fixes.h"

#include <charconv>
#include <cstdint>
#include <map>
#include <system_error>
#include <string>

#include "core/errors.h"
#include "core/resample.h"

namespace midigpt {

std::vector<GenerationStep> split_autoregressive_steps(const std::vector<GenerationStep>& steps) {
  std::vector<GenerationStep> out;
  for (const GenerationStep& step : steps) {
    std::map<int, std::vector<std::pair<int, int>>> by_track;
    for (const auto& target : step.bars_to_generate) by_track[target.first].push_back(target);
    if (!step.is_autoregressive || by_track.size() < 2) {
      out.push_back(step);
      continue;
    }
    for (const auto& [track, targets] : by_track) {
      GenerationStep part = step;
      part.bars_to_generate = std::set<std::pair<int, int>>(targets.begin(), targets.end());
      part.bar_mapping.clear();
      for (const auto& m : step.bar_mapping)
        if (m[2] == track) part.bar_mapping.push_back(m);
      // Other tracks' targets of this window are not shown: they are generated
      // by their own part (earlier parts' results come back as context).
      // (A step from a caller may have a shorter context grid than its targets.)
      for (const auto& [t, b] : step.bars_to_generate)
        if (t != track && t >= 0 && static_cast<size_t>(t) < part.context.size() && b >= 0 &&
            static_cast<size_t>(b) < part.context[t].size())
          part.context[t][b] = false;
      out.push_back(std::move(part));
    }
  }
  return out;
}

void rekey_bar_attributes(Score& score, int start) {
  for (Track& track : score.tracks) {
    std::map<std::string, int> keyed;
    for (const auto& [key, value] : track.attributes) {
      const auto underscore = key.rfind('_');
      bool bar_key = key.rfind("bar_", 0) == 0 && underscore != std::string::npos && underscore > 4 &&
                     key.find_first_not_of("0123456789", underscore + 1) == std::string::npos && underscore + 1 < key.size();
      // A bar number must fit an int to name a bar; longer digit runs (which
      // made stol throw) leave the key as it is, like any other key.
      int bar = 0;
      if (bar_key) {
        const char* first = key.data() + underscore + 1;
        const char* last = key.data() + key.size();
        const auto [end, error] = std::from_chars(first, last, bar);
        bar_key = error == std::errc() && end == last;
      }
      if (!bar_key) {
        keyed[key] = value;
        continue;
      }
      if (bar >= start) keyed[key.substr(0, underscore + 1) + std::to_string(int64_t(bar) - start)] = value;
    }
    track.attributes = std::move(keyed);
  }
}

void write_generated_bars(Score& score, const std::vector<GeneratedBar>& bars, int model_resolution, bool use_delta) {
  for (const GeneratedBar& g : bars) {
    if (g.track < 0 || g.track >= static_cast<int>(score.tracks.size()) || g.bar < 0 ||
        g.bar >= static_cast<int>(score.tracks[g.track].bars.size()))
      throw RangeError("a generated bar (track " + std::to_string(g.track) + ", bar " + std::to_string(g.bar) +
                       ") is outside the score");
    Score one;  // the bar alone, to reuse the resolution change of the tokenizer path
    one.resolution = model_resolution;
    one.tracks.emplace_back();
    one.tracks[0].bars.push_back(g.content);
    if (model_resolution != score.resolution) one = resample(one, score.resolution, use_delta);
    score.tracks[g.track].bars[g.bar].notes = std::move(one.tracks[0].bars[0].notes);
  }
}

void finish_generated_bars(Score& score, const std::vector<std::pair<int, int>>& bars) {
  for (const auto& [track, bar] : bars) {
    if (track < 0 || track >= static_cast<int>(score.tracks.size()) || bar < 0 ||
        bar >= static_cast<int>(score.tracks[track].bars.size()))
      throw RangeError("bar " + std::to_string(bar) + " of track " + std::to_string(track) + " is outside the score");
    const std::vector<Bar>& all = score.tracks[track].bars;
    double start = 0, end = 0;  // of this bar, and of the piece, in ticks
    for (size_t i = 0; i < all.size(); ++i) {
      if (i == size_t(bar)) start = end;
      end += all[i].beat_length * score.resolution;
    }
    Bar& b = score.tracks[track].bars[bar];
    const double length = b.beat_length * score.resolution;
    std::erase_if(b.notes, [&](const Note& n) { return n.onset_ticks < 0 || n.onset_ticks >= length; });
    // A note may ring past its bar, but not past the last bar: the piece keeps its length.
    const int room = static_cast<int>(std::llround(end - start));
    for (Note& n : b.notes) n.duration_ticks = std::max(1, std::min(n.duration_ticks, room - n.onset_ticks));
  }
}

}  // namespace midigpt
