// The package's API, the same on every platform: index.ts (Node) and
// browser.ts (the WebAssembly core) re-export it after installing their core.
export { Score, parseMidiEvents, DEFAULT_RESOLUTION, MAX_MIDI_BYTES } from './score.js';
export type { MidiWriteOptions, NewTrack, ReadOptions, ResampleOptions, ScoreSummary } from './score.js';
export { beatBarTicks, signatureBarTicks } from './bar-length.js';
export { isCoreError } from './errors.js';
export type { CoreError, CoreErrorCode } from './errors.js';
export type { BarJSON, MidiEvents, NoteTuple, ScoreInput, ScoreJSON, TrackJSON, TrackType } from './types.js';
export { Tokenizer, BUILTIN_ENCODERS } from './tokenizer.js';
export type { AttributeInfo, EncodeOptions, EncodeResult, TokenDomainInfo } from './tokenizer.js';
export type { EncoderSummary } from './native.js';
export { planSteps } from './generation/planner.js';
export type { GenerationStep, PlanOptions, SelectionMask } from './generation/planner.js';
export { SessionState } from './generation/session.js';
export type { GeneratedBar, MaskStatus, SessionStateOptions, StepConstraintOptions, StrictControlOptions } from './generation/session.js';
export { validateRequest, withContextTracks } from './generation/validate.js';
export { cutPadding, padShortPiece } from './generation/short-pieces.js';
export type { PaddedRun } from './generation/short-pieces.js';
export { MASK_MODES, RequestValidationError, barEntries, defaultInferenceConfig, defaultMaskMode, defaultModelDim } from './generation/request.js';
export type {
  BarMap,
  GenerationRequest,
  GenerationRequestInput,
  InferenceConfig,
  InferenceConfigInput,
  MaskMode,
  PieceControls,
  TrackControls,
  TrackPrompt,
  TrackPromptInput,
} from './generation/request.js';
export { finishGeneratedBars, openStep, planRequest, prepareStep, selectionMask, writeBack } from './generation/prepare.js';
export type { PreparedStep } from './generation/prepare.js';
export { trainingSample } from './training.js';
export type { MaskBarOptions, SampleOptions, TrainingSample } from './training.js';
