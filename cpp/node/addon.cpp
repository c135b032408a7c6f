// The @midigpt/core addon: each export converts its arguments, calls the core
// and converts the result. Core exceptions become JS Errors with a `code`.
#include <napi.h>

#include <cmath>
#include <new>

#include "core/errors.h"
#include "core/resample.h"
#include "io/midi_reader.h"
#include "io/midi_writer.h"
#include "io/smf.h"
#include "node/convert.h"

namespace midigpt::node {
namespace {

Napi::Error error_with_code(Napi::Env env, const char* code, const char* message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  return e;
}

// Runs `body`, turning every C++ exception into a JS exception.
template <typename F>
Napi::Value guarded(const Napi::CallbackInfo& info, F body) {
  Napi::Env env = info.Env();
  try {
    return body(env);
  } catch (const Napi::Error&) {
    throw;
  } catch (const midigpt::Error& e) {
    throw error_with_code(env, e.code(), e.what());
  } catch (const std::bad_alloc&) {
    throw error_with_code(env, "OUT_OF_MEMORY", "out of memory while processing the score");
  } catch (const std::exception& e) {
    throw error_with_code(env, "INTERNAL", e.what());
  }
}

std::pair<const uint8_t*, size_t> bytes_arg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw Napi::TypeError::New(info.Env(), "expected the MIDI file as a Uint8Array");
  auto bytes = info[i].As<Napi::Uint8Array>();
  return {bytes.Data(), bytes.ByteLength()};
}

int int_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsNumber())
    throw Napi::TypeError::New(info.Env(), std::string("expected ") + name + " as a number");
  const double d = info[i].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d || d < -2147483648.0 || d > 2147483647.0)
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be an integer");
  return static_cast<int>(d);
}

// readMidi(bytes, resolution) -> score
Napi::Value ReadMidi(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value {
    auto [data, size] = bytes_arg(info, 0);
    return to_js(env, read_midi(data, size, int_arg(info, 1, "resolution")));
  });
}

// parseMidiEvents(bytes) -> the file's events in its own ticks
Napi::Value ParseMidiEvents(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value {
    auto [data, size] = bytes_arg(info, 0);
    return to_js(env, smf::parse(data, size));
  });
}

// writeMidi(score) -> Uint8Array
Napi::Value WriteMidi(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value {
    std::vector<uint8_t> bytes = write_midi(score_from_js(info[0]));
    auto out = Napi::Uint8Array::New(env, bytes.size());
    std::copy(bytes.begin(), bytes.end(), out.Data());
    return out;
  });
}

// resample(score, resolution, useDelta) -> score
Napi::Value Resample(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value {
    const bool use_delta = info.Length() > 2 && info[2].ToBoolean().Value();
    return to_js(env, resample(score_from_js(info[0]), int_arg(info, 1, "resolution"), use_delta));
  });
}

// normalizeScore(score) -> score, as the core sees it (fills defaults, checks types)
Napi::Value NormalizeScore(const Napi::CallbackInfo& info) {
  return guarded(info, [&](Napi::Env env) -> Napi::Value { return to_js(env, score_from_js(info[0])); });
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports["readMidi"] = Napi::Function::New(env, ReadMidi, "readMidi");
  exports["parseMidiEvents"] = Napi::Function::New(env, ParseMidiEvents, "parseMidiEvents");
  exports["writeMidi"] = Napi::Function::New(env, WriteMidi, "writeMidi");
  exports["resample"] = Napi::Function::New(env, Resample, "resample");
  exports["normalizeScore"] = Napi::Function::New(env, NormalizeScore, "normalizeScore");
  exports["defaultResolution"] = kDefaultResolution;
  return exports;
}

}  // namespace midigpt::node

static Napi::Object InitMidigpt(Napi::Env env, Napi::Object exports) { return midigpt::node::Init(env, exports); }
NODE_API_MODULE(midigpt, InitMidigpt)
