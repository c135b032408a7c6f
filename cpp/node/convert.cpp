#include "node/convert.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "core/errors.h"

namespace midigpt::node {
namespace {

// ---- C++ -> JS -------------------------------------------------------------

template <typename... Ints>
Napi::Array tuple(Napi::Env env, Ints... values) {
  Napi::Array a = Napi::Array::New(env, sizeof...(values));
  uint32_t i = 0;
  ((a[i++] = Napi::Number::New(env, static_cast<double>(values))), ...);
  return a;
}

// A JS array with `convert(item)` for each item.
template <typename T, typename F>
Napi::Array array_of(Napi::Env env, const std::vector<T>& items, F convert) {
  Napi::Array a = Napi::Array::New(env, items.size());
  for (uint32_t i = 0; i < items.size(); ++i) a[i] = convert(items[i]);
  return a;
}

Napi::Object bar_js(Napi::Env env, const Bar& bar) {
  Napi::Object o = Napi::Object::New(env);
  o["ts"] = tuple(env, bar.ts_numerator, bar.ts_denominator);
  o["beat_length"] = bar.beat_length;
  o["future"] = bar.future;
  o["notes"] = array_of(env, bar.notes, [&](const Note& n) {
    return tuple(env, n.pitch, n.velocity, n.onset_ticks, n.duration_ticks, n.delta);
  });
  return o;
}

Napi::Object track_to_js(Napi::Env env, const Track& track) {
  Napi::Object o = Napi::Object::New(env);
  o["name"] = track.name;
  o["instrument"] = track.instrument;
  o["track_type"] = track.type == TrackType::Drum ? "drum" : "melodic";
  Napi::Object attributes = Napi::Object::New(env);
  for (const auto& [key, value] : track.attributes) attributes[key] = value;
  o["attributes"] = attributes;
  o["bars"] = array_of(env, track.bars, [&](const Bar& b) { return bar_js(env, b); });
  return o;
}

Napi::Object smf_track_to_js(Napi::Env env, const smf::Track& t) {
  Napi::Object o = Napi::Object::New(env);
  o["name"] = t.name;
  o["channel"] = t.channel;
  o["program"] = t.program;
  o["is_drum"] = t.is_drum;
  o["midi_track"] = t.midi_track;
  o["notes"] = array_of(env, t.notes, [&](const smf::Note& n) { return tuple(env, n.time, n.duration, n.pitch, n.velocity); });
  return o;
}

// ---- JS -> C++ -------------------------------------------------------------

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw ScoreError("invalid score: " + path + " " + what);
}

Napi::Object object_at(const Napi::Value& v, const std::string& path) {
  if (!v.IsObject() || v.IsArray()) bad(path, "must be an object");
  return v.As<Napi::Object>();
}

Napi::Array array_at(const Napi::Value& v, const std::string& path) {
  if (!v.IsArray()) bad(path, "must be an array");
  return v.As<Napi::Array>();
}

// A whole number as people write it (1e+300 stays short; no int64 cast of a huge value).
std::string number_text(double d) {
  if (std::fabs(d) < 9e15) return std::to_string(static_cast<int64_t>(d));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", d);
  return buf;
}

int64_t integer_at(const Napi::Value& v, const std::string& path, int64_t lo, int64_t hi) {
  if (!v.IsNumber()) bad(path, "must be a number");
  if (auto n = whole_number(v, lo, hi)) return *n;
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d) bad(path, "must be an integer, got " + std::to_string(d));
  bad(path, "is " + number_text(d) + ", outside " + std::to_string(lo) + ".." + std::to_string(hi));
}

constexpr int64_t kIntMin = std::numeric_limits<int32_t>::min();
constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();

int int_at(const Napi::Value& v, const std::string& path, int64_t lo = kIntMin, int64_t hi = kIntMax) {
  return static_cast<int>(integer_at(v, path, lo, hi));
}

// Optional fields may be absent or undefined; null is an error like any other wrong type.
bool has(const Napi::Object& o, const char* key) { return o.Has(key) && !o.Get(key).IsUndefined(); }

Note note_from_js(const Napi::Value& v, const std::string& path) {
  Napi::Array a = array_at(v, path);
  if (a.Length() != 4 && a.Length() != 5) bad(path, "must be [pitch, velocity, onset, duration, delta?]");
  Note n;
  n.pitch = int_at(a[0u], path + "[0] (pitch)");
  n.velocity = int_at(a[1u], path + "[1] (velocity)");
  n.onset_ticks = int_at(a[2u], path + "[2] (onset)");
  n.duration_ticks = int_at(a[3u], path + "[3] (duration)");
  n.delta = a.Length() == 5 ? int_at(a[4u], path + "[4] (delta)") : 0;
  return n;
}

Bar bar_value(const Napi::Value& v, const std::string& path) {
  Napi::Object o = object_at(v, path);
  Bar bar;
  if (has(o, "ts")) {
    Napi::Array ts = array_at(o.Get("ts"), path + ".ts");
    if (ts.Length() != 2) bad(path + ".ts", "must be [numerator, denominator]");
    bar.ts_numerator = int_at(ts[0u], path + ".ts[0]", 1, 1024);
    bar.ts_denominator = int_at(ts[1u], path + ".ts[1]", 1, 1024);
  }
  if (has(o, "beat_length")) {
    Napi::Value b = o.Get("beat_length");
    if (!b.IsNumber()) bad(path + ".beat_length", "must be a number");
    bar.beat_length = b.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(bar.beat_length) || bar.beat_length <= 0) bad(path + ".beat_length", "must be above 0");
  } else {
    bar.beat_length = 4.0 * bar.ts_numerator / bar.ts_denominator;
  }
  if (has(o, "future")) {
    Napi::Value f = o.Get("future");
    if (!f.IsBoolean()) bad(path + ".future", "must be true or false");
    bar.future = f.As<Napi::Boolean>().Value();
  }
  if (has(o, "notes")) {
    Napi::Array notes = array_at(o.Get("notes"), path + ".notes");
    bar.notes.reserve(notes.Length());
    for (uint32_t i = 0; i < notes.Length(); ++i)
      bar.notes.push_back(note_from_js(notes[i], path + ".notes[" + std::to_string(i) + "]"));
  }
  return bar;
}

Track track_from_js(const Napi::Value& v, const std::string& path) {
  Napi::Object o = object_at(v, path);
  Track t;
  if (has(o, "instrument")) t.instrument = int_at(o.Get("instrument"), path + ".instrument", 0, 127);
  if (has(o, "track_type")) {
    Napi::Value type = o.Get("track_type");
    const std::string s = type.IsString() ? type.As<Napi::String>().Utf8Value() : "";
    if (s != "melodic" && s != "drum") bad(path + ".track_type", "must be \"melodic\" or \"drum\"");
    t.type = s == "drum" ? TrackType::Drum : TrackType::Melodic;
  }
  if (has(o, "name")) {
    Napi::Value name = o.Get("name");
    if (!name.IsString()) bad(path + ".name", "must be a string");
    t.name = name.As<Napi::String>().Utf8Value();
  }
  if (has(o, "attributes")) {
    Napi::Object attributes = object_at(o.Get("attributes"), path + ".attributes");
    Napi::Array keys = attributes.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      const std::string key = keys.Get(i).As<Napi::String>().Utf8Value();
      t.attributes[key] = int_at(attributes.Get(key), path + ".attributes." + key);
    }
  }
  Napi::Array bars = array_at(o.Get("bars"), path + ".bars");
  t.bars.reserve(bars.Length());
  for (uint32_t i = 0; i < bars.Length(); ++i)
    t.bars.push_back(bar_value(bars[i], path + ".bars[" + std::to_string(i) + "]"));
  return t;
}

}  // namespace

Napi::Object bar_to_js(Napi::Env env, const Bar& bar) { return bar_js(env, bar); }

Bar bar_from_js(const Napi::Value& value, const std::string& path) { return bar_value(value, path); }

Napi::Object to_js(Napi::Env env, const Score& score) {
  Napi::Object o = Napi::Object::New(env);
  o["resolution"] = score.resolution;
  o["tempo"] = score.tempo;
  o["tempos"] = array_of(env, score.tempos, [&](const TempoChange& t) { return tuple(env, t.tick, t.microseconds_per_quarter); });
  o["key_signatures"] = array_of(env, score.key_signatures, [&](const KeySignature& k) { return tuple(env, k.tick, k.key, k.minor); });
  o["tracks"] = array_of(env, score.tracks, [&](const Track& t) { return track_to_js(env, t); });
  return o;
}

Napi::Object to_js(Napi::Env env, const smf::File& file) {
  Napi::Object o = Napi::Object::New(env);
  o["format"] = file.format;
  o["ticks_per_quarter"] = file.ticks_per_quarter;
  o["tempos"] = array_of(env, file.tempos, [&](const smf::Tempo& t) { return tuple(env, t.time, t.microseconds_per_quarter); });
  o["time_signatures"] = array_of(env, file.time_signatures, [&](const smf::TimeSignature& ts) { return tuple(env, ts.time, ts.numerator, ts.denominator); });
  o["key_signatures"] = array_of(env, file.key_signatures, [&](const smf::KeySignature& k) { return tuple(env, k.time, k.key, k.tonality); });
  o["tracks"] = array_of(env, file.tracks, [&](const smf::Track& t) { return smf_track_to_js(env, t); });
  return o;
}

Score score_from_js(const Napi::Value& value) {
  Napi::Object o = object_at(value, "score");
  Score s;
  s.resolution = int_at(o.Get("resolution"), "resolution", 1, 32767);
  if (has(o, "tempo")) s.tempo = int_at(o.Get("tempo"), "tempo", 1, 0xFFFFFF);
  if (has(o, "tempos")) {
    Napi::Array tempos = array_at(o.Get("tempos"), "tempos");
    for (uint32_t i = 0; i < tempos.Length(); ++i) {
      const std::string path = "tempos[" + std::to_string(i) + "]";
      Napi::Array t = array_at(tempos[i], path);
      if (t.Length() != 2) bad(path, "must be [tick, microseconds_per_quarter]");
      s.tempos.push_back({integer_at(t[0u], path + "[0]", 0, kIntMax), int_at(t[1u], path + "[1]", 1, 0xFFFFFF)});
    }
  }
  if (has(o, "key_signatures")) {
    Napi::Array keys = array_at(o.Get("key_signatures"), "key_signatures");
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      const std::string path = "key_signatures[" + std::to_string(i) + "]";
      Napi::Array k = array_at(keys[i], path);
      if (k.Length() != 3) bad(path, "must be [tick, key, minor]");
      s.key_signatures.push_back(
          {integer_at(k[0u], path + "[0]", 0, kIntMax), int_at(k[1u], path + "[1]", -7, 7), int_at(k[2u], path + "[2]", 0, 1)});
    }
  }
  Napi::Array tracks = array_at(o.Get("tracks"), "tracks");
  s.tracks.reserve(tracks.Length());
  for (uint32_t i = 0; i < tracks.Length(); ++i)
    s.tracks.push_back(track_from_js(tracks[i], "tracks[" + std::to_string(i) + "]"));
  return s;
}

std::optional<int64_t> whole_number(const Napi::Value& v, int64_t lo, int64_t hi) {
  if (!v.IsNumber()) return std::nullopt;
  const double d = v.As<Napi::Number>().DoubleValue();
  // Compared as doubles before any cast: NaN fails every comparison, and 1e10 never reaches an int.
  if (!std::isfinite(d) || std::floor(d) != d || d < double(lo) || d > double(hi)) return std::nullopt;
  return static_cast<int64_t>(d);
}

int int_from_js(const Napi::Value& v, const std::string& what, std::optional<int> fallback, int64_t lo, int64_t hi) {
  if (v.IsUndefined() && fallback) return *fallback;
  if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), what + " must be a number");
  if (auto n = whole_number(v, lo, hi)) return static_cast<int>(*n);
  throw Napi::RangeError::New(v.Env(), what + " must be a whole number from " + std::to_string(lo) + " to " +
                                           std::to_string(hi) + ", got " + v.ToString().Utf8Value());
}

}  // namespace midigpt::node
