// Token types: the reference's TokenType enum (tokenizer.md §2.3). The numeric
// value is only an identity (aliases share it); ids come from the vocabulary.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace midigpt {

enum class TokenType : int {
  PieceStart = 0, NoteOnset = 1, NoteOffset = 2, NotePitch = 3, NonPitch = 4, Velocity = 5,
  TimeDelta = 6, TimeAbsolutePos = 7, Instrument = 8, Bar = 9, BarEnd = 10, Track = 11,
  TrackEnd = 12, DrumTrack = 13, FillIn = 14, FillInPlaceholder = 15, FillInStart = 16,
  FillInEnd = 17, Header = 18, VelocityLevel = 19, Genre = 20, NoteDensity = 21, TimeSig = 22,
  Segment = 23, SegmentEnd = 24, SegmentFillIn = 25, NoteDuration = 26, AvPolyphony = 27,
  MinPolyphony = 28, MaxPolyphony = 29, MinNoteDuration = 30, MaxNoteDuration = 31, NumBars = 32,
  MinPolyphonyHard = 33, MaxPolyphonyHard = 34, MinNoteDurationHard = 35, MaxNoteDurationHard = 36,
  RestPercentage = 37, PitchClass = 38, PitchClassCount = 39, BarLevelOnsetDensity = 40,
  BarLevelOnsetPolyphonyMin = 41, BarLevelOnsetPolyphonyMax = 42, TrackLevelOnsetDensity = 43,
  TrackLevelOnsetPolyphonyMin = 44, TrackLevelOnsetPolyphonyMax = 45, TrackLevelOnsetDensityMin = 46,
  TrackLevelOnsetDensityMax = 47, TrackLevelPitchRangeMin = 48, TrackLevelPitchRangeMax = 49,
  KeySignature = 50, BarLevelPitchClassSet = 51, TrackLevelSilenceProportionMin = 52,
  TrackLevelSilenceProportionMax = 53, ValenceSpotify = 54, EnergySpotify = 55,
  DanceabilitySpotify = 56, Danceability = 57, Tension = 58, ContainsNoteDurationThirtySecond = 59,
  ContainsNoteDurationSixteenth = 60, ContainsNoteDurationEighth = 61, ContainsNoteDurationQuarter = 62,
  ContainsNoteDurationHalf = 63, ContainsNoteDurationWhole = 64, WnbdSyncopation = 65, Repetition = 66,
  Delta = 68, DeltaDirection = 69, None = 70, MaskBar = 71, TensionDrum = 77, UseVelocity = 86,
  UseMicrotiming = 87, TrackLevelNomml = 88,
  // Aliases (same identity, other names in configs and in the encoder's tables).
  PieceEnd = None,
  OnsetPolyphony = BarLevelOnsetPolyphonyMax,
  PitchRange = TrackLevelPitchRangeMax,
  PitchClassSet = BarLevelPitchClassSet,
  SilenceProportion = TrackLevelSilenceProportionMax,
};

// Canonical name ("TrackLevelPitchRangeMax" for PitchRange), "Unknown" otherwise.
std::string_view to_string(TokenType type);

// Accepts canonical names, TOKEN_* legacy names and the aliases of §2.3.
std::optional<TokenType> token_type_from_string(std::string_view name);

}  // namespace midigpt
