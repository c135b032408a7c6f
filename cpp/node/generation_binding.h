// The step planner and SessionState exposed to JS.
#pragma once

#include <napi.h>

namespace midigpt::node {

void register_generation(Napi::Env env, Napi::Object exports);

}  // namespace midigpt::node
