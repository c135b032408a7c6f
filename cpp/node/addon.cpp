// The @midigpt/core addon: module registration. Each export converts its
// arguments, calls the core and converts the result; core exceptions become
// JS Errors with a `code` (node/errors.h).
#include <napi.h>

#include "core/bar_length.h"
#include "io/midi_reader.h"
#include "io/smf.h"
#include "node/convert.h"
#include "node/dataset_binding.h"
#include "node/errors.h"
#include "node/generation_binding.h"
#include "node/score_binding.h"
#include "node/tokenizer_binding.h"

namespace midigpt::node {
namespace {

// parseMidiEvents(bytes) -> the file's events in its own ticks
Napi::Value ParseMidiEvents(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
      throw Napi::TypeError::New(env, "expected the MIDI file as a Uint8Array");
    auto bytes = info[0].As<Napi::Uint8Array>();
    return to_js(env, smf::parse(bytes.Data(), bytes.ByteLength()));
  });
}

// signatureBarTicks(numerator, denominator, resolution) and
// beatBarTicks(beatLength, resolution): the core's one bar length
// (core/bar_length.h), so TypeScript checks measure bars as the grammar does.
Napi::Value SignatureBarTicks(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value {
    const int n = int_from_js(info[0], "numerator");
    const int d = int_from_js(info[1], "denominator");
    const int resolution = int_from_js(info[2], "resolution");
    return Napi::Number::New(env, static_cast<double>(signature_bar_ticks(n, d, resolution)));
  });
}

Napi::Value BeatBarTicks(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value {
    if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "beatLength must be a number");
    const int resolution = int_from_js(info[1], "resolution");
    return Napi::Number::New(env, static_cast<double>(beat_bar_ticks(info[0].As<Napi::Number>().DoubleValue(), resolution)));
  });
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  register_score(env, exports);
  register_tokenizer(env, exports);
  register_generation(env, exports);
  register_dataset(env, exports);
  exports["parseMidiEvents"] = Napi::Function::New(env, ParseMidiEvents, "parseMidiEvents");
  exports["signatureBarTicks"] = Napi::Function::New(env, SignatureBarTicks, "signatureBarTicks");
  exports["beatBarTicks"] = Napi::Function::New(env, BeatBarTicks, "beatBarTicks");
  exports["defaultResolution"] = kDefaultResolution;
  return exports;
}

}  // namespace midigpt::node

static Napi::Object InitMidigpt(Napi::Env env, Napi::Object exports) { return midigpt::node::Init(env, exports); }
NODE_API_MODULE(midigpt, InitMidigpt)
