// The Tokenizer class exposed to JS: holds a midigpt::Tokenizer built from an
// encoder config; converts scores, options and token arrays.
#pragma once

#include <napi.h>

namespace midigpt {
class Tokenizer;
}

namespace midigpt::node {

void register_tokenizer(Napi::Env env, Napi::Object exports);
// The tokenizer behind a JS Tokenizer handle; throws a TypeError for anything else.
const class Tokenizer& unwrap_tokenizer(const Napi::Value& value);

}  // namespace midigpt::node
