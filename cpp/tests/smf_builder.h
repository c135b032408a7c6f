// Builds MIDI bytes for tests: a header plus tracks written as raw event bytes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace test {

using Bytes = std::vector<uint8_t>;

inline void vlq(Bytes& out, uint32_t v) {
  uint8_t buf[5];
  int n = 0;
  buf[n++] = v & 0x7F;
  while (v >>= 7) buf[n++] = 0x80 | (v & 0x7F);
  while (n) out.push_back(buf[--n]);
}

inline void u32(Bytes& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back((v >> s) & 0xFF);
}

// One track's events: add(delta, bytes...) appends a delta time and the bytes.
struct TrackBytes {
  Bytes body;
  TrackBytes& add(uint32_t delta, std::initializer_list<uint8_t> bytes) {
    vlq(body, delta);
    body.insert(body.end(), bytes);
    return *this;
  }
  TrackBytes& on(uint32_t delta, int ch, int pitch, int vel) { return add(delta, {uint8_t(0x90 | ch), uint8_t(pitch), uint8_t(vel)}); }
  TrackBytes& off(uint32_t delta, int ch, int pitch) { return add(delta, {uint8_t(0x80 | ch), uint8_t(pitch), 64}); }
  TrackBytes& program(uint32_t delta, int ch, int p) { return add(delta, {uint8_t(0xC0 | ch), uint8_t(p)}); }
  TrackBytes& time_signature(uint32_t delta, int num, int den_pow) {
    return add(delta, {0xFF, 0x58, 4, uint8_t(num), uint8_t(den_pow), 24, 8});
  }
  TrackBytes& tempo(uint32_t delta, int mspq) {
    return add(delta, {0xFF, 0x51, 3, uint8_t(mspq >> 16), uint8_t(mspq >> 8), uint8_t(mspq)});
  }
  TrackBytes& text(uint32_t delta, uint8_t type, const std::string& s) {
    vlq(body, delta);
    body.push_back(0xFF);
    body.push_back(type);
    vlq(body, uint32_t(s.size()));
    body.insert(body.end(), s.begin(), s.end());
    return *this;
  }
  TrackBytes& end(uint32_t delta = 0) { return add(delta, {0xFF, 0x2F, 0}); }
};

inline Bytes header(int format, int ntracks, int division) {
  return Bytes{'M', 'T', 'h', 'd', 0, 0, 0, 6, uint8_t(format >> 8), uint8_t(format), uint8_t(ntracks >> 8),
               uint8_t(ntracks), uint8_t(division >> 8), uint8_t(division)};
}

inline void append_track(Bytes& out, const Bytes& body) {
  out.insert(out.end(), {'M', 'T', 'r', 'k'});
  u32(out, uint32_t(body.size()));
  out.insert(out.end(), body.begin(), body.end());
}

inline Bytes midi(int division, std::initializer_list<TrackBytes> tracks) {
  Bytes out = header(1, int(tracks.size()), division);
  for (const auto& t : tracks) append_track(out, t.body);
  return out;
}

}  // namespace test
