// Messages between the main thread and the model worker. Everything here is
// structured-clone data: scores travel as JSON, errors as text.
import type { AttributeInfo, BarJSON, NewTrack, ScoreInput, ScoreJSON } from '@midigpt/core';

/** What the live engine needs to know about the model, read once at start-up. */
export interface ModelInfo {
  /** Encoder ticks per quarter note: the grid the piece is kept on. */
  resolution: number;
  /** Window sizes the model accepts (`model_dim`); empty when any is fine. */
  modelDims: number[];
  /** The window used when nothing else is asked for. */
  defaultModelDim: number;
  /** The mask mode used when nothing else is asked for (`attention` without a MaskBar token). */
  defaultMaskMode: string;
  supportsMaskBar: boolean;
  /** Time signatures the encoder can write, `[numerator, denominator]`; empty when any. */
  timeSignatures: Array<[number, number]>;
  attributes: AttributeInfo[];
}

/** One generation: a score, a request, and which track's bars to send back. */
export interface GenerationJob {
  score: ScoreInput;
  request: unknown;
  /** Score track index whose bars (and track attributes) the result carries. */
  track: number;
  // The HTTP API's fields (all optional; a job that sets any of them gets `JobResult.variations`):
  /** Read the score from these MIDI bytes instead of `score` (MIDI results are then written over the file). */
  midi?: Uint8Array;
  /** New, empty tracks appended to the score before generating (request track ids count them: the first is the score's track count). */
  addTracks?: NewTrack[];
  /** How many alternative results to sample side by side (`engine.generateVariations`), best first. Default 1. */
  variations?: number;
  /** What each variation carries: the whole score as JSON (default true) and/or a MIDI file. */
  want?: { score?: boolean; midi?: boolean };
  /** Post `progress` messages (step, tokens, tokens per second) while the job runs. */
  progress?: boolean;
}

/** Progress of a running job, after each token. */
export interface JobProgress {
  step: number;
  steps: number;
  tokens: number;
  tokensPerSecond: number;
}

/** One result of a job with the HTTP fields. */
export interface JobVariation {
  score?: ScoreJSON;
  midi?: Uint8Array;
  logLikelihood: number;
  warnings: string[];
  /** Generation steps run. */
  steps: number;
}

/** The generated track of a finished job. */
export interface JobResult {
  /** Ticks per quarter of `bars`. */
  resolution: number;
  bars: BarJSON[];
  /** Track-level attribute values the model produced for that track. */
  attributes: Record<string, number>;
  /** Wall time of the run inside the worker, in milliseconds. */
  inferenceMs: number;
  /** Every result, best first: only for jobs with the HTTP fields. */
  variations?: JobVariation[];
}

export type ToWorker = { type: 'job'; id: number; job: GenerationJob } | { type: 'cancel'; id: number } | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; info: ModelInfo }
  | { type: 'started'; id: number }
  | { type: 'done'; id: number; result: JobResult }
  | { type: 'progress'; id: number; progress: JobProgress }
  | { type: 'failed'; id: number; message: string; cancelled: boolean; code?: string; problems?: string[] }
  | { type: 'fatal'; message: string };

/** What the worker is started with. */
export interface WorkerOptions {
  /** A model file (.onnx, .safetensors, .pt). */
  file: string;
  threads?: number;
}
