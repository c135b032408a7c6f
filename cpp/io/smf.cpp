#include "io/smf.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "core/errors.h"

namespace midigpt::smf {
namespace {

std::string hex(unsigned v) {
  static const char* digits = "0123456789ABCDEF";
  std::string s = "0x";
  s += digits[(v >> 4) & 0xF];
  s += digits[v & 0xF];
  return s;
}

// A bounds-checked cursor over the file. Every read goes through it, so no
// input can make the parser read outside the buffer.
class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size, size_t base = 0)
      : data_(data), size_(size), base_(base) {}

  size_t offset() const { return base_ + pos_; }
  size_t remaining() const { return size_ - pos_; }
  bool done() const { return pos_ >= size_; }

  [[noreturn]] void fail(const std::string& what) const {
    throw MidiFormatError(what + " (at byte " + std::to_string(offset()) + ")");
  }

  uint8_t peek(const char* what) const {
    if (pos_ >= size_) fail(std::string("unexpected end of data while reading ") + what);
    return data_[pos_];
  }
  uint8_t u8(const char* what) {
    uint8_t v = peek(what);
    ++pos_;
    return v;
  }
  uint32_t u16(const char* what) { return (uint32_t(u8(what)) << 8) | u8(what); }
  uint32_t u32(const char* what) { return (u16(what) << 16) | u16(what); }

  // Variable-length quantity: at most 4 bytes (28 bits) in a valid file.
  uint32_t vlq(const char* what) {
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      uint8_t b = u8(what);
      value = (value << 7) | (b & 0x7F);
      if (!(b & 0x80)) return value;
    }
    fail(std::string("variable-length ") + what + " longer than 4 bytes");
  }

  // A sub-span of `n` bytes; throws if the data is shorter.
  Cursor take(size_t n, const char* what) {
    if (n > remaining())
      fail(std::string(what) + " claims " + std::to_string(n) + " bytes but only " +
           std::to_string(remaining()) + " remain");
    Cursor sub(data_ + pos_, n, offset());
    pos_ += n;
    return sub;
  }
  const uint8_t* here() const { return data_ + pos_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t base_;
  size_t pos_ = 0;
};

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    const size_t extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 4;
    if (extra > 3) return false;
    for (size_t k = 1; k <= extra; ++k)
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += extra + 1;
  }
  return true;
}

// MIDI text has no declared encoding; most old files are Latin-1. Keep valid
// UTF-8 as it is and widen anything else byte by byte.
std::string text_to_utf8(const uint8_t* p, size_t n) {
  std::string raw(reinterpret_cast<const char*>(p), n);
  if (valid_utf8(raw)) return raw;
  std::string out;
  for (unsigned char c : raw) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// Parses MTrk chunks one after the other. Each chunk's output tracks are
// appended in (channel, program) order; global events go to `file`.
class TrackParser {
 public:
  TrackParser(File& file, bool keep_events) : file_(file), keep_events_(keep_events) {}

  // `chunk` receives the events when they are kept.
  void parse(Cursor in, Chunk* chunk, int midi_track) {
    reset();
    midi_track_ = midi_track;
    chunk_ = keep_events_ ? chunk : nullptr;
    chunk_index_ = keep_events_ ? static_cast<int>(file_.chunks.size()) - 1 : -1;
    int64_t time = 0;
    uint8_t running = 0;
    while (!in.done()) {
      time += in.vlq("delta time");
      uint8_t status = in.peek("event status");
      const size_t begin = in.offset() + 1;
      if (status == 0xFF) {
        in.u8("meta");
        const bool more = meta(in, time);
        record(time, status, begin, in.offset());
        if (!more) {
          if (chunk_) chunk_->has_end_of_track = true;
          break;  // end of track
        }
      } else if (status == 0xF0 || status == 0xF7) {
        in.u8("sysex");
        in.take(in.vlq("sysex length"), "sysex event");
        record(time, status, begin, in.offset());
      } else if (status >= 0xF0) {
        in.fail("unexpected status byte " + hex(status) + " in a track");
      } else {
        if (status & 0x80) {
          running = status;
          in.u8("status");
        } else if (!running) {
          in.fail("running status used before any channel message");
        }
        const size_t data = in.offset();
        const uint32_t index = record(time, running, data, data + ((running & 0xE0) == 0xC0 ? 1 : 2));
        channel_message(in, running, time, index);
      }
    }
    finish();
  }

 private:
  static uint8_t data_byte(Cursor& in, uint8_t status) {
    uint8_t b = in.u8("channel message data");
    if (b & 0x80)
      in.fail("data byte " + hex(b) + " above 0x7F in channel message " + hex(status));
    return b;
  }

  // Appends an event when events are kept; returns its index.
  uint32_t record(int64_t time, uint8_t status, size_t begin, size_t end) {
    if (!chunk_) return 0;
    chunk_->events.push_back({time, static_cast<uint32_t>(begin), static_cast<uint32_t>(end - begin), status});
    return static_cast<uint32_t>(chunk_->events.size() - 1);
  }

  void channel_message(Cursor& in, uint8_t status, int64_t time, uint32_t event) {
    const int kind = status & 0xF0;
    const int channel = status & 0x0F;
    last_channel_ = channel;
    const uint8_t a = data_byte(in, status);
    const bool two = !(kind == 0xC0 || kind == 0xD0);
    const uint8_t b = two ? data_byte(in, status) : 0;
    if (kind == 0x90 && b > 0) {
      note_on(channel, a, b, time, event);
    } else if (kind == 0x80 || kind == 0x90) {
      note_off(channel, a, time, event);
    } else if (kind == 0xC0) {
      program_[channel] = a;
    }
  }

  // Returns false at the end-of-track event.
  bool meta(Cursor& in, int64_t time) {
    const uint8_t type = in.u8("meta type");
    Cursor body = in.take(in.vlq("meta length"), "meta event");
    const uint8_t* p = body.here();
    const size_t n = body.remaining();
    switch (type) {
      case 0x2F:
        return false;
      case 0x03:
        if (!has_name_) name_ = text_to_utf8(p, n), has_name_ = true;
        break;
      case 0x05:  // a lyric creates a track, as in the reference's parser
        track_for(last_channel_);
        break;
      case 0x51:
        if (n >= 3) file_.tempos.push_back({time, (p[0] << 16) | (p[1] << 8) | p[2]});
        break;
      case 0x58:
        if (n >= 2) file_.time_signatures.push_back({time, p[0], p[1] < 8 ? (1 << p[1]) : 0});
        break;
      case 0x59:
        if (n >= 2) file_.key_signatures.push_back({time, static_cast<int8_t>(p[0]), p[1]});
        break;
      default:
        break;
    }
    return true;
  }

  size_t track_for(int channel) {
    auto key = std::make_pair(channel, program_[channel]);
    auto it = index_.find(key);
    if (it != index_.end()) return it->second;
    Track t;
    t.channel = channel;
    t.program = program_[channel];
    t.is_drum = channel == 9;
    t.chunk = chunk_index_;
    t.midi_track = midi_track_;
    tracks_.push_back(std::move(t));
    index_.emplace(key, tracks_.size() - 1);
    return tracks_.size() - 1;
  }

  void note_on(int channel, int pitch, int velocity, int64_t time, uint32_t event) {
    const size_t t = track_for(channel);
    tracks_[t].notes.push_back({time, -1, pitch, velocity, event, 0});
    OpenNotes& queue = open_[channel * 128 + pitch];
    if (queue.notes.empty()) touched_.push_back(channel * 128 + pitch);
    queue.notes.push_back({t, tracks_[t].notes.size() - 1});
  }

  // Closes the oldest open note of this channel and pitch (FIFO).
  void note_off(int channel, int pitch, int64_t time, uint32_t event) {
    OpenNotes& queue = open_[channel * 128 + pitch];
    if (queue.head == queue.notes.size()) {  // nothing open: ignored
      if (chunk_) chunk_->stray_offs.push_back(event);
      return;
    }
    const NoteRef ref = queue.notes[queue.head++];
    Note& note = tracks_[ref.track].notes[ref.note];
    note.duration = time - note.time;
    note.off_event = event;
  }

  void reset() {
    program_.fill(0);
    last_channel_ = 0;
    name_.clear();
    has_name_ = false;
    tracks_.clear();
    index_.clear();
    for (int key : touched_) open_[key] = {};
    touched_.clear();
  }

  // Drops notes never closed; their tracks stay (possibly with no notes).
  void finish() {
    for (auto& [key, index] : index_) {
      Track& t = tracks_[index];
      if (keep_events_)
        for (const Note& n : t.notes)
          if (n.duration < 0) t.unclosed.push_back(n);
      std::erase_if(t.notes, [](const Note& n) { return n.duration < 0; });
      t.name = name_;
      file_.tracks.push_back(std::move(t));
    }
  }

  File& file_;
  bool keep_events_;
  Chunk* chunk_ = nullptr;
  int chunk_index_ = -1;
  int midi_track_ = 0;
  std::array<int, 16> program_{};
  int last_channel_ = 0;
  std::string name_;
  bool has_name_ = false;
  std::vector<Track> tracks_;
  std::map<std::pair<int, int>, size_t> index_;  // ordered: output is sorted
  // Open notes per (channel, pitch): a FIFO as a vector plus a read head.
  struct NoteRef {
    size_t track;
    size_t note;
  };
  struct OpenNotes {
    std::vector<NoteRef> notes;
    size_t head = 0;
  };
  std::vector<OpenNotes> open_ = std::vector<OpenNotes>(16 * 128);
  std::vector<int> touched_;
};

}  // namespace

File parse(const uint8_t* data, size_t size, const ParseOptions& options) {
  if (size > kMaxFileBytes)
    throw MidiFormatError("file is " + std::to_string(size) + " bytes; MIDI files over " +
                          std::to_string(kMaxFileBytes >> 20) + " MiB are not accepted");
  Cursor in(data, size);
  if (size < 4 || std::string(reinterpret_cast<const char*>(data), 4) != "MThd")
    throw MidiFormatError("not a Standard MIDI File (it does not start with \"MThd\")");
  in.u32("header id");
  const uint32_t header_len = in.u32("header length");
  if (header_len < 6) in.fail("header chunk is " + std::to_string(header_len) + " bytes; it must be at least 6");
  Cursor header = in.take(header_len, "header chunk");
  File file;
  file.format = static_cast<int>(header.u16("format"));
  const uint32_t declared_tracks = header.u16("track count");
  const uint32_t division = header.u16("division");
  if (file.format > 2) throw MidiFormatError("unknown MIDI file format " + std::to_string(file.format));
  if (division & 0x8000)
    throw MidiFormatError(
        "SMPTE time division is not supported: this file counts time in frames per second, not in "
        "ticks per quarter note");
  file.ticks_per_quarter = static_cast<int>(division);

  file.declared_tracks = static_cast<int>(declared_tracks);
  file.header_end = in.offset();
  TrackParser tracks(file, options.keep_events);
  uint32_t found = 0;
  while (found < declared_tracks) {
    if (in.remaining() < 8)
      throw MidiFormatError("file declares " + std::to_string(declared_tracks) +
                            " tracks but ends after " + std::to_string(found) +
                            (in.remaining() ? " (with a truncated chunk header)" : ""));
    const bool is_track = std::string(reinterpret_cast<const char*>(in.here()), 4) == "MTrk";
    const size_t begin = in.offset();
    in.u32("chunk id");
    const uint32_t len = in.u32("chunk length");
    Cursor chunk = in.take(len, is_track ? "track chunk" : "chunk");
    if (options.keep_events) file.chunks.push_back({is_track, begin, in.offset(), {}, {}, false});
    if (!is_track) continue;  // unknown chunks are skipped, as the standard asks
    tracks.parse(chunk, options.keep_events ? &file.chunks.back() : nullptr, static_cast<int>(found));
    ++found;
  }
  file.chunks_end = in.offset();

  auto by_time = [](const auto& a, const auto& b) { return a.time < b.time; };
  std::stable_sort(file.time_signatures.begin(), file.time_signatures.end(), by_time);
  std::stable_sort(file.tempos.begin(), file.tempos.end(), by_time);
  std::stable_sort(file.key_signatures.begin(), file.key_signatures.end(), by_time);
  return file;
}

}  // namespace midigpt::smf
