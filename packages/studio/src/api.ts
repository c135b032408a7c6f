// The server the page came from: `/studio/score` reads a MIDI file into score
// JSON, `/v1/generate` infills it (MIDI in, progress and the result as events),
// `/info` names the model.
import type { Bytes } from './document.js';
import type { AttributeInfo, GenerateRequest } from './request.js';
import type { Score } from './score.js';
import { readEvents } from './sse.js';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; problems?: string[] };
}

async function failure(response: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // not JSON: the status says it
  }
  return fromBody(response.status, body);
}

function fromBody(status: number, body: ErrorBody): ApiError {
  const e = body.error ?? {};
  return new ApiError(status, e.code ?? 'HTTP', e.message ?? `the server answered ${status}`, e.problems ?? []);
}

export async function readScore(midi: Bytes): Promise<Score> {
  const response = await fetch('studio/score', { method: 'POST', headers: { 'content-type': 'audio/midi' }, body: midi });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as Score;
}

export interface ModelInfo {
  checkpoint?: string;
  /** The model's attribute controls, with their level labels. */
  attribute_info?: AttributeInfo[];
}

export async function modelInfo(): Promise<ModelInfo> {
  const response = await fetch('info');
  if (!response.ok) throw await failure(response);
  return (await response.json()) as ModelInfo;
}

export interface Progress {
  step: number;
  steps: number;
  tokens: number;
  tokensPerSecond: number;
}

export interface Variation {
  score: Score;
  midi: Bytes;
}

/** A new, empty track the server appends before generating (`add_tracks`). */
export interface NewTrack {
  instrument: number;
  track_type: 'melodic' | 'drum';
  name: string;
}

export interface GenerateOptions {
  variations?: number;
  addTracks?: NewTrack[];
  signal?: AbortSignal;
  onQueued?: (ahead: number) => void;
  onProgress?: (progress: Progress) => void;
}

interface ResultBody {
  variations: Array<{ score: Score; midi?: string }>;
}

function fromBase64(text: string): Bytes {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Generates over the MIDI file: each variation's score (to draw) and MIDI file (the input with the generated bars written over it). */
export async function generate(midi: Bytes, request: GenerateRequest, options: GenerateOptions = {}): Promise<Variation[]> {
  const query = new URLSearchParams({ request: JSON.stringify(request), variations: String(options.variations ?? 1) });
  if (options.addTracks?.length) query.set('add_tracks', JSON.stringify(options.addTracks));
  const response = await fetch(`v1/generate?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'audio/midi', accept: 'text/event-stream' },
    body: midi,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.ok || !response.body) throw await failure(response);
  for await (const { event, data } of readEvents(response.body)) {
    if (event === 'queued') options.onQueued?.((data as { ahead: number }).ahead);
    else if (event === 'progress') {
      const p = data as { step: number; steps: number; tokens: number; tokens_per_second: number };
      options.onProgress?.({ step: p.step, steps: p.steps, tokens: p.tokens, tokensPerSecond: p.tokens_per_second });
    } else if (event === 'error') throw fromBody((data as { status?: number }).status ?? 500, data as ErrorBody);
    else if (event === 'result')
      return (data as ResultBody).variations.map((v) => {
        if (!v.midi) throw new ApiError(500, 'NO_MIDI', 'the server sent no MIDI file with the result');
        return { score: v.score, midi: fromBase64(v.midi) };
      });
  }
  throw new ApiError(500, 'NO_RESULT', 'the server closed the stream before the result');
}
