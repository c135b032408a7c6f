// The reference's documented session behaviour (realtime.md §5,
// test_osc_session.py's expectations) over real UDP, with a scripted model.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOscServer, type OscServer } from '../../src/index.js';
import { FakeModel } from '../support/fakes.js';
import { float, int, OscClient, str } from '../support/osc.js';

let server: OscServer;
let client: OscClient;
let model: FakeModel;

beforeEach(async () => {
  model = new FakeModel();
  server = await createOscServer({ modelClient: model, port: 0 });
  client = await OscClient.open(server.address.port);
});

afterEach(async () => {
  await client.close();
  await server.close();
});

const session = () => server.sessions.get(`name:test`)!;

async function init(): Promise<void> {
  client.clear();
  client.send('/midigpt/session/init', str('test'));
  await client.waitForCount('/midigpt/session/ready', 1);
}

async function errorCode(address: string, ...args: Parameters<OscClient['send']>[1][]): Promise<number> {
  const reply = await client.request(address, ...args);
  expect(reply.address).toBe('/midigpt/error');
  return reply.args[0] as number;
}

/** Sends messages that have no reply on success, then checks nothing came back. */
async function silent(send: () => void): Promise<void> {
  const before = client.received.length;
  send();
  const probe = await client.request('/midigpt/probe');
  expect(probe.args[1]).toMatch(/unknown address/);
  expect(client.received.slice(before, -1)).toEqual([]);
  client.received.pop();
}

async function tracks(): Promise<void> {
  await silent(() => {
    client.send('/midigpt/track/create', int(0), int(0), int(10), int(0));
    client.send('/midigpt/track/create', int(1), int(33), int(10), int(1));
  });
}

describe('§5 behaviour table', () => {
  it('init → capabilities, ready; start → started (RUNNING); stop → stopped; re-init while running → ready', async () => {
    await init();
    expect(client.received.map((m) => m.address)).toEqual(['/midigpt/capabilities', '/midigpt/session/ready']);
    expect(JSON.parse(client.received[0]!.args[0] as string)).toHaveProperty('supports_attention_skip', true);
    expect(session().state).toBe('INITIALIZING');
    await tracks();
    expect((await client.request('/midigpt/session/start')).address).toBe('/midigpt/session/started');
    expect(session().state).toBe('RUNNING');
    client.clear();
    client.send('/midigpt/session/init', str('test'));
    await client.waitForCount('/midigpt/session/ready', 1);
    expect(session().state).toBe('INITIALIZING');
    expect((await client.request('/midigpt/session/stop')).address).toBe('/midigpt/session/stopped');
    expect(session().state).toBe('STOPPED');
  });

  it('error codes: no agent 6, duplicate 3, note before start 1, agent note 8, buffer_bars 1 → 4, second agent 7, unknown param 4', async () => {
    await init();
    await silent(() => client.send('/midigpt/track/create', int(0), int(0), int(10), int(0)));
    expect(await errorCode('/midigpt/session/start')).toBe(6);
    expect(await errorCode('/midigpt/track/create', int(0), int(0), int(10), int(0))).toBe(3);
    expect(await errorCode('/midigpt/note', int(0), int(60), int(90), float(0), float(0.25), int(0))).toBe(1);
    await silent(() => client.send('/midigpt/track/create', int(1), int(0), int(10), int(1)));
    expect(await errorCode('/midigpt/track/create', int(2), int(0), int(10), int(1))).toBe(7);
    expect(await errorCode('/midigpt/param/set', str('buffer_bars'), int(1))).toBe(4);
    expect(await errorCode('/midigpt/param/set', str('no_such_param'), int(1))).toBe(4);
    expect((await client.request('/midigpt/session/start')).address).toBe('/midigpt/session/started');
    expect(await errorCode('/midigpt/note', int(1), int(60), int(90), float(0), float(0.25), int(0))).toBe(8);
  });

  it('valid param set, set_once, reset and reset_all answer nothing', async () => {
    await init();
    await silent(() => {
      client.send('/midigpt/param/set', str('temperature'), float(1.2));
      client.send('/midigpt/param/set_once', str('temperature'), float(0.8));
      client.send('/midigpt/param/reset', str('temperature'));
      client.send('/midigpt/param/reset_all');
      client.send('/midigpt/attr/set', str('max_polyphony'), int(2));
      client.send('/midigpt/attr/reset_all');
    });
  });

  it('notes across 3 bars: bars_completed 3, 4 notes stored in bar 0, time signatures per bar', async () => {
    await init();
    await tracks();
    await client.request('/midigpt/session/start');
    await silent(() => {
      for (let k = 0; k < 4; k++) client.send('/midigpt/note', int(0), int(60 + k), int(90), float(k / 4), float(0.25), int(0));
      client.send('/midigpt/note', int(0), int(64), int(90), float(0), float(0.5), int(1));
      client.send('/midigpt/note', int(0), int(65), int(90), float(0), float(0.5), int(2));
    });
    client.send('/midigpt/bar/end', int(0), int(4), int(4));
    client.send('/midigpt/bar/end', int(1), int(3), int(4));
    client.send('/midigpt/bar/end', int(2), int(6), int(8));
    await client.waitForCount('/midigpt/bar/ack', 3);
    expect(client.all('/midigpt/bar/ack').map((m) => m.args[0])).toEqual([0, 1, 2]);
    expect(session().barsCompleted).toBe(3);
    expect(session().piece.notes(0, 0)).toHaveLength(4);
    expect([0, 1, 2].map((b) => session().piece.timeSignature(b))).toEqual([
      [4, 4],
      [3, 4],
      [6, 8],
    ]);
  });

  it('removing a conditioning track is fine; removing the agent is error 1', async () => {
    await init();
    await tracks();
    await silent(() => {
      client.send('/midigpt/track/create', int(2), int(40), int(10), int(0));
      client.send('/midigpt/track/remove', int(2));
    });
    expect(await errorCode('/midigpt/track/remove', int(1))).toBe(1);
  });

  it('20 bars without an error, then stop; every generated bar opens and closes once', async () => {
    await init();
    await tracks();
    await client.request('/midigpt/session/start');
    for (let bar = 0; bar < 20; bar++) {
      client.send('/midigpt/note', int(0), int(60), int(90), float(0), float(0.5), int(bar));
      client.send('/midigpt/bar/end', int(bar), int(4), int(4));
      await client.waitForCount('/midigpt/bar/ack', bar + 1);
      if (model.current) {
        const target = bar + 2;
        model.finish();
        await client.waitFor((r) => r.some((m) => m.address === '/midigpt/generated/close' && m.args[1] === target), `close of bar ${target}`);
      }
    }
    expect(client.all('/midigpt/error')).toEqual([]);
    const opened = client.all('/midigpt/generated/open').map((m) => m.args[1]);
    const closed = client.all('/midigpt/generated/close').map((m) => m.args[1]);
    expect(opened).toEqual(Array.from({ length: 18 }, (_, i) => i + 4));
    expect(closed).toEqual(opened);
    client.send('/midigpt/session/stop');
    await client.waitForCount('/midigpt/session/stopped', 1);
    expect(session().state).toBe('STOPPED');
  });

  it('the reply types: open i i i, note i i i i f f, close i i f, features i i f f f i f i i i', async () => {
    await init();
    await tracks();
    await client.request('/midigpt/session/start');
    for (let bar = 0; bar < 3; bar++) client.send('/midigpt/bar/end', int(bar), int(4), int(4));
    await client.waitFor(() => model.current !== undefined, 'a job');
    model.finish(2);
    await client.waitForCount('/midigpt/generated/features', 1);
    expect(client.all('/midigpt/generated/open')[0]!.args).toEqual([1, 4, 2]);
    expect(client.all('/midigpt/generated/note')[0]!.args).toEqual([1, 4, 60, 90, 0, 0.25]);
    expect(client.all('/midigpt/generated/close')[0]!.args).toEqual([1, 4, 12.5]);
    expect(client.all('/midigpt/generated/features')[0]!.args).toHaveLength(10);
  });
});
