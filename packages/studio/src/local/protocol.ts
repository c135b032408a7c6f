// Messages between the page (client.ts) and the generation worker (worker.ts).
import type { GenerateRequest } from '../request.js';
import type { ModelInfo, NewTrack, Progress } from '../api.js';
import type { Score } from '../score.js';

/** Absolute URLs of what the worker loads. */
export interface WorkerSetup {
  core: string;
  model: string;
  /** onnxruntime-web's files (a URL prefix ending in `/`). */
  ort: string;
  modelName: string;
}

export type WorkerRequest =
  /** First, once. */
  | { id: 0; kind: 'setup'; setup: WorkerSetup }
  | { id: number; kind: 'score'; midi: Uint8Array }
  | { id: number; kind: 'info' }
  | { id: number; kind: 'generate'; midi: Uint8Array; request: GenerateRequest; variations: number; addTracks: NewTrack[] };

export interface WorkerFailure {
  code: string;
  message: string;
  problems: string[];
}

export type WorkerReply =
  | { id: number; kind: 'score'; score: Score }
  | { id: number; kind: 'info'; info: ModelInfo }
  | { id: number; kind: 'generate'; variations: Array<{ score: Score; midi: Uint8Array }> }
  | { id: number; kind: 'progress'; progress: Progress }
  | { id: number; kind: 'error'; error: WorkerFailure }
  /** The model's download, once, before the first request that needs it. */
  | { kind: 'loading'; loaded: number; total: number };
