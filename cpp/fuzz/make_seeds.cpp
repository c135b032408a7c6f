// Writes seed inputs for the fuzz targets from real data: the parity MIDI
// files, the malformed-MIDI fixtures and the encoder configs. Each target's
// seeds follow its input layout (see the comment at the top of each target).
//
//   fuzz_make_seeds OUT_DIR [--midi DIR]... [--config DIR]...
//
// OUT_DIR/<target>/ receives the files. The repository keeps a minimized
// corpus per target in cpp/fuzz/corpus/; these seeds only start a campaign.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/window.h"
#include "fuzz_support.h"
#include "io/midi_reader.h"
#include "io/midi_writer.h"
#include "io/smf.h"

namespace fs = std::filesystem;
using namespace midigpt;
using Bytes = std::vector<uint8_t>;

namespace {

Bytes read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& p, const Bytes& b) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// A deterministic byte stream for the structured seeds.
Bytes pseudo_random(uint64_t seed, size_t n) {
  Bytes out;
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    out.push_back(static_cast<uint8_t>(seed >> 56));
  }
  return out;
}

void put_u16(Bytes& b, int v) {
  b.push_back(static_cast<uint8_t>(v & 0xFF));
  b.push_back(static_cast<uint8_t>((v >> 8) & 0xFF));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [--midi DIR]... [--config DIR]...\n", argv[0]);
    return 2;
  }
  const fs::path out = argv[1];
  std::vector<fs::path> midi, configs;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--midi") midi.emplace_back(argv[i + 1]);
    if (flag == "--config") configs.emplace_back(argv[i + 1]);
  }
  std::vector<std::pair<std::string, Bytes>> files;
  for (const auto& dir : midi)
    if (fs::is_directory(dir))
      for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".mid") files.emplace_back(e.path().stem().string(), read_file(e.path()));

  // MIDI seeds: the malformed fixtures as they are, and the first 1, 2 and 4
  // bars of every parity piece written back as small files (whole pieces of
  // 100 KB and more make every execution slow; the bars are what matters).
  std::vector<std::pair<std::string, Bytes>> small;
  for (const auto& [name, bytes] : files) {
    if (bytes.size() <= (4u << 10)) {
      small.emplace_back(name, bytes);
      continue;
    }
    try {
      const smf::File file = smf::parse(bytes.data(), bytes.size());
      const Score piece = read_midi(file, file.ticks_per_quarter > 0 ? file.ticks_per_quarter : 480);
      const int bars = piece.tracks.empty() ? 0 : static_cast<int>(piece.tracks[0].bars.size());
      for (int n : {1, 2, 4})
        if (n <= bars) small.emplace_back(name + "-" + std::to_string(n) + "bars", write_midi(window(piece, 0, n)));
    } catch (const Error&) {
    }
  }
  int written = 0;
  for (size_t f = 0; f < small.size(); ++f) {
    const auto& [name, bytes] = small[f];
    write_file(out / "smf_read" / (name + ".mid"), bytes);
    Bytes rt{0x01};
    rt.insert(rt.end(), bytes.begin(), bytes.end());
    write_file(out / "write_roundtrip" / (name + ".bin"), rt);
    // The sample target's 40-byte head (encoder, seed, options), then the file.
    Bytes sample = pseudo_random(f, 40);
    sample[0] = static_cast<uint8_t>(f % fuzz::shipped_count());
    sample.insert(sample.end(), bytes.begin(), bytes.end());
    write_file(out / "sample" / (name + ".bin"), sample);
    written += 3;
  }

  for (const auto& dir : configs)
    if (fs::is_directory(dir))
      for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".json") {
          write_file(out / "encoder_config" / e.path().filename(), read_file(e.path()));
          ++written;
        }

  // Decoder seeds: real encodings of the first bars of the pieces that read.
  for (size_t enc = 0; enc < fuzz::shipped_count(); ++enc) {
    const Tokenizer& tok = fuzz::shipped_tokenizer(enc);
    int made = 0;
    for (size_t f = 0; f < files.size() && made < 8; ++f) {
      try {
        const Score piece = read_midi(files[f].second.data(), files[f].second.size());
        int bars = 4;
        if (tok.config().num_bars_map && !tok.config().num_bars_map->empty()) bars = tok.config().num_bars_map->front();
        EncodeOptions opts;
        opts.window_bars = bars;
        const auto tokens = tok.encode(window(piece, 0, bars), opts).tokens;
        Bytes seed{static_cast<uint8_t>(enc | (made % 2 ? 0x80 : 0))};
        for (size_t i = 0; i < tokens.size() && i < 1500; ++i) put_u16(seed, tokens[i] + 1);  // the target maps v to v - 1
        write_file(out / "decoder" / (std::string(fuzz::shipped_encoders()[enc].name) + "-" + files[f].first + ".bin"), seed);
        ++written;
        ++made;
      } catch (const Error&) {
        // a malformed fixture, or a piece too short or in a time signature the encoder lacks
      }
    }
  }

  // Structured targets: an encoder byte, settings, then bytes to walk on.
  for (size_t enc = 0; enc < fuzz::shipped_count(); ++enc)
    for (int k = 0; k < 4; ++k) {
      Bytes c{static_cast<uint8_t>(enc), static_cast<uint8_t>(k * 37)};
      const Bytes walk = pseudo_random(enc * 16 + k, 400);
      c.insert(c.end(), walk.begin(), walk.end());
      write_file(out / "constraints" / ("seed-" + std::to_string(enc) + "-" + std::to_string(k)), c);
      Bytes s{static_cast<uint8_t>(enc)};
      const Bytes body = pseudo_random(1000 + enc * 16 + k, 600);
      s.insert(s.end(), body.begin(), body.end());
      write_file(out / "session" / ("seed-" + std::to_string(enc) + "-" + std::to_string(k)), s);
      Bytes w{0x00};
      w.insert(w.end(), body.begin(), body.end());
      write_file(out / "write_roundtrip" / ("seed-" + std::to_string(enc) + "-" + std::to_string(k)), w);
      written += 3;
    }
  std::printf("%d seed files in %s\n", written, out.c_str());
  return 0;
}
