// Target 4: arbitrary token ids -> decoder, for every shipped encoder
// (packages/core/encoders: yellow, prism, expressive, ghost, ...).
//
// Input: byte 0 picks the encoder and whether to resample on decode; the rest
// are token ids, two bytes each, mapped onto the vocabulary plus one id past
// each end.
//
// Properties: decoding throws nothing but EncodeError, and that only when an
// id lies outside the vocabulary; the score comes back at the model resolution
// (or the decode resolution when asked). After one normalisation round
// (s2 = decode(encode(decode(ids)))) encoding and decoding again keeps every
// track, bar and note (as a multiset per bar: the encoder regroups notes by
// onset).
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/errors.h"
#include "fuzz_support.h"

using namespace midigpt;
using midigpt::fuzz::property_failed;

namespace {

using NoteKey = std::tuple<int, int, int, int, int>;

std::vector<NoteKey> bar_notes(const Bar& b) {
  std::vector<NoteKey> v;
  for (const Note& n : b.notes) v.emplace_back(n.onset_ticks, n.pitch, n.duration_ticks, n.velocity, n.delta);
  std::sort(v.begin(), v.end());
  return v;
}

std::string where(const Score& a, const Score& b) { return "before:\n" + fuzz::describe(a) + "after:\n" + fuzz::describe(b); }

void check_same_music(const Score& a, const Score& b) {
  FUZZ_CHECK(a.tracks.size() == b.tracks.size(), where(a, b));
  for (size_t t = 0; t < a.tracks.size(); ++t) {
    const Track& x = a.tracks[t];
    const Track& y = b.tracks[t];
    FUZZ_CHECK(x.type == y.type && x.instrument == y.instrument, where(a, b));
    FUZZ_CHECK(x.bars.size() == y.bars.size(), where(a, b));
    for (size_t k = 0; k < x.bars.size(); ++k) {
      const Bar& p = x.bars[k];
      const Bar& q = y.bars[k];
      FUZZ_CHECK(p.ts_numerator == q.ts_numerator && p.ts_denominator == q.ts_denominator && p.beat_length == q.beat_length,
                 "track " + std::to_string(t) + " bar " + std::to_string(k) + "\n" + where(a, b));
      FUZZ_CHECK(bar_notes(p) == bar_notes(q), "track " + std::to_string(t) + " bar " + std::to_string(k) + "\n" + where(a, b));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput in(data, size);
  const uint8_t head = in.byte();
  const Tokenizer& tok = fuzz::shipped_tokenizer(head % fuzz::shipped_count());
  const bool resample = head & 0x80;
  const int vocab = tok.vocab().size();
  std::vector<int> ids;
  bool outside = false;
  while (in.remaining() >= 2) {
    const int id = static_cast<int>(in.u16() % (vocab + 2)) - 1;  // -1 .. vocab
    outside = outside || id < 0 || id >= vocab;
    ids.push_back(id);
  }

  Score s1;
  try {
    // (Ids after the first FillInStart are never read when the fill-in blocks
    // are put back, so an outside id there may pass.)
    s1 = tok.decoder().decode(ids);
  } catch (const EncodeError&) {
    FUZZ_CHECK(outside, "EncodeError for ids inside the vocabulary");
    return 0;
  }
  FUZZ_CHECK(s1.resolution == tok.config().resolution, fuzz::describe(s1));
  const Score out = tok.decode(ids, resample);
  FUZZ_CHECK(out.resolution == (resample ? tok.config().decode_resolution : tok.config().resolution), fuzz::describe(out));

  // Re-encoding: the window size must be one the encoder knows.
  EncodeOptions opts;
  const auto& map = tok.config().num_bars_map;
  if (map && !map->empty()) opts.window_bars = (*map)[in.byte() % map->size()];
  std::vector<int> t2;
  try {
    t2 = tok.encoder().encode(s1, opts).tokens;
  } catch (const EncodeError&) {
    return 0;  // e.g. a bar without a time signature the config lists
  }
  const Score s2 = tok.decoder().decode(t2);
  std::vector<int> t3;
  try {
    t3 = tok.encoder().encode(s2, opts).tokens;
  } catch (const EncodeError& e) {
    property_failed("a decoded, re-encoded score no longer encodes", __FILE__, __LINE__, std::string(e.what()) + "\n" + fuzz::describe(s2));
  }
  const Score s3 = tok.decoder().decode(t3);
  check_same_music(s2, s3);
  return 0;
}
