#include "node/generation_binding.h"

#include <memory>
#include <string>

#include "core/errors.h"
#include "generation/session_state.h"
#include "generation/step_fixes.h"
#include "generation/step_planner.h"
#include "node/convert.h"
#include "node/errors.h"
#include "node/score_binding.h"
#include "node/tokenizer_binding.h"
#include "tokenizer/tokenizer.h"

namespace midigpt::node {
namespace {

// ---- plain JS values -------------------------------------------------------

Napi::Value field(const Napi::Object& o, const char* key) {
  return o.Has(key) ? o.Get(key) : o.Env().Undefined();
}

int int_of(const Napi::Value& v, const std::string& what, int fallback) { return int_from_js(v, what, fallback); }

bool bool_of(const Napi::Value& v, const std::string& what, bool fallback) {
  if (v.IsUndefined()) return fallback;
  if (!v.IsBoolean()) throw ScoreError(what + " must be true or false");
  return v.As<Napi::Boolean>().Value();
}

std::vector<bool> bools_of(const Napi::Value& v, const std::string& what) {
  std::vector<bool> out;
  if (v.IsUndefined()) return out;
  if (!v.IsArray()) throw ScoreError(what + " must be an array of booleans");
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); ++i) out.push_back(bool_of(a.Get(i), what + "[" + std::to_string(i) + "]", false));
  return out;
}

std::vector<std::vector<bool>> grid_of(const Napi::Value& v, const std::string& what) {
  std::vector<std::vector<bool>> out;
  if (!v.IsArray()) throw ScoreError(what + " must be an array of arrays of booleans");
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); ++i) out.push_back(bools_of(a.Get(i), what + "[" + std::to_string(i) + "]"));
  return out;
}

std::vector<int> ints_of(const Napi::Value& v, const std::string& what) {
  if (!v.IsArray()) throw ScoreError(what + " must be an array of numbers");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int> out;
  for (uint32_t i = 0; i < a.Length(); ++i) out.push_back(int_of(a.Get(i), what, 0));
  return out;
}

Napi::Array js_bools(Napi::Env env, const std::vector<bool>& v) {
  Napi::Array a = Napi::Array::New(env, v.size());
  for (uint32_t i = 0; i < v.size(); ++i) a[i] = Napi::Boolean::New(env, v[i]);
  return a;
}

Napi::Array js_ints(Napi::Env env, std::initializer_list<int> v) {
  Napi::Array a = Napi::Array::New(env, v.size());
  uint32_t i = 0;
  for (int x : v) a[i++] = x;
  return a;
}

// GenerationStep <-> {start_bar, end_bar, is_autoregressive, track_indices,
// bars_to_generate: [[t, b]], bar_mapping: [[lt, lb, t, b]], context: bool[][]}
Napi::Object step_to_js(Napi::Env env, const GenerationStep& s) {
  Napi::Object o = Napi::Object::New(env);
  o["start_bar"] = s.start_bar;
  o["end_bar"] = s.end_bar;
  o["is_autoregressive"] = s.is_autoregressive;
  Napi::Array tracks = Napi::Array::New(env, s.track_indices.size());
  for (uint32_t i = 0; i < s.track_indices.size(); ++i) tracks[i] = s.track_indices[i];
  o["track_indices"] = tracks;
  Napi::Array targets = Napi::Array::New(env, s.bars_to_generate.size());
  uint32_t i = 0;
  for (const auto& [t, b] : s.bars_to_generate) targets[i++] = js_ints(env, {t, b});
  o["bars_to_generate"] = targets;
  Napi::Array mapping = Napi::Array::New(env, s.bar_mapping.size());
  for (uint32_t k = 0; k < s.bar_mapping.size(); ++k) {
    const auto& m = s.bar_mapping[k];
    mapping[k] = js_ints(env, {m[0], m[1], m[2], m[3]});
  }
  o["bar_mapping"] = mapping;
  Napi::Array context = Napi::Array::New(env, s.context.size());
  for (uint32_t t = 0; t < s.context.size(); ++t) context[t] = js_bools(env, s.context[t]);
  o["context"] = context;
  return o;
}

GenerationStep step_from_js(const Napi::Value& v) {
  if (!v.IsObject()) throw ScoreError("step must be an object");
  Napi::Object o = v.As<Napi::Object>();
  GenerationStep s;
  s.start_bar = int_of(field(o, "start_bar"), "step.start_bar", 0);
  s.end_bar = int_of(field(o, "end_bar"), "step.end_bar", 0);
  s.is_autoregressive = bool_of(field(o, "is_autoregressive"), "step.is_autoregressive", true);
  if (!field(o, "track_indices").IsUndefined()) s.track_indices = ints_of(field(o, "track_indices"), "step.track_indices");
  Napi::Value targets = field(o, "bars_to_generate");
  if (!targets.IsArray()) throw ScoreError("step.bars_to_generate must be an array of [track, bar]");
  Napi::Array a = targets.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); ++i) {
    auto pair = ints_of(a.Get(i), "step.bars_to_generate[" + std::to_string(i) + "]");
    if (pair.size() != 2) throw ScoreError("step.bars_to_generate entries must be [track, bar]");
    s.bars_to_generate.emplace(pair[0], pair[1]);
  }
  Napi::Value mapping = field(o, "bar_mapping");
  if (!mapping.IsUndefined()) {
    if (!mapping.IsArray()) throw ScoreError("step.bar_mapping must be an array of [local track, local bar, track, bar]");
    Napi::Array m = mapping.As<Napi::Array>();
    for (uint32_t i = 0; i < m.Length(); ++i) {
      auto entry = ints_of(m.Get(i), "step.bar_mapping[" + std::to_string(i) + "]");
      if (entry.size() != 4) throw ScoreError("step.bar_mapping entries must be [local track, local bar, track, bar]");
      s.bar_mapping.push_back({entry[0], entry[1], entry[2], entry[3]});
    }
  }
  s.context = grid_of(field(o, "context"), "step.context");
  return s;
}

// ---- planSteps -------------------------------------------------------------

// planSteps({selected, autoregressive, ignore}, modelDim, barsPerStep, tracksPerStep) -> steps
Napi::Value PlanSteps(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value {
    if (info.Length() < 4 || !info[0].IsObject()) throw Napi::TypeError::New(env, "planSteps(mask, modelDim, barsPerStep, tracksPerStep)");
    Napi::Object m = info[0].As<Napi::Object>();
    SelectionMask mask;
    mask.selected = grid_of(field(m, "selected"), "mask.selected");
    mask.autoregressive = bools_of(field(m, "autoregressive"), "mask.autoregressive");
    mask.ignore = bools_of(field(m, "ignore"), "mask.ignore");
    const auto steps = plan_steps(mask, int_of(info[1], "modelDim", 0), int_of(info[2], "barsPerStep", 0),
                                  int_of(info[3], "tracksPerStep", 1));
    Napi::Array out = Napi::Array::New(env, steps.size());
    for (uint32_t i = 0; i < steps.size(); ++i) out[i] = step_to_js(env, steps[i]);
    return out;
  });
}

// splitAutoregressiveSteps(steps) -> steps, one AR track per step
Napi::Value SplitAutoregressiveSteps(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "splitAutoregressiveSteps(steps)");
    Napi::Array in = info[0].As<Napi::Array>();
    std::vector<GenerationStep> steps;
    for (uint32_t i = 0; i < in.Length(); ++i) steps.push_back(step_from_js(in.Get(i)));
    steps = split_autoregressive_steps(steps);
    Napi::Array out = Napi::Array::New(env, steps.size());
    for (uint32_t i = 0; i < steps.size(); ++i) out[i] = step_to_js(env, steps[i]);
    return out;
  });
}

// rekeyBarAttributes(score, start) -> score whose bar keys count from `start`
Napi::Value RekeyBarAttributes(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value {
    Score score = unwrap_score(info[0]);
    rekey_bar_attributes(score, int_of(info.Length() > 1 ? info[1] : env.Undefined(), "start", 0));
    return wrap_score(env, std::move(score));
  });
}

// writeGeneratedBars(score, [{track, bar, content}], modelResolution, useDelta) -> score
Napi::Value WriteGeneratedBars(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value {
    if (info.Length() < 4 || !info[1].IsArray()) throw Napi::TypeError::New(env, "writeGeneratedBars(score, bars, modelResolution, useDelta)");
    Score score = unwrap_score(info[0]);
    Napi::Array in = info[1].As<Napi::Array>();
    std::vector<GeneratedBar> bars;
    for (uint32_t i = 0; i < in.Length(); ++i) {
      if (!in.Get(i).IsObject()) throw ScoreError("generated bars must be objects");
      Napi::Object o = in.Get(i).As<Napi::Object>();
      bars.push_back({int_of(field(o, "track"), "track", -1), int_of(field(o, "bar"), "bar", -1), bar_from_js(field(o, "content"), "content")});
    }
    write_generated_bars(score, bars, int_of(info[2], "modelResolution", 0), info[3].ToBoolean().Value());
    return wrap_score(env, std::move(score));
  });
}

// finishGeneratedBars(score, [[track, bar]]) -> score
Napi::Value FinishGeneratedBars(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value {
    if (info.Length() < 2 || !info[1].IsArray()) throw Napi::TypeError::New(env, "finishGeneratedBars(score, [[track, bar]])");
    Score score = unwrap_score(info[0]);
    Napi::Array in = info[1].As<Napi::Array>();
    std::vector<std::pair<int, int>> bars;
    for (uint32_t i = 0; i < in.Length(); ++i) {
      if (!in.Get(i).IsArray() || in.Get(i).As<Napi::Array>().Length() != 2) throw ScoreError("bars must be [track, bar] pairs");
      Napi::Array pair = in.Get(i).As<Napi::Array>();
      bars.emplace_back(int_of(pair.Get(0u), "track", -1), int_of(pair.Get(1u), "bar", -1));
    }
    finish_generated_bars(score, bars);
    return wrap_score(env, std::move(score));
  });
}

// ---- SessionState ----------------------------------------------------------

TokenType token_type_of(const Napi::Value& v, const std::string& what) {
  if (!v.IsString()) throw ScoreError(what + " must be a token type name");
  const std::string name = v.As<Napi::String>().Utf8Value();
  const auto type = token_type_from_string(name);
  if (!type) throw ScoreError(what + ": unknown token type \"" + name + "\"");
  return *type;
}

SessionOptions options_from_js(const Napi::Value& v) {
  SessionOptions o;
  if (v.IsUndefined()) return o;
  if (!v.IsObject()) throw ScoreError("session options must be an object");
  Napi::Object js = v.As<Napi::Object>();
  o.use_span_masks = bool_of(field(js, "useSpanMasks"), "useSpanMasks", false);
  o.remove_future_bars = bool_of(field(js, "removeFutureBars"), "removeFutureBars", false);
  o.use_velocity = int_of(field(js, "useVelocity"), "useVelocity", -1);
  o.use_microtiming = int_of(field(js, "useMicrotiming"), "useMicrotiming", -1);
  o.genre = int_of(field(js, "genre"), "genre", -1);
  o.omitted_tracks = bools_of(field(js, "omittedTracks"), "omittedTracks");
  return o;
}

// strict: per caller track, null or {minPolyphony, maxPolyphony, minNoteDuration,
// maxNoteDuration, noteDensity, pitchRange: [lo, hi]} (absent = not asked for).
std::vector<StrictControls> strict_from_js(const Napi::Array& a) {
  std::vector<StrictControls> out(a.Length());
  for (uint32_t t = 0; t < a.Length(); ++t) {
    if (a.Get(t).IsNull() || a.Get(t).IsUndefined()) continue;
    if (!a.Get(t).IsObject()) throw ScoreError("strict entries must be objects or null");
    const Napi::Object o = a.Get(t).As<Napi::Object>();
    StrictControls& c = out[t];
    c.min_polyphony = int_from_js(field(o, "minPolyphony"), "strict.minPolyphony", -1, -1, 1 << 20);
    c.max_polyphony = int_from_js(field(o, "maxPolyphony"), "strict.maxPolyphony", -1, -1, 1 << 20);
    c.min_note_duration = int_from_js(field(o, "minNoteDuration"), "strict.minNoteDuration", -1, -1, 1 << 20);
    c.max_note_duration = int_from_js(field(o, "maxNoteDuration"), "strict.maxNoteDuration", -1, -1, 1 << 20);
    c.note_density = int_from_js(field(o, "noteDensity"), "strict.noteDensity", -1, -1, 1 << 20);
    if (field(o, "pitchRange").IsArray()) {
      const Napi::Array r = field(o, "pitchRange").As<Napi::Array>();
      c.min_pitch = int_from_js(r.Get(0u), "strict.pitchRange[0]", std::nullopt, 0, 127);
      c.max_pitch = int_from_js(r.Get(1u), "strict.pitchRange[1]", std::nullopt, 0, 127);
    }
  }
  return out;
}

StepConstraints constraints_from_js(const Napi::Value& v) {
  StepConstraints c;
  if (v.IsUndefined()) return c;
  if (!v.IsObject()) throw ScoreError("step constraints must be an object");
  Napi::Object js = v.As<Napi::Object>();
  c.max_tracks = int_of(field(js, "maxTracks"), "maxTracks", -1);
  c.polyphony_limit = int_of(field(js, "polyphonyLimit"), "polyphonyLimit", 0);
  c.density_limit = int_of(field(js, "densityLimit"), "densityLimit", 0);
  if (field(js, "values").IsArray()) {
    Napi::Array a = field(js, "values").As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); ++i) {
      if (!a.Get(i).IsArray()) throw ScoreError("values entries must be [tokenType, value]");
      Napi::Array e = a.Get(i).As<Napi::Array>();
      c.values.emplace_back(token_type_of(e.Get(0u), "values type"), int_of(e.Get(1u), "values value", 0));
    }
  }
  if (field(js, "barValues").IsArray()) {
    Napi::Array a = field(js, "barValues").As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); ++i) {
      if (!a.Get(i).IsArray()) throw ScoreError("barValues entries must be [tokenType, track, bar, value]");
      Napi::Array e = a.Get(i).As<Napi::Array>();
      c.bar_values.emplace_back(token_type_of(e.Get(0u), "barValues type"), int_of(e.Get(1u), "track", 0),
                                int_of(e.Get(2u), "bar", 0), int_of(e.Get(3u), "value", 0));
    }
  }
  if (field(js, "strict").IsArray()) c.strict = strict_from_js(field(js, "strict").As<Napi::Array>());
  return c;
}

const char* status_name(MaskStatus s) {
  switch (s) {
    case MaskStatus::Ok: return "ok";
    case MaskStatus::Relaxed: return "relaxed";
    default: return "no-legal-token";
  }
}

Napi::Int32Array js_tokens(Napi::Env env, const std::vector<int>& v) {
  auto out = Napi::Int32Array::New(env, v.size());
  std::copy(v.begin(), v.end(), out.Data());
  return out;
}

class SessionWrap : public Napi::ObjectWrap<SessionWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "SessionState",
                       {
                           InstanceMethod<&SessionWrap::Prompt>("prompt"),
                           InstanceMethod<&SessionWrap::Generated>("generated"),
                           InstanceMethod<&SessionWrap::HiddenSpans>("hiddenSpans"),
                           InstanceMethod<&SessionWrap::Mask>("mask"),
                           InstanceMethod<&SessionWrap::Advance>("advance"),
                           InstanceMethod<&SessionWrap::Complete>("complete"),
                           InstanceMethod<&SessionWrap::Result>("result"),
                           InstanceMethod<&SessionWrap::GeneratedBars>("generatedBars"),
                       });
  }

  // new SessionState(tokenizer, score, step, options, constraints)
  explicit SessionWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SessionWrap>(info) {
    guarded(info, [&](Napi::Env env) -> Napi::Value {
      if (info.Length() < 3) throw Napi::TypeError::New(env, "SessionState(tokenizer, score, step, options?, constraints?)");
      const Tokenizer& tokenizer = unwrap_tokenizer(info[0]);
      tokenizer_ = Napi::Persistent(info[0].As<Napi::Object>());  // keeps the vocabulary alive
      state_ = std::make_unique<SessionState>(unwrap_score(info[1]), step_from_js(info[2]), tokenizer.vocab(),
                                              tokenizer.encoder(), tokenizer.decoder(),
                                              options_from_js(info.Length() > 3 ? info[3] : env.Undefined()),
                                              constraints_from_js(info.Length() > 4 ? info[4] : env.Undefined()));
      vocab_size_ = tokenizer.vocab().size();
      return env.Undefined();
    });
  }

 private:
  Napi::Value Prompt(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value { return js_tokens(info.Env(), state_->prompt()); });
  }
  Napi::Value Generated(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value { return js_tokens(info.Env(), state_->generated()); });
  }

  Napi::Value HiddenSpans(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value {
      Napi::Env env = info.Env();
      const auto& spans = state_->hidden_spans();
      Napi::Array out = Napi::Array::New(env, spans.size());
      for (uint32_t i = 0; i < spans.size(); ++i) out[i] = js_ints(env, {spans[i].first, spans[i].second});
      return out;
    });
  }

  // mask(allowed: Uint8Array of vocab size) -> "ok" | "relaxed" | "no-legal-token"; writes 1 = legal
  Napi::Value Mask(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value {
      Napi::Env env = info.Env();
      if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
        throw Napi::TypeError::New(env, "mask(allowed) needs a Uint8Array");
      auto out = info[0].As<Napi::Uint8Array>();
      if (out.ElementLength() < static_cast<size_t>(vocab_size_))
        throw Napi::RangeError::New(env, "the mask buffer must hold " + std::to_string(vocab_size_) + " entries");
      return Napi::String::New(env, status_name(state_->mask(out.Data())));
    });
  }

  Napi::Value Advance(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
      state_->advance(int_of(info.Length() ? info[0] : env.Undefined(), "token", -1));
      return env.Undefined();
    });
  }

  Napi::Value Complete(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value { return Napi::Boolean::New(info.Env(), state_->complete()); });
  }

  Napi::Value Result(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value { return wrap_score(env, state_->result()); });
  }

  // [{track, bar, content: {ts, beat_length, future, notes}}] at the model resolution
  Napi::Value GeneratedBars(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
      const auto bars = state_->generated_bars();
      Napi::Array out = Napi::Array::New(env, bars.size());
      for (uint32_t i = 0; i < bars.size(); ++i) {
        Napi::Object o = Napi::Object::New(env);
        o["track"] = bars[i].track;
        o["bar"] = bars[i].bar;
        o["content"] = bar_to_js(env, bars[i].content);
        out[i] = o;
      }
      return out;
    });
  }

  Napi::ObjectReference tokenizer_;
  std::unique_ptr<SessionState> state_;
  int vocab_size_ = 0;
};

}  // namespace

void register_generation(Napi::Env env, Napi::Object exports) {
  exports["planSteps"] = Napi::Function::New(env, PlanSteps, "planSteps");
  exports["SessionState"] = SessionWrap::define(env);
  exports["splitAutoregressiveSteps"] = Napi::Function::New(env, SplitAutoregressiveSteps, "splitAutoregressiveSteps");
  exports["rekeyBarAttributes"] = Napi::Function::New(env, RekeyBarAttributes, "rekeyBarAttributes");
  exports["writeGeneratedBars"] = Napi::Function::New(env, WriteGeneratedBars, "writeGeneratedBars");
  exports["finishGeneratedBars"] = Napi::Function::New(env, FinishGeneratedBars, "finishGeneratedBars");
}

}  // namespace midigpt::node
