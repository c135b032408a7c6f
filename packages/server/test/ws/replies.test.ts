// Every session event as the JSON object a WebSocket client gets.
import { describe, expect, it } from 'vitest';
import { eventJson, errorJson } from '../../src/ws/replies.js';

describe('eventJson', () => {
  it('maps each event type to {event, ...fields}; JSON strings become objects', () => {
    expect(eventJson({ type: 'capabilities', json: '{"tension":false,"model_dims":[4,8]}' })).toEqual({ event: 'capabilities', capabilities: { tension: false, model_dims: [4, 8] } });
    expect(eventJson({ type: 'ready' })).toEqual({ event: 'ready' });
    expect(eventJson({ type: 'started' })).toEqual({ event: 'started' });
    expect(eventJson({ type: 'stopped' })).toEqual({ event: 'stopped' });
    expect(eventJson({ type: 'status', status: 'generating' })).toEqual({ event: 'status', status: 'generating' });
    expect(eventJson({ type: 'prompt_state', json: '{"target_bar":4}' })).toEqual({ event: 'prompt_state', state: { target_bar: 4 } });
    expect(eventJson({ type: 'sampled_attrs', json: '{"start_bar":4,"end_bar":5,"attrs":{"max_polyphony":2}}' })).toEqual({
      event: 'sampled_attrs',
      start_bar: 4,
      end_bar: 5,
      attrs: { max_polyphony: 2 },
    });
    expect(eventJson({ type: 'skipped', track: 1, bar: 7, reason: 'late' })).toEqual({ event: 'skipped', track: 1, bar: 7, reason: 'late' });
    expect(eventJson({ type: 'bar_ack', bar: 3 })).toEqual({ event: 'bar_ack', bar: 3 });
    expect(eventJson({ type: 'error', code: 5, message: 'generation failed' })).toEqual(errorJson(5, 'generation failed'));
    const features = { note_density: 1, mean_pitch: 60, mean_velocity: 90, max_polyphony: 1, mean_duration: 0.25, min_polyphony: 1, min_note_duration: 480, max_note_duration: 480 };
    expect(eventJson({ type: 'generated', track: 1, bar: 4, notes: [{ pitch: 60, velocity: 90, onset: 0, duration: 0.25 }], features, inferenceMs: 12.5 })).toEqual({
      event: 'generated',
      track: 1,
      bar: 4,
      notes: [{ pitch: 60, velocity: 90, onset: 0, duration: 0.25 }],
      features,
      inference_ms: 12.5,
    });
    expect(eventJson({ type: 'generated', track: 1, bar: 5, notes: [], features: null, inferenceMs: 3 })).toMatchObject({ notes: [], features: null });
  });
});
