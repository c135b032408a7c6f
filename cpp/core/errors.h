// Error types of the core. Every failure a user can cause is one of these, with
// a message that says what was wrong; the Node binding maps them to JS Errors
// carrying `code`.
#pragma once

#include <stdexcept>
#include <string>

namespace midigpt {

class Error : public std::runtime_error {
 public:
  Error(const char* code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  const char* code() const noexcept { return code_; }

 private:
  const char* code_;
};

// The bytes are not a Standard MIDI File we can read.
struct MidiFormatError : Error {
  explicit MidiFormatError(const std::string& m) : Error("MIDI_FORMAT", m) {}
};

// A score (built in code or from JSON) that breaks the model's rules.
struct ScoreError : Error {
  explicit ScoreError(const std::string& m) : Error("INVALID_SCORE", m) {}
};

// An encoder config (JSON) that is malformed or names unknown things.
struct ConfigError : Error {
  explicit ConfigError(const std::string& m) : Error("INVALID_CONFIG", m) {}
};

// A request the tokenizer cannot encode (window size, time signature, ...).
struct EncodeError : Error {
  explicit EncodeError(const std::string& m) : Error("ENCODE", m) {}
};

// A value outside what the operation supports (resolution, sizes).
struct RangeError : Error {
  explicit RangeError(const std::string& m) : Error("OUT_OF_RANGE", m) {}
};

}  // namespace midigpt
