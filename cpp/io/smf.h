// Standard MIDI File parsing: bytes -> the events MIDI-GPT cares about, in the
// file's own ticks. This is the layer the reference took from symusic 0.6.0;
// it reproduces that parser's observable behaviour (tokenizer.md §1.3.1):
// per-MIDI-track note pairing (FIFO per channel and pitch), one output track
// per (channel, program) within a MIDI track, drums on channel 10.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace midigpt::smf {

struct Note {
  int64_t time = 0;
  int64_t duration = 0;
  int pitch = 0;
  int velocity = 0;
  // With ParseOptions::keep_events: the note's events in its chunk's `events`
  // (the note-off is the one FIFO pairing closed it with).
  uint32_t on_event = 0;
  uint32_t off_event = 0;
};

struct Track {
  std::string name;  // the MIDI track's name (UTF-8; Latin-1 bytes are converted)
  int channel = 0;   // 0-15; 9 is drums
  int program = 0;
  bool is_drum = false;
  std::vector<Note> notes;  // in note-on order
  int midi_track = 0;        // which MTrk chunk of the file (0-based) holds it
  // With keep_events: the MTrk chunk (index into File::chunks) and the
  // note-ons that were never closed (readers drop them; duration -1).
  int chunk = -1;
  std::vector<Note> unclosed;
};

// One event of a track chunk as it is in the file, kept for lossless writing
// (io/midi_merge.h). Channel messages keep their status even where the file
// used running status; `offset`/`length` locate the bytes after the status
// byte (data bytes; or type, length and data of a meta event; or length and
// data of a SysEx event).
struct Event {
  int64_t time = 0;
  uint32_t offset = 0;
  uint32_t length = 0;
  uint8_t status = 0;
};

// A chunk of the file in order. Unknown chunks are kept as bytes only.
struct Chunk {
  bool is_track = false;
  size_t begin = 0;  // the chunk id's offset
  size_t end = 0;    // one past the chunk's last byte
  std::vector<Event> events;       // track chunks, up to and including End of Track
  std::vector<uint32_t> stray_offs;  // note-offs that closed nothing
  bool has_end_of_track = false;
};

struct TimeSignature {
  int64_t time = 0;
  int numerator = 4;
  // 1 << byte, as the reference stores it in 8 bits: 0 when the byte is >= 8.
  int denominator = 4;
};

struct Tempo {
  int64_t time = 0;
  int microseconds_per_quarter = 500000;
};

struct KeySignature {
  int64_t time = 0;
  int key = 0;       // sharps (>0) or flats (<0)
  int tonality = 0;  // 0 major, 1 minor
};

struct File {
  int format = 1;
  // The header's division field; 0 is kept as 0 (the reader substitutes 480).
  int ticks_per_quarter = 480;
  std::vector<Track> tracks;
  std::vector<TimeSignature> time_signatures;  // sorted by time (stable)
  std::vector<Tempo> tempos;                   // sorted by time (stable)
  std::vector<KeySignature> key_signatures;    // sorted by time (stable)
  // With keep_events: every chunk, the header's declared track count, where
  // the header chunk ends and where the last chunk read ends (bytes after it,
  // ignored by readers, are kept by the lossless writer all the same).
  std::vector<Chunk> chunks;
  int declared_tracks = 0;
  size_t header_end = 0;
  size_t chunks_end = 0;
};

struct ParseOptions {
  // Keep every event of every track chunk (for io/midi_merge.h); off for
  // plain reading, where only notes and the conductor events matter.
  bool keep_events = false;
};

// Files larger than this are refused before parsing: no real MIDI file comes
// close, and it bounds the memory a hostile file can make us allocate.
inline constexpr size_t kMaxFileBytes = 64u << 20;

// Throws MidiFormatError with the byte offset of the problem.
File parse(const uint8_t* data, size_t size, const ParseOptions& options = {});

}  // namespace midigpt::smf
