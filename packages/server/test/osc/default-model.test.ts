// The embedded default model behind the library server, in a worker thread:
// a scripted 16-bar session (POP909 piano and melody as the human tracks, a
// bass agent) and a stop in the middle of a generation.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Score } from '@midigpt/core';
import { createOscServer, type OscServer } from '../../src/index.js';
import { float, int, OscClient, str } from '../support/osc.js';
import { repoRoot } from '../support/processes.js';

let server: OscServer;

beforeAll(async () => {
  server = await createOscServer({ port: 0, threads: 1 });
}, 120_000);

afterAll(async () => {
  await server?.close();
});

/** Bars of the example's PIANO (track 2) and BRIDGE (track 1) as client notes: fractions of the bar. */
function humanBars(): Array<Array<{ track: number; pitch: number; velocity: number; onset: number; duration: number }>> {
  const json = Score.fromMidi(path.join(repoRoot, 'examples', 'pop909-032.mid')).toJSON();
  const bars = json.tracks[2]!.bars.length;
  return Array.from({ length: bars }, (_, bar) =>
    [
      [0, json.tracks[2]!],
      [1, json.tracks[1]!],
    ].flatMap(([track, t]) => {
      const b = (t as (typeof json.tracks)[number]).bars[bar]!;
      const ticks = (b.ts[0] * 4 * json.resolution) / b.ts[1];
      return b.notes.map(([pitch, velocity, onset, duration]) => ({
        track: track as number,
        pitch,
        velocity,
        onset: Math.min(onset / ticks, 0.999),
        duration: Math.min(Math.max(duration / ticks, 0.01), 4),
      }));
    }),
  );
}

async function startSession(client: OscClient, name: string): Promise<void> {
  client.send('/midigpt/session/init', str(name));
  client.send('/midigpt/track/create', int(0), int(0), int(10), int(0));
  client.send('/midigpt/track/create', int(1), int(0), int(10), int(0));
  client.send('/midigpt/track/create', int(2), int(33), int(10), int(1));
  client.send('/midigpt/session/start');
  await client.waitForCount('/midigpt/session/started', client.all('/midigpt/session/started').length + 1);
}

describe('the default model over OSC', () => {
  it('a 16-bar session: every scheduled bar arrives once, open/close paired, notes legal and inside their bar', async () => {
    const client = await OscClient.open(server.address.port);
    try {
      await startSession(client, 'sixteen');
      const bars = humanBars().slice(8, 24); // a stretch with all parts playing
      for (let bar = 0; bar < 16; bar++) {
        for (const n of bars[bar]!) client.send('/midigpt/note', int(n.track), int(n.pitch), int(n.velocity), float(n.onset), float(n.duration), int(bar));
        client.send('/midigpt/bar/end', int(bar), int(4), int(4));
        await client.waitForCount('/midigpt/bar/ack', bar + 1);
        // Paced by the replies (not a clock): the bar this bar end scheduled arrives before the next bar end.
        if (bar >= 2) await client.waitForCount('/midigpt/status', 2 * (bar - 1), 120_000);
      }
      const errors = client.all('/midigpt/error');
      expect(errors, JSON.stringify(errors)).toEqual([]);
      expect(client.all('/midigpt/generated/skipped')).toEqual([]);

      const received = client.received;
      const generated: number[] = [];
      for (let i = 0; i < received.length; i++) {
        const m = received[i]!;
        if (m.address !== '/midigpt/generated/open') continue;
        const [track, bar, count] = m.args as number[];
        expect(track).toBe(2);
        const notes = received.slice(i + 1, i + 1 + count!);
        for (const note of notes) {
          expect(note.address).toBe('/midigpt/generated/note');
          const [t, b, pitch, velocity, onset, duration] = note.args as number[];
          expect([t, b]).toEqual([2, bar]);
          expect(Number.isInteger(pitch) && pitch! >= 0 && pitch! <= 127).toBe(true);
          expect(Number.isInteger(velocity) && velocity! >= 1 && velocity! <= 127).toBe(true);
          expect(onset).toBeGreaterThanOrEqual(0);
          expect(onset).toBeLessThan(1);
          expect(duration).toBeGreaterThan(0);
          expect(duration).toBeLessThanOrEqual(1);
        }
        const close = received[i + 1 + count!]!;
        expect(close.address).toBe('/midigpt/generated/close');
        expect(close.args.slice(0, 2)).toEqual([2, bar]);
        expect(close.args[2]).toBeGreaterThan(0); // inference time, ms
        generated.push(bar!);
      }
      expect(generated).toEqual(Array.from({ length: 14 }, (_, i) => i + 4));
      expect(client.all('/midigpt/generated/close')).toHaveLength(14);
      client.send('/midigpt/session/stop');
      await client.waitForCount('/midigpt/session/stopped', 1);
    } finally {
      await client.close();
    }
  }, 300_000);

  it('stop during a generation: nothing of that generation arrives after stopped', async () => {
    const client = await OscClient.open(server.address.port);
    try {
      await startSession(client, 'cancel');
      // Four bars per job: a run long enough to be stopped in the middle.
      client.send('/midigpt/param/set', str('num_anticipated_bars'), int(4));
      const bars = humanBars().slice(8, 12);
      for (let bar = 0; bar < 3; bar++) {
        for (const n of bars[bar]!) client.send('/midigpt/note', int(n.track), int(n.pitch), int(n.velocity), float(n.onset), float(n.duration), int(bar));
        client.send('/midigpt/bar/end', int(bar), int(4), int(4));
      }
      await client.waitFor((r) => r.some((m) => m.address === '/midigpt/status' && m.args[0] === 'generating'), 'status generating', 60_000);
      client.send('/midigpt/session/stop');
      await client.waitForCount('/midigpt/session/stopped', 1);
      const stoppedAt = client.received.findIndex((m) => m.address === '/midigpt/session/stopped');
      // The stop landed inside the run: no bar of it had been sent yet.
      expect(client.received.slice(0, stoppedAt).filter((m) => m.address.startsWith('/midigpt/generated/'))).toEqual([]);

      // The worker runs one job at a time: once a new session's first bar is back, the stopped job is over.
      await startSession(client, 'cancel');
      for (let bar = 0; bar < 3; bar++) client.send('/midigpt/bar/end', int(bar), int(4), int(4));
      await client.waitFor((r) => r.slice(stoppedAt).some((m) => m.address === '/midigpt/generated/close'), 'the next session’s bar', 120_000);
      const afterStop = client.received.slice(stoppedAt + 1);
      const readyAt = afterStop.findIndex((m) => m.address === '/midigpt/session/ready');
      expect(afterStop.slice(0, readyAt).map((m) => m.address)).toEqual(['/midigpt/capabilities']);
      expect(client.all('/midigpt/error')).toEqual([]);
    } finally {
      await client.close();
    }
  }, 300_000);
});
