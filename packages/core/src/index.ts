export { Score, parseMidiEvents, DEFAULT_RESOLUTION, MAX_MIDI_BYTES } from './score.js';
export type { ReadOptions, ResampleOptions, ScoreSummary } from './score.js';
export { isCoreError } from './errors.js';
export type { CoreError, CoreErrorCode } from './errors.js';
export type { BarJSON, MidiEvents, NoteTuple, ScoreInput, ScoreJSON, TrackJSON, TrackType } from './types.js';
export { Tokenizer, BUILTIN_ENCODERS } from './tokenizer.js';
export type { AttributeInfo, EncodeOptions, EncodeResult, TokenDomainInfo } from './tokenizer.js';
export type { EncoderSummary } from './native.js';
