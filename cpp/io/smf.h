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
};

struct Track {
  std::string name;  // the MIDI track's name (UTF-8; Latin-1 bytes are converted)
  int channel = 0;   // 0-15; 9 is drums
  int program = 0;
  bool is_drum = false;
  std::vector<Note> notes;  // in note-on order
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
};

// Files larger than this are refused before parsing: no real MIDI file comes
// close, and it bounds the memory a hostile file can make us allocate.
inline constexpr size_t kMaxFileBytes = 64u << 20;

// Throws MidiFormatError with the byte offset of the problem.
File parse(const uint8_t* data, size_t size);

}  // namespace midigpt::smf
