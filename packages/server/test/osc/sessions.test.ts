// Several sessions on one server, the shared secret, and the reply target
// (realtime.md §6 item 15).
import { afterEach, describe, expect, it } from 'vitest';
import { createOscServer, type OscServer } from '../../src/index.js';
import { FakeModel } from '../support/fakes.js';
import { int, OscClient, str } from '../support/osc.js';

let server: OscServer;
const clients: OscClient[] = [];

async function open(options: { token?: string; replyPort?: number } = {}): Promise<void> {
  server = await createOscServer({ modelClient: new FakeModel(), port: 0, ...options });
}
async function client(): Promise<OscClient> {
  const c = await OscClient.open(server.address.port);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await server.close();
});

async function startSession(c: OscClient, ...initArgs: ReturnType<typeof str>[]): Promise<void> {
  c.send('/midigpt/session/init', ...initArgs);
  c.send('/midigpt/track/create', int(0), int(0), int(10), int(0));
  c.send('/midigpt/track/create', int(1), int(0), int(10), int(1));
  c.send('/midigpt/session/start');
  await c.waitForCount('/midigpt/session/started', 1);
}

describe('sessions and security', () => {
  it('binds to 127.0.0.1 by default', async () => {
    await open();
    expect(server.address.address).toBe('127.0.0.1');
  });

  it('two clients run two independent sessions, each hearing only its own replies', async () => {
    await open();
    const a = await client();
    const b = await client();
    await startSession(a);
    await startSession(b);
    expect(server.sessions.size).toBe(2);
    a.send('/midigpt/bar/end', int(0), int(4), int(4));
    await a.waitForCount('/midigpt/bar/ack', 1);
    b.send('/midigpt/session/stop');
    await b.waitForCount('/midigpt/session/stopped', 1);
    a.send('/midigpt/bar/end', int(1), int(4), int(4));
    await a.waitForCount('/midigpt/bar/ack', 2);
    expect(a.all('/midigpt/session/stopped')).toEqual([]);
    expect(b.all('/midigpt/bar/ack')).toEqual([]);
  });

  it('named sessions are keyed by name', async () => {
    await open();
    const a = await client();
    await startSession(a, str('left'));
    expect(server.sessions.get('name:left')?.state).toBe('RUNNING');
  });

  it('with a token: init needs it, and another address can neither stop nor re-initialise the session', async () => {
    await open({ token: 's3cret' });
    const owner = await client();
    const intruder = await client();
    owner.send('/midigpt/session/init', str('stage'));
    await owner.waitForCount('/midigpt/error', 1);
    expect(owner.all('/midigpt/error')[0]!.args[0]).toBe(9);
    await startSession(owner, str('stage'), str('s3cret'));

    intruder.send('/midigpt/session/stop');
    await intruder.waitForCount('/midigpt/error', 1);
    intruder.send('/midigpt/session/init', str('stage'), str('guess'));
    await intruder.waitForCount('/midigpt/error', 2);
    intruder.send('/midigpt/bar/end', int(0), int(4), int(4));
    await intruder.waitForCount('/midigpt/error', 3);
    expect(intruder.all('/midigpt/error').map((m) => m.args[0])).toEqual([9, 9, 9]);

    const session = server.sessions.get('name:stage')!;
    expect(session.state).toBe('RUNNING');
    expect(session.barsCompleted).toBe(0);
    owner.send('/midigpt/bar/end', int(0), int(4), int(4));
    await owner.waitForCount('/midigpt/bar/ack', 1);
    expect(intruder.all('/midigpt/bar/ack')).toEqual([]);
  });

  it('without a token, a message from another port reaches the only session; replies stay with the initialiser', async () => {
    await open();
    const owner = await client();
    const other = await client();
    await startSession(owner);
    other.send('/midigpt/bar/end', int(0), int(4), int(4));
    await owner.waitForCount('/midigpt/bar/ack', 1);
    expect(other.received).toEqual([]);
  });

  it('a message before any init is error 1', async () => {
    await open();
    const c = await client();
    c.send('/midigpt/session/start');
    await c.waitForCount('/midigpt/error', 1);
    expect(c.all('/midigpt/error')[0]!.args[0]).toBe(1);
  });

  it('--reply-port sends replies to that port on the sender host', async () => {
    const listener = await OscClient.open(1); // only its socket is used, as the reply port
    clients.push(listener);
    await open({ replyPort: listener.port });
    const c = await client();
    c.send('/midigpt/session/init');
    await listener.waitForCount('/midigpt/session/ready', 1);
    expect(c.received).toEqual([]);
  });
});
