#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "parity_configs.h"
#include "tokenizer/decoder.h"
#include "tokenizer/encoder.h"
#include "tokenizer/encoder_config.h"
#include "tokenizer/vocabulary.h"

using namespace midigpt;

static Bar bar44(std::vector<Note> notes) {
  Bar b;
  b.notes = std::move(notes);
  return b;
}

// tokenizer.md §8.1: two bars of piano at resolution 12, attributes as the analyzer computes them.
static Score worked_example() {
  Score s;
  s.resolution = 12;
  Track t;
  t.attributes = {{"min_polyphony", 0}, {"max_polyphony", 1}, {"min_note_duration", 2}, {"max_note_duration", 5}};
  t.bars = {bar44({{64, 100, 0, 12, 0}, {60, 100, 0, 12, 0}, {67, 80, 12, 6, 0}, {65, 80, 18, 6, 0}}),
            bar44({{48, 64, 0, 120, 0}, {72, 80, 24, 24, 0}})};
  s.tracks = {t};
  return s;
}

TEST_CASE("vocabulary layouts of the shipped configs") {
  CHECK(Vocabulary(EncoderConfig::from_json(read_config("yellow_encoder"))).size() == 647);
  CHECK(Vocabulary(EncoderConfig::from_json(read_config("prism_encoder"))).size() == 843);
  CHECK(Vocabulary(EncoderConfig::from_json(read_config("expressive_encoder"))).size() == 964);
  // Derived layouts before the attribute domains are appended (§3.6).
  CHECK(Vocabulary(EncoderConfig::from_json(read_config("yellow_config"))).size() == 605);
  CHECK(Vocabulary(EncoderConfig::from_json(read_config("expressive_config"))).size() == 709);
  Vocabulary ghost(EncoderConfig::from_json(read_config("ghost_config")));
  CHECK(ghost.size() == 608);
  CHECK(ghost.encode(TokenType::MaskBar, 0) == 607);
  Vocabulary yellow(EncoderConfig::from_json(read_config("yellow_encoder")));
  CHECK(yellow.range(TokenType::NoteOnset) == std::make_pair(154, 282));
  CHECK(yellow.name(20) == "TimeSig:13");
  CHECK(yellow.decode(646).type == TokenType::MaxNoteDuration);
  CHECK(yellow.range(TokenType::MaskBar) == std::make_pair(-1, -1));
  CHECK_THROWS_AS(yellow.decode(647), EncodeError);
}

TEST_CASE("worked example 8.1: tokens") {
  Vocabulary vocab(EncoderConfig::from_json(read_config("yellow_encoder")));
  EncodeOptions opts;
  opts.window_bars = 4;
  auto r = Encoder(vocab).encode(worked_example(), opts);
  const std::vector<int> expected = {0,   152, 2,   43,  615, 626, 637, 646, 5,   20,  595, 214, 293, 218, 293, 390, 590,
                                     221, 287, 396, 219, 287, 6,   5,   20,  586, 202, 377, 402, 590, 226, 305, 6,   4};
  CHECK(r.tokens == expected);
  CHECK(r.hidden_spans.empty());

  opts.window_bars = 0;  // 2 bars is not in [4, 8]
  CHECK_THROWS_WITH_AS(Encoder(vocab).encode(worked_example(), opts), "window_bars=2 not in num_bars_map [4, 8]", EncodeError);
}

TEST_CASE("worked example 8.1: decoding") {
  Vocabulary vocab(EncoderConfig::from_json(read_config("yellow_encoder")));
  EncodeOptions opts;
  opts.window_bars = 4;
  Score d = Decoder(vocab).decode(Encoder(vocab).encode(worked_example(), opts).tokens);
  CHECK(d.resolution == 12);
  REQUIRE(d.tracks.size() == 1);
  const auto& bars = d.tracks[0].bars;
  REQUIRE(bars.size() == 2);
  CHECK(bars[0].notes == std::vector<Note>{{60, 101, 0, 12, 0}, {64, 101, 0, 12, 0}, {67, 80, 12, 6, 0}, {65, 80, 18, 6, 0}});
  CHECK(bars[1].notes == std::vector<Note>{{48, 63, 0, 96, 0}, {72, 80, 24, 24, 0}});
  CHECK(bars[1].beat_length == 4.0);
  CHECK(d.tracks[0].attributes == worked_example().tracks[0].attributes);
}

TEST_CASE("worked example 8.2: infill blocks, and decoding them back") {
  Vocabulary vocab(EncoderConfig::from_json(read_config("yellow_encoder")));
  EncodeOptions opts;
  opts.window_bars = 4;
  opts.multi_fill = {{0, 1}, {0, 0}};
  auto r = Encoder(vocab).encode(worked_example(), opts);
  const std::vector<int> expected = {1,   152, 2,   43,  615, 626, 637, 646, 5,   20,  602, 6,   5,   20,  602, 6,   4,
                                     603, 595, 214, 293, 218, 293, 390, 590, 221, 287, 396, 219, 287, 604, 603, 586, 202,
                                     377, 402, 590, 226, 305, 604};
  CHECK(r.tokens == expected);
  opts.multi_fill.clear();
  Score plain = Decoder(vocab).decode(Encoder(vocab).encode(worked_example(), opts).tokens);
  CHECK(Decoder(vocab).decode(r.tokens) == plain);
}

TEST_CASE("worked example 8.3: groups follow first appearance") {
  Vocabulary vocab(EncoderConfig::from_json(read_config("yellow_encoder")));
  Score s = worked_example();
  s.tracks[0].attributes.clear();
  s.tracks[0].bars = {bar44({{60, 100, 12, 6, 0}, {62, 100, 0, 6, 0}}), bar44({})};
  EncodeOptions opts;
  opts.window_bars = 4;
  auto r = Encoder(vocab).encode(s, opts);
  const std::vector<int> bar0(r.tokens.begin() + 4, r.tokens.begin() + 13);
  CHECK(bar0 == std::vector<int>{5, 20, 390, 595, 214, 287, 216, 287, 6});
}

TEST_CASE("future bars: span masks, removal, MaskBar") {
  Vocabulary yellow(EncoderConfig::from_json(read_config("yellow_encoder")));
  Score s = worked_example();
  s.tracks[0].bars[1].future = true;
  EncodeOptions opts;
  opts.window_bars = 4;
  opts.use_span_masks = true;
  auto spans = Encoder(yellow).encode(s, opts);
  REQUIRE(spans.hidden_spans.size() == 1);
  const auto [from, to] = spans.hidden_spans[0];
  CHECK(std::vector<int>(spans.tokens.begin() + from, spans.tokens.begin() + to) == std::vector<int>{5, 20, 6});
  opts.use_span_masks = false;
  opts.remove_future_bars = true;
  CHECK(Encoder(yellow).encode(s, opts).tokens.size() == 34 - 10);
  Vocabulary ghost(EncoderConfig::from_json(read_config("ghost_config")));
  opts.remove_future_bars = false;
  auto masked = Encoder(ghost).encode(s, opts).tokens;
  CHECK(std::count(masked.begin(), masked.end(), ghost.encode(TokenType::MaskBar, 0)) == 1);
}

TEST_CASE("partial encode stops the named track without TrackEnd") {
  Vocabulary vocab(EncoderConfig::from_json(read_config("yellow_encoder")));
  EncodeOptions opts;
  opts.window_bars = 4;
  opts.partial_encode_track_index = 0;
  opts.partial_encode_track_bars = 1;
  auto r = Encoder(vocab).encode(worked_example(), opts);
  CHECK(std::count(r.tokens.begin(), r.tokens.end(), 5) == 1);
  CHECK(r.tokens.back() == 6);
}

TEST_CASE("velocity quantizer matches Appendix C; 128 levels decode to real velocities") {
  VelocityQuantizer q(32);
  const int decode32[32] = {0,  2,  6,  10, 14, 18, 22, 26, 30, 35, 39,  43,  47,  51,  55,  59,
                            63, 68, 72, 76, 80, 84, 88, 92, 96, 101, 105, 109, 113, 117, 121, 125};
  for (int level = 0; level < 32; ++level) CHECK(q.decode(level) == decode32[level]);
  CHECK(q.encode(0) == 0);
  CHECK(q.encode(33) == 8);
  CHECK(q.encode(34) == 9);
  CHECK(q.encode(127) == 31);
  VelocityQuantizer q128(128);
  CHECK(q128.decode_reference(90) == 0);  // the reference's decode table is all zero
  CHECK(q128.decode(90) == 90);
  CHECK(q128.encode(q128.decode(90)) == 90);
  CHECK_THROWS_AS(VelocityQuantizer(1), ConfigError);
}

TEST_CASE("instrument and genre groupings") {
  auto cfg = EncoderConfig::from_json(read_config("prism_encoder"));
  const auto& g = cfg.instrument_grouping;
  CHECK(g.num_groups() == 109);
  CHECK(g.encode(2) == 0);
  CHECK(g.encode(3) == 1);
  CHECK(g.encode(34) == 27);
  CHECK(g.encode(95) == 76);
  CHECK(g.encode(127) == 108);
  CHECK(g.encode(200) == 0);
  CHECK(g.decode(76) == 88);
  REQUIRE(cfg.genre_grouping);
  CHECK(cfg.genre_grouping->num_genres() == 18);
  CHECK(cfg.genre_grouping->encode("christian") == 3);
  CHECK(cfg.genre_grouping->encode("Hip Hop Rap") == 9);
  CHECK(cfg.genre_grouping->decode(17) == "soundtrack");
  CHECK_THROWS_AS(cfg.genre_grouping->encode("polka"), EncodeError);
}

// The ConfigError message of a config, or "no error".
static std::string config_error_of(const std::string& json) {
  try {
    EncoderConfig::from_json(json);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST_CASE("malformed configs give clear errors") {
  CHECK(config_error_of("{").find("not valid JSON") != std::string::npos);
  CHECK(config_error_of("[]").find("must be a JSON object") != std::string::npos);
  CHECK(config_error_of(R"({"resolution": "12"})").find("\"resolution\" must be an integer") != std::string::npos);
  CHECK(config_error_of(R"({"resolution": 0})").find("must be between 1 and") != std::string::npos);
  CHECK(config_error_of(R"({"pitch_range": [0]})").find("pitch_range") != std::string::npos);
  CHECK(config_error_of(R"({"time_signatures": ["4-4"]})").find("numerator/denominator") != std::string::npos);
  CHECK(config_error_of(R"({"token_domains": [{"type": "Banana", "domain_size": 2}]})").find("unknown token type \"Banana\"") !=
        std::string::npos);
  CHECK(config_error_of(R"({"token_domains": [{"type": "Bar"}]})").find("domain_size") != std::string::npos);
  CHECK(config_error_of(R"({"supports_infill": 1})").find("true or false") != std::string::npos);
  CHECK(config_error_of(R"({"num_bars_map": [4, "8"]})").find("num_bars_map") != std::string::npos);
  CHECK(config_error_of(R"({"genre_groups": {"pop": "pop"}})").find("genre_groups.pop") != std::string::npos);
}

TEST_CASE("a token type listed twice in token_domains is refused, aliases included") {
  // The reference would take Bar's size from the first entry and its offset
  // from the last: Bar ids 3..42 in a vocabulary of 4 ids.
  const std::string twice = R"({"token_domains": [{"type": "Bar", "domain_size": 1},
      {"type": "Track", "domain_size": 2}, {"type": "Bar", "domain_size": 40}]})";
  CHECK(config_error_of(twice).find("\"token_domains[2].type\" lists token type \"Bar\" again (token_domains[0]") !=
        std::string::npos);
  const std::string alias = R"({"token_domains": [{"type": "PitchClassSet", "domain_size": 12},
      {"type": "BarLevelPitchClassSet", "domain_size": 4096}]})";
  CHECK(config_error_of(alias).find("lists token type \"BarLevelPitchClassSet\" again") != std::string::npos);
  // A config built in code does not get past the vocabulary either.
  EncoderConfig built;
  built.token_domains = {{TokenType::Bar, 1}, {TokenType::Track, 2}, {TokenType::Bar, 40}};
  CHECK_THROWS_AS(Vocabulary{built}, ConfigError);
}

TEST_CASE("time signatures beyond what MIDI can state are refused") {
  // The TimeAbsolutePos size is numerator * 4 * resolution / denominator,
  // which overflowed an int (undefined behaviour) for such entries.
  CHECK(config_error_of(R"({"time_signatures": ["2000000000/1"]})").find("\"2000000000/1\"") != std::string::npos);
  CHECK(config_error_of(R"({"time_signatures": ["256/4"]})").find("numerator from 1 to 255") != std::string::npos);
  CHECK(config_error_of(R"({"time_signatures": ["4/2147483647"]})").find("denominator from 1 to 128") != std::string::npos);
  CHECK(config_error_of(R"({"time_signatures": ["255/1", "1/128"]})") == "no error");
}

TEST_CASE("a domain_size over 2^20 is refused (resource guard)") {
  CHECK(config_error_of(R"({"token_domains": [{"type": "Bar", "domain_size": 1048577}]})")
            .find("\"token_domains[0].domain_size\" must be an integer from 1 to 1048576") != std::string::npos);
  CHECK(config_error_of(R"({"token_domains": [{"type": "Bar", "domain_size": 4294967296}]})")
            .find("\"token_domains[0].domain_size\"") != std::string::npos);
  CHECK(config_error_of(R"({"token_domains": [{"type": "Bar", "domain_size": 1048576}]})") == "no error");
}

TEST_CASE("a config built in code whose longest bar does not fit an int is refused (resource guard)") {
  // from_json caps time signatures at 255/1 and the resolution at 32767 (a
  // bar of at most 33,423,340 ticks); a config built in code is not capped.
  EncoderConfig built;
  built.resolution = 480;
  built.time_signatures = TimeSignatureList({{4, 4}, {1 << 30, 1}});
  CHECK_THROWS_WITH_AS(built.derive_token_domains(), doctest::Contains("makes a bar of more ticks than an int holds"),
                       ConfigError);
  built.time_signatures = TimeSignatureList({{255, 1}});
  built.resolution = 32767;
  CHECK_NOTHROW(built.derive_token_domains());
}

TEST_CASE("a microtiming delta of INT_MIN encodes as the largest negative delta") {
  Vocabulary vocab(EncoderConfig::from_json(read_config("expressive_encoder")));
  const int largest = vocab.domain_size(TokenType::Delta) - 1;
  auto delta_tokens = [&](int delta) {
    Score s;
    s.resolution = vocab.config().resolution;
    Track t;
    t.bars = {bar44({{60, 100, 0, 12, delta}})};
    s.tracks = {t};
    std::vector<std::string> names;
    EncodeOptions options;
    options.window_bars = 4;
    for (int id : Encoder(vocab).encode(s, options).tokens) {
      const TokenType type = vocab.decode(id).type;
      if (type == TokenType::Delta || type == TokenType::DeltaDirection) names.push_back(vocab.name(id));
    }
    return names;
  };
  // Negating INT_MIN overflowed: no Delta token at all, or Delta:0.
  using Names = std::vector<std::string>;
  CHECK(delta_tokens(std::numeric_limits<int>::min()) == Names{"DeltaDirection:0", "Delta:" + std::to_string(largest)});
  CHECK(delta_tokens(std::numeric_limits<int>::max()) == Names{"Delta:" + std::to_string(largest)});
  CHECK(delta_tokens(-2) == Names{"DeltaDirection:0", "Delta:2"});
}

TEST_CASE("decoder survives odd model output") {
  Vocabulary vocab(EncoderConfig::from_json(read_config("yellow_encoder")));
  // TrackEnd TrackEnd Track, notes outside bars, a duration with no pitch.
  Score s = Decoder(vocab).decode({4, 4, 2, 214, 293, 5, 293, 214, 6, 4, 3, 5, 214, 293, 6});
  REQUIRE(s.tracks.size() == 2);
  CHECK(s.tracks[0].bars[0].notes.empty());
  REQUIRE(s.tracks[1].bars.size() == 1);
  CHECK(s.tracks[1].bars[0].notes.size() == 1);  // a drum note; its duration token adds nothing
  CHECK_THROWS_AS(Decoder(vocab).decode({9999}), EncodeError);
}

TEST_CASE("fill-in resolution is linear and capped when blocks never close") {
  Vocabulary vocab(EncoderConfig::from_json(read_config("yellow_encoder")));
  const int placeholder = vocab.encode(TokenType::FillInPlaceholder, 0);
  const int start = vocab.encode(TokenType::FillInStart, 0);
  const int end = vocab.encode(TokenType::FillInEnd, 0);
  const int note = vocab.encode(TokenType::NoteOnset, 60);
  const int drums = vocab.encode(TokenType::Track, 1);  // drum onsets are notes by themselves
  auto pitches = [&](const std::vector<int>& tokens) {
    const Score score = Decoder(vocab).decode(tokens);
    std::vector<std::vector<int>> bars;
    for (const Bar& bar : score.tracks.at(0).bars) {
      bars.emplace_back();
      for (const Note& n : bar.notes) bars.back().push_back(n.pitch);
    }
    return bars;
  };
  // §5.1 as the reference does it, blocks that never close included: each
  // runs to the end of the sequence, and the placeholders take them in order.
  using Pitches = std::vector<std::vector<int>>;
  CHECK(pitches({drums, 43, 5, placeholder, 6, 5, placeholder, 6, 4, start, note, end, start, note + 1}) ==
        Pitches{{60}, {61}});
  CHECK(pitches({drums, 43, 5, placeholder, 6, 5, placeholder, 6, 4, start, note, start, note + 1}) ==
        Pitches{{60, 61}, {61}});

  // 50,000 placeholders then 50,000 FillInStart without FillInEnd (400 KB of
  // ids): every block overlaps the next, so resolving them would copy about
  // 1.25e9 ids (5 GB). The growth is capped instead.
  std::vector<int> nested(50000, placeholder);
  nested.insert(nested.end(), 50000, start);
  CHECK_THROWS_WITH_AS(Decoder(vocab).decode(nested), doctest::Contains("FillInStart without its FillInEnd"),
                       EncodeError);

  // One placeholder then 300,000 unclosed FillInStart: a quadratic search for
  // each block's end took about 20 s here; finding them all is one pass.
  std::vector<int> unclosed{placeholder};
  unclosed.insert(unclosed.end(), 300000, start);
  const auto began = std::chrono::steady_clock::now();
  CHECK(Decoder(vocab).decode(unclosed).tracks.empty());
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(2));
}

TEST_CASE("decoded bars keep their true length (the reference truncates 7/8 to 3 quarters)") {
  Vocabulary vocab(EncoderConfig::from_json(read_config("yellow_encoder")));
  const int seven_eight = vocab.encode(TokenType::TimeSig, 21);  // order A: 21 is 7/8
  Score s = Decoder(vocab).decode({2, 43, 5, seven_eight, 6, 5, seven_eight, 4});
  REQUIRE(s.tracks.size() == 1);
  REQUIRE(s.tracks[0].bars.size() == 2);
  CHECK(s.tracks[0].bars[0].ts_numerator == 7);
  CHECK(s.tracks[0].bars[0].ts_denominator == 8);
  CHECK(s.tracks[0].bars[0].beat_length == 3.5);
  // A bar cut off before its BarEnd (generation stopped) still has its length.
  Score cut = Decoder(vocab).decode({2, 43, 5, seven_eight, 214});
  CHECK(cut.tracks[0].bars[0].beat_length == 3.5);
}
