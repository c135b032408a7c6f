#include "generation/session_state.h"

#include <algorithm>

#include "core/bar_length.h"
#include "core/errors.h"
#include "masking/grammar.h"
#include "masking/limits.h"
#include "masking/strict_controls.h"

namespace midigpt {

SessionState::SessionState(const Score& score, const GenerationStep& step, const Vocabulary& vocab, const Encoder& encoder,
                           const Decoder& decoder, SessionOptions options, const StepConstraints& constraints)
    : vocab_(vocab), encoder_(encoder), decoder_(decoder), options_(std::move(options)), graph_(vocab.size()) {
  if (step.start_bar < 0 || step.end_bar <= step.start_bar) throw RangeError("a step needs a window of at least one bar");
  if (step.bars_to_generate.empty()) throw RangeError("a step needs at least one bar to generate");
  auto id_of = [&](TokenType t) { return vocab.has(t) ? vocab.encode(t, 0) : -1; };
  fill_in_start_ = id_of(TokenType::FillInStart);
  fill_in_end_ = id_of(TokenType::FillInEnd);
  track_end_ = id_of(TokenType::TrackEnd);
  piece_end_ = id_of(TokenType::PieceEnd);
  take_window(score, step);
  build_prompt();
  build_constraints(constraints);
}

// §3.2 steps 1-2 and 4a: keep the window's bars of the encoded tracks, in
// window coordinates, with the agent of an AR step moved last.
void SessionState::take_window(const Score& score, const GenerationStep& step) {
  const int n = static_cast<int>(score.tracks.size());
  window_start_ = step.start_bar;
  window_bars_ = step.end_bar - step.start_bar;
  window_.resolution = score.resolution;
  window_.tempo = score.tempo;
  prefix_.resize(n);
  suffix_.resize(n);
  omitted_.resize(n);
  std::vector<int> prompt_index(n, -1);
  for (int t = 0; t < n; ++t) {
    const auto& bars = score.tracks[t].bars;
    const int count = static_cast<int>(bars.size());
    const int from = std::min(step.start_bar, count), to = std::min(step.end_bar, count);
    prefix_[t].assign(bars.begin(), bars.begin() + from);
    suffix_[t].assign(bars.begin() + to, bars.end());
    const bool omitted = t < static_cast<int>(options_.omitted_tracks.size()) && options_.omitted_tracks[t];
    Track w = score.tracks[t];
    w.bars.assign(bars.begin() + from, bars.begin() + to);
    if (omitted) {
      omitted_[t] = std::move(w);
      continue;
    }
    prompt_index[t] = static_cast<int>(window_.tracks.size());
    prompt_to_score_track_.push_back(t);
    window_.tracks.push_back(std::move(w));
  }
  step_.start_bar = 0;
  step_.end_bar = window_bars_;
  step_.is_autoregressive = step.is_autoregressive;
  step_.context.assign(window_.tracks.size(), std::vector<bool>(window_bars_, false));
  for (int t = 0; t < n; ++t) {
    if (prompt_index[t] < 0 || t >= static_cast<int>(step.context.size())) continue;
    for (int b = 0; b < window_bars_; ++b) {
      const int abs = step.start_bar + b;
      step_.context[prompt_index[t]][b] = abs < static_cast<int>(step.context[t].size()) && step.context[t][abs];
    }
  }
  for (const auto& [t, b] : step.bars_to_generate) {
    if (t < 0 || t >= n || prompt_index[t] < 0)
      throw RangeError("a step target is on track " + std::to_string(t) + ", which is not in the prompt");
    if (b < step.start_bar || b >= step.end_bar) throw RangeError("a step target lies outside the step's window");
    if (b >= static_cast<int>(score.tracks[t].bars.size()))
      throw RangeError("a step target is bar " + std::to_string(b) + " of track " + std::to_string(t) + ", which has only " +
                       std::to_string(score.tracks[t].bars.size()) + " bars");
    step_.bars_to_generate.emplace(prompt_index[t], b - step.start_bar);
  }
  if (step_.is_autoregressive) move_agent_last();
}

// §3.2 4a: the agent is the track of the first target; it is encoded last.
void SessionState::move_agent_last() {
  agent_origin_ = step_.bars_to_generate.begin()->first;
  const int last = static_cast<int>(window_.tracks.size()) - 1;
  auto remap = [&](int t) { return t == agent_origin_ ? last : (t > agent_origin_ ? t - 1 : t); };
  if (agent_origin_ != last) {
    std::rotate(window_.tracks.begin() + agent_origin_, window_.tracks.begin() + agent_origin_ + 1, window_.tracks.end());
    std::rotate(step_.context.begin() + agent_origin_, step_.context.begin() + agent_origin_ + 1, step_.context.end());
    std::rotate(prompt_to_score_track_.begin() + agent_origin_, prompt_to_score_track_.begin() + agent_origin_ + 1,
                prompt_to_score_track_.end());
    std::set<std::pair<int, int>> moved;
    for (const auto& [t, b] : step_.bars_to_generate) moved.emplace(remap(t), b);
    step_.bars_to_generate = std::move(moved);
  }
  agent_ = last;
  first_generated_bar_ = window_bars_;
  for (const auto& [t, b] : step_.bars_to_generate)
    if (t == agent_) first_generated_bar_ = std::min(first_generated_bar_, b);
}

// §3.2 steps 3-7.
void SessionState::build_prompt() {
  EncodeOptions opts;
  opts.window_bars = window_bars_;
  opts.use_span_masks = options_.use_span_masks;
  opts.remove_future_bars = options_.remove_future_bars;
  opts.use_velocity = options_.use_velocity;
  opts.use_microtiming = options_.use_microtiming;
  opts.genre = options_.genre;
  if (step_.is_autoregressive) {
    opts.partial_encode_track_index = agent_;
    opts.partial_encode_track_bars = first_generated_bar_;
  } else {
    opts.multi_fill = step_.bars_to_generate;
    for (const auto& [t, b] : step_.bars_to_generate) fill_drum_order_.push_back(window_.tracks[t].type == TrackType::Drum);
  }
  // Bars that are neither context nor target are hidden. Never cleared:
  // bars the caller marked future stay hidden.
  for (size_t t = 0; t < window_.tracks.size(); ++t)
    for (int b = 0; b < static_cast<int>(window_.tracks[t].bars.size()); ++b)
      if (!step_.context[t][b] && !step_.bars_to_generate.count({static_cast<int>(t), b})) window_.tracks[t].bars[b].future = true;

  EncodeResult encoded = encoder_.encode(window_, opts);
  prompt_ = std::move(encoded.tokens);
  if (step_.is_autoregressive) {
    trim_autoregressive_tail();
  } else {
    auto first = std::find(prompt_.begin(), prompt_.end(), fill_in_start_);
    if (first != prompt_.end()) prompt_.erase(first + 1, prompt_.end());
  }
  for (auto [from, to] : encoded.hidden_spans) {
    to = std::min(to, static_cast<int>(prompt_.size()));
    if (from < to) hidden_spans_.emplace_back(from, to);
  }
  // Which local bars each decoded track will hold, in order.
  encoded_bars_.assign(window_.tracks.size(), {});
  for (size_t t = 0; t < window_.tracks.size(); ++t)
    for (int b = 0; b < static_cast<int>(window_.tracks[t].bars.size()); ++b) {
      const bool generated_part = static_cast<int>(t) == agent_ && b >= first_generated_bar_;
      const bool removed = window_.tracks[t].bars[b].future && options_.remove_future_bars;
      if (generated_part || !removed) encoded_bars_[t].push_back(b);
    }
}

// §3.4: the prompt ends inside the agent's last context bar.
void SessionState::trim_autoregressive_tail() {
  auto last_is = [&](TokenType type) { return !prompt_.empty() && vocab_.decode(prompt_.back()).type == type; };
  while (last_is(TokenType::PieceEnd) || last_is(TokenType::TrackEnd)) prompt_.pop_back();
  const size_t targets = step_.bars_to_generate.size();
  for (size_t i = 1; i < targets; ++i) {
    if (!last_is(TokenType::BarEnd)) break;
    prompt_.pop_back();
    if (!last_is(TokenType::TimeSig)) break;
    prompt_.pop_back();
    if (!last_is(TokenType::Bar)) break;
    prompt_.pop_back();
  }
  if (last_is(TokenType::BarEnd)) prompt_.pop_back();
}

// §4.7: grammar first, then limits, then attribute values.
void SessionState::build_constraints(const StepConstraints& c) {
  auto grammar = std::make_unique<GrammarConstraint>(vocab_);
  if (step_.is_autoregressive) {
    grammar->set_exact_bars(window_bars_);
    grammar->set_autoregressive(true);
  }
  grammar->set_max_tracks(c.max_tracks);
  grammar->set_require_notes(true);
  graph_.add(std::move(grammar));
  if (c.polyphony_limit > 0) graph_.add(polyphony_limit(vocab_, c.polyphony_limit));
  if (c.density_limit > 0) graph_.add(density_limit(vocab_, c.density_limit));
  for (const auto& [type, value] : c.values) graph_.add(std::make_unique<AttributeValueConstraint>(vocab_, type, value));
  for (const auto& [type, track, bar, value] : c.bar_values)
    graph_.add(std::make_unique<BarAttributeValueConstraint>(vocab_, type, track, bar, value));
  StrictControlsConstraint* strict = add_strict_controls(c.strict);  // last: relaxed first
  for (int token : prompt_) graph_.step(token);
  if (!fill_drum_order_.empty()) graph_.set_fillin_drum(fill_drum_order_[0]);
  if (strict) strict->begin();
}

// One BarLimits per generated bar, in the order the step generates them.
StrictControlsConstraint* SessionState::add_strict_controls(const std::vector<StrictControls>& controls) {
  if (controls.empty()) return nullptr;
  std::vector<BarLimits> limits;
  bool any = false;
  for (const auto& [t, b] : step_.bars_to_generate) {
    const size_t caller = static_cast<size_t>(prompt_to_score_track_.at(static_cast<size_t>(t)));
    const Track& track = window_.tracks.at(static_cast<size_t>(t));
    limits.push_back(caller < controls.size() ? bar_limits(controls[caller], vocab_, window_.resolution, track) : BarLimits{});
    any = any || limits.back().any();
    // Ticks from this bar to the end of the piece (the window's bars, then the track's later ones).
    int64_t room = 0;
    for (size_t i = static_cast<size_t>(b); i < track.bars.size(); ++i) room += beat_bar_ticks(track.bars[i].beat_length, window_.resolution);
    for (const Bar& later : suffix_[caller]) room += beat_bar_ticks(later.beat_length, window_.resolution);
    limits.back().room = static_cast<int>(std::min<int64_t>(room, 1 << 30));
  }
  if (!any) return nullptr;
  auto constraint = std::make_unique<StrictControlsConstraint>(vocab_, std::move(limits), step_.is_autoregressive);
  StrictControlsConstraint* raw = constraint.get();
  graph_.add(std::move(constraint));
  return raw;
}

std::vector<int> SessionState::context_tokens() const {
  std::vector<int> all = prompt_;
  all.insert(all.end(), generated_.begin(), generated_.end());
  return all;
}

void SessionState::advance(int token) {
  vocab_.decode(token);  // throws for ids outside the vocabulary
  generated_.push_back(token);
  if (token == fill_in_end_) ++fill_ends_;
  graph_.step(token);
  if (!step_.is_autoregressive && token == fill_in_start_ && !fill_drum_order_.empty()) {
    ++fill_index_;
    if (fill_index_ < fill_drum_order_.size()) graph_.set_fillin_drum(fill_drum_order_[fill_index_]);
  }
}

bool SessionState::complete() const {
  if (generated_.empty()) return false;
  if (step_.is_autoregressive) return generated_.back() == track_end_ || (piece_end_ >= 0 && generated_.back() == piece_end_);
  return fill_ends_ >= step_.bars_to_generate.size();
}

// The decoded window with tracks back in prompt order before the agent moved.
Score SessionState::decode_window() const {
  Score out = decoder_.decode(context_tokens());
  if (step_.is_autoregressive && agent_origin_ >= 0 && agent_ < static_cast<int>(out.tracks.size()) && agent_origin_ != agent_)
    std::rotate(out.tracks.begin() + agent_origin_, out.tracks.begin() + agent_, out.tracks.begin() + agent_ + 1);
  return out;
}

Score SessionState::result() const {
  Score decoded = decode_window();
  Score out;
  out.resolution = decoded.resolution;
  out.tempo = decoded.tempo;
  const int n = static_cast<int>(prefix_.size());
  size_t next = 0;
  for (int t = 0; t < n; ++t) {
    const bool omitted = t < static_cast<int>(options_.omitted_tracks.size()) && options_.omitted_tracks[t];
    Track track;
    if (omitted) {
      track = omitted_[t];
    } else if (next < decoded.tracks.size()) {
      track = std::move(decoded.tracks[next++]);
    }
    std::vector<Bar> bars = prefix_[t];
    bars.insert(bars.end(), track.bars.begin(), track.bars.end());
    bars.insert(bars.end(), suffix_[t].begin(), suffix_[t].end());
    track.bars = std::move(bars);
    out.tracks.push_back(std::move(track));
  }
  return out;
}

std::vector<GeneratedBar> SessionState::generated_bars() const {
  Score decoded = decoder_.decode(context_tokens());  // prompt track order (agent last)
  std::vector<GeneratedBar> out;
  for (const auto& [t, b] : step_.bars_to_generate) {
    GeneratedBar g{prompt_to_score_track_[t], window_start_ + b, Bar{}};
    g.content = window_.tracks[t].bars[b];  // time signature and length of the original bar
    g.content.notes.clear();
    g.content.future = false;
    const auto& order = encoded_bars_[t];
    const auto at = std::find(order.begin(), order.end(), b);
    const size_t index = at - order.begin();
    if (at != order.end() && t < static_cast<int>(decoded.tracks.size()) && index < decoded.tracks[t].bars.size())
      g.content.notes = decoded.tracks[t].bars[index].notes;
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace midigpt
