// The live-session protocol as the page speaks it over its WebSocket
// (`v1/live`, docs/server.md "Live mode over WebSocket"): messages out are the
// OSC address map's (`{address, args}`), events in are `{event, ...fields}`.
// Pure: no DOM, no socket (tested in test/live.test.ts).
import type { Loop } from './loop.js';

export type Arg = number | string | boolean;

export interface OutMessage {
  address: string;
  args: Arg[];
}

/** `track/create`'s track_type: 11 is a drum track, anything else melodic (the reference's studio sent 10). */
export const DRUM_TRACK_TYPE = 11;
export const MELODIC_TRACK_TYPE = 10;
/** Messages the server takes in one frame. */
export const MAX_FRAME_MESSAGES = 4096;
/** Notes the server keeps for one track in one bar. */
export const MAX_NOTES_PER_BAR = 512;

/** A note of a bar: onset and duration are fractions of the bar (what `/midigpt/note` takes). */
export interface LiveNote {
  pitch: number;
  velocity: number;
  onset: number;
  duration: number;
}

const message = (address: string, ...args: Arg[]): OutMessage => ({ address: `/midigpt/${address}`, args });

export const initMessage = (name: string, token: string | null = null): OutMessage => (token ? message('session/init', name, token) : message('session/init', name));
export const startMessage = (): OutMessage => message('session/start');
export const stopMessage = (): OutMessage => message('session/stop');
export const trackMessage = (id: number, program: number, drum: boolean, agent: boolean): OutMessage =>
  message('track/create', id, program, drum ? DRUM_TRACK_TYPE : MELODIC_TRACK_TYPE, agent ? 1 : 0);
export const noteMessage = (track: number, n: LiveNote, bar: number): OutMessage => message('note', track, n.pitch, n.velocity, n.onset, n.duration, bar);
export const barEndMessage = (bar: number, ts: readonly [number, number]): OutMessage => message('bar/end', bar, ts[0], ts[1]);
export const paramMessage = (name: string, value: Arg): OutMessage => message('param/set', name, value);
/** An agent attribute override; a level below 0 removes it. */
export const attributeMessage = (name: string, level: number): OutMessage => message('attr/set', name, level);

/** What the agent track is. */
export interface AgentSpec {
  program: number;
  drum: boolean;
}

/** Session parameters the page sets before starting (null: the server's value). */
export interface LiveParams {
  modelDim: number | null;
  temperature: number | null;
  topP: number | null;
  seed: number | null;
  /** Retry a silent generated bar (the server's `silence_check`). */
  silenceCheck: boolean;
  /** Retry a bar that repeats its input (`novelty_check`). */
  noveltyCheck: boolean;
}

/** The agent's track id: one past the human tracks' (their piece track indexes). */
export const agentId = (loop: Loop): number => Math.max(-1, ...loop.tracks.map((t) => t.id)) + 1;

/** Everything between `session/ready` and `session/start`: the tracks, the parameters, the attribute overrides that are on. */
export function setupMessages(loop: Loop, agent: AgentSpec, params: LiveParams, attributes: Record<string, number>): OutMessage[] {
  const out = loop.tracks.map((t) => trackMessage(t.id, t.program, t.drum, false));
  out.push(trackMessage(agentId(loop), agent.program, agent.drum, true));
  if (params.modelDim !== null) out.push(paramMessage('model_dim', params.modelDim));
  if (params.temperature !== null) out.push(paramMessage('temperature', params.temperature));
  if (params.topP !== null) out.push(paramMessage('top_p', params.topP));
  if (params.seed !== null) out.push(paramMessage('sampling_seed', params.seed));
  out.push(paramMessage('silence_check', params.silenceCheck), paramMessage('novelty_check', params.noveltyCheck));
  for (const [name, level] of Object.entries(attributes)) if (level >= 0) out.push(attributeMessage(name, level));
  return out;
}

/**
 * What is sent when bar `bar` starts: the end of the bar before (with its own
 * time signature), then the human notes of this bar (the loop's bar `bar mod
 * length`), each track's capped at what the server keeps.
 */
export function barMessages(loop: Loop, bar: number): OutMessage[] {
  const out: OutMessage[] = [];
  if (bar > 0) out.push(barEndMessage(bar - 1, loop.bars[loopIndex(loop, bar - 1)]!.ts));
  const index = loopIndex(loop, bar);
  for (const track of loop.tracks) for (const n of (track.bars[index] ?? []).slice(0, MAX_NOTES_PER_BAR)) out.push(noteMessage(track.id, n, bar));
  return out;
}

/** What Stop sends: the end of the last bar whose notes were sent (the reference never sent it), then stop. */
export function stopMessages(loop: Loop, lastBar: number | null): OutMessage[] {
  return lastBar === null ? [stopMessage()] : [barEndMessage(lastBar, loop.bars[loopIndex(loop, lastBar)]!.ts), stopMessage()];
}

export const loopIndex = (loop: Loop, bar: number): number => ((bar % loop.bars.length) + loop.bars.length) % loop.bars.length;

/** Messages in frames of at most `max` (a frame is a JSON array). */
export function frames(messages: OutMessage[], max = MAX_FRAME_MESSAGES): OutMessage[][] {
  const out: OutMessage[][] = [];
  for (let i = 0; i < messages.length; i += max) out.push(messages.slice(i, i + max));
  return out;
}

/** `v1/live` next to the page, as a WebSocket URL (wss:// for an https:// page). */
export function liveUrl(page: string): string {
  const url = new URL('v1/live', page);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  url.search = '';
  return url.toString();
}

/** The token in the page address (`#token=SECRET`), for a server started with `--token`. */
export function tokenFromHash(hash: string): string | null {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return value ? value : null;
}

// Events in.

export interface Capabilities {
  attribute_levels?: Record<string, number>;
  model_dims?: number[];
  resolution?: number;
  [flag: string]: unknown;
}

export type LiveEvent =
  | { event: 'capabilities'; capabilities: Capabilities }
  | { event: 'ready' | 'started' | 'stopped' }
  | { event: 'status'; status: 'generating' | 'ready' }
  | { event: 'generated'; track: number; bar: number; notes: LiveNote[]; inference_ms: number }
  | { event: 'skipped'; track: number; bar: number; reason: string }
  | { event: 'bar_ack'; bar: number }
  | { event: 'error'; code: number; message: string }
  | { event: 'other'; name: string };

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNote = (v: unknown): v is LiveNote => {
  const n = v as Partial<LiveNote> | null;
  return n !== null && typeof n === 'object' && isNumber(n.pitch) && isNumber(n.velocity) && isNumber(n.onset) && isNumber(n.duration);
};

/** A frame from the server as an event, or null when it is not one (never throws). */
export function parseEvent(text: string): LiveEvent | null {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || typeof value['event'] !== 'string') return null;
  const name = value['event'];
  switch (name) {
    case 'capabilities':
      return { event: 'capabilities', capabilities: (value['capabilities'] ?? {}) as Capabilities };
    case 'ready':
    case 'started':
    case 'stopped':
      return { event: name };
    case 'status':
      return value['status'] === 'generating' || value['status'] === 'ready' ? { event: 'status', status: value['status'] } : null;
    case 'generated': {
      const notes = value['notes'];
      if (!isNumber(value['track']) || !isNumber(value['bar']) || !Array.isArray(notes) || !notes.every(isNote)) return null;
      return { event: 'generated', track: value['track'], bar: value['bar'], notes, inference_ms: isNumber(value['inference_ms']) ? value['inference_ms'] : 0 };
    }
    case 'skipped':
      return isNumber(value['track']) && isNumber(value['bar']) ? { event: 'skipped', track: value['track'], bar: value['bar'], reason: String(value['reason'] ?? '') } : null;
    case 'bar_ack':
      return isNumber(value['bar']) ? { event: 'bar_ack', bar: value['bar'] } : null;
    case 'error':
      return { event: 'error', code: isNumber(value['code']) ? value['code'] : 0, message: String(value['message'] ?? 'error') };
    default:
      return { event: 'other', name };
  }
}
