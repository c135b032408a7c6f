#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "attributes/analyzer.h"
#include "attributes/common.h"
#include "attributes/density_table.h"
#include "core/errors.h"
#include "core/resample.h"

using midigpt::Bar;
using midigpt::Note;
using midigpt::Score;
using midigpt::Track;
using midigpt::TrackType;
using midigpt::attributes::AttributeAnalyzer;
using nlohmann::json;

namespace {

// The attribute part of yellow_encoder.json / expressive_encoder.json, with the
// token_domains types by canonical name (the non-attribute types only matter
// for not being attribute types).
const std::vector<std::string> kYellowTypes{
    "PieceStart", "Track", "TrackEnd", "Bar", "BarEnd", "TimeSig", "Instrument", "NumBars",
    "NoteOnset", "NoteDuration", "TimeAbsolutePos", "VelocityLevel", "FillInPlaceholder",
    "FillInStart", "FillInEnd", "NoteDensity", "MinPolyphony", "MaxPolyphony", "MinNoteDuration",
    "MaxNoteDuration"};
const std::vector<std::string> kExpressiveTypes{
    "PieceStart", "Genre", "Track", "TrackEnd", "Bar", "BarEnd", "TimeSig", "Instrument", "NumBars",
    "NoteOnset", "NoteDuration", "TimeAbsolutePos", "VelocityLevel", "DeltaDirection", "Delta",
    "UseVelocity", "UseMicrotiming", "FillInPlaceholder", "FillInStart", "FillInEnd",
    "KeySignature", "TrackLevelPitchRangeMax", "TrackLevelSilenceProportionMax",
    "MinNoteDuration", "MaxNoteDuration", "BarLevelOnsetDensity", "BarLevelOnsetPolyphonyMin",
    "BarLevelOnsetPolyphonyMax", "BarLevelPitchClassSet", "TrackLevelNomml"};

const json kY5 = json::parse(R"([
  {"name": "note_density_quantile"},
  {"name": "polyphony_quantile", "params": {"mode": "min"}},
  {"name": "polyphony_quantile", "params": {"mode": "max"}},
  {"name": "note_duration_quantile", "params": {"mode": "min"}},
  {"name": "note_duration_quantile", "params": {"mode": "max"}}])");

const json kExpressiveControls = json::parse(R"([
  {"name": "key_signature"}, {"name": "pitch_range"}, {"name": "silence_proportion"},
  {"name": "note_duration_quantile", "params": {"mode": "min"}},
  {"name": "note_duration_quantile", "params": {"mode": "max"}},
  {"name": "note_density_quantile", "params": {"level": "bar"}},
  {"name": "polyphony_quantile", "params": {"mode": "min", "level": "bar"}},
  {"name": "polyphony_quantile", "params": {"mode": "max", "level": "bar"}},
  {"name": "pitch_class_set"}, {"name": "nomml"}])");

Bar bar(std::vector<Note> notes) {
  Bar b;
  b.notes = std::move(notes);
  return b;
}

Track track(std::vector<Bar> bars, TrackType type = TrackType::Melodic, int program = 0) {
  Track t;
  t.bars = std::move(bars);
  t.type = type;
  t.instrument = program;
  return t;
}

Score score(std::vector<Track> tracks, int resolution = 12) {
  Score s;
  s.resolution = resolution;
  s.tracks = std::move(tracks);
  return s;
}

std::map<std::string, int> annotated(const AttributeAnalyzer& analyzer, Score s, size_t t = 0) {
  analyzer.annotate(s);
  return s.tracks.at(t).attributes;
}

std::vector<std::pair<std::string, int>> specs(const json& controls,
                                               const std::vector<std::string>& types = {}) {
  return AttributeAnalyzer::from_config(types, controls).token_domain_specs();
}

// tokenizer.md §8.1: two 4/4 bars of piano at resolution 12.
Score worked_example_8_1() {
  return score({track({bar({{64, 100, 0, 12}, {60, 100, 0, 12}, {67, 80, 12, 6}, {65, 80, 18, 6}}),
                       bar({{48, 64, 0, 120}, {72, 80, 24, 24}})})});
}

// tokenizer.md §8.5 at 480, before resampling.
Score worked_example_8_5() {
  Track melodic = track({bar({{40, 100, 0, 240, -7}, {43, 101, 250, 200, 3}, {45, 0, 500, 100}}),
                         bar({{47, 127, 1919, 5000}})},
                        TrackType::Melodic, 33);
  Track drum = track({bar({{36, 90, 0, 60}}), bar({})}, TrackType::Drum, 0);
  return score({melodic, drum}, 480);
}

}  // namespace

TEST_CASE("quantile indices round half to even") {
  using midigpt::attributes::quantile_index;
  CHECK(quantile_index(10, 0.85) == 8);   // 8.5 -> 8, not 9
  CHECK(quantile_index(30, 0.15) == 4);   // 4.5 -> 4, not 5
  CHECK(quantile_index(143, 0.15) == 21);  // §8.1: 21.45
  CHECK(quantile_index(143, 0.85) == 122);  // §8.1: 121.55
  CHECK(quantile_index(1, 0.85) == 0);    // capped at n-1
  CHECK(midigpt::attributes::quantile({}, 0.85) == 0);
  CHECK(midigpt::attributes::quantile({{1, 107}, {2, 36}}, 0.85) == 2);
}

TEST_CASE("§8.1: polyphony 0/1 and durations 2/5 on the piano track") {
  const auto analyzer = AttributeAnalyzer::from_config(kYellowTypes, kY5);
  const auto attrs = annotated(analyzer, worked_example_8_1());
  const std::map<std::string, int> expected{
      {"min_polyphony", 0}, {"max_polyphony", 1}, {"min_note_duration", 2}, {"max_note_duration", 5}};
  CHECK(attrs == expected);  // melodic: no note_density
}

TEST_CASE("§8.1 raw values: 1 and 2 voices") {
  const auto analyzer = AttributeAnalyzer::from_config(kYellowTypes, kY5);
  const Score s = worked_example_8_1();
  const auto& attributes = analyzer.attributes();
  REQUIRE(attributes.size() == 5);
  CHECK(attributes[1]->spec().name == "min_polyphony");
  CHECK(attributes[1]->compute(s, 0, -1) == 1.0);
  CHECK(attributes[2]->compute(s, 0, -1) == 2.0);
}

TEST_CASE("§8.4 path B: polyphony 0/0, durations 2/3") {
  Score s = score({track({bar({{60, 90, 0, 470}, {64, 90, 490, 470}, {67, 90, 1905, 495}}), bar({})})},
                  480);
  const auto analyzer = AttributeAnalyzer::from_config(kYellowTypes, kY5);
  const auto attrs = annotated(analyzer, midigpt::resample(s, 12, false));
  const std::map<std::string, int> expected{
      {"min_polyphony", 0}, {"max_polyphony", 0}, {"min_note_duration", 2}, {"max_note_duration", 3}};
  CHECK(attrs == expected);
}

TEST_CASE("§8.5 expressive: resampled with deltas, then every attribute") {
  Score s = midigpt::resample(worked_example_8_5(), 12, true);
  const auto& m = s.tracks[0].bars;
  CHECK(m[0].notes[0] == Note{40, 100, 0, 6, 0});
  CHECK(m[0].notes[1] == Note{43, 101, 6, 5, 3});
  CHECK(m[0].notes[2] == Note{45, 0, 12, 2, 6});
  CHECK(m[1].notes[0] == Note{47, 127, 47, 125, 12});
  CHECK(s.tracks[1].bars[0].notes[0] == Note{36, 90, 0, 1, 0});

  const auto analyzer = AttributeAnalyzer::from_config(kExpressiveTypes, kExpressiveControls);
  analyzer.annotate(s);
  const std::map<std::string, int> melodic{
      {"min_note_duration", 1}, {"max_note_duration", 5}, {"pitch_range", 7}, {"key_signature", 23},
      {"silence_proportion", 3}, {"nomml", 1},
      {"bar_BarLevelOnsetPolyphonyMin_0", 0}, {"bar_BarLevelOnsetPolyphonyMax_0", 0},
      {"bar_BarLevelOnsetPolyphonyMin_1", 0}, {"bar_BarLevelOnsetPolyphonyMax_1", 0},
      // computed, but under a key the encoder never reads (tokenizer.md §7.2-4)
      {"bar_BarLevelPitchClassSet_0", 3}, {"bar_BarLevelPitchClassSet_1", 1}};
  CHECK(s.tracks[0].attributes == melodic);
  const std::map<std::string, int> drum{{"silence_proportion", 9}, {"nomml", 0},
                                        {"bar_BarLevelOnsetDensity_0", 0},
                                        {"bar_BarLevelOnsetDensity_1", 0}};
  CHECK(s.tracks[1].attributes == drum);
}

TEST_CASE("analyzer order: domains first, then appended controls") {
  // A derived config lists no attribute types: the controls come in order (§2.4).
  const std::vector<std::pair<std::string, int>> yellow{{"NoteDensity", 10}, {"MinPolyphony", 10},
                                                        {"MaxPolyphony", 10}, {"MinNoteDuration", 6},
                                                        {"MaxNoteDuration", 6}};
  CHECK(specs(kY5, {"PieceStart", "Track"}) == yellow);
  // An explicit config: the domain order wins, each control replaces its slot.
  const auto expressive = specs(kExpressiveControls, kExpressiveTypes);
  REQUIRE(expressive.size() == 10);
  CHECK(expressive.front() == std::pair<std::string, int>{"KeySignature", 25});
  CHECK(expressive[1] == std::pair<std::string, int>{"TrackLevelPitchRangeMax", 128});
  CHECK(expressive[8] == std::pair<std::string, int>{"BarLevelPitchClassSet", 13});
  CHECK(expressive.back() == std::pair<std::string, int>{"TrackLevelNomml", 13});
  // Domains alone infer the same attributes, aliases resolved to canonical names.
  CHECK(specs(json::array(), kExpressiveTypes) == expressive);
  CHECK(specs(json::array(), {"PitchRange", "SilenceProportion", "PitchClassSet", "OnsetPolyphony"}) ==
        std::vector<std::pair<std::string, int>>{{"TrackLevelPitchRangeMax", 128},
                                                 {"TrackLevelSilenceProportionMax", 10},
                                                 {"BarLevelPitchClassSet", 13},
                                                 {"BarLevelOnsetPolyphonyMax", 10}});
}

TEST_CASE("a control replaces the inferred attribute of its token type") {
  const json both = json::parse(R"([{"name": "polyphony_quantile", "params": {"mode": "min", "track_type": "both"}}])");
  const auto analyzer = AttributeAnalyzer::from_config({"MinPolyphony", "MaxPolyphony"}, both);
  REQUIRE(analyzer.attributes().size() == 2);
  CHECK(analyzer.attributes()[0]->spec().track_type == midigpt::attributes::TrackFilter::Both);
}

TEST_CASE("same name twice: first position, last attribute") {
  // Plain note_density and note_density_quantile are both named note_density.
  const json controls = json::parse(
      R"([{"name": "note_density"}, {"name": "pitch_range"}, {"name": "note_density_quantile"}])");
  const auto analyzer = AttributeAnalyzer::from_config({}, controls);
  REQUIRE(analyzer.attributes().size() == 2);
  CHECK(analyzer.attributes()[0]->spec().name == "note_density");
  CHECK(analyzer.attributes()[0]->spec().track_type == midigpt::attributes::TrackFilter::Drum);
  CHECK(analyzer.attributes()[1]->spec().name == "pitch_range");
}

TEST_CASE("config errors are ConfigErrors with a clear message") {
  using midigpt::ConfigError;
  auto build = [](const char* controls, std::vector<std::string> types = {}) {
    return AttributeAnalyzer::from_config(types, json::parse(controls));
  };
  CHECK_THROWS_WITH_AS(build(R"([{"name": "loudness"}])"),
                       doctest::Contains("unknown attribute 'loudness'"), ConfigError);
  CHECK_THROWS_WITH_AS(build(R"([{"name": "loudness"}])"), doctest::Contains("polyphony_quantile"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(build(R"([{"name": "tension"}])"),
                       doctest::Contains("attribute 'tension' is not supported"), ConfigError);
  CHECK_THROWS_AS(build(R"([])", {"TensionDrum"}), ConfigError);
  CHECK_THROWS_WITH_AS(build(R"([{"name": "polyphony_quantile", "params": {"mode": "median"}}])"),
                       doctest::Contains("'median'"), ConfigError);
  CHECK_THROWS_AS(build(R"([{"name": "polyphony_quantile"}])"), ConfigError);  // mode is required
  CHECK_THROWS_AS(build(R"([{"name": "polyphony_quantile", "params": {"mode": 1}}])"), ConfigError);
  CHECK_THROWS_AS(build(R"([{"name": "key_signature", "params": {"level": "bar"}}])"), ConfigError);
  CHECK_THROWS_AS(build(R"([{"name": "silence_proportion", "params": {"level": "piece"}}])"), ConfigError);
  CHECK_THROWS_AS(build(R"([{"name": "pitch_range", "params": [1]}])"), ConfigError);
  CHECK_THROWS_AS(build(R"([{"params": {}}])"), ConfigError);
  CHECK_THROWS_AS(build(R"({"name": "pitch_range"})"), ConfigError);
  CHECK_NOTHROW(build(R"(null)"));
}

TEST_CASE("empty tracks and tracks without bars") {
  const json all = json::parse(R"([
    {"name": "polyphony_quantile", "params": {"mode": "max"}},
    {"name": "note_duration_quantile", "params": {"mode": "min"}},
    {"name": "pitch_range"}, {"name": "key_signature"}, {"name": "silence_proportion"},
    {"name": "nomml"}, {"name": "note_density_quantile", "params": {"track_type": "both"}},
    {"name": "pitch_class_set", "params": {"level": "track"}}])");
  const auto analyzer = AttributeAnalyzer::from_config({}, all);
  const std::map<std::string, int> empty_bars{
      {"max_polyphony", 0}, {"min_note_duration", 0}, {"pitch_range", 0}, {"key_signature", 24},
      {"silence_proportion", 9}, {"nomml", 12}, {"note_density", 0}, {"pitch_class_set_track", 0}};
  CHECK(annotated(analyzer, score({track({bar({}), bar({})})})) == empty_bars);
  auto no_bars = empty_bars;
  no_bars["silence_proportion"] = 0;  // no bars at all: 0.0
  CHECK(annotated(analyzer, score({track({})})) == no_bars);
  Score nothing = score({});
  analyzer.annotate(nothing);  // no tracks: nothing to do
  CHECK(nothing.tracks.empty());
}

TEST_CASE("polyphony never counts the last tick") {
  const auto analyzer = AttributeAnalyzer::from_config({"MaxPolyphony", "BarLevelOnsetPolyphonyMax"}, json::array());
  // Two notes to the end of the track: 2 voices on ticks 0..10 only.
  auto attrs = annotated(analyzer, score({track({bar({{60, 90, 0, 12}, {64, 90, 0, 12}})})}));
  CHECK(attrs["max_polyphony"] == 1);
  CHECK(attrs["bar_BarLevelOnsetPolyphonyMax_0"] == 1);
  // One tick long at the end: nothing is counted on the track.
  attrs = annotated(analyzer, score({track({bar({{60, 90, 0, 1}, {64, 90, 0, 1}})})}));
  CHECK(attrs["max_polyphony"] == 0);
  // The bar's last tick is cut even when the note goes on.
  attrs = annotated(analyzer, score({track({bar({{60, 90, 46, 5}, {64, 90, 46, 5}})})}));
  CHECK(attrs["bar_BarLevelOnsetPolyphonyMax_0"] == 1);
  attrs = annotated(analyzer, score({track({bar({{60, 90, 47, 5}, {64, 90, 47, 5}})})}));
  CHECK(attrs["bar_BarLevelOnsetPolyphonyMax_0"] == 0);
}

TEST_CASE("silence proportion subtracts the running bar start from bar-relative onsets") {
  const auto analyzer = AttributeAnalyzer::from_config(
      {}, json::parse(R"([{"name": "silence_proportion"}, {"name": "silence_proportion", "params": {"level": "bar"}}])"));
  // Bar 1 is full of sound, yet reads as silent: onset 0 - 48 < 0, end 48 - 48 = 0.
  const auto attrs =
      annotated(analyzer, score({track({bar({{60, 90, 0, 48}}), bar({{60, 90, 0, 48}})})}));
  CHECK(attrs.at("silence_proportion") == 5);  // (0 + 1) / 2
  CHECK(attrs.at("bar_SilenceProportionBar_0") == 0);
  CHECK(attrs.at("bar_SilenceProportionBar_1") == 9);
}

TEST_CASE("density: drums only by default, rounded average, program rows") {
  const auto analyzer = AttributeAnalyzer::from_config(kYellowTypes, kY5);
  // 5 notes over 2 non-empty bars (the empty one left out): 2.5 -> 2.
  Bar three = bar({{36, 90, 0, 1}, {36, 90, 12, 1}, {36, 90, 24, 1}});
  Bar two = bar({{36, 90, 0, 1}, {36, 90, 12, 1}});
  auto attrs = annotated(analyzer, score({track({three, bar({}), two}, TrackType::Drum)}));
  CHECK(attrs == std::map<std::string, int>{{"note_density", 0}});  // drums: 2 <= 2
  attrs = annotated(analyzer, score({track({three, three}, TrackType::Drum)}));
  CHECK(attrs.at("note_density") == 1);  // 3: 2 < 3 <= 3
  using midigpt::attributes::density_bin;
  using midigpt::attributes::density_row;
  CHECK(density_row(25) == midigpt::attributes::DensityRow{4, 6, 7, 8, 11, 13, 16, 21, 28, 1073741824});
  CHECK(density_row(999) == density_row(0));  // a missing row falls back to row 0
  CHECK(density_bin(17, density_row(0)) == 8);
  CHECK(density_bin(18, density_row(0)) == 9);
}

TEST_CASE("computed keys overwrite, others stay, _nomml_raw wins") {
  const auto analyzer = AttributeAnalyzer::from_config({"MinPolyphony", "TrackLevelNomml"}, json::array());
  Score s = score({track({bar({{60, 90, 1, 1}})})});
  s.tracks[0].attributes = {{"min_polyphony", 9}, {"foo", 5}, {"_nomml_raw", 4}};
  const std::map<std::string, int> expected{
      {"min_polyphony", 0}, {"foo", 5}, {"_nomml_raw", 4}, {"nomml", 4}};
  CHECK(annotated(analyzer, s) == expected);
}

TEST_CASE("bar-level variants C++ has no token type for") {
  const auto analyzer = AttributeAnalyzer::from_config(
      {}, json::parse(R"([{"name": "note_duration_quantile", "params": {"mode": "max", "level": "bar"}}])"));
  CHECK(analyzer.token_domain_specs() == std::vector<std::pair<std::string, int>>{{"MaxNoteDurationBar", 6}});
  const auto attrs = annotated(analyzer, score({track({bar({{60, 90, 0, 48}})})}));
  CHECK(attrs.at("bar_MaxNoteDurationBar_0") == 5);
}

TEST_CASE("value labels") {
  const auto analyzer = AttributeAnalyzer::from_config(kYellowTypes, json::parse(R"([{"name": "key_signature"}])"));
  const auto& a = analyzer.attributes();
  CHECK(a[0]->spec().labels.front() == "sparsest (Q0)");
  CHECK(a[0]->spec().labels.back() == "densest (Q9)");
  CHECK(a[1]->spec().labels.front() == "1 voice");
  CHECK(a[1]->spec().labels[1] == "2 voices");
  CHECK(a[1]->spec().labels.back() == "10+ voices");
  CHECK(a[3]->spec().labels == std::vector<std::string>{"32nd", "16th", "8th", "quarter", "half", "whole"});
  const auto& keys = a[5]->spec().labels;
  REQUIRE(keys.size() == 25);
  CHECK(keys[0] == "C major");
  CHECK(keys[13] == "C# minor");
  CHECK(keys[23] == "B minor");
  CHECK(keys[24] == "no key");
}

TEST_CASE("unused registry entries") {
  const auto analyzer = AttributeAnalyzer::from_config(
      {}, json::parse(R"([{"name": "note_density"}, {"name": "onset_polyphony"}, {"name": "note_duration_dist"}])"));
  // 3 notes over 2 bars = 1.5; 2 notes share onset 0; durations 12 (level 3) twice, 48 (5) once.
  const auto attrs = annotated(analyzer,
                               score({track({bar({{60, 90, 0, 12}, {64, 90, 0, 12}}), bar({{60, 90, 0, 48}})})}));
  const std::map<std::string, int> expected{
      {"note_density", 1}, {"onset_polyphony", 2}, {"note_duration_dist", 3}};
  CHECK(attrs == expected);
}
