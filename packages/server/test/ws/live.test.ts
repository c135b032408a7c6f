// Live sessions over WebSocket (`GET /v1/live`) with a scripted model: the
// session's events as JSON, bad messages each answered by an error event on a
// connection that stays open, the Origin check, the token, one session per
// connection (closed with the socket), the session limit and slow clients.
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer, type HttpServerOptions } from '../../src/http/app.js';
import { FakeModel } from '../support/fakes.js';
import { LiveClient, RefusedError } from './client.js';

let server: HttpServer;
let model: FakeModel;
const clients: LiveClient[] = [];

async function start(options: Partial<HttpServerOptions> = {}): Promise<void> {
  model = new FakeModel();
  server = await createHttpServer({ client: model, port: 0, live: true, log: () => {}, ...options });
}

const liveUrl = (): string => `${server.url.replace(/^http/, 'ws')}/v1/live`;

async function connect(options: { origin?: string } = {}): Promise<LiveClient> {
  const client = await LiveClient.open(liveUrl(), options);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await server?.close();
});

/** Sends messages that answer nothing on success, then checks nothing came back (a probe's error is the next event). */
async function silent(client: LiveClient, send: () => void): Promise<void> {
  const before = client.received.length;
  send();
  const probe = await client.request('/midigpt/probe');
  expect(probe).toMatchObject({ event: 'error', code: 4 });
  expect(client.received.slice(before, -1)).toEqual([]);
  client.received.pop();
}

async function running(client: LiveClient): Promise<void> {
  client.send('/midigpt/session/init', 'test');
  await client.waitForCount('ready', 1);
  await silent(client, () => {
    client.send('/midigpt/track/create', 0, 0, 10, 0);
    client.send('/midigpt/track/create', 1, 33, 10, 1);
  });
  expect(await client.request('/midigpt/session/start')).toEqual({ event: 'started' });
}

describe('the session over WebSocket', () => {
  it('init answers capabilities (an object) then ready; start, stop', async () => {
    await start();
    const client = await connect();
    client.send('/midigpt/session/init', 'test');
    await client.waitForCount('ready', 1);
    expect(client.received.map((e) => e.event)).toEqual(['capabilities', 'ready']);
    const capabilities = client.received[0]!['capabilities'] as Record<string, unknown>;
    expect(capabilities).toMatchObject({ supports_attention_skip: true, model_dims: [4, 8], resolution: 12 });
    expect(capabilities['attribute_levels']).toMatchObject({ min_note_duration: 6 });
    expect(server.live!.sessions.size).toBe(1);
    expect(await client.request('/midigpt/session/stop')).toEqual({ event: 'stopped' });
  });

  it('notes and bar ends over several bars: acks, then generated agent bars with the right indexes', async () => {
    await start();
    const client = await connect();
    await running(client);
    for (let bar = 0; bar < 8; bar++) {
      // A whole bar in one frame: its notes, then its end.
      const notes = [0, 0.25, 0.5, 0.75].map((onset, k) => ({ address: '/midigpt/note', args: [0, 60 + k, 90, onset, 0.25, bar] }));
      client.sendRaw([...notes, { address: '/midigpt/bar/end', args: [bar, 4, 4] }]);
      await client.waitForCount('bar_ack', bar + 1);
      if (model.current) {
        const target = bar + 2;
        model.finish(2);
        await client.waitFor((r) => r.some((e) => e.event === 'generated' && e['bar'] === target), `generated bar ${target}`);
      }
    }
    expect(client.all('error')).toEqual([]);
    expect(client.all('bar_ack').map((e) => e['bar'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const generated = client.all('generated');
    expect(generated.map((e) => e['bar'])).toEqual([4, 5, 6, 7, 8, 9]);
    for (const e of generated) {
      expect(e['track']).toBe(1);
      expect(e['notes']).toEqual([
        { pitch: 60, velocity: 90, onset: 0, duration: 0.25 },
        { pitch: 61, velocity: 90, onset: 0.25, duration: 0.25 },
      ]);
      expect(e['features']).toMatchObject({ mean_pitch: 60.5, max_polyphony: 1 });
      expect(e['inference_ms']).toBe(12.5);
    }
    expect(client.all('status').map((e) => e['status']).slice(0, 2)).toEqual(['generating', 'ready']);
    const state = client.all('prompt_state')[0]!['state'] as { target_bar: number };
    expect(state.target_bar).toBe(4);
    expect(client.all('sampled_attrs')[0]).toEqual({ event: 'sampled_attrs', start_bar: 4, end_bar: 5, attrs: { min_polyphony: 1, max_polyphony: 2 } });
    // The session's piece has the notes of the frames.
    const session = server.live!.sessions.get('ws:1')!;
    expect(session.piece.notes(0, 7)).toHaveLength(4);
    expect(await client.request('/midigpt/session/stop')).toEqual({ event: 'stopped' });
  });

  it('answers each bad message with an error event (code 4, or 1 before init) and keeps the connection', async () => {
    await start();
    const client = await connect();
    const bad: Array<[string | object, number]> = [
      ['{not json', 4],
      ['42', 4],
      ['"text"', 4],
      ['null', 4],
      [{ args: [] }, 4],
      [{ address: 5 }, 4],
      [{ address: '/midigpt/nothing/here' }, 4],
      [{ address: '/midigpt/session/start', args: 'no' }, 4],
      [{ address: '/midigpt/session/start', extra: 1 }, 4],
      [{ address: '/midigpt/note', args: [0, 60, 90, 0, 0.5, 0] }, 1], // before init
      [{ address: '/midigpt/session/init', args: [{ name: 'x' }] }, 4],
      [{ address: '/midigpt/session/init', args: ['a', 'b', 'c'] }, 4],
      [Array.from({ length: 4097 }, () => ({ address: '/midigpt/session/stop' })), 4],
    ];
    for (const [frame, code] of bad) {
      const before = client.received.length;
      client.sendRaw(frame);
      await client.waitFor((r) => r.length > before, `an answer to ${JSON.stringify(frame).slice(0, 60)}`);
      expect(client.received.slice(before), JSON.stringify(frame).slice(0, 60)).toEqual([{ event: 'error', code, message: expect.any(String) }]);
    }
    expect(server.live!.sessions.size).toBe(0); // the 4097 stops ran none

    await running(client);
    const running_: Array<[string, unknown[]]> = [
      ['/midigpt/note', [0, 60, 90, 0, 0.5]], // count
      ['/midigpt/note', [0, 60, 90, 0, 0.5, 0, 9]], // count
      ['/midigpt/note', [0, 'sixty', 90, 0, 0.5, 0]], // type
      ['/midigpt/note', [0, 60.5, 90, 0, 0.5, 0]], // fraction for an int
      ['/midigpt/note', [0, 60, 90, true, 0.5, 0]], // bool for a float
      ['/midigpt/note', [0, 60, 90, 1.5, 0.5, 0]], // onset outside [0, 1)
      ['/midigpt/bar/end', [0, 4]],
      ['/midigpt/bar/end', [0, 4, 3]],
      ['/midigpt/param/set', ['temperature', 'hot']],
      ['/midigpt/param/set', ['no_such_param', 1]],
      ['/midigpt/param/set', ['model_dim', 12]],
      ['/midigpt/attr/set', ['tension', 3]],
      ['/midigpt/attr/set', ['min_note_duration', 6]],
      ['/midigpt/track/create', [5, 0, 10]],
    ];
    for (const [address, args] of running_) {
      const answer = await client.request(address, ...args);
      expect(answer, `${address} ${JSON.stringify(args)}`).toMatchObject({ event: 'error', code: 4 });
      expect(String(answer['message'])).not.toMatch(/\n|at .*\.ts|\/work\//);
    }
    // Other codes are the OSC ones.
    expect(await client.request('/midigpt/note', 1, 60, 90, 0, 0.5, 0)).toMatchObject({ event: 'error', code: 8 });
    expect(await client.request('/midigpt/track/create', 0, 0, 10, 0)).toMatchObject({ event: 'error', code: 3 });
    // A binary frame.
    const before = client.received.length;
    client.socket.send(Buffer.from([1, 2, 3]));
    await client.waitFor((r) => r.length > before, 'an answer to a binary frame');
    expect(client.received[before]).toMatchObject({ event: 'error', code: 4 });
    // Still open and working.
    expect(client.closed).toBeNull();
    client.send('/midigpt/bar/end', 0, 4, 4);
    await client.waitForCount('bar_ack', 1);
  });

  it('a frame over 1 MiB closes the connection (1009)', async () => {
    await start();
    const client = await connect();
    client.sendRaw(JSON.stringify({ address: '/midigpt/session/init', args: ['x'.repeat(1024 * 1024)] }));
    expect((await client.waitClosed()).code).toBe(1009);
  });
});

describe('connections and sessions', () => {
  it('closing the socket closes its session: the running job is cancelled, none is left', async () => {
    await start();
    const client = await connect();
    await running(client);
    for (let bar = 0; bar < 3; bar++) client.send('/midigpt/bar/end', bar, 4, 4);
    await client.waitForCount('bar_ack', 3);
    await client.waitFor(() => model.current !== undefined, 'a job');
    expect(server.live!.sessions.size).toBe(1);
    await client.close();
    await expect.poll(() => server.live!.sessions.size).toBe(0);
    expect(model.jobs).toEqual([]); // cancelled
    expect(server.live!.connections).toBe(0);
  });

  it('two connections are two sessions; each hears only its own events', async () => {
    await start();
    const a = await connect();
    const b = await connect();
    await running(a);
    await running(b);
    expect(server.live!.sessions.size).toBe(2);
    a.send('/midigpt/bar/end', 0, 4, 4);
    await a.waitForCount('bar_ack', 1);
    expect(await b.request('/midigpt/session/stop')).toEqual({ event: 'stopped' });
    expect(a.all('stopped')).toEqual([]);
    expect(b.all('bar_ack')).toEqual([]);
  });

  it('a connection over the session limit gets an error event and is closed', async () => {
    await start({ live: { maxSessions: 2 } });
    await connect();
    await connect();
    const third = await connect();
    const { code } = await third.waitClosed();
    expect(code).toBe(1013);
    expect(third.received).toEqual([{ event: 'error', code: 1, message: expect.stringMatching(/2 live sessions/) }]);
  });

  it('with a token, init must carry it (error 9), and nothing runs before', async () => {
    await start({ live: { token: 's3cret' } });
    const client = await connect();
    expect(await client.request('/midigpt/session/start')).toMatchObject({ event: 'error', code: 9 });
    expect(await client.request('/midigpt/session/init', 'me')).toMatchObject({ event: 'error', code: 9 });
    expect(await client.request('/midigpt/session/init', 'me', 'wrong')).toMatchObject({ event: 'error', code: 9 });
    expect(server.live!.sessions.size).toBe(0);
    client.send('/midigpt/session/init', 'me', 's3cret');
    await client.waitForCount('ready', 1);
    expect(server.live!.sessions.size).toBe(1);
  });

  it('a client that does not read its events is closed with 1008', async () => {
    await start({ live: { maxBuffered: 64 * 1024 } });
    const client = await connect();
    // Stop reading; every bad message still gets an error event, until the server gives up on it.
    (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const frame = JSON.stringify(Array.from({ length: 4000 }, () => ({ address: '/midigpt/probe/with/a/long/name/to/fill/the/buffers' })));
    for (let i = 0; i < 200 && server.live!.connections > 0; i++) {
      client.sendRaw(frame);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    (client.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await client.waitClosed()).code).toBe(1008);
  });
});

describe('the upgrade', () => {
  it('lets in no Origin, the server\'s own, and the --cors ones; refuses others with 403', async () => {
    await start({ cors: ['http://localhost:5173'] });
    await connect();
    await connect({ origin: server.url });
    await connect({ origin: 'http://localhost:5173' });
    for (const origin of ['http://evil.example', 'null', `${server.url.replace('127.0.0.1', 'localhost')}`, 'http://127.0.0.1:1'])
      await expect(LiveClient.open(liveUrl(), { origin })).rejects.toEqual(new RefusedError(403));
    expect(server.live!.connections).toBe(3);
  });

  it('GET without an upgrade is 426; no live route without live or studio', async () => {
    await start();
    const response = await fetch(`${server.url}/v1/live`);
    expect(response.status).toBe(426);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UPGRADE_REQUIRED');
    await server.close();
    await start({ live: false });
    expect(server.live).toBeNull();
    expect((await fetch(`${server.url}/v1/live`)).status).toBe(404);
    await expect(LiveClient.open(liveUrl())).rejects.toBeInstanceOf(Error);
  });
});
