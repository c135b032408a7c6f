// An OSC implementation that is not ours drives the real server bins: liblo's
// oscsend sends a short session, oscdump captures the replies
// (scripts/ensure-liblo.sh installs liblo-tools when missing).
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bin, freePort, repoRoot, run, start, type Running } from '../support/processes.js';

const running: Running[] = [];

beforeAll(() => {
  execFileSync('bash', [path.join(repoRoot, 'packages/server/scripts/ensure-liblo.sh')], { stdio: 'inherit' });
  if (spawnSync('bash', ['-c', 'command -v oscsend && command -v oscdump']).status !== 0) throw new Error('liblo-tools (oscsend, oscdump) is needed: apt-get install liblo-tools');
}, 300_000);

afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

interface Dumped {
  address: string;
  types: string;
  args: string[];
}

/** oscdump lines: `timetag address types arg arg ...` (a JSON string argument may hold spaces: kept whole for type s). */
function parseDump(text: string): Dumped[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [, address = '', types = '', ...rest] = line.trim().split(' ');
      return { address, types, args: types === 's' ? [rest.join(' ')] : rest };
    });
}

const send = async (port: number, address: string, types = '', ...values: Array<string | number>): Promise<void> => {
  const r = await run('oscsend', ['127.0.0.1', String(port), address, ...(types ? [types, ...values.map(String)] : [])]);
  expect(r.status, r.stderr).toBe(0);
};

async function liveSession(serverArgs: [string, string[]]): Promise<Dumped[]> {
  const replyPort = await freePort();
  const dump = start('oscdump', ['-L', String(replyPort)]);
  running.push(dump);
  const [command, args] = serverArgs;
  const serverPort = await freePort();
  const server = start(command, [...args.map((a) => a.replace('{port}', String(serverPort))), '--reply-port', String(replyPort), '--threads', '1']);
  running.push(server);
  await server.waitFor(/listening on udp:\/\/127\.0\.0\.1:/, 120_000);

  await send(serverPort, '/midigpt/session/init', 's', 'liblo');
  await dump.waitFor(/\/midigpt\/session\/ready/);
  await send(serverPort, '/midigpt/track/create', 'iiii', 0, 0, 10, 0);
  await send(serverPort, '/midigpt/track/create', 'iiii', 1, 33, 10, 1);
  await send(serverPort, '/midigpt/session/start');
  await dump.waitFor(/\/midigpt\/session\/started/);
  for (let bar = 0; bar < 6; bar++) {
    for (const [k, pitch] of [60, 64, 67, 72].entries()) await send(serverPort, '/midigpt/note', 'iiiffi', 0, pitch + (bar % 2) * 2, 90, k / 4, 0.25, bar);
    await send(serverPort, '/midigpt/bar/end', 'iii', bar, 4, 4);
    await dump.waitFor(new RegExp(`/midigpt/bar/ack i ${bar}\\b`));
    // Paced by the replies, not the clock: the bar this bar end scheduled (bar + 2) arrives first.
    if (bar >= 2) await dump.waitFor(new RegExp(`(/midigpt/status s "ready"[\\s\\S]*){${bar - 1}}`), 120_000);
  }
  await send(serverPort, '/midigpt/session/stop');
  await dump.waitFor(/\/midigpt\/session\/stopped/);
  expect(await server.stop()).toBe(0);
  return parseDump(dump.stdout());
}

function checkSequence(replies: Dumped[]): void {
  const addresses = replies.map((r) => r.address);
  expect(addresses.slice(0, 3)).toEqual(['/midigpt/capabilities', '/midigpt/session/ready', '/midigpt/session/started']);
  expect(JSON.parse(replies[0]!.args[0]!.slice(1, -1))).toHaveProperty('supports_attention_mask', true);
  expect(replies.filter((r) => r.address === '/midigpt/error')).toEqual([]);
  // Per generated bar: open, its notes, close, features (when it has notes); bars 4..7 once each.
  const bars: number[] = [];
  for (let i = 0; i < replies.length; i++) {
    const r = replies[i]!;
    if (r.address !== '/midigpt/generated/open') continue;
    expect(r.types).toBe('iii');
    const bar = Number(r.args[1]);
    const count = Number(r.args[2]);
    const notes = replies.slice(i + 1, i + 1 + count);
    for (const n of notes) {
      expect(n.address).toBe('/midigpt/generated/note');
      expect(n.types).toBe('iiiiff');
      expect(Number(n.args[1])).toBe(bar);
    }
    const close = replies[i + 1 + count]!;
    expect(close.address).toBe('/midigpt/generated/close');
    expect(close.types).toBe('iif');
    expect(Number(close.args[1])).toBe(bar);
    if (count > 0) expect(replies[i + 2 + count]!.address).toBe('/midigpt/generated/features');
    bars.push(bar);
  }
  expect(bars).toEqual([4, 5, 6, 7]);
  expect(addresses.filter((a) => a === '/midigpt/status').length).toBe(8);
  expect(addresses.at(-1)).toBe('/midigpt/session/stopped');
}

describe('liblo oscsend/oscdump against the server bins', () => {
  it('midigpt-server --ckpt (the embedded model file): init, tracks, notes, bars, generated bars', async () => {
    const { defaultModelPath } = await import('@midigpt/default-model');
    checkSequence(await liveSession([bin('midigpt-server'), ['--ckpt', defaultModelPath, '--port', '{port}']]));
  }, 300_000);

  it('midigpt serve --osc PORT (the default model)', async () => {
    checkSequence(await liveSession([bin('midigpt'), ['serve', '--osc', '{port}']]));
  }, 300_000);
});
