// Session events as WebSocket text frames: one JSON object per event,
// `{"event": "<type>", ...fields}`. The fields are the OSC replies' arguments
// (osc/replies.ts) by name; the JSON payloads OSC carries as one string
// (capabilities, prompt state, sampled attributes) are objects here.
import type { SessionEvent } from '../live/events.js';

export type EventJson = { event: string } & Record<string, unknown>;

/** A JSON string the session built, as an object (never fails: it was built with JSON.stringify). */
function parsed(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return {};
  }
}

export function eventJson(event: SessionEvent): EventJson {
  switch (event.type) {
    case 'capabilities':
      return { event: 'capabilities', capabilities: parsed(event.json) };
    case 'ready':
    case 'started':
    case 'stopped':
      return { event: event.type };
    case 'status':
      return { event: 'status', status: event.status };
    case 'prompt_state':
      return { event: 'prompt_state', state: parsed(event.json) };
    case 'sampled_attrs': {
      const { start_bar, end_bar, attrs } = parsed(event.json);
      return { event: 'sampled_attrs', start_bar, end_bar, attrs };
    }
    case 'error':
      return errorJson(event.code, event.message);
    case 'skipped':
      return { event: 'skipped', track: event.track, bar: event.bar, reason: event.reason };
    case 'bar_ack':
      return { event: 'bar_ack', bar: event.bar };
    case 'generated':
      return {
        event: 'generated',
        track: event.track,
        bar: event.bar,
        notes: event.notes.map((n) => ({ pitch: n.pitch, velocity: n.velocity, onset: n.onset, duration: n.duration })),
        features: event.features,
        inference_ms: event.inferenceMs,
      };
  }
}

export function errorJson(code: number, message: string): EventJson {
  return { event: 'error', code, message };
}
