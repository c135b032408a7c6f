#include "tokenizer/encoder.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "core/errors.h"
#include "tokenizer/gnu_sort.h"

namespace midigpt {
namespace {

// Track-level attribute keys and the token each one becomes, in emission order.
const std::array<std::pair<const char*, TokenType>, 10> kTrackAttributes = {{
    {"min_polyphony", TokenType::MinPolyphony},
    {"max_polyphony", TokenType::MaxPolyphony},
    {"min_note_duration", TokenType::MinNoteDuration},
    {"max_note_duration", TokenType::MaxNoteDuration},
    {"note_density", TokenType::NoteDensity},
    {"onset_polyphony", TokenType::OnsetPolyphony},
    {"pitch_range", TokenType::PitchRange},
    {"key_signature", TokenType::KeySignature},
    {"silence_proportion", TokenType::SilenceProportion},
    {"nomml", TokenType::TrackLevelNomml},
}};

// Bar-level keys are "bar_<name>_<bar index>".
const std::array<std::pair<const char*, TokenType>, 6> kBarAttributes = {{
    {"Tension", TokenType::Tension},
    {"TensionDrum", TokenType::TensionDrum},
    {"PitchClassSet", TokenType::PitchClassSet},
    {"BarLevelOnsetDensity", TokenType::BarLevelOnsetDensity},
    {"BarLevelOnsetPolyphonyMin", TokenType::BarLevelOnsetPolyphonyMin},
    {"BarLevelOnsetPolyphonyMax", TokenType::BarLevelOnsetPolyphonyMax},
}};

std::string list_text(const std::vector<int>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

}  // namespace

// One encode call: the output buffer plus the per-call switches.
class Encoder::Run {
 public:
  Run(const Encoder& encoder, const Score& score, const EncodeOptions& options)
      : vocab_(encoder.vocab_),
        config_(vocab_.config()),
        velocity_(encoder.velocity_),
        score_(score),
        options_(options),
        use_velocity_(options.use_velocity >= 0 ? options.use_velocity != 0 : true),
        use_microtiming_(options.use_microtiming >= 0 ? options.use_microtiming != 0 : true) {}

  EncodeResult run() {
    if (!options_.multi_fill.empty() && !config_.supports_infill)
      throw EncodeError("this encoder does not support infill (multi_fill was given)");
    header();
    for (size_t t = 0; t < score_.tracks.size(); ++t) track(static_cast<int>(t));
    if (!options_.multi_fill.empty()) fill_blocks();
    if (vocab_.has(TokenType::PieceEnd)) emit(TokenType::PieceEnd, 0);
    return std::move(out_);
  }

 private:
  void emit(TokenType type, int value) { out_.tokens.push_back(vocab_.encode(type, value)); }
  void emit_clamped(TokenType type, int value) { out_.tokens.push_back(vocab_.encode_clamped(type, value)); }
  bool has(TokenType type) const { return vocab_.has(type); }

  void header() {
    if (has(TokenType::PieceStart))
      emit(TokenType::PieceStart, options_.multi_fill.empty() ? 0 : std::min(1, vocab_.domain_size(TokenType::PieceStart) - 1));
    if (has(TokenType::UseVelocity)) emit(TokenType::UseVelocity, use_velocity_ ? 1 : 0);
    if (has(TokenType::UseMicrotiming)) emit(TokenType::UseMicrotiming, use_microtiming_ ? 1 : 0);
    if (options_.genre >= 0 && has(TokenType::Genre)) emit_clamped(TokenType::Genre, options_.genre);
    if (has(TokenType::NumBars)) emit_clamped(TokenType::NumBars, num_bars_value());
  }

  int num_bars_value() const {
    int n = options_.window_bars;
    if (n <= 0) {
      for (const Track& t : score_.tracks) n = std::max(n, static_cast<int>(t.bars.size()));
      if (n <= 0) n = config_.model_dim;
    }
    if (!config_.num_bars_map) return n;
    const auto index = config_.num_bars_index(n);
    if (!index)
      throw EncodeError("window_bars=" + std::to_string(n) + " not in num_bars_map " + list_text(*config_.num_bars_map));
    return *index;
  }

  void track(int t) {
    const Track& track = score_.tracks[t];
    const bool drum = track.type == TrackType::Drum;
    if (has(TokenType::Track)) emit_clamped(TokenType::Track, drum ? 1 : 0);
    if (has(TokenType::Instrument)) emit_clamped(TokenType::Instrument, config_.instrument_grouping.encode(track.instrument));
    for (const auto& [key, type] : kTrackAttributes) {
      if (!has(type)) continue;
      auto it = track.attributes.find(key);
      if (it != track.attributes.end()) emit_clamped(type, it->second);
    }
    const bool partial = t == options_.partial_encode_track_index && options_.partial_encode_track_bars >= 0;
    const size_t bars = partial ? std::min<size_t>(options_.partial_encode_track_bars, track.bars.size()) : track.bars.size();
    for (size_t b = 0; b < bars; ++b) bar(t, static_cast<int>(b), drum);
    if (!partial && has(TokenType::TrackEnd)) emit(TokenType::TrackEnd, 0);
  }

  void bar(int t, int b, bool drum) {
    const Bar& bar = score_.tracks[t].bars[b];
    const int span_start = static_cast<int>(out_.tokens.size());
    if (bar.future && options_.remove_future_bars) return;
    if (has(TokenType::Bar)) emit(TokenType::Bar, 0);
    bar_attributes(score_.tracks[t], b);
    if (has(TokenType::TimeSig))
      emit_clamped(TokenType::TimeSig,
                   config_.time_signatures ? config_.time_signatures->encode(bar.ts_numerator, bar.ts_denominator) : 0);
    const bool infill = !options_.multi_fill.empty() && options_.multi_fill.count({t, b});
    bool hidden = false;
    if (infill && has(TokenType::FillInPlaceholder)) {
      emit(TokenType::FillInPlaceholder, 0);
    } else if (bar.future && options_.use_span_masks) {
      hidden = true;  // an empty shell the model must not see into
    } else if (bar.future && has(TokenType::MaskBar)) {
      emit(TokenType::MaskBar, 0);
    } else if (!infill) {
      notes(bar, drum);
    }
    if (has(TokenType::BarEnd)) emit(TokenType::BarEnd, 0);
    const int end = static_cast<int>(out_.tokens.size());
    if (hidden && end > span_start) out_.hidden_spans.emplace_back(span_start, end);
  }

  void bar_attributes(const Track& track, int b) {
    for (const auto& [name, type] : kBarAttributes) {
      if (!has(type)) continue;
      auto it = track.attributes.find("bar_" + std::string(name) + "_" + std::to_string(b));
      if (it != track.attributes.end()) emit_clamped(type, it->second);
    }
  }

  // tokenizer.md §4.5: onset groups in order of first appearance, chords by pitch.
  void notes(const Bar& bar, bool drum) {
    order_.clear();
    for (size_t i = 0; i < bar.notes.size(); ++i) order_.push_back(static_cast<int>(i));
    // Group by onset, keeping the first appearance of each onset; sort by
    // pitch inside a group, exactly like the reference's std::sort (not
    // stable): gnu_sort leaves equal pitches in libstdc++'s order whatever
    // the standard library (libc++ orders them differently).
    groups_.clear();
    for (int i : order_) {
      const int onset = bar.notes[i].onset_ticks;
      auto it = std::find_if(groups_.begin(), groups_.end(), [&](const Group& g) { return g.onset == onset; });
      if (it == groups_.end()) {
        groups_.push_back({onset, {}});
        it = groups_.end() - 1;
      }
      it->notes.push_back(i);
    }
    int last_velocity = -1;
    for (Group& g : groups_) {
      gnu_sort(g.notes.begin(), g.notes.end(), [&](int a, int b) { return bar.notes[a].pitch < bar.notes[b].pitch; });
      if (g.onset > 0 && has(TokenType::TimeAbsolutePos)) emit_clamped(TokenType::TimeAbsolutePos, g.onset);
      for (int i : g.notes) note(bar.notes[i], drum, last_velocity);
    }
  }

  void note(const Note& n, bool drum, int& last_velocity) {
    if (use_velocity_ && velocity_) {
      const int q = velocity_->encode(n.velocity);
      if (q > 0 && (!config_.velocity_sticky || q != last_velocity)) {
        emit_clamped(TokenType::VelocityLevel, q);
        last_velocity = q;
      }
    }
    if (use_microtiming_ && config_.emit_delta_tokens && n.delta != 0) {
      int64_t d = n.delta;  // 64 bits: negating INT_MIN overflows an int
      if (d < 0 && has(TokenType::DeltaDirection)) {
        emit(TokenType::DeltaDirection, 0);
        d = -d;
      }
      if (d > 0 && has(TokenType::Delta))
        emit_clamped(TokenType::Delta, static_cast<int>(std::min<int64_t>(d, vocab_.domain_size(TokenType::Delta) - 1)));
    }
    emit_clamped(TokenType::NoteOnset, n.pitch);
    if (!drum && has(TokenType::NoteDuration)) {
      const int size = vocab_.domain_size(TokenType::NoteDuration);
      // (A duration of 0 or less, INT_MIN included, is the shortest token.)
      emit_clamped(TokenType::NoteDuration, n.duration_ticks < 1 ? 0 : std::min(n.duration_ticks, size) - 1);
    }
  }

  void fill_blocks() {
    for (const auto& [t, b] : options_.multi_fill) {
      if (t < 0 || b < 0 || t >= static_cast<int>(score_.tracks.size()) ||
          b >= static_cast<int>(score_.tracks[t].bars.size()))
        continue;
      emit(TokenType::FillInStart, 0);
      notes(score_.tracks[t].bars[b], score_.tracks[t].type == TrackType::Drum);
      emit(TokenType::FillInEnd, 0);
    }
  }

  struct Group {
    int onset;
    std::vector<int> notes;
  };

  const Vocabulary& vocab_;
  const EncoderConfig& config_;
  const std::optional<VelocityQuantizer>& velocity_;
  const Score& score_;
  const EncodeOptions& options_;
  const bool use_velocity_;
  const bool use_microtiming_;
  EncodeResult out_;
  std::vector<int> order_;
  std::vector<Group> groups_;
};

Encoder::Encoder(const Vocabulary& vocab) : vocab_(vocab) {
  if (vocab.has(TokenType::VelocityLevel)) velocity_.emplace(vocab.domain_size(TokenType::VelocityLevel));
}

EncodeResult Encoder::encode(const Score& score, const EncodeOptions& options) const {
  return Run(*this, score, options).run();
}

}  // namespace midigpt
