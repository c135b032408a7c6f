#include "node/tokenizer_binding.h"

#include <map>
#include <memory>
#include <string>

#include "core/errors.h"
#include "node/convert.h"
#include "node/errors.h"
#include "node/score_binding.h"
#include "tokenizer/tokenizer.h"

namespace midigpt::node {
namespace {

const char* level_name(attributes::Level l) { return l == attributes::Level::Track ? "track" : "bar"; }

const char* track_filter_name(attributes::TrackFilter f) {
  switch (f) {
    case attributes::TrackFilter::Melodic: return "melodic";
    case attributes::TrackFilter::Drum: return "drum";
    default: return "both";
  }
}

int option_int(const Napi::Object& o, const char* key, int fallback) {
  return int_from_js(o.Has(key) ? o.Get(key) : o.Env().Undefined(), std::string("encode option ") + key, fallback);
}

bool option_bool(const Napi::Object& o, const char* key, bool fallback) {
  if (!o.Has(key) || o.Get(key).IsUndefined()) return fallback;
  Napi::Value v = o.Get(key);
  if (!v.IsBoolean()) throw ScoreError(std::string("encode option ") + key + " must be true or false");
  return v.As<Napi::Boolean>().Value();
}

EncodeOptions options_from_js(const Napi::Value& value) {
  EncodeOptions opts;
  if (value.IsUndefined() || value.IsNull()) return opts;
  if (!value.IsObject()) throw ScoreError("encode options must be an object");
  Napi::Object o = value.As<Napi::Object>();
  opts.window_bars = option_int(o, "windowBars", 0);
  opts.partial_encode_track_index = option_int(o, "partialTrack", -1);
  opts.partial_encode_track_bars = option_int(o, "partialBars", -1);
  opts.use_span_masks = option_bool(o, "useSpanMasks", false);
  opts.remove_future_bars = option_bool(o, "removeFutureBars", false);
  opts.use_velocity = option_int(o, "useVelocity", -1);
  opts.use_microtiming = option_int(o, "useMicrotiming", -1);
  opts.genre = option_int(o, "genre", -1);
  if (o.Has("multiFill") && !o.Get("multiFill").IsUndefined()) {
    if (!o.Get("multiFill").IsArray()) throw ScoreError("encode option multiFill must be an array of [track, bar]");
    Napi::Array cells = o.Get("multiFill").As<Napi::Array>();
    for (uint32_t i = 0; i < cells.Length(); ++i) {
      Napi::Value c = cells[i];
      if (!c.IsArray() || c.As<Napi::Array>().Length() != 2)
        throw ScoreError("encode option multiFill[" + std::to_string(i) + "] must be [track, bar]");
      Napi::Array pair = c.As<Napi::Array>();
      Napi::Value t = pair[0u], b = pair[1u];
      if (!t.IsNumber() || !b.IsNumber()) throw ScoreError("encode option multiFill[" + std::to_string(i) + "] must hold numbers");
      opts.multi_fill.emplace(int_from_js(t, "multiFill track"), int_from_js(b, "multiFill bar"));
    }
  }
  return opts;
}

std::vector<int> tokens_from_js(const Napi::Value& value) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throw Napi::TypeError::New(value.Env(), "expected the tokens as an Int32Array");
  auto a = value.As<Napi::Int32Array>();
  return std::vector<int>(a.Data(), a.Data() + a.ElementLength());
}

class TokenizerWrap : public Napi::ObjectWrap<TokenizerWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "Tokenizer",
                       {
                           InstanceMethod<&TokenizerWrap::VocabSize>("vocabSize"),
                           InstanceMethod<&TokenizerWrap::Domains>("domains"),
                           InstanceMethod<&TokenizerWrap::TokenNames>("tokenNames"),
                           InstanceMethod<&TokenizerWrap::Attributes>("attributes"),
                           InstanceMethod<&TokenizerWrap::NumBarsMap>("numBarsMap"),
                           InstanceMethod<&TokenizerWrap::ConfigSummary>("configSummary"),
                           InstanceMethod<&TokenizerWrap::GenreId>("genreId"),
                           InstanceMethod<&TokenizerWrap::Prepare>("prepare"),
                           InstanceMethod<&TokenizerWrap::Annotate>("annotate"),
                           InstanceMethod<&TokenizerWrap::Encode>("encode"),
                           InstanceMethod<&TokenizerWrap::Decode>("decode"),
                       });
  }

  // new Tokenizer(configJsonText)
  explicit TokenizerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TokenizerWrap>(info) {
    guarded(info, [&](Napi::Env env) -> Napi::Value {
      if (info.Length() < 1 || !info[0].IsString())
        throw Napi::TypeError::New(env, "expected the encoder config as JSON text");
      tokenizer_ = std::make_unique<Tokenizer>(EncoderConfig::from_json(info[0].As<Napi::String>().Utf8Value()));
      return env.Undefined();
    });
  }

 private:
  Napi::Value VocabSize(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value { return Napi::Number::New(info.Env(), tokenizer_->vocab().size()); });
  }

  Napi::Value Domains(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value {
      const Vocabulary& vocab = tokenizer_->vocab();
      Napi::Array out = Napi::Array::New(info.Env(), vocab.domains().size());
      for (uint32_t i = 0; i < vocab.domains().size(); ++i) {
        Napi::Object d = Napi::Object::New(info.Env());
        d["type"] = std::string(to_string(vocab.domains()[i].type));
        d["offset"] = vocab.offsets()[i];
        d["size"] = vocab.domains()[i].size;
        out[i] = d;
      }
      return out;
    });
  }

  Napi::Value TokenNames(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value {
      const Vocabulary& vocab = tokenizer_->vocab();
      Napi::Array out = Napi::Array::New(info.Env(), vocab.size());
      for (int id = 0; id < vocab.size(); ++id) out[static_cast<uint32_t>(id)] = vocab.name(id);
      return out;
    });
  }

  Napi::Value NumBarsMap(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value {
      const auto& map = tokenizer_->config().num_bars_map;
      if (!map) return info.Env().Null();
      Napi::Array out = Napi::Array::New(info.Env(), map->size());
      for (uint32_t i = 0; i < map->size(); ++i) out[i] = (*map)[i];
      return out;
    });
  }

  // The config fields request validation needs (generation.md §1.4).
  Napi::Value ConfigSummary(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value {
      Napi::Env env = info.Env();
      const EncoderConfig& c = tokenizer_->config();
      Napi::Object o = Napi::Object::New(env);
      o["resolution"] = c.resolution;
      o["decodeResolution"] = c.decode_resolution;
      Napi::Array pitch = Napi::Array::New(env, 2);
      pitch[0u] = c.pitch_min;
      pitch[1u] = c.pitch_max;
      o["pitchRange"] = pitch;
      o["velocityLevels"] = c.velocity_levels;
      o["emitDeltaTokens"] = c.emit_delta_tokens;
      o["supportsInfill"] = c.supports_infill;
      o["supportsMaskBar"] = tokenizer_->vocab().has(TokenType::MaskBar);
      o["switchableVelocity"] = c.switchable_velocity;
      o["switchableMicrotiming"] = c.switchable_microtiming;
      Napi::Array ts = Napi::Array::New(env);
      if (c.time_signatures)
        for (uint32_t i = 0; i < c.time_signatures->list().size(); ++i) {
          Napi::Array pair = Napi::Array::New(env, 2);
          pair[0u] = c.time_signatures->list()[i].first;
          pair[1u] = c.time_signatures->list()[i].second;
          ts[i] = pair;
        }
      o["timeSignatures"] = ts;
      Napi::Array genres = Napi::Array::New(env);
      if (c.genre_grouping)
        for (uint32_t i = 0; i < c.genre_grouping->names().size(); ++i) genres[i] = c.genre_grouping->names()[i];
      o["genres"] = genres;
      return o;
    });
  }

  // genreId(name) -> dense id, or -1 when the name (or alias) is unknown
  Napi::Value GenreId(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value {
      const auto& g = tokenizer_->config().genre_grouping;
      if (!g || info.Length() < 1 || !info[0].IsString()) return Napi::Number::New(info.Env(), -1);
      const std::string name = info[0].As<Napi::String>().Utf8Value();
      return Napi::Number::New(info.Env(), g->contains(name) ? g->encode(name) : -1);
    });
  }

  // [{name, tokenType, level, trackType, size, labels}] in analyzer order
  Napi::Value Attributes(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value {
      Napi::Env env = info.Env();
      const auto& list = tokenizer_->analyzer().attributes();
      Napi::Array out = Napi::Array::New(env, list.size());
      for (uint32_t i = 0; i < list.size(); ++i) {
        const auto& spec = list[i]->spec();
        Napi::Object a = Napi::Object::New(env);
        a["name"] = spec.name;
        a["tokenType"] = spec.token_type;
        a["level"] = level_name(spec.level);
        a["trackType"] = track_filter_name(spec.track_type);
        a["size"] = spec.size;
        Napi::Array labels = Napi::Array::New(env, spec.labels.size());
        for (uint32_t k = 0; k < spec.labels.size(); ++k) labels[k] = spec.labels[k];
        a["labels"] = labels;
        out[i] = a;
      }
      return out;
    });
  }

  // prepare(score handle, computeAttributes) -> score handle on the model grid with attributes
  Napi::Value Prepare(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
      const bool attributes = info.Length() < 2 || info[1].ToBoolean().Value();
      return wrap_score(env, tokenizer_->prepare(unwrap_score(info[0]), attributes));
    });
  }

  // annotate(score handle, skipTracks?: boolean[]) -> score handle with attribute values
  // computed at the score's own resolution; skipped tracks keep their attributes.
  Napi::Value Annotate(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
      Score score = unwrap_score(info[0]);
      std::vector<std::map<std::string, int>> kept;
      for (const Track& t : score.tracks) kept.push_back(t.attributes);
      tokenizer_->analyzer().annotate(score);
      if (info.Length() > 1 && info[1].IsArray()) {
        Napi::Array skip = info[1].As<Napi::Array>();
        for (uint32_t i = 0; i < skip.Length() && i < score.tracks.size(); ++i)
          if (skip.Get(i).ToBoolean().Value()) score.tracks[i].attributes = kept[i];
      }
      return wrap_score(env, std::move(score));
    });
  }

  // encode(score, options) -> {tokens: Int32Array, hiddenSpans: [[s, e]]}
  Napi::Value Encode(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
      const Score& score = unwrap_score(info[0]);
      const Napi::Value options = info.Length() > 1 ? info[1] : env.Undefined();
      bool attributes = true;
      if (options.IsObject() && options.As<Napi::Object>().Has("computeAttributes"))
        attributes = option_bool(options.As<Napi::Object>(), "computeAttributes", true);
      const EncodeResult result = tokenizer_->encode(score, options_from_js(options), attributes);
      Napi::Object out = Napi::Object::New(env);
      auto tokens = Napi::Int32Array::New(env, result.tokens.size());
      std::copy(result.tokens.begin(), result.tokens.end(), tokens.Data());
      out["tokens"] = tokens;
      Napi::Array spans = Napi::Array::New(env, result.hidden_spans.size());
      for (uint32_t i = 0; i < result.hidden_spans.size(); ++i) {
        Napi::Array s = Napi::Array::New(env, 2);
        s[0u] = result.hidden_spans[i].first;
        s[1u] = result.hidden_spans[i].second;
        spans[i] = s;
      }
      out["hiddenSpans"] = spans;
      return out;
    });
  }

  // decode(tokens: Int32Array, resample: boolean) -> score handle
  Napi::Value Decode(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
      const bool resample = info.Length() < 2 || info[1].ToBoolean().Value();
      return wrap_score(env, tokenizer_->decode(tokens_from_js(info[0]), resample));
    });
  }

  std::unique_ptr<Tokenizer> tokenizer_;

 public:
  const Tokenizer& tokenizer() const { return *tokenizer_; }
};

Napi::FunctionReference* tokenizer_constructor = nullptr;

}  // namespace

const Tokenizer& unwrap_tokenizer(const Napi::Value& value) {
  Napi::Env env = value.Env();
  if (!value.IsObject() || !tokenizer_constructor || !value.As<Napi::Object>().InstanceOf(tokenizer_constructor->Value()))
    throw Napi::TypeError::New(env, "expected a Tokenizer");
  return TokenizerWrap::Unwrap(value.As<Napi::Object>())->tokenizer();
}

void register_tokenizer(Napi::Env env, Napi::Object exports) {
  Napi::Function constructor = TokenizerWrap::define(env);
  // One addon instance per process in practice; kept for the life of the process.
  tokenizer_constructor = new Napi::FunctionReference(Napi::Persistent(constructor));
  exports["Tokenizer"] = constructor;
}

}  // namespace midigpt::node
