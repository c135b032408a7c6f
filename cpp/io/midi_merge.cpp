#include "io/midi_merge.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>

#include "core/errors.h"
#include "io/bar_grid.h"
#include "io/smf.h"
#include "io/smf_bytes.h"

namespace midigpt {
namespace {

constexpr int64_t kNeverClosed = std::numeric_limits<int64_t>::max();
constexpr int kPitchBend = 128;  // index of pitch bend beside the 128 controllers

// Score positions -> the file's ticks, bar by bar. Bars past the file's grid
// continue the last bar's length (a new track may end a little later).
class TickMap {
 public:
  TickMap(const BarGrid& grid, int tpq, int resolution) : bars_(grid.bars()), tpq_(tpq), resolution_(resolution) {}

  int64_t bar_start(int64_t b) const {
    const GridBar& last = bars_.back();
    if (b < int64_t(bars_.size())) return bars_[b].start;
    return last.start + (b - int64_t(bars_.size()) + 1) * last.length;
  }
  int64_t bar_end(int64_t b) const { return b + 1 < int64_t(bars_.size()) ? bars_[b + 1].start : bar_start(b) + length(b); }

  // The file tick `offset` score ticks (possibly fractional) into bar b.
  int64_t tick(int64_t b, double offset) const {
    return bar_start(b) + std::llround(offset * tpq_ / resolution_);
  }

  // The file tick of an absolute score position (bars back to back).
  int64_t tick_at(int64_t position) const {
    auto it = std::upper_bound(bars_.begin(), bars_.end(), position,
                               [](int64_t p, const GridBar& g) { return p < std::llround(g.virtual_start); });
    const int64_t b = it == bars_.begin() ? 0 : (it - bars_.begin()) - 1;
    return tick(b, double(position - score_start(b)));
  }

  int resolution() const { return resolution_; }

  // Where bar b starts on the score's timeline, as the reader rounds it.
  int64_t score_start(int64_t b) const {
    if (b < int64_t(bars_.size())) return std::llround(bars_[b].virtual_start);
    const GridBar& last = bars_.back();
    const double v = last.virtual_start + double(b - int64_t(bars_.size()) + 1) * resolution_ * last.length / tpq_;
    return std::llround(v);
  }

 private:
  int64_t length(int64_t b) const { return bars_[std::min<int64_t>(b, int64_t(bars_.size()) - 1)].length; }

  const std::vector<GridBar>& bars_;
  int tpq_;
  int resolution_;
};

// An event written beside the file's own: at one tick, controller resets
// come first, then the file's events, then generated note-offs, then
// generated note-ons (so a new note never closes before it opens, and one
// that ends where another starts is closed first).
enum Group { kReset = 0, kKept = 1, kGeneratedOff = 2, kGeneratedOn = 3 };

struct AddedEvent {
  int64_t tick;
  int group;
  std::array<uint8_t, 3> bytes;
  uint8_t size;
};

// The notes of one chunk, channel and pitch as readers pair them: first in,
// first out. Sorted by note-on, their note-offs never decrease.
struct Lane {
  std::vector<std::pair<int64_t, int64_t>> notes;  // (on, off)
  std::vector<int64_t> stray_offs;                 // note-offs that close nothing
};

// What changes in one track chunk.
struct ChunkEdit {
  std::vector<bool> removed;
  std::vector<AddedEvent> added;
  std::vector<Lane> lanes = std::vector<Lane>(16 * 128);
  bool changed = false;
};

struct PlannedNote {
  int64_t on;
  int64_t off;
  int channel;
  int pitch;
  int velocity;
};

[[noreturn]] void unfit(const std::string& what) { throw ScoreError(what); }

void check_note(const Note& n, int track, int bar) {
  const std::string at = "track " + std::to_string(track) + " bar " + std::to_string(bar);
  if (n.pitch < 0 || n.pitch > 127) unfit(at + ": pitch " + std::to_string(n.pitch) + " is outside 0-127");
  if (n.velocity < 1 || n.velocity > 127) unfit(at + ": velocity " + std::to_string(n.velocity) + " is outside 1-127");
  if (n.onset_ticks < 0 || n.duration_ticks < 0) unfit(at + ": a note has a negative onset or duration");
}

// A score note of bar b in the file's ticks (at least one tick long). The
// sub-tick `delta` of encoders with microtiming moves the onset.
PlannedNote plan_note(const TickMap& map, const Note& n, int64_t b, int channel) {
  const int64_t on = map.tick(b, n.onset_ticks + double(n.delta) / map.resolution());
  const int64_t off = map.tick_at(map.score_start(b) + n.onset_ticks + n.duration_ticks);
  return {on, std::max(off, on + 1), channel, n.pitch, n.velocity};
}

// Places a generated note in its lane so that first-in-first-out pairing
// gives every note, kept or new, its own note-off: the new note must outlast
// the notes of its pitch still sounding at its onset, end no later than the
// next one's note-off (preferably at its onset, as a re-struck note would),
// and close before any stray note-off. Returns false when no end fits.
bool place(Lane& lane, int64_t on, int64_t& off) {
  auto next = std::upper_bound(lane.notes.begin(), lane.notes.end(), on,
                               [](int64_t t, const std::pair<int64_t, int64_t>& n) { return t < n.first; });
  int64_t lo = on + 1;
  if (next != lane.notes.begin()) lo = std::max(lo, std::prev(next)->second);
  int64_t hi = kNeverClosed;
  int64_t preferred = kNeverClosed;
  if (next != lane.notes.end()) hi = next->second, preferred = next->first;
  auto stray = std::upper_bound(lane.stray_offs.begin(), lane.stray_offs.end(), on);
  if (stray != lane.stray_offs.end()) hi = std::min(hi, *stray), preferred = std::min(preferred, *stray);
  if (lo == kNeverClosed || lo > hi) return false;
  int64_t end = std::min(off, preferred >= lo ? preferred : hi);
  end = std::max(end, lo);
  off = end;
  lane.notes.insert(next, {on, off});
  return true;
}

AddedEvent channel_event(int64_t tick, int group, uint8_t status, uint8_t a, uint8_t b) {
  return {tick, group, {status, a, b}, 3};
}

// Adds generated notes to a chunk through its lanes; counts what had to move.
void add_notes(ChunkEdit& edit, std::vector<PlannedNote> notes, MergeResult& result) {
  std::stable_sort(notes.begin(), notes.end(), [](const PlannedNote& a, const PlannedNote& b) { return a.on < b.on; });
  for (const PlannedNote& n : notes) {
    int64_t off = n.off;
    if (!place(edit.lanes[n.channel * 128 + n.pitch], n.on, off)) {
      ++result.dropped_notes;
      continue;
    }
    if (off != n.off) ++result.adjusted_notes;
    edit.added.push_back(channel_event(n.on, kGeneratedOn, uint8_t(0x90 | n.channel), uint8_t(n.pitch), uint8_t(n.velocity)));
    edit.added.push_back(channel_event(off, kGeneratedOff, uint8_t(0x80 | n.channel), uint8_t(n.pitch), 0));
    edit.changed = true;
  }
}

// Half-open tick ranges, sorted and merged.
using Ranges = std::vector<std::pair<int64_t, int64_t>>;

Ranges merged(Ranges r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  for (const auto& x : r)
    if (!out.empty() && x.first <= out.back().second) out.back().second = std::max(out.back().second, x.second);
    else out.push_back(x);
  return out;
}

// --drop-controllers for one channel of a chunk: controller (not channel-mode)
// and pitch-bend events inside `ranges` go; pedals, modulation and bend are
// released where a range starts, and every controller gets the file's value
// back where it ends.
void drop_controllers(const smf::Chunk& chunk, const uint8_t* data, int channel, const Ranges& ranges, ChunkEdit& edit) {
  // The controller (0-119) or pitch bend an event sets, with its value; -1 for other events.
  auto controller = [&](const smf::Event& e) -> std::pair<int, int> {
    const int kind = e.status & 0xF0;
    if ((e.status & 0x0F) != channel) return {-1, 0};
    if (kind == 0xB0 && data[e.offset] < 120) return {data[e.offset], data[e.offset + 1]};
    if (kind == 0xE0) return {kPitchBend, data[e.offset] | (data[e.offset + 1] << 7)};
    return {-1, 0};
  };
  std::array<int, 129> original, written;
  original.fill(-1);
  written.fill(-1);
  auto emit = [&](int64_t tick, int index, int value) {
    edit.added.push_back(index == kPitchBend
                             ? channel_event(tick, kReset, uint8_t(0xE0 | channel), uint8_t(value & 0x7F), uint8_t(value >> 7))
                             : channel_event(tick, kReset, uint8_t(0xB0 | channel), uint8_t(index), uint8_t(value)));
    written[index] = value;
    edit.changed = true;
  };
  auto enter = [&](int64_t tick) {
    for (int cc : {1, 64, 66, 67})
      if (written[cc] > 0) emit(tick, cc, 0);
    if (written[kPitchBend] >= 0 && written[kPitchBend] != 8192) emit(tick, kPitchBend, 8192);
  };
  // Restores the file's values where a range ends, except those the file sets again at that tick.
  auto leave = [&](int64_t tick, size_t from) {
    std::array<bool, 129> set_there{};
    for (size_t j = from; j < chunk.events.size() && chunk.events[j].time == tick; ++j)
      if (const int index = controller(chunk.events[j]).first; index >= 0) set_there[index] = true;
    for (int i = 0; i <= kPitchBend; ++i)
      if (original[i] >= 0 && original[i] != written[i] && !set_there[i]) emit(tick, i, original[i]);
  };
  size_t r = 0;
  bool inside = false;
  for (size_t i = 0; i < chunk.events.size(); ++i) {
    const smf::Event& e = chunk.events[i];
    while (r < ranges.size()) {
      if (inside && e.time >= ranges[r].second) {
        leave(ranges[r].second, i), inside = false, ++r;
      } else if (!inside && e.time >= ranges[r].first) {
        enter(ranges[r].first), inside = true;
      } else {
        break;
      }
    }
    const auto [index, value] = controller(e);
    if (index < 0 || edit.removed[i]) continue;
    original[index] = value;
    if (inside) {
      edit.removed[i] = true;
      edit.changed = true;
    } else {
      written[index] = value;
    }
  }
  for (; r < ranges.size(); ++r) {
    if (!inside) enter(ranges[r].first);
    leave(ranges[r].second, chunk.events.size());
    inside = false;
  }
}

bool is_end_of_track(const smf::Event& e, const uint8_t* data) { return e.status == 0xFF && data[e.offset] == 0x2F; }

void put_delta(std::vector<uint8_t>& body, int64_t& now, int64_t tick) {
  if (tick - now > smf::kMaxDelta)
    unfit("a gap of " + std::to_string(tick - now) + " ticks between two events is longer than MIDI can store");
  smf::put_vlq(body, static_cast<uint32_t>(tick - now));
  now = tick;
}

void put_chunk(std::vector<uint8_t>& out, const std::vector<uint8_t>& body) {
  out.insert(out.end(), {'M', 'T', 'r', 'k'});
  smf::put_u32(out, static_cast<uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
}

// Re-encodes a track chunk: its kept events in file order, the added ones
// among them, and End of Track no earlier than it was.
void write_chunk(std::vector<uint8_t>& out, const uint8_t* data, const smf::Chunk& chunk, const ChunkEdit& edit) {
  struct Item {
    int64_t tick;
    int group;
    size_t index;
    bool added;
  };
  std::vector<Item> items;
  int64_t end_of_track = 0;
  for (size_t i = 0; i < chunk.events.size(); ++i) {
    const smf::Event& e = chunk.events[i];
    if (is_end_of_track(e, data)) end_of_track = e.time;
    else if (!edit.removed[i]) items.push_back({e.time, kKept, i, false});
  }
  for (size_t i = 0; i < edit.added.size(); ++i) items.push_back({edit.added[i].tick, edit.added[i].group, i, true});
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return a.tick != b.tick ? a.tick < b.tick : a.group != b.group ? a.group < b.group : a.index < b.index;
  });
  std::vector<uint8_t> body;
  int64_t now = 0;
  for (const Item& item : items) {
    put_delta(body, now, item.tick);
    if (item.added) {
      const AddedEvent& a = edit.added[item.index];
      body.insert(body.end(), a.bytes.begin(), a.bytes.begin() + a.size);
    } else {
      const smf::Event& e = chunk.events[item.index];
      body.push_back(e.status);
      body.insert(body.end(), data + e.offset, data + e.offset + e.length);
    }
  }
  put_delta(body, now, std::max(now, end_of_track));
  body.insert(body.end(), {0xFF, 0x2F, 0x00});
  put_chunk(out, body);
}

// Channels for the new tracks: drums on channel 10, others on a channel no
// event of the file uses.
std::vector<int> new_channels(const smf::File& file, const Score& score) {
  std::array<bool, 16> used{};
  used[9] = true;
  for (const smf::Chunk& c : file.chunks)
    for (const smf::Event& e : c.events)
      if (e.status < 0xF0) used[e.status & 0x0F] = true;
  std::vector<int> channels;
  for (size_t t = file.tracks.size(); t < score.tracks.size(); ++t) {
    if (score.tracks[t].type == TrackType::Drum) {
      channels.push_back(9);
      continue;
    }
    auto free = std::find(used.begin(), used.end(), false);
    if (free == used.end())
      unfit("no free MIDI channel for new track " + std::to_string(t) +
            ": the file uses all 15 melodic channels; write the result as .json instead");
    *free = true;
    channels.push_back(int(free - used.begin()));
  }
  return channels;
}

// A new track's chunk: its name, a program change, its notes.
void write_new_track(std::vector<uint8_t>& out, const Track& track, int index, int channel, const TickMap& map, MergeResult& result) {
  if (track.instrument < 0 || track.instrument > 127)
    unfit("track " + std::to_string(index) + ": instrument " + std::to_string(track.instrument) + " is outside 0-127");
  ChunkEdit edit;
  std::vector<PlannedNote> notes;
  for (size_t b = 0; b < track.bars.size(); ++b)
    for (const Note& n : track.bars[b].notes) {
      check_note(n, index, int(b));
      notes.push_back(plan_note(map, n, int64_t(b), channel));
    }
  edit.added.push_back({0, kReset, {uint8_t(0xC0 | channel), uint8_t(track.instrument), 0}, 2});
  add_notes(edit, std::move(notes), result);
  std::vector<uint8_t> body;
  int64_t now = 0;
  if (!track.name.empty()) {
    body.push_back(0);
    body.insert(body.end(), {0xFF, 0x03});
    smf::put_vlq(body, static_cast<uint32_t>(track.name.size()));
    body.insert(body.end(), track.name.begin(), track.name.end());
  }
  std::stable_sort(edit.added.begin(), edit.added.end(), [](const AddedEvent& a, const AddedEvent& b) {
    return a.tick != b.tick ? a.tick < b.tick : a.group < b.group;
  });
  bool any_note = false;
  for (const AddedEvent& a : edit.added) {
    put_delta(body, now, a.tick);
    body.insert(body.end(), a.bytes.begin(), a.bytes.begin() + a.size);
    any_note = any_note || a.group == kGeneratedOn;
  }
  // An empty lyric keeps a track without notes for readers that create
  // tracks from lyrics (ours and the reference's), as io/midi_writer does.
  if (!any_note) body.insert(body.end(), {0x00, 0xFF, 0x05, 0x00});
  body.insert(body.end(), {0x00, 0xFF, 0x2F, 0x00});
  put_chunk(out, body);
}

}  // namespace

MergeResult write_midi_over(const uint8_t* source, size_t size, const Score& score, const std::vector<Cell>& cells,
                            const MergeOptions& options) {
  const smf::File file = smf::parse(source, size, {.keep_events = true});
  const int tpq = effective_tpq(file);
  if (score.resolution < 1) unfit("the score's resolution must be at least 1");
  const BarGrid grid(file, tpq, score.resolution);
  const TickMap map(grid, tpq, score.resolution);
  const size_t kept_tracks = file.tracks.size();
  if (score.tracks.size() < kept_tracks)
    unfit("the score has " + std::to_string(score.tracks.size()) + " tracks but the MIDI file it was read from has " +
          std::to_string(kept_tracks) + ": it was not read from this file");
  std::set<Cell> generated;
  for (const Cell& c : cells) {
    if (c.first < 0 || size_t(c.first) >= score.tracks.size() || c.second < 0 ||
        size_t(c.second) >= score.tracks[c.first].bars.size())
      unfit("generated cell (track " + std::to_string(c.first) + ", bar " + std::to_string(c.second) + ") is not in the score");
    if (size_t(c.first) < kept_tracks) generated.insert(c);
  }

  MergeResult result;
  std::vector<ChunkEdit> edits(file.chunks.size());
  for (size_t c = 0; c < file.chunks.size(); ++c) edits[c].removed.assign(file.chunks[c].events.size(), false);

  // The file's notes in generated cells go; the rest become lanes.
  std::vector<std::vector<PlannedNote>> planned(file.chunks.size());
  std::vector<std::map<int, Ranges>> cell_ranges(file.chunks.size());  // by channel
  for (size_t t = 0; t < kept_tracks; ++t) {
    const smf::Track& track = file.tracks[t];
    if (track.chunk < 0) continue;
    ChunkEdit& edit = edits[track.chunk];
    auto in_cell = [&](int64_t time) { return generated.count({int(t), int(grid.bar_of(time))}) > 0; };
    for (const smf::Note& n : track.notes) {
      if (in_cell(n.time)) {
        edit.removed[n.on_event] = edit.removed[n.off_event] = true;
        edit.changed = true;
      } else {
        edit.lanes[track.channel * 128 + n.pitch].notes.push_back({n.on_event, n.off_event});
      }
    }
    for (const smf::Note& n : track.unclosed) {
      if (in_cell(n.time)) edit.removed[n.on_event] = edit.changed = true;
      else edit.lanes[track.channel * 128 + n.pitch].notes.push_back({n.on_event, -1});
    }
  }
  for (const Cell& c : generated) {
    const smf::Track& track = file.tracks[c.first];
    for (const Note& n : score.tracks[c.first].bars[c.second].notes) {
      check_note(n, c.first, c.second);
      planned[track.chunk].push_back(plan_note(map, n, c.second, track.channel));
    }
    cell_ranges[track.chunk][track.channel].push_back({map.bar_start(c.second), map.bar_end(c.second)});
  }

  for (size_t c = 0; c < file.chunks.size(); ++c) {
    const smf::Chunk& chunk = file.chunks[c];
    ChunkEdit& edit = edits[c];
    // A chunk whose generated cells held no notes and got none may still lose its controllers there.
    if (!edit.changed && planned[c].empty() && !(options.drop_controllers && !cell_ranges[c].empty())) continue;
    // Lanes were filled with event indices (file order); turn them into ticks.
    for (Lane& lane : edit.lanes) {
      std::sort(lane.notes.begin(), lane.notes.end());
      for (auto& [on, off] : lane.notes) {
        const int64_t off_index = off;
        on = chunk.events[on].time;
        off = off_index < 0 ? kNeverClosed : chunk.events[off_index].time;
      }
    }
    for (const auto& [channel, ranges] : cell_ranges[c]) {
      const Ranges r = merged(ranges);
      for (uint32_t i : chunk.stray_offs) {
        const smf::Event& e = chunk.events[i];
        const bool in_range = std::any_of(r.begin(), r.end(), [&](const auto& x) { return e.time >= x.first && e.time < x.second; });
        if ((e.status & 0x0F) == channel && in_range) edit.removed[i] = true;
      }
      if (options.drop_controllers) drop_controllers(chunk, source, channel, r, edit);
    }
    for (uint32_t i : chunk.stray_offs)
      if (!edit.removed[i]) {
        const smf::Event& e = chunk.events[i];
        edit.lanes[(e.status & 0x0F) * 128 + source[e.offset]].stray_offs.push_back(e.time);
      }
    add_notes(edit, std::move(planned[c]), result);
  }

  const std::vector<int> channels = new_channels(file, score);
  size_t track_chunks = channels.size();
  for (const smf::Chunk& c : file.chunks) track_chunks += c.is_track;
  if (track_chunks > 0xFFFF) unfit("a MIDI file holds at most 65535 tracks");
  const int format = file.format == 0 && !channels.empty() ? 1 : file.format;
  // The header as it was (extra header bytes included), with the new format and track count.
  std::vector<uint8_t>& out = result.bytes;
  out.assign(source, source + file.header_end);
  out[8] = uint8_t(format >> 8), out[9] = uint8_t(format);
  out[10] = uint8_t(track_chunks >> 8), out[11] = uint8_t(track_chunks);
  for (size_t c = 0; c < file.chunks.size(); ++c) {
    const smf::Chunk& chunk = file.chunks[c];
    if (chunk.is_track && edits[c].changed) write_chunk(out, source, chunk, edits[c]);
    else out.insert(out.end(), source + chunk.begin, source + chunk.end);  // untouched: byte for byte
  }
  for (size_t k = 0; k < channels.size(); ++k)
    write_new_track(out, score.tracks[kept_tracks + k], int(kept_tracks + k), channels[k], map, result);
  out.insert(out.end(), source + file.chunks_end, source + size);  // whatever followed the chunks
  return result;
}

}  // namespace midigpt
