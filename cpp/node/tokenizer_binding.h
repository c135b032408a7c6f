// The Tokenizer class exposed to JS: holds a midigpt::Tokenizer built from an
// encoder config; converts scores, options and token arrays.
#pragma once

#include <napi.h>

namespace midigpt::node {

void register_tokenizer(Napi::Env env, Napi::Object exports);

}  // namespace midigpt::node
