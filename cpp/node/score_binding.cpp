#include "node/score_binding.h"

#include <cmath>

#include "core/resample.h"
#include "core/window.h"
#include "io/midi_merge.h"
#include "io/midi_reader.h"
#include "io/midi_writer.h"
#include "node/convert.h"
#include "node/errors.h"

namespace midigpt::node {
namespace {

// Per-addon-instance data: the constructor, for creating handles and for
// instanceof checks (worker threads load their own instance).
struct AddonData {
  Napi::FunctionReference score_constructor;
};

int64_t approximate_bytes(const Score& s) {
  int64_t bytes = sizeof(Score);
  for (const Track& t : s.tracks) {
    bytes += sizeof(Track) + int64_t(t.bars.size()) * sizeof(Bar);
    for (const Bar& b : t.bars) bytes += int64_t(b.notes.size()) * sizeof(Note);
  }
  return bytes;
}

int int_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return int_from_js(info.Length() > i ? info[i] : info.Env().Undefined(), name);
}

class ScoreWrap : public Napi::ObjectWrap<ScoreWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "NativeScore",
                       {
                           StaticMethod<&ScoreWrap::FromMidi>("fromMidi"),
                           StaticMethod<&ScoreWrap::FromJS>("fromJS"),
                           InstanceMethod<&ScoreWrap::ToJS>("toJS"),
                           InstanceMethod<&ScoreWrap::ToMidi>("toMidi"),
                           InstanceMethod<&ScoreWrap::ToMidiOver>("toMidiOver"),
                           InstanceMethod<&ScoreWrap::Resample>("resample"),
                           InstanceMethod<&ScoreWrap::Window>("window"),
                           InstanceMethod<&ScoreWrap::Summary>("summary"),
                       });
  }

  explicit ScoreWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ScoreWrap>(info) {}
  ~ScoreWrap() override {
    if (env_) Napi::MemoryManagement::AdjustExternalMemory(env_, -bytes_);
  }

  void set(Napi::Env env, Score score) {
    score_ = std::move(score);
    bytes_ = approximate_bytes(score_);
    env_ = env;
    Napi::MemoryManagement::AdjustExternalMemory(env, bytes_);
  }
  const Score& score() const { return score_; }

 private:
  // fromMidi(bytes: Uint8Array, resolution)
  static Napi::Value FromMidi(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
      if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
        throw Napi::TypeError::New(env, "expected the MIDI file as a Uint8Array");
      auto bytes = info[0].As<Napi::Uint8Array>();
      return wrap_score(env, read_midi(bytes.Data(), bytes.ByteLength(), int_arg(info, 1, "resolution")));
    });
  }

  static Napi::Value FromJS(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value { return wrap_score(env, score_from_js(info[0])); });
  }

  Napi::Value ToJS(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value { return to_js(info.Env(), score_); });
  }

  Napi::Value ToMidi(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
      std::vector<uint8_t> bytes = write_midi(score_);
      auto out = Napi::Uint8Array::New(env, bytes.size());
      std::copy(bytes.begin(), bytes.end(), out.Data());
      return out;
    });
  }

  // toMidiOver(source: Uint8Array, cells: [track, bar][], dropControllers) -> {bytes, adjustedNotes, droppedNotes}
  Napi::Value ToMidiOver(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
      if (info.Length() < 3 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
          !info[1].IsArray())
        throw Napi::TypeError::New(env, "toMidiOver(source: Uint8Array, cells: [track, bar][], dropControllers: boolean)");
      auto source = info[0].As<Napi::Uint8Array>();
      Napi::Array list = info[1].As<Napi::Array>();
      std::vector<Cell> cells;
      for (uint32_t i = 0; i < list.Length(); ++i) {
        Napi::Value pair = list.Get(i);
        if (!pair.IsArray() || pair.As<Napi::Array>().Length() != 2) throw ScoreError("cells must be [track, bar] pairs");
        Napi::Array p = pair.As<Napi::Array>();
        cells.emplace_back(int_from_js(p.Get(0u), "cell track"), int_from_js(p.Get(1u), "cell bar"));
      }
      MergeResult merged = write_midi_over(source.Data(), source.ByteLength(), score_, cells,
                                           {.drop_controllers = info[2].ToBoolean().Value()});
      Napi::Object o = Napi::Object::New(env);
      auto bytes = Napi::Uint8Array::New(env, merged.bytes.size());
      std::copy(merged.bytes.begin(), merged.bytes.end(), bytes.Data());
      o["bytes"] = bytes;
      o["adjustedNotes"] = merged.adjusted_notes;
      o["droppedNotes"] = merged.dropped_notes;
      return o;
    });
  }

  // resample(resolution, useDelta)
  Napi::Value Resample(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
      const bool use_delta = info.Length() > 1 && info[1].ToBoolean().Value();
      return wrap_score(env, resample(score_, int_arg(info, 0, "resolution"), use_delta));
    });
  }

  // window(start, bars)
  Napi::Value Window(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env env) -> Napi::Value {
      return wrap_score(env, window(score_, int_arg(info, 0, "start"), int_arg(info, 1, "bars")));
    });
  }

  // summary() -> {resolution, tempo, tracks: [{name, instrument, track_type, bars, notes}]}
  Napi::Value Summary(const Napi::CallbackInfo& info) {
    return guarded(info, [&](Napi::Env) -> Napi::Value {
      Napi::Env env = info.Env();
      Napi::Object o = Napi::Object::New(env);
      o["resolution"] = score_.resolution;
      o["tempo"] = score_.tempo;
      Napi::Array tracks = Napi::Array::New(env, score_.tracks.size());
      for (uint32_t i = 0; i < score_.tracks.size(); ++i) {
        const Track& t = score_.tracks[i];
        size_t notes = 0;
        for (const Bar& b : t.bars) notes += b.notes.size();
        Napi::Object s = Napi::Object::New(env);
        s["name"] = t.name;
        s["instrument"] = t.instrument;
        s["track_type"] = t.type == TrackType::Drum ? "drum" : "melodic";
        s["bars"] = static_cast<double>(t.bars.size());
        s["notes"] = static_cast<double>(notes);
        tracks[i] = s;
      }
      o["tracks"] = tracks;
      return o;
    });
  }

  Score score_;
  int64_t bytes_ = 0;
  napi_env env_ = nullptr;
};

}  // namespace

void register_score(Napi::Env env, Napi::Object exports) {
  Napi::Function constructor = ScoreWrap::define(env);
  auto* data = new AddonData{Napi::Persistent(constructor)};
  env.SetInstanceData<AddonData>(data);
  exports["NativeScore"] = constructor;
}

Napi::Object wrap_score(Napi::Env env, Score score) {
  Napi::Object handle = env.GetInstanceData<AddonData>()->score_constructor.New({});
  ScoreWrap::Unwrap(handle)->set(env, std::move(score));
  return handle;
}

const Score& unwrap_score(const Napi::Value& value) {
  Napi::Env env = value.Env();
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(env.GetInstanceData<AddonData>()->score_constructor.Value()))
    throw Napi::TypeError::New(env, "expected a Score");
  return ScoreWrap::Unwrap(value.As<Napi::Object>())->score();
}

}  // namespace midigpt::node
