// Conversion between the core's structs and plain JS values (the "score dict"
// shape of the parity data, plus tempos, key signatures and track names).
// JS input is checked field by field; errors name the path of the bad value.
#pragma once

#include <napi.h>

#include <string>

#include "core/score.h"
#include "io/smf.h"

namespace midigpt::node {

Napi::Object to_js(Napi::Env env, const Score& score);
Napi::Object to_js(Napi::Env env, const smf::File& file);
Score score_from_js(const Napi::Value& value);
Napi::Object bar_to_js(Napi::Env env, const Bar& bar);
Bar bar_from_js(const Napi::Value& value, const std::string& path);

}  // namespace midigpt::node
