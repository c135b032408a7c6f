#include "io/midi_writer.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/errors.h"
#include "io/smf_bytes.h"

namespace midigpt {
namespace {

// Events at one tick are written in this order. A note that ends where
// another starts is closed first; a zero-length note is closed after it opens.
enum Order { kSetup = 0, kNoteOff = 1, kNoteOn = 2, kZeroLengthOff = 3 };

struct Event {
  int64_t tick;
  int order;
  std::vector<uint8_t> bytes;  // status + data, or FF type len data
};

using smf::put_u32;
using smf::put_vlq;

std::vector<uint8_t> meta(uint8_t type, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> e{0xFF, type};
  put_vlq(e, static_cast<uint32_t>(data.size()));
  e.insert(e.end(), data.begin(), data.end());
  return e;
}

[[noreturn]] void invalid(const std::string& where, const std::string& what) {
  throw ScoreError(where + ": " + what);
}

void check_range(const std::string& where, const char* field, int64_t v, int64_t lo, int64_t hi) {
  if (v < lo || v > hi)
    invalid(where, std::string(field) + " " + std::to_string(v) + " is outside " + std::to_string(lo) + "-" +
                       std::to_string(hi));
}

// Every event tick is checked against the largest single delta time: events
// are written in tick order from 0, so no delta between them can then exceed
// it, and the reader (which refuses 5-byte deltas) reads every one back.
void check_tick(const std::string& where, int64_t tick) {
  if (tick < 0 || tick > smf::kMaxDelta)
    invalid(where, "tick " + std::to_string(tick) + " is outside 0-" + std::to_string(smf::kMaxDelta) +
                       ", the range of a MIDI delta time (28 bits), so a MIDI file cannot place the event there");
}

int log2_exact(int v) {
  for (int p = 0; p < 8; ++p)
    if ((1 << p) == v) return p;
  return -1;
}

// Appends the MTrk chunk for `events` (sorted here, stable) to `out`.
void put_track(std::vector<uint8_t>& out, std::vector<Event> events) {
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.tick != b.tick ? a.tick < b.tick : a.order < b.order;
  });
  std::vector<uint8_t> body;
  int64_t now = 0;
  for (const Event& e : events) {
    // The callers' tick checks make this unreachable; it keeps the promise
    // that nothing the reader refuses is ever written.
    if (e.tick - now < 0 || e.tick - now > smf::kMaxDelta)
      throw ScoreError("an event at tick " + std::to_string(e.tick) + " follows the previous one by " +
                       std::to_string(e.tick - now) + " ticks, more than a MIDI delta time holds (" +
                       std::to_string(smf::kMaxDelta) + ")");
    put_vlq(body, static_cast<uint32_t>(e.tick - now));
    now = e.tick;
    body.insert(body.end(), e.bytes.begin(), e.bytes.end());
  }
  put_vlq(body, 0);
  body.insert(body.end(), {0xFF, 0x2F, 0x00});
  out.insert(out.end(), {'M', 'T', 'r', 'k'});
  put_u32(out, static_cast<uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
}

class Writer {
 public:
  explicit Writer(const Score& score) : score_(score) {
    check_range("score", "resolution", score.resolution, 1, 0x7FFF);
    // Bar starts come from the track with the most bars (the first such one).
    for (const Track& t : score.tracks)
      if (!grid_ || t.bars.size() > grid_->bars.size()) grid_ = &t;
    if (grid_) {
      double sum = 0;
      for (size_t i = 0; i < grid_->bars.size(); ++i) {
        const Bar& bar = grid_->bars[i];
        const std::string where = "bar " + std::to_string(i);
        if (!(bar.beat_length > 0) || !std::isfinite(bar.beat_length) || bar.beat_length > 1024)
          invalid(where, "beat_length " + std::to_string(bar.beat_length) + " must be above 0 and at most 1024");
        check_range(where, "time signature numerator", bar.ts_numerator, 1, 255);
        if (log2_exact(bar.ts_denominator) < 0)
          invalid(where, "time signature denominator " + std::to_string(bar.ts_denominator) +
                             " is not a power of two from 1 to 128, which MIDI requires");
        bar_starts_.push_back(std::llround(sum));
        sum += score.resolution * bar.beat_length;
      }
      bar_starts_.push_back(std::llround(sum));
    }
  }

  std::vector<uint8_t> write() {
    std::vector<uint8_t> out{'M', 'T', 'h', 'd'};
    put_u32(out, 6);
    const size_t chunks = score_.tracks.size() + 1;
    if (chunks > 0xFFFF) throw ScoreError("a MIDI file holds at most 65534 tracks");
    out.insert(out.end(), {0x00, 0x01, uint8_t(chunks >> 8), uint8_t(chunks & 0xFF),
                           uint8_t(score_.resolution >> 8), uint8_t(score_.resolution & 0xFF)});
    put_track(out, conductor());
    int melodic = 0;
    for (size_t i = 0; i < score_.tracks.size(); ++i) {
      const Track& t = score_.tracks[i];
      int channel = 9;
      if (t.type != TrackType::Drum) {
        channel = melodic % 15;  // 0-8, then 10-15: channel 10 (index 9) is for drums
        if (channel >= 9) ++channel;
        ++melodic;
      }
      put_track(out, track_events(t, i, channel));
    }
    return out;
  }

 private:
  int64_t end_tick() const { return bar_starts_.empty() ? 0 : bar_starts_.back(); }

  // Tempo map, time signatures and key signatures.
  std::vector<Event> conductor() const {
    std::vector<Event> events;
    auto tempo_event = [&](int64_t tick, int mspq) {
      check_range("tempo", "microseconds per quarter", mspq, 1, 0xFFFFFF);
      check_tick("tempo", tick);
      events.push_back({tick, kSetup, meta(0x51, {uint8_t(mspq >> 16), uint8_t(mspq >> 8), uint8_t(mspq)})});
    };
    if (score_.tempos.empty()) tempo_event(0, score_.tempo);
    for (const TempoChange& t : score_.tempos) tempo_event(t.tick, t.microseconds_per_quarter);
    for (const KeySignature& k : score_.key_signatures) {
      check_range("key signature", "key", k.key, -7, 7);
      check_range("key signature", "minor", k.minor, 0, 1);
      check_tick("key signature", k.tick);
      events.push_back({k.tick, kSetup, meta(0x59, {uint8_t(int8_t(k.key)), uint8_t(k.minor)})});
    }
    if (!grid_) return events;
    const auto& bars = grid_->bars;
    for (size_t i = 0; i < bars.size(); ++i) {
      bool changes = i == 0 || bars[i].ts_numerator != bars[i - 1].ts_numerator ||
                     bars[i].ts_denominator != bars[i - 1].ts_denominator;
      // Readers derive the bar count from the last note end; repeating the
      // signature at the last bar keeps trailing empty bars on a round trip.
      bool keeps_last_bar = i + 1 == bars.size() && i > 0 && last_note_end() <= bar_starts_[i];
      if (!changes && !keeps_last_bar) continue;
      check_tick("time signature of bar " + std::to_string(i), bar_starts_[i]);
      events.push_back({bar_starts_[i], kSetup,
                          meta(0x58, {uint8_t(bars[i].ts_numerator), uint8_t(log2_exact(bars[i].ts_denominator)),
                                      24, 8})});
    }
    return events;
  }

  int64_t last_note_end() const {
    int64_t end = 0;
    for (const Track& t : score_.tracks)
      for (size_t b = 0; b < t.bars.size(); ++b)
        for (const Note& n : t.bars[b].notes) end = std::max(end, bar_starts_[b] + n.onset_ticks + n.duration_ticks);
    return end;
  }

  std::vector<Event> track_events(const Track& t, size_t index, int channel) const {
    const std::string where = "track " + std::to_string(index);
    check_range(where, "instrument", t.instrument, 0, 127);
    std::vector<Event> events;
    if (!t.name.empty()) events.push_back({0, kSetup, meta(0x03, {t.name.begin(), t.name.end()})});
    events.push_back({0, kSetup, {uint8_t(0xC0 | channel), uint8_t(t.instrument)}});
    bool any_note = false;
    for (size_t b = 0; b < t.bars.size(); ++b) {
      for (size_t k = 0; k < t.bars[b].notes.size(); ++k) {
        const Note& n = t.bars[b].notes[k];
        const std::string at = where + " bar " + std::to_string(b) + " note " + std::to_string(k);
        check_range(at, "pitch", n.pitch, 0, 127);
        check_range(at, "velocity", n.velocity, 1, 127);
        check_range(at, "onset", n.onset_ticks, 0, 0x7FFFFFFF);
        check_range(at, "duration", n.duration_ticks, 0, 0x7FFFFFFF);
        const int64_t on = bar_starts_[b] + n.onset_ticks;
        const int64_t off = on + n.duration_ticks;
        check_tick(at + " end", off);
        events.push_back({on, kNoteOn, {uint8_t(0x90 | channel), uint8_t(n.pitch), uint8_t(n.velocity)}});
        events.push_back({off, n.duration_ticks ? kNoteOff : kZeroLengthOff,
                          {uint8_t(0x80 | channel), uint8_t(n.pitch), 0}});
        any_note = true;
      }
    }
    // A track without notes is kept by an empty lyric: MIDI readers that
    // create tracks from lyrics (ours, and the reference's) keep it.
    if (!any_note) events.push_back({0, kSetup, meta(0x05, {})});
    return events;
  }

  const Score& score_;
  const Track* grid_ = nullptr;
  std::vector<int64_t> bar_starts_;  // one more than bars: the end of the last
};

}  // namespace

std::vector<uint8_t> write_midi(const Score& score) { return Writer(score).write(); }

}  // namespace midigpt
