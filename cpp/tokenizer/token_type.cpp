#include "tokenizer/token_type.h"

#include <array>

namespace midigpt {
namespace {

struct Names {
  TokenType type;
  std::string_view canonical;
  std::string_view legacy;  // TOKEN_* form, empty when there is none
  std::string_view alias;   // an extra accepted name, empty when there is none
};

// tokenizer.md §2.3, in enum order.
constexpr std::array kNames = {
    Names{TokenType::PieceStart, "PieceStart", "TOKEN_PIECE_START", ""},
    Names{TokenType::NoteOnset, "NoteOnset", "TOKEN_NOTE_ONSET", ""},
    Names{TokenType::NoteOffset, "NoteOffset", "TOKEN_NOTE_OFFSET", ""},
    Names{TokenType::NotePitch, "NotePitch", "TOKEN_PITCH", ""},
    Names{TokenType::NonPitch, "NonPitch", "TOKEN_NON_PITCH", ""},
    Names{TokenType::Velocity, "Velocity", "TOKEN_VELOCITY", ""},
    Names{TokenType::TimeDelta, "TimeDelta", "TOKEN_TIME_DELTA", ""},
    Names{TokenType::TimeAbsolutePos, "TimeAbsolutePos", "TOKEN_TIME_ABSOLUTE_POS", ""},
    Names{TokenType::Instrument, "Instrument", "TOKEN_INSTRUMENT", ""},
    Names{TokenType::Bar, "Bar", "TOKEN_BAR", ""},
    Names{TokenType::BarEnd, "BarEnd", "TOKEN_BAR_END", ""},
    Names{TokenType::Track, "Track", "TOKEN_TRACK", ""},
    Names{TokenType::TrackEnd, "TrackEnd", "TOKEN_TRACK_END", ""},
    Names{TokenType::DrumTrack, "DrumTrack", "TOKEN_DRUM_TRACK", ""},
    Names{TokenType::FillIn, "FillIn", "TOKEN_FILL_IN", ""},
    Names{TokenType::FillInPlaceholder, "FillInPlaceholder", "TOKEN_FILL_IN_PLACEHOLDER", ""},
    Names{TokenType::FillInStart, "FillInStart", "TOKEN_FILL_IN_START", ""},
    Names{TokenType::FillInEnd, "FillInEnd", "TOKEN_FILL_IN_END", ""},
    Names{TokenType::Header, "Header", "TOKEN_HEADER", ""},
    Names{TokenType::VelocityLevel, "VelocityLevel", "TOKEN_VELOCITY_LEVEL", ""},
    Names{TokenType::Genre, "Genre", "TOKEN_GENRE", ""},
    Names{TokenType::NoteDensity, "NoteDensity", "TOKEN_DENSITY_LEVEL", ""},
    Names{TokenType::TimeSig, "TimeSig", "TOKEN_TIME_SIGNATURE", ""},
    Names{TokenType::Segment, "Segment", "TOKEN_SEGMENT", ""},
    Names{TokenType::SegmentEnd, "SegmentEnd", "TOKEN_SEGMENT_END", ""},
    Names{TokenType::SegmentFillIn, "SegmentFillIn", "TOKEN_SEGMENT_FILL_IN", ""},
    Names{TokenType::NoteDuration, "NoteDuration", "TOKEN_NOTE_DURATION", "NoteDurationDist"},
    Names{TokenType::AvPolyphony, "AvPolyphony", "TOKEN_AV_POLYPHONY", ""},
    Names{TokenType::MinPolyphony, "MinPolyphony", "TOKEN_MIN_POLYPHONY", ""},
    Names{TokenType::MaxPolyphony, "MaxPolyphony", "TOKEN_MAX_POLYPHONY", ""},
    Names{TokenType::MinNoteDuration, "MinNoteDuration", "TOKEN_MIN_NOTE_DURATION", ""},
    Names{TokenType::MaxNoteDuration, "MaxNoteDuration", "TOKEN_MAX_NOTE_DURATION", ""},
    Names{TokenType::NumBars, "NumBars", "TOKEN_NUM_BARS", ""},
    Names{TokenType::MinPolyphonyHard, "MinPolyphonyHard", "TOKEN_MIN_POLYPHONY_HARD", ""},
    Names{TokenType::MaxPolyphonyHard, "MaxPolyphonyHard", "TOKEN_MAX_POLYPHONY_HARD", ""},
    Names{TokenType::MinNoteDurationHard, "MinNoteDurationHard", "TOKEN_MIN_NOTE_DURATION_HARD", ""},
    Names{TokenType::MaxNoteDurationHard, "MaxNoteDurationHard", "TOKEN_MAX_NOTE_DURATION_HARD", ""},
    Names{TokenType::RestPercentage, "RestPercentage", "TOKEN_REST_PERCENTAGE", ""},
    Names{TokenType::PitchClass, "PitchClass", "TOKEN_PITCH_CLASS", ""},
    Names{TokenType::PitchClassCount, "PitchClassCount", "TOKEN_PITCH_CLASS_COUNT", ""},
    Names{TokenType::BarLevelOnsetDensity, "BarLevelOnsetDensity", "TOKEN_BAR_LEVEL_ONSET_DENSITY", ""},
    Names{TokenType::BarLevelOnsetPolyphonyMin, "BarLevelOnsetPolyphonyMin", "TOKEN_BAR_LEVEL_ONSET_POLYPHONY_MIN", ""},
    Names{TokenType::BarLevelOnsetPolyphonyMax, "BarLevelOnsetPolyphonyMax", "TOKEN_BAR_LEVEL_ONSET_POLYPHONY_MAX", "OnsetPolyphony"},
    Names{TokenType::TrackLevelOnsetDensity, "TrackLevelOnsetDensity", "TOKEN_TRACK_LEVEL_ONSET_DENSITY", ""},
    Names{TokenType::TrackLevelOnsetPolyphonyMin, "TrackLevelOnsetPolyphonyMin", "TOKEN_TRACK_LEVEL_ONSET_POLYPHONY_MIN", ""},
    Names{TokenType::TrackLevelOnsetPolyphonyMax, "TrackLevelOnsetPolyphonyMax", "TOKEN_TRACK_LEVEL_ONSET_POLYPHONY_MAX", ""},
    Names{TokenType::TrackLevelOnsetDensityMin, "TrackLevelOnsetDensityMin", "TOKEN_TRACK_LEVEL_ONSET_DENSITY_MIN", ""},
    Names{TokenType::TrackLevelOnsetDensityMax, "TrackLevelOnsetDensityMax", "TOKEN_TRACK_LEVEL_ONSET_DENSITY_MAX", ""},
    Names{TokenType::TrackLevelPitchRangeMin, "TrackLevelPitchRangeMin", "TOKEN_TRACK_LEVEL_PITCH_RANGE_MIN", ""},
    Names{TokenType::TrackLevelPitchRangeMax, "TrackLevelPitchRangeMax", "TOKEN_TRACK_LEVEL_PITCH_RANGE_MAX", "PitchRange"},
    Names{TokenType::KeySignature, "KeySignature", "TOKEN_KEY_SIGNATURE", ""},
    Names{TokenType::BarLevelPitchClassSet, "BarLevelPitchClassSet", "TOKEN_BAR_LEVEL_PITCH_CLASS_SET", "PitchClassSet"},
    Names{TokenType::TrackLevelSilenceProportionMin, "TrackLevelSilenceProportionMin", "TOKEN_TRACK_LEVEL_SILENCE_PROPORTION_MIN", ""},
    Names{TokenType::TrackLevelSilenceProportionMax, "TrackLevelSilenceProportionMax", "TOKEN_TRACK_LEVEL_SILENCE_PROPORTION_MAX", "SilenceProportion"},
    Names{TokenType::ValenceSpotify, "ValenceSpotify", "TOKEN_VALENCE_SPOTIFY", ""},
    Names{TokenType::EnergySpotify, "EnergySpotify", "TOKEN_ENERGY_SPOTIFY", ""},
    Names{TokenType::DanceabilitySpotify, "DanceabilitySpotify", "TOKEN_DANCEABILITY_SPOTIFY", ""},
    Names{TokenType::Danceability, "Danceability", "TOKEN_DANCEABILITY", ""},
    Names{TokenType::Tension, "Tension", "TOKEN_BAR_LEVEL_TENSION", ""},
    Names{TokenType::ContainsNoteDurationThirtySecond, "ContainsNoteDurationThirtySecond", "TOKEN_CONTAINS_NOTE_DURATION_THIRTY_SECOND", ""},
    Names{TokenType::ContainsNoteDurationSixteenth, "ContainsNoteDurationSixteenth", "TOKEN_CONTAINS_NOTE_DURATION_SIXTEENTH", ""},
    Names{TokenType::ContainsNoteDurationEighth, "ContainsNoteDurationEighth", "TOKEN_CONTAINS_NOTE_DURATION_EIGHTH", ""},
    Names{TokenType::ContainsNoteDurationQuarter, "ContainsNoteDurationQuarter", "TOKEN_CONTAINS_NOTE_DURATION_QUARTER", ""},
    Names{TokenType::ContainsNoteDurationHalf, "ContainsNoteDurationHalf", "TOKEN_CONTAINS_NOTE_DURATION_HALF", ""},
    Names{TokenType::ContainsNoteDurationWhole, "ContainsNoteDurationWhole", "TOKEN_CONTAINS_NOTE_DURATION_WHOLE", ""},
    Names{TokenType::WnbdSyncopation, "WnbdSyncopation", "TOKEN_WNBD_SYNCOPATION", ""},
    Names{TokenType::Repetition, "Repetition", "TOKEN_REPETITION", ""},
    Names{TokenType::Delta, "Delta", "TOKEN_DELTA", ""},
    Names{TokenType::DeltaDirection, "DeltaDirection", "TOKEN_DELTA_DIRECTION", ""},
    Names{TokenType::None, "None", "TOKEN_NONE", "PieceEnd"},
    Names{TokenType::MaskBar, "MaskBar", "TOKEN_MASK_BAR", ""},
    Names{TokenType::TensionDrum, "TensionDrum", "TOKEN_BAR_LEVEL_TENSION_DRUM", ""},
    Names{TokenType::UseVelocity, "UseVelocity", "", ""},
    Names{TokenType::UseMicrotiming, "UseMicrotiming", "", ""},
    Names{TokenType::TrackLevelNomml, "TrackLevelNomml", "", ""},
};

}  // namespace

std::string_view to_string(TokenType type) {
  for (const Names& n : kNames)
    if (n.type == type) return n.canonical;
  return "Unknown";
}

std::optional<TokenType> token_type_from_string(std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (const Names& n : kNames)
    if (name == n.canonical || name == n.legacy || name == n.alias) return n.type;
  return std::nullopt;
}

}  // namespace midigpt
