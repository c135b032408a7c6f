// Byte writers shared by the MIDI writers (io/midi_writer.cpp, io/midi_merge.cpp).
#pragma once

#include <cstdint>
#include <vector>

namespace midigpt::smf {

// The largest delta time a 4-byte variable-length quantity holds, and so the
// largest our reader (and the standard) accepts.
inline constexpr int64_t kMaxDelta = 0x0FFFFFFF;

inline void put_vlq(std::vector<uint8_t>& out, uint32_t v) {
  uint8_t buf[5];
  int n = 0;
  buf[n++] = v & 0x7F;
  while (v >>= 7) buf[n++] = 0x80 | (v & 0x7F);
  while (n) out.push_back(buf[--n]);
}

inline void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back((v >> s) & 0xFF);
}

}  // namespace midigpt::smf
