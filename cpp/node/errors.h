// Maps C++ exceptions to JS exceptions; every binding entry point runs inside `guarded`.
#pragma once

#include <napi.h>

#include <new>
#include <string>

#include "core/errors.h"

namespace midigpt::node {

inline Napi::Error error_with_code(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  return e;
}

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

}  // namespace midigpt::node
