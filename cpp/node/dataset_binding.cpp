#include "node/dataset_binding.h"

#include <cmath>
#include <string>

#include "core/errors.h"
#include "dataset/sample.h"
#include "node/convert.h"
#include "node/errors.h"
#include "node/score_binding.h"
#include "node/tokenizer_binding.h"
#include "tokenizer/tokenizer.h"

namespace midigpt::node {
namespace {

double number_field(const Napi::Object& o, const char* key, double fallback) {
  if (!o.Has(key) || o.Get(key).IsUndefined()) return fallback;
  const Napi::Value v = o.Get(key);
  if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) throw ConfigError(std::string(key) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

int int_field(const Napi::Object& o, const char* key, int fallback) {
  if (!o.Has(key) || o.Get(key).IsUndefined()) return fallback;
  const auto v = whole_number(o.Get(key), -1000000000, 1000000000);
  if (!v) throw ConfigError(std::string(key) + " must be a whole number");
  return static_cast<int>(*v);
}

dataset::SampleOptions options_from_js(const Napi::Value& value) {
  dataset::SampleOptions o;
  if (value.IsUndefined()) return o;
  if (!value.IsObject()) throw ConfigError("sample options must be an object");
  const Napi::Object js = value.As<Napi::Object>();
  o.infill_probability = number_field(js, "infillProbability", o.infill_probability);
  o.infill_bar_fraction = number_field(js, "infillBarFraction", o.infill_bar_fraction);
  o.max_seq_len = int_field(js, "maxSeqLen", o.max_seq_len);
  o.max_tracks = int_field(js, "maxTracks", o.max_tracks);
  o.min_tracks = int_field(js, "minTracks", o.min_tracks);
  o.min_fill_ratio = number_field(js, "minFillRatio", o.min_fill_ratio);
  o.max_transpose = int_field(js, "maxTranspose", o.max_transpose);
  o.velocity_min = number_field(js, "velocityMin", o.velocity_min);
  o.velocity_max = number_field(js, "velocityMax", o.velocity_max);
  o.velocity_off_probability = number_field(js, "velocityOffProbability", 0);
  o.microtiming_off_probability = number_field(js, "microtimingOffProbability", 0);
  o.genre = int_field(js, "genre", -1);
  if (js.Has("mask") && js.Get("mask").IsObject()) {
    const Napi::Object m = js.Get("mask").As<Napi::Object>();
    dataset::MaskBarConfig mask;
    mask.apply_probability = number_field(m, "applyProbability", mask.apply_probability);
    const int mode = int_field(m, "mode", static_cast<int>(mask.mode));
    if (mode < 0 || mode > 2) throw ConfigError("mask.mode must be 0 (random), 1 (structured) or 2 (mixed)");
    mask.mode = static_cast<dataset::MaskMode>(mode);
    mask.bar_fraction = number_field(m, "barFraction", mask.bar_fraction);
    mask.max_lookahead = int_field(m, "maxLookahead", mask.max_lookahead);
    o.mask = mask;
  }
  return o;
}

Napi::Object sample_to_js(Napi::Env env, const dataset::TrainingSample& s) {
  Napi::Object out = Napi::Object::New(env);
  Napi::Int32Array tokens = Napi::Int32Array::New(env, s.tokens.size());
  std::copy(s.tokens.begin(), s.tokens.end(), tokens.Data());
  out.Set("tokens", tokens);
  out.Set("infill", s.infill);
  out.Set("bars", s.bars);
  out.Set("tracks", s.tracks);
  out.Set("transpose", s.transpose);
  out.Set("velocityFactor", s.velocity_factor);
  Napi::Array cells = Napi::Array::New(env, s.cells.size());
  uint32_t i = 0;
  for (const auto& [t, b] : s.cells) {
    Napi::Array cell = Napi::Array::New(env, 2);
    cell.Set(0u, t);
    cell.Set(1u, b);
    cells.Set(i++, cell);
  }
  out.Set("cells", cells);
  out.Set("maskedBars", s.masked_bars);
  out.Set("cropped", s.cropped);
  out.Set("fallback", s.fallback);
  return out;
}

// trainingSample(tokenizer, score, options, seed) -> sample
Napi::Value TrainingSample(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value {
    if (info.Length() < 4 || !info[3].IsNumber()) throw Napi::TypeError::New(env, "trainingSample(tokenizer, score, options, seed)");
    const Tokenizer& tokenizer = unwrap_tokenizer(info[0]);
    const Score& score = unwrap_score(info[1]);
    const dataset::SampleOptions options = options_from_js(info[2]);
    dataset::check_sample_options(tokenizer, options);
    const auto seed = whole_number(info[3], 0, 9007199254740991);
    if (!seed) throw RangeError("the seed must be a whole number from 0 to 2^53 - 1");
    dataset::SampleRng rng(static_cast<uint64_t>(*seed));
    return sample_to_js(env, dataset::build_sample(score, tokenizer, options, rng));
  });
}

}  // namespace

void register_dataset(Napi::Env env, Napi::Object exports) {
  exports["trainingSample"] = Napi::Function::New(env, TrainingSample, "trainingSample");
}

}  // namespace midigpt::node
