// Every class of bad request, through `inject`: the status, the error code,
// the one error body shape, and nothing of the machine (paths, stacks) in it.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.js';
import { JobError, type InProcessModelClient } from '../../src/worker/client.js';
import { ManualModel } from './fake.js';
import { compatScore, infillRequest, midiBytes, multipart, parseEvents, scoreJson, tinyClient } from './support.js';

let client: InProcessModelClient;
let app: FastifyInstance;
let small: FastifyInstance;

beforeAll(async () => {
  client = await tinyClient();
  app = await createHttpApp(client, { log: () => {} });
  small = await createHttpApp(client, { bodyLimit: 4096, log: () => {} });
}, 120_000);

afterAll(async () => {
  await app.close();
  await small.close();
  await client.close();
});

function expectErrorShape(body: string, code: string): { code: string; message: string; problems: string[] } {
  const parsed = JSON.parse(body) as { error: { code: string; message: string; problems: string[] } };
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(Object.keys(parsed.error).sort()).toEqual(['code', 'message', 'problems']);
  expect(parsed.error.code).toBe(code);
  expect(Array.isArray(parsed.error.problems)).toBe(true);
  expect(body).not.toMatch(/\/work\/|\/home\/|node_modules|\.ts:\d|\n\s+at /);
  return parsed.error;
}

const score = scoreJson();
const v1 = (payload: unknown, extra: Partial<InjectOptions> = {}): InjectOptions => ({ method: 'POST', url: '/v1/generate', payload: payload as string, ...extra });
const json = (text: string): Partial<InjectOptions> => ({ headers: { 'content-type': 'application/json' }, payload: text });
const midiBody = (bytes: Buffer, query: Record<string, string> = { request: JSON.stringify(infillRequest()) }): InjectOptions => ({
  method: 'POST',
  url: `/v1/generate?${new URLSearchParams(query)}`,
  headers: { 'content-type': 'audio/midi' },
  payload: bytes,
});
const form = (parts: Parameters<typeof multipart>[0]): InjectOptions => {
  const m = multipart(parts);
  return { method: 'POST', url: '/v1/generate', headers: { 'content-type': m.contentType }, payload: m.body };
};
const file = { name: 'file', value: midiBytes(), filename: 'a.mid', type: 'audio/midi' };
const withTrack = (patch: object) => ({ ...score, tracks: [{ ...score.tracks[0]!, ...patch }, score.tracks[1]!] });
const compat = (payload: unknown, extra: Partial<InjectOptions> = {}): InjectOptions => ({ method: 'POST', url: '/generate', payload: payload as string, ...extra });

interface Case {
  name: string;
  request: InjectOptions;
  status: number;
  code: string;
  /** A problem (or the message) must mention this. */
  mentions?: RegExp;
  app?: 'small';
}

const cases: Case[] = [
  // -- /v1/generate: the body is not what the schema says (400)
  { name: 'body not JSON', request: v1(undefined, json('{"score": ')), status: 400, code: 'INVALID_JSON' },
  { name: 'empty JSON body', request: v1(undefined, json('')), status: 400, code: 'INVALID_JSON' },
  { name: 'JSON with __proto__', request: v1(undefined, json('{"__proto__": {"x": 1}, "score": {}, "request": {}}')), status: 400, code: 'INVALID_JSON' },
  { name: 'body an array', request: v1([]), status: 400, code: 'INVALID_BODY' },
  { name: 'score missing', request: v1({ request: infillRequest() }), status: 400, code: 'INVALID_BODY', mentions: /score/ },
  { name: 'request missing', request: v1({ score }), status: 400, code: 'INVALID_BODY', mentions: /request/ },
  { name: 'resolution a string (no coercion)', request: v1({ score: { ...score, resolution: '480' }, request: infillRequest() }), status: 400, code: 'INVALID_BODY', mentions: /resolution must be integer/ },
  { name: 'unknown top-level field', request: v1({ score, request: infillRequest(), model: 'x' }), status: 400, code: 'INVALID_BODY', mentions: /unknown field "model"/ },
  { name: 'unknown field in a track', request: v1({ score: withTrack({ colour: 'red' }), request: infillRequest() }), status: 400, code: 'INVALID_BODY', mentions: /tracks\/0: unknown field "colour"/ },
  { name: 'unknown field in a track prompt', request: v1({ score, request: { tracks: [{ id: 0, bars: [2], bar: 3 }] } }), status: 400, code: 'INVALID_BODY', mentions: /unknown field "bar"/ },
  { name: 'note with 3 numbers', request: v1({ score: withTrack({ bars: [{ notes: [[60, 90, 0]] }] }), request: infillRequest() }), status: 400, code: 'INVALID_BODY', mentions: /notes\/0/ },
  { name: 'pitch a string', request: v1({ score: withTrack({ bars: [{ notes: [['C4', 90, 0, 480]] }] }), request: infillRequest() }), status: 400, code: 'INVALID_BODY' },
  { name: 'track_type not melodic/drum', request: v1({ score: withTrack({ track_type: 'piano' }), request: infillRequest() }), status: 400, code: 'INVALID_BODY', mentions: /allowed values/ },
  { name: 'variations 0', request: v1({ score, request: infillRequest(), variations: 0 }), status: 400, code: 'INVALID_BODY', mentions: /variations/ },
  { name: 'variations 17', request: v1({ score, request: infillRequest(), variations: 17 }), status: 400, code: 'INVALID_BODY', mentions: /variations/ },
  { name: 'no track prompts', request: v1({ score, request: { tracks: [] } }), status: 400, code: 'INVALID_BODY', mentions: /tracks/ },
  { name: 'track prompt without bars', request: v1({ score, request: { tracks: [{ id: 0 }] } }), status: 400, code: 'INVALID_BODY', mentions: /bars/ },
  { name: 'config temperature a string', request: v1({ score, request: { ...infillRequest(), config: { temperature: 'hot' } } }), status: 400, code: 'INVALID_BODY', mentions: /temperature/ },
  { name: 'too many tracks', request: v1({ score: { ...score, tracks: Array.from({ length: 65 }, () => score.tracks[0]) }, request: infillRequest() }), status: 400, code: 'INVALID_BODY' },
  { name: 'unknown query parameter', request: { ...v1({ score, request: infillRequest() }), url: '/v1/generate?debug=1' }, status: 400, code: 'INVALID_BODY', mentions: /unknown field "debug"/ },
  { name: 'query request with a JSON body', request: { ...v1({ score, request: infillRequest() }), url: `/v1/generate?variations=2` }, status: 400, code: 'INVALID_BODY' },
  { name: 'add_tracks not an array', request: v1({ score, request: infillRequest(), add_tracks: { instrument: 33 } }), status: 400, code: 'INVALID_BODY', mentions: /add_tracks/ },
  { name: 'add_tracks instrument 128', request: v1({ score, request: infillRequest(), add_tracks: [{ instrument: 128 }] }), status: 400, code: 'INVALID_BODY', mentions: /add_tracks\/0\/instrument/ },
  { name: 'add_tracks with an unknown field', request: v1({ score, request: infillRequest(), add_tracks: [{ instrument: 33, channel: 2 }] }), status: 400, code: 'INVALID_BODY', mentions: /unknown field "channel"/ },
  { name: 'add_tracks in the query with a JSON body', request: { ...v1({ score, request: infillRequest() }), url: `/v1/generate?add_tracks=%5B%5D` }, status: 400, code: 'INVALID_BODY', mentions: /add_tracks/ },
  { name: 'a request for a track past the added ones', request: v1({ score, request: { tracks: [{ id: 3, bars: [1] }] }, add_tracks: [{ instrument: 33 }] }), status: 422, code: 'INVALID_REQUEST', mentions: /track id 3/ },
  // -- /v1/generate: valid shape, but the score and the model disagree (422, every problem listed)
  { name: 'unknown track id', request: v1({ score, request: { tracks: [{ id: 9, bars: [1] }] } }), status: 422, code: 'INVALID_REQUEST', mentions: /track id 9 out of range/ },
  { name: 'bar out of range', request: v1({ score, request: { tracks: [{ id: 0, bars: [50] }] } }), status: 422, code: 'INVALID_REQUEST', mentions: /50/ },
  { name: 'unknown config key', request: v1({ score, request: { ...infillRequest(), config: { temprature: 1 } } }), status: 422, code: 'INVALID_REQUEST', mentions: /unknown key "temprature"/ },
  { name: 'negative temperature', request: v1({ score, request: { ...infillRequest(), config: { temperature: -1 } } }), status: 422, code: 'INVALID_REQUEST', mentions: /temperature/ },
  { name: 'model_dim not the model\'s', request: v1({ score, request: { ...infillRequest(), config: { model_dim: 3 } } }), status: 422, code: 'INVALID_REQUEST', mentions: /model_dim/ },
  { name: 'unknown attribute', request: v1({ score, request: { tracks: [{ id: 0, bars: [2], attributes: { loudness: 3 } }] } }), status: 422, code: 'INVALID_REQUEST', mentions: /loudness/ },
  { name: 'two problems at once', request: v1({ score, request: { tracks: [{ id: 9, bars: [1] }], config: { top_p: 2 } } }), status: 422, code: 'INVALID_REQUEST' },
  { name: 'autoregressive and ignored', request: v1({ score, request: { tracks: [{ id: 0, bars: [8], autoregressive: true, ignore: true }] } }), status: 422, code: 'INVALID_REQUEST', mentions: /ignore/ },
  // -- negotiation and media types
  { name: 'Accept text/html', request: v1({ score, request: infillRequest() }, { headers: { accept: 'text/html' } }), status: 406, code: 'NOT_ACCEPTABLE' },
  { name: 'Accept audio/midi with 2 variations', request: v1({ score, request: infillRequest(), variations: 2 }, { headers: { accept: 'audio/midi' } }), status: 406, code: 'NOT_ACCEPTABLE' },
  { name: 'Content-Type text/plain', request: v1('hello', { headers: { 'content-type': 'text/plain' } }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  // -- MIDI bodies
  { name: 'MIDI body not MIDI', request: midiBody(Buffer.from('not a midi file at all')), status: 400, code: 'INVALID_MIDI' },
  { name: 'MIDI body truncated', request: midiBody(midiBytes().subarray(0, 40)), status: 400, code: 'INVALID_MIDI' },
  { name: 'MIDI body without request', request: midiBody(midiBytes(), {}), status: 400, code: 'MISSING_REQUEST' },
  { name: 'MIDI body, request not JSON', request: midiBody(midiBytes(), { request: '{tracks' }), status: 400, code: 'INVALID_JSON' },
  { name: 'MIDI body, request with an unknown field', request: midiBody(midiBytes(), { request: JSON.stringify({ tracks: [{ id: 0, bars: [1] }], extra: 1 }) }), status: 400, code: 'INVALID_BODY', mentions: /unknown field "extra"/ },
  { name: 'MIDI body, variations not a number', request: midiBody(midiBytes(), { request: JSON.stringify(infillRequest()), variations: 'many' }), status: 400, code: 'INVALID_BODY' },
  { name: 'MIDI body, add_tracks not JSON', request: midiBody(midiBytes(), { request: JSON.stringify(infillRequest()), add_tracks: '[{' }), status: 400, code: 'INVALID_JSON', mentions: /add_tracks/ },
  { name: 'MIDI body, add_tracks drums spelled wrong', request: midiBody(midiBytes(), { request: JSON.stringify(infillRequest()), add_tracks: '[{"instrument":0,"track_type":"drums"}]' }), status: 400, code: 'INVALID_BODY', mentions: /add_tracks/ },
  { name: 'MIDI body, unknown track id', request: midiBody(midiBytes(), { request: JSON.stringify({ tracks: [{ id: 4, bars: [1] }] }) }), status: 422, code: 'INVALID_REQUEST', mentions: /track id 4/ },
  { name: 'form without the file', request: form([{ name: 'request', value: JSON.stringify(infillRequest()) }]), status: 400, code: 'INVALID_BODY', mentions: /file/ },
  { name: 'form with the file as text', request: form([{ name: 'file', value: 'MThd' }, { name: 'request', value: JSON.stringify(infillRequest()) }]), status: 400, code: 'INVALID_BODY', mentions: /file/ },
  { name: 'form with an unknown field', request: form([file, { name: 'request', value: JSON.stringify(infillRequest()) }, { name: 'seed', value: '3' }]), status: 400, code: 'INVALID_BODY', mentions: /seed/ },
  { name: 'form with two files', request: form([file, { ...file, name: 'file2' }, { name: 'request', value: JSON.stringify(infillRequest()) }]), status: 413, code: 'BODY_TOO_LARGE' },
  { name: 'form with bad MIDI', request: form([{ ...file, value: Buffer.from('RIFF....WAVEfmt ') }, { name: 'request', value: JSON.stringify(infillRequest()) }]), status: 400, code: 'INVALID_MIDI' },
  // -- limits
  { name: 'JSON body over the limit', app: 'small', request: v1({ score: withTrack({ bars: Array.from({ length: 300 }, () => ({ notes: [[60, 90, 0, 480, 0]] })) }), request: infillRequest() }), status: 413, code: 'BODY_TOO_LARGE' },
  { name: 'MIDI body over the limit', app: 'small', request: midiBody(Buffer.concat([midiBytes(), Buffer.alloc(8192)])), status: 413, code: 'BODY_TOO_LARGE' },
  { name: 'form file over the limit', app: 'small', request: form([{ ...file, value: Buffer.concat([midiBytes(), Buffer.alloc(8192)]) }, { name: 'request', value: '{}' }]), status: 413, code: 'BODY_TOO_LARGE' },
  // -- /generate (the reference's): body problems answer 422 as FastAPI did
  { name: '/generate body not JSON', request: compat(undefined, json('nope')), status: 422, code: 'INVALID_JSON' },
  { name: '/generate without request', request: compat({ score: compatScore() }), status: 422, code: 'INVALID_BODY', mentions: /request/ },
  { name: '/generate score not an object', request: compat({ score: [1, 2], request: { tracks: [{ id: 0, bars: [1] }] } }), status: 422, code: 'INVALID_BODY', mentions: /score/ },
  {
    name: '/generate note with an unknown key',
    request: compat({ score: { tracks: [{ bars: [{ notes: [{ pitch: 60, velocity: 90, onset_ticks: 0, duration_ticks: 10, channel: 1 }] }] }] }, request: { tracks: [{ id: 0, bars: [0] }] } }),
    status: 422,
    code: 'INVALID_BODY',
    mentions: /unknown field "channel"/,
  },
  { name: '/generate note without duration', request: compat({ score: { tracks: [{ bars: [{ notes: [{ pitch: 60, velocity: 90, onset_ticks: 0 }] }] }] }, request: { tracks: [{ id: 0, bars: [0] }] } }), status: 422, code: 'INVALID_BODY', mentions: /duration_ticks/ },
  { name: '/generate request without tracks', request: compat({ score: compatScore(), request: {} }), status: 422, code: 'INVALID_BODY', mentions: /tracks/ },
  { name: '/generate score with no tracks', request: compat({ score: {}, request: { tracks: [{ id: 0, bars: [0] }] } }), status: 422, code: 'INVALID_REQUEST' },
  { name: '/generate bars_per_step > model_dim', request: compat({ score: compatScore(), request: { tracks: [{ id: 0, bars: [1] }], config: { bars_per_step: 9 } } }), status: 422, code: 'INVALID_REQUEST', mentions: /bars_per_step/ },
  { name: '/generate instrument 300', request: compat({ score: { tracks: [{ instrument: 300, bars: [{ notes: [] }] }] }, request: { tracks: [{ id: 0, bars: [0] }] } }), status: 400, code: 'INVALID_SCORE', mentions: /instrument/ },
  // -- routes
  { name: 'GET on a POST route', request: { method: 'GET', url: '/v1/generate' }, status: 404, code: 'NOT_FOUND' },
  { name: 'unknown path', request: { method: 'POST', url: '/v2/generate', payload: {} }, status: 404, code: 'NOT_FOUND' },
];

describe('bad requests', () => {
  it('the table has at least 20 cases', () => expect(cases.length).toBeGreaterThanOrEqual(20));

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await (c.app === 'small' ? small : app).inject(c.request);
    expect({ status: r.statusCode, body: r.body.slice(0, 600) }).toMatchObject({ status: c.status });
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const error = expectErrorShape(r.body, c.code);
    if (c.mentions) expect([error.message, ...error.problems].join('\n')).toMatch(c.mentions);
  });

  it('after all that the server still generates', async () => {
    const r = await app.inject(v1({ score, request: infillRequest() }));
    expect(r.statusCode).toBe(200);
  });
});

describe('the model side: queue, timeout, failures', () => {
  const body = { score: { resolution: 12, tracks: [] }, request: { tracks: [{ id: 0, bars: [0] }] } };

  it('a full queue answers 429 with Retry-After; /health shows busy and the queue depth', async () => {
    const model = new ManualModel();
    const queued = await createHttpApp(model, { maxQueue: 2, log: () => {} });
    try {
      const first = [1, 2, 3].map(() => queued.inject(v1(body)));
      await model.waitForJobs(3);
      const health = (await queued.inject({ url: '/health' })).json();
      expect(health).toMatchObject({ status: 'ok', busy: true, running: 1, queued: 2, queue_limit: 2 });
      const refused = await queued.inject(v1(body));
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expectErrorShape(refused.body, 'QUEUE_FULL');
      // An event stream asked for with a full queue is a plain 429 too.
      const stream = await queued.inject(v1(body, { headers: { accept: 'text/event-stream' } }));
      expect(stream.statusCode).toBe(429);
      model.finish();
      model.finish();
      model.finish();
      for (const r of await Promise.all(first)) expect(r.statusCode).toBe(200);
      expect((await queued.inject({ url: '/health' })).json()).toMatchObject({ busy: false, running: 0, queued: 0, completed: 3, rejected: 2 });
    } finally {
      await queued.close();
    }
  });

  it('the model client\'s own queue limit (shared with OSC) is a 429 too', async () => {
    const model = new ManualModel();
    model.submit = () => ({ id: 99, result: Promise.reject(new JobError('the model queue is full', 'queue_full')) });
    const refusing = await createHttpApp(model, { log: () => {} });
    try {
      const r = await refusing.inject(v1(body));
      expect(r.statusCode).toBe(429);
      expect(r.headers['retry-after']).toBeDefined();
      expectErrorShape(r.body, 'QUEUE_FULL');
    } finally {
      await refusing.close();
    }
  });

  it('a generation over the time limit is cancelled in the model and answers 504', async () => {
    const model = new ManualModel();
    const slow = await createHttpApp(model, { timeoutMs: 50, log: () => {} });
    try {
      const r = await slow.inject(v1(body));
      expect(r.statusCode).toBe(504);
      expectErrorShape(r.body, 'TIMEOUT');
      expect(model.cancelled).toEqual([1]);
      expect((await slow.inject({ url: '/health' })).json()).toMatchObject({ busy: false, timed_out: 1 });
    } finally {
      await slow.close();
    }
  });

  it('in an event stream, a timeout is an error event with the status it would have had', async () => {
    const model = new ManualModel();
    const slow = await createHttpApp(model, { timeoutMs: 50, log: () => {} });
    try {
      const r = await slow.inject(v1(body, { headers: { accept: 'text/event-stream' } }));
      expect(r.statusCode).toBe(200);
      const events = parseEvents(r.body);
      expect(events.map((e) => e.event)).toEqual(['queued', 'started', 'error']);
      expect(events[2]!.data).toMatchObject({ status: 504, error: { code: 'TIMEOUT', problems: [] } });
      expect(model.cancelled).toEqual([1]);
    } finally {
      await slow.close();
    }
  });

  it('an inference failure is a 500 with the error shape and no path in it', async () => {
    const model = new ManualModel();
    const failing = await createHttpApp(model, { log: () => {} });
    try {
      const pending = failing.inject(v1(body));
      await model.waitForJobs(1);
      model.fail('max attempts reached (model /home/someone/models/secret.onnx, see /tmp/x.log)');
      const r = await pending;
      expect(r.statusCode).toBe(500);
      const error = expectErrorShape(r.body, 'GENERATION_FAILED');
      expect(error.message).toBe('generation failed: max attempts reached (model <path>, see <path>)');
      const compatPending = failing.inject(compat({ score: compatScore(), request: { tracks: [{ id: 0, bars: [1] }] } }));
      await model.waitForJobs(1);
      model.fail('boom');
      expect((await compatPending).statusCode).toBe(500);
    } finally {
      await failing.close();
    }
  });

  it('an unexpected error inside a route is a plain 500 that says nothing more', async () => {
    const lines: string[] = [];
    const model = new ManualModel();
    model.submit = () => {
      throw new Error('internal detail at /srv/app/secret.js:12');
    };
    const broken = await createHttpApp(model, { log: (l) => lines.push(l) });
    try {
      const r = await broken.inject(v1(body));
      expect(r.statusCode).toBe(500);
      expect(expectErrorShape(r.body, 'INTERNAL').message).toBe('internal server error');
      expect(lines.join('\n')).toContain('internal detail');
    } finally {
      await broken.close();
    }
  });
});
