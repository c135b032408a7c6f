#include "tokenizer/decoder.h"

#include <algorithm>
#include <string>

#include "core/errors.h"

namespace midigpt {

namespace {

// Attribute tokens read back into track.attributes (tokenizer.md §5.2), so
// that decoding and encoding again gives the same tokens.
const char* track_attribute_key(TokenType type) {
  switch (type) {
    case TokenType::NoteDensity: return "note_density";
    case TokenType::MinPolyphony: return "min_polyphony";
    case TokenType::MaxPolyphony: return "max_polyphony";
    case TokenType::MinNoteDuration: return "min_note_duration";
    case TokenType::MaxNoteDuration: return "max_note_duration";
    case TokenType::SilenceProportion: return "silence_proportion";
    case TokenType::KeySignature: return "key_signature";
    case TokenType::PitchRange: return "pitch_range";
    case TokenType::TrackLevelNomml: return "nomml";
    case TokenType::TrackLevelSilenceProportionMin: return "silence_proportion_min";
    case TokenType::TrackLevelOnsetDensity: return "track_onset_density";
    case TokenType::TrackLevelOnsetPolyphonyMin: return "track_onset_polyphony_min";
    default: return nullptr;
  }
}

const char* bar_attribute_name(TokenType type) {
  switch (type) {
    case TokenType::BarLevelOnsetDensity: return "BarLevelOnsetDensity";
    case TokenType::BarLevelOnsetPolyphonyMin: return "BarLevelOnsetPolyphonyMin";
    case TokenType::BarLevelOnsetPolyphonyMax: return "BarLevelOnsetPolyphonyMax";
    case TokenType::PitchClassSet: return "PitchClassSet";
    case TokenType::Tension: return "Tension";
    case TokenType::TensionDrum: return "TensionDrum";
    default: return nullptr;
  }
}

bool is_pitch(TokenType t) { return t == TokenType::NoteOnset || t == TokenType::NotePitch; }

}  // namespace

class Decoder::Run {
 public:
  Run(const Vocabulary& vocab, const std::optional<VelocityQuantizer>& velocity)
      : vocab_(vocab), config_(vocab.config()), velocity_(velocity) {
    score_.resolution = config_.resolution;  // ticks are on the model grid
  }

  Score run(const std::vector<int>& tokens) {
    for (int id : tokens) {
      const Token token = vocab_.decode(id);
      step(token);
      last_ = token;
      has_last_ = true;
    }
    return std::move(score_);
  }

 private:
  void reset_delta() {
    delta_direction_ = 1;
    delta_sum_ = 0;
  }
  int velocity() const { return velocity_ && velocity_level_ > 0 ? velocity_->decode(velocity_level_) : 100; }
  Track* track() { return track_ < 0 ? nullptr : &score_.tracks[track_]; }
  Bar* bar() {
    Track* t = track();
    return t && has_bar_ ? &t->bars.back() : nullptr;
  }

  void add_note(int pitch, int duration) {
    bar()->notes.push_back({pitch, velocity(), time_, duration, delta_sum_});
    reset_delta();
  }

  void step(const Token& token) {
    const int v = token.value;
    switch (token.type) {
      case TokenType::Track:
        time_ = 0;
        reset_delta();
        velocity_level_ = 0;
        bar_index_ = -1;
        if (track_count_ >= static_cast<int>(score_.tracks.size())) score_.tracks.emplace_back();
        track_ = track_count_;
        score_.tracks[track_].type = v == 1 ? TrackType::Drum : TrackType::Melodic;
        has_bar_ = false;
        return;
      case TokenType::TrackEnd:
        // A TrackEnd with no open track is ignored: the reference would index
        // past its track list on the next Track.
        if (track_ >= 0) ++track_count_;
        track_ = -1;
        has_bar_ = false;
        return;
      case TokenType::Instrument:
        if (Track* t = track()) t->instrument = config_.instrument_grouping.decode(v);
        return;
      case TokenType::Bar:
        time_ = 0;
        reset_delta();
        beat_length_ = 4.0;
        ++bar_index_;
        if (Track* t = track()) {
          t->bars.emplace_back();
          t->bars.back().beat_length = beat_length_;
          has_bar_ = true;
        }
        return;
      case TokenType::TimeSig:
        if (config_.time_signatures && v < static_cast<int>(config_.time_signatures->list().size())) {
          const auto [n, d] = config_.time_signatures->decode(v);
          beat_length_ = 4.0 * n / d;  // the reference truncates (7/8 -> 3); see docs/compatibility.md
          if (Bar* b = bar()) {
            b->ts_numerator = n;
            b->ts_denominator = d;
            b->beat_length = beat_length_;
          }
        }
        return;
      case TokenType::BarEnd:
        if (Bar* b = bar()) b->beat_length = beat_length_;
        return;
      case TokenType::TimeAbsolutePos:
        time_ = v;
        reset_delta();
        return;
      case TokenType::VelocityLevel:
        velocity_level_ = v;
        return;
      case TokenType::DeltaDirection:
        delta_direction_ = -1;
        delta_sum_ = 0;
        return;
      case TokenType::Delta:
        delta_sum_ += delta_direction_ * v;
        return;
      case TokenType::NoteOnset:
      case TokenType::NotePitch:
        if (bar() && track()->type == TrackType::Drum) add_note(v, 1);
        return;
      case TokenType::NoteDuration:
        duration(v);
        return;
      default:
        attribute(token);
        return;
    }
  }

  void duration(int v) {
    Track* t = track();
    if (!t) return;
    if (bar_index_ < 0) {
      t->attributes["note_duration_dist"] = v;
      return;
    }
    // On drum tracks the pitch already made its note; a duration would make a
    // second one in the reference. See docs/compatibility.md.
    if (bar() && has_last_ && is_pitch(last_.type) && t->type != TrackType::Drum) add_note(last_.value, v + 1);
  }

  void attribute(const Token& token) {
    Track* t = track();
    if (!t) return;
    if (token.type == TokenType::OnsetPolyphony && bar_index_ < 0) {
      t->attributes["onset_polyphony"] = token.value;
    } else if (const char* key = track_attribute_key(token.type)) {
      t->attributes[key] = token.value;
    } else if (const char* name = bar_attribute_name(token.type); name && bar_index_ >= 0) {
      t->attributes["bar_" + std::string(name) + "_" + std::to_string(bar_index_)] = token.value;
    }
  }

  const Vocabulary& vocab_;
  const EncoderConfig& config_;
  const std::optional<VelocityQuantizer>& velocity_;
  Score score_;
  int track_ = -1;  // index of the open track, -1 when none
  bool has_bar_ = false;
  int track_count_ = 0;
  int bar_index_ = -1;
  int time_ = 0;
  int velocity_level_ = 0;
  int delta_direction_ = 1;
  int delta_sum_ = 0;
  double beat_length_ = 4.0;
  Token last_{TokenType::None, 0};
  bool has_last_ = false;
};

Decoder::Decoder(const Vocabulary& vocab) : vocab_(vocab) {
  if (vocab.has(TokenType::VelocityLevel)) velocity_.emplace(vocab.domain_size(TokenType::VelocityLevel));
}

namespace {

// §5.1: the [from, to) positions of the block after each FillInStart, which
// runs to the next FillInEnd or to the end of the sequence. One pass from the
// back, so that unclosed blocks do not each search to the end.
std::vector<std::pair<size_t, size_t>> fill_in_blocks(const std::vector<int>& tokens, int start, int end) {
  std::vector<std::pair<size_t, size_t>> blocks;
  size_t next_end = tokens.size();
  for (size_t i = tokens.size(); i-- > 0;) {
    if (tokens[i] == end) {
      next_end = i;
    } else if (tokens[i] == start) {
      blocks.emplace_back(i + 1, next_end);
    }
  }
  std::reverse(blocks.begin(), blocks.end());
  return blocks;
}

}  // namespace

// §5.1: every FillInStart..FillInEnd block replaces the next placeholder.
std::vector<int> Decoder::resolve_fill_ins(const std::vector<int>& tokens) const {
  if (!vocab_.has(TokenType::FillInPlaceholder) || !vocab_.has(TokenType::FillInStart) || !vocab_.has(TokenType::FillInEnd))
    return tokens;
  const int placeholder = vocab_.encode(TokenType::FillInPlaceholder, 0);
  const auto blocks =
      fill_in_blocks(tokens, vocab_.encode(TokenType::FillInStart, 0), vocab_.encode(TokenType::FillInEnd, 0));
  const size_t first_start = blocks.empty() ? tokens.size() : blocks.front().first - 1;
  // Closed blocks are disjoint, so the output is never longer than the input;
  // only overlapping (unclosed) blocks make it grow, by up to the rest of the
  // sequence per placeholder.
  const size_t limit = tokens.size() + kMaxFillInGrowth;
  std::vector<int> out;
  out.reserve(tokens.size());
  size_t next_block = 0;
  for (size_t i = 0; i < first_start; ++i) {
    if (tokens[i] != placeholder || next_block == blocks.size()) {
      out.push_back(tokens[i]);
      continue;
    }
    const auto [from, to] = blocks[next_block++];
    if (out.size() + (to - from) > limit)
      throw EncodeError("the fill-in blocks of these " + std::to_string(tokens.size()) + " tokens expand to more than " +
                        std::to_string(kMaxFillInGrowth) +
                        " extra tokens: a FillInStart without its FillInEnd runs to the end of the sequence, "
                        "and every placeholder after the first such block copies all of it again");
    out.insert(out.end(), tokens.begin() + from, tokens.begin() + to);
  }
  return out;
}

Score Decoder::decode(const std::vector<int>& tokens) const {
  return Run(vocab_, velocity_).run(resolve_fill_ins(tokens));
}

}  // namespace midigpt
