// Malformed and hostile input (realtime.md §6 items 12, 15): each message gets
// its documented error reply or is ignored as documented, and the server
// answers the next message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage, type OutArg } from '../../src/osc/codec.js';
import { createOscServer, type OscServer } from '../../src/index.js';
import { FakeModel } from '../support/fakes.js';
import { float, int, OscClient, str } from '../support/osc.js';

/** A bundle of encoded elements (nested bundles allowed), built from bytes: the codec never makes hostile ones. */
function bundle(elements: Buffer[]): Buffer {
  const head = Buffer.concat([Buffer.from('#bundle\0'), Buffer.alloc(8)]);
  return Buffer.concat([head, ...elements.map(sized)]);
}
function sized(element: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(element.length);
  return Buffer.concat([size, element]);
}
const msg = (address: string, ...args: OutArg[]) => encodeMessage(address, args);

type Expect = number | 'ignored';
interface Case {
  name: string;
  send: (c: OscClient) => void;
  expect: Expect;
}

const note = (...args: OutArg[]) => msg('/midigpt/note', ...args);
const n = (pitch: OutArg, velocity: OutArg, onset: OutArg, duration: OutArg, bar: OutArg): OutArg[] => [int(0), pitch, velocity, onset, duration, bar];

const CASES: Case[] = [
  { name: 'text that is not OSC', send: (c) => c.raw(Buffer.from('hello, server')), expect: 'ignored' },
  { name: 'an empty datagram', send: (c) => c.raw(Buffer.alloc(0)), expect: 'ignored' },
  { name: 'an address without a type tag string', send: (c) => c.raw(Buffer.from('/midigpt/session/stop\0\0\0')), expect: 'ignored' },
  { name: 'an unknown type tag', send: (c) => c.raw(Buffer.concat([Buffer.from('/midigpt/note\0\0\0,x\0\0'), Buffer.alloc(4)])), expect: 'ignored' },
  { name: 'a truncated int argument', send: (c) => c.raw(Buffer.concat([Buffer.from('/midigpt/bar/end\0\0\0\0,iii\0\0\0\0'), Buffer.alloc(5)])), expect: 'ignored' },
  { name: 'random bytes', send: (c) => c.raw(Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37 + 11) % 256))), expect: 'ignored' },
  { name: 'a 20 KB datagram', send: (c) => c.raw(msg('/midigpt/param/set', str('x'.repeat(20_000)), int(1))), expect: 'ignored' },
  { name: 'a bundle of 300 messages', send: (c) => c.raw(bundle(Array.from({ length: 300 }, () => msg('/midigpt/param/reset_all')))), expect: 'ignored' },
  { name: 'bundles nested 6 deep', send: (c) => c.raw([1, 2, 3, 4, 5].reduce((b) => bundle([b]), bundle([msg('/midigpt/session/stop')]))), expect: 'ignored' },
  { name: 'a bundle with a bad size field', send: (c) => c.raw(Buffer.concat([Buffer.from('#bundle\0'), Buffer.alloc(8), Buffer.from([0x7f, 0, 0, 0])])), expect: 'ignored' },
  { name: 'a bad note inside a bundle', send: (c) => c.raw(bundle([note(...n(int(200), int(90), float(0), float(0.5), int(0)))])), expect: 4 },
  { name: 'an address outside /midigpt/', send: (c) => c.send('/other/app', int(1)), expect: 'ignored' },
  { name: 'an unknown /midigpt/ address', send: (c) => c.send('/midigpt/session/end'), expect: 4 },
  { name: 'an address pattern', send: (c) => c.send('/midigpt/session/*'), expect: 4 },
  { name: 'note with 5 arguments', send: (c) => c.send('/midigpt/note', int(0), int(60), int(90), float(0), float(0.5)), expect: 4 },
  { name: 'note with 7 arguments', send: (c) => c.send('/midigpt/note', ...n(int(60), int(90), float(0), float(0.5), int(0)), int(1)), expect: 4 },
  { name: 'note with a text pitch', send: (c) => c.raw(note(...n(str('C4'), int(90), float(0), float(0.5), int(0)))), expect: 4 },
  { name: 'note with a fractional pitch', send: (c) => c.raw(note(...n(float(60.5), int(90), float(0), float(0.5), int(0)))), expect: 4 },
  { name: 'note pitch 128', send: (c) => c.raw(note(...n(int(128), int(90), float(0), float(0.5), int(0)))), expect: 4 },
  { name: 'note velocity -5', send: (c) => c.raw(note(...n(int(60), int(-5), float(0), float(0.5), int(0)))), expect: 4 },
  { name: 'note onset 1.5', send: (c) => c.raw(note(...n(int(60), int(90), float(1.5), float(0.5), int(0)))), expect: 4 },
  { name: 'note duration 0', send: (c) => c.raw(note(...n(int(60), int(90), float(0), float(0), int(0)))), expect: 4 },
  { name: 'note bar -1', send: (c) => c.raw(note(...n(int(60), int(90), float(0), float(0.5), int(-1)))), expect: 4 },
  { name: 'note far ahead of the playhead', send: (c) => c.raw(note(...n(int(60), int(90), float(0), float(0.5), int(100000)))), expect: 4 },
  { name: 'note to a closed bar', send: (c) => c.raw(note(...n(int(60), int(90), float(0), float(0.5), int(0)))), expect: 4 },
  { name: 'note to the agent', send: (c) => c.send('/midigpt/note', int(1), int(60), int(90), float(0), float(0.5), int(5)), expect: 8 },
  { name: 'note to an unknown track', send: (c) => c.send('/midigpt/note', int(9), int(60), int(90), float(0), float(0.5), int(5)), expect: 2 },
  { name: 'bar/end with ts_den 0', send: (c) => c.send('/midigpt/bar/end', int(5), int(4), int(0)), expect: 4 },
  { name: 'bar/end with 2 arguments', send: (c) => c.send('/midigpt/bar/end', int(5), int(4)), expect: 4 },
  { name: 'bar/end for a negative bar', send: (c) => c.send('/midigpt/bar/end', int(-3), int(4), int(4)), expect: 4 },
  { name: 'bar/end out of order', send: (c) => c.send('/midigpt/bar/end', int(0), int(4), int(4)), expect: 4 },
  { name: 'bar/end with a text numerator', send: (c) => c.send('/midigpt/bar/end', int(5), str('four'), int(4)), expect: 4 },
  { name: 'track/create with 3 arguments', send: (c) => c.send('/midigpt/track/create', int(5), int(0), int(10)), expect: 4 },
  { name: 'track/create duplicate', send: (c) => c.send('/midigpt/track/create', int(0), int(0), int(10), int(0)), expect: 3 },
  { name: 'track/create a second agent', send: (c) => c.send('/midigpt/track/create', int(5), int(0), int(10), int(1)), expect: 7 },
  { name: 'track/create program 300', send: (c) => c.send('/midigpt/track/create', int(5), int(300), int(10), int(0)), expect: 4 },
  { name: 'track/remove of an unknown track', send: (c) => c.send('/midigpt/track/remove', int(42)), expect: 2 },
  { name: 'track/remove of the agent', send: (c) => c.send('/midigpt/track/remove', int(1)), expect: 1 },
  { name: 'track/param/set unknown name', send: (c) => c.send('/midigpt/track/param/set', int(1), str('volume'), float(1)), expect: 4 },
  { name: 'track/param/set text temperature', send: (c) => c.send('/midigpt/track/param/set', int(1), str('temperature'), str('warm')), expect: 4 },
  { name: 'param/set unknown name', send: (c) => c.send('/midigpt/param/set', str('speed'), float(1)), expect: 4 },
  { name: 'param/set temperature "hot"', send: (c) => c.send('/midigpt/param/set', str('temperature'), str('hot')), expect: 4 },
  { name: 'param/set model_dim 16 (not a window of the model)', send: (c) => c.send('/midigpt/param/set', str('model_dim'), int(16)), expect: 4 },
  { name: 'param/set with a number as the name', send: (c) => c.send('/midigpt/param/set', int(3), int(1)), expect: 4 },
  { name: 'param/set with a blob value', send: (c) => c.raw(Buffer.concat([Buffer.from('/midigpt/param/set\0\0,sb\0'), Buffer.from('temperature\0'), Buffer.from([0, 0, 0, 4, 1, 2, 3, 4])])), expect: 4 },
  { name: 'param/set_once with 1 argument', send: (c) => c.send('/midigpt/param/set_once', str('temperature')), expect: 4 },
  { name: 'attr/set unknown attribute', send: (c) => c.send('/midigpt/attr/set', str('loudness'), int(3)), expect: 4 },
  { name: 'attr/set level out of range', send: (c) => c.send('/midigpt/attr/set', str('max_polyphony'), int(99)), expect: 4 },
  { name: 'attr/set a fractional level', send: (c) => c.send('/midigpt/attr/set', str('max_polyphony'), float(2.5)), expect: 4 },
  { name: 'session/start while running', send: (c) => c.send('/midigpt/session/start'), expect: 1 },
  { name: 'session/init with a number as the name', send: (c) => c.send('/midigpt/session/init', int(7)), expect: 4 },
];

describe('bad input', () => {
  let server: OscServer;
  let client: OscClient;

  beforeAll(async () => {
    server = await createOscServer({ modelClient: new FakeModel(), port: 0 });
    client = await OscClient.open(server.address.port);
    client.send('/midigpt/session/init', str('bad-input'));
    client.send('/midigpt/track/create', int(0), int(0), int(10), int(0));
    client.send('/midigpt/track/create', int(1), int(33), int(10), int(1));
    client.send('/midigpt/session/start');
    client.send('/midigpt/bar/end', int(0), int(4), int(4));
    await client.waitForCount('/midigpt/bar/ack', 1);
  });

  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('has at least 25 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(25));

  it.each(CASES)('$name → $expect, then the server still answers', async ({ send, expect: expected }) => {
    client.clear();
    send(client);
    // The probe (an unknown address) is answered after everything sent before it.
    client.send('/midigpt/session/probe');
    const isProbe = (m: { args: unknown[] }) => String(m.args[1]).includes('/midigpt/session/probe');
    await client.waitFor((r) => r.some(isProbe), 'the probe reply');
    const index = client.received.findIndex(isProbe);
    const probe = client.received[index]!;
    const before = client.received.slice(0, index);
    if (expected === 'ignored') expect(before).toEqual([]);
    else {
      expect(before.map((m) => m.address)).toEqual(['/midigpt/error']);
      expect(before[0]!.args[0]).toBe(expected);
      expect(typeof before[0]!.args[1]).toBe('string');
      expect(before[0]!.args[1]).not.toMatch(/\n\s+at /); // no stack traces
    }
    expect(probe.address).toBe('/midigpt/error');
    expect(server.sessions.get('name:bad-input')!.state).toBe('RUNNING');
  });
});
