// Training-sample construction exposed to JS.
#pragma once

#include <napi.h>

namespace midigpt::node {

void register_dataset(Napi::Env env, Napi::Object exports);

}  // namespace midigpt::node
