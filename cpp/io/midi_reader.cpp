#include "io/midi_reader.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>
#include <string>

#include "core/errors.h"
#include "io/bar_grid.h"

namespace midigpt {
namespace {

// round_away of the spec: ties away from zero (C round).
int64_t round_away(double x) { return static_cast<int64_t>(std::round(x)); }

int checked_tick(int64_t tick) {
  if (tick > std::numeric_limits<int32_t>::max() || tick < std::numeric_limits<int32_t>::min())
    throw MidiFormatError("the piece is too long to represent at this resolution (tick " +
                          std::to_string(tick) + ")");
  return static_cast<int>(tick);
}

class Reader {
 public:
  Reader(const smf::File& file, int resolution)
      : file_(file),
        // A zero division is an error in the file; the reference carries on with 480.
        tpq_(effective_tpq(file)),
        resolution_(resolution),
        grid_(file, tpq_, resolution) {
    const auto slots = int64_t(file.tracks.size()) * int64_t(grid_.bars().size());
    if (slots > kMaxBarSlots)
      throw MidiFormatError("the file has " + std::to_string(file.tracks.size()) + " tracks of " +
                            std::to_string(grid_.bars().size()) +
                            " bars, more than this reader accepts; it is probably corrupt");
  }

  Score read() {
    Score score;
    score.resolution = resolution_;
    score.tempo = file_.tempos.empty() ? 500000 : file_.tempos.front().microseconds_per_quarter;
    // A single tempo at the start is just `tempo`; `tempos` is kept for maps
    // that change, so that writing and reading a score gives it back unchanged.
    const bool constant = file_.tempos.empty() || (file_.tempos.size() == 1 && file_.tempos[0].time == 0);
    if (!constant)
      for (const auto& t : file_.tempos) score.tempos.push_back({position(t.time), t.microseconds_per_quarter});
    for (const auto& k : file_.key_signatures) score.key_signatures.push_back({position(k.time), k.key, k.tonality});
    for (const auto& source : file_.tracks) score.tracks.push_back(track(source));
    return score;
  }

 private:
  double to_resolution(int64_t ticks) const { return (double(ticks) / tpq_) * resolution_; }

  // An absolute event time on the score's back-to-back bar timeline.
  int64_t position(int64_t time) const {
    int64_t b = grid_.bar_of(time);
    if (b < 0) return 0;
    const GridBar& bar = grid_.bars()[b];
    return round_away(bar.virtual_start) + round_away(to_resolution(time - bar.start));
  }

  Track track(const smf::Track& source) const {
    Track track;
    track.instrument = source.program;
    track.type = source.is_drum ? TrackType::Drum : TrackType::Melodic;
    track.name = source.name;
    track.bars.reserve(grid_.bars().size());
    for (const auto& g : grid_.bars()) {
      Bar bar;
      bar.ts_numerator = g.numerator;
      bar.ts_denominator = g.denominator;
      bar.beat_length = double(g.length) / tpq_;
      track.bars.push_back(std::move(bar));
    }
    for (const auto& n : source.notes) place(n, track);
    return track;
  }

  // tokenizer.md §1.3.4, operation for operation.
  void place(const smf::Note& n, Track& track) const {
    const int64_t b = grid_.bar_of(n.time);
    if (b < 0) return;  // unreachable: the grid always has a bar at tick 0
    const int64_t e = grid_.bar_of(n.time + n.duration);
    const GridBar& on_bar = grid_.bars()[b];
    const GridBar& off_bar = grid_.bars()[e];
    const double raw_on = to_resolution(n.time - on_bar.start);
    int64_t onset = round_away(raw_on);
    const int64_t bar_len = round_away((double(resolution_) * on_bar.length) / tpq_);
    if (bar_len > 0 && onset >= bar_len) return;  // rounds onto the bar end: dropped
    onset = std::max<int64_t>(0, onset);
    const int64_t off = round_away(to_resolution(n.time + n.duration - off_bar.start));
    const int64_t on_abs = round_away(on_bar.virtual_start) + onset;
    const int64_t off_abs = round_away(off_bar.virtual_start) + off;
    Note note;
    note.pitch = n.pitch;
    note.velocity = n.velocity;
    note.onset_ticks = checked_tick(onset);
    note.duration_ticks = checked_tick(std::max<int64_t>(1, off_abs - on_abs));
    note.delta = static_cast<int>(std::lround((raw_on - double(round_away(raw_on))) * resolution_));
    track.bars[b].notes.push_back(note);
  }

  const smf::File& file_;
  int tpq_;
  int resolution_;
  BarGrid grid_;
};

}  // namespace

Score read_midi(const smf::File& file, int resolution) {
  if (resolution < 1 || resolution > kMaxResolution)
    throw RangeError("resolution must be between 1 and " + std::to_string(kMaxResolution) +
                     " ticks per quarter note, got " + std::to_string(resolution));
  return Reader(file, resolution).read();
}

Score read_midi(const uint8_t* data, size_t size, int resolution) {
  return read_midi(smf::parse(data, size), resolution);
}

}  // namespace midigpt
