// Conversion between the core's structs and plain JS values (the "score dict"
// shape of the parity data, plus tempos, key signatures and track names).
// JS input is checked field by field; errors name the path of the bad value.
#pragma once

#include <napi.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "core/score.h"
#include "io/smf.h"

namespace midigpt::node {

// The one JS -> integer conversion of the binding: every integer argument and
// option goes through it. A value that is not a number is a TypeError; NaN,
// infinities, fractions and values outside [lo, hi] are a RangeError naming
// `what`. `undefined` gives `fallback` when there is one.
int int_from_js(const Napi::Value& v, const std::string& what, std::optional<int> fallback = std::nullopt,
                int64_t lo = std::numeric_limits<int32_t>::min(), int64_t hi = std::numeric_limits<int32_t>::max());

// The same rule for wider values (score ticks, seeds): a whole number in [lo, hi] or nothing.
std::optional<int64_t> whole_number(const Napi::Value& v, int64_t lo, int64_t hi);

Napi::Object to_js(Napi::Env env, const Score& score);
Napi::Object to_js(Napi::Env env, const smf::File& file);
Score score_from_js(const Napi::Value& value);
Napi::Object bar_to_js(Napi::Env env, const Bar& bar);
Bar bar_from_js(const Napi::Value& value, const std::string& path);

}  // namespace midigpt::node
