// The native Score handle: JS holds a midigpt::Score without converting it,
// so windows, resampling and encoding never copy notes through JS objects.
#pragma once

#include <napi.h>

#include "core/score.h"

namespace midigpt::node {

void register_score(Napi::Env env, Napi::Object exports);
// A new JS handle owning `score`.
Napi::Object wrap_score(Napi::Env env, Score score);
// The score behind a handle; throws a TypeError for anything else.
const Score& unwrap_score(const Napi::Value& value);

}  // namespace midigpt::node
