// The commands: `midigpt listen` prints what it receives; `serve` warns when
// it binds beyond this machine; bad flags are usage errors.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeMessage } from '../../src/osc/codec.js';
import { OscClient, float, int, str } from '../support/osc.js';
import { bin, freePort, start, type Running } from '../support/processes.js';
import { createSocket } from 'node:dgram';
import { runAsync } from '../../../../tests/support/cli.js';

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

describe('commands', () => {
  it('midigpt listen PORT prints one line per message', async () => {
    const port = await freePort();
    const listener = start(bin('midigpt'), ['listen', String(port)]);
    running.push(listener);
    await listener.waitFor(/listening on 127\.0\.0\.1:/);
    const socket = createSocket('udp4');
    const send = (data: Buffer) => new Promise<void>((resolve) => socket.send(data, port, '127.0.0.1', () => resolve()));
    await send(encodeMessage('/midigpt/generated/note', [int(1), int(4), int(60), int(90), float(0.5), float(0.25)]));
    await send(encodeMessage('/midigpt/status', [str('ready')]));
    await send(encodeMessage('/midigpt/session/ready'));
    await listener.waitFor(/session\/ready/);
    socket.close();
    expect(listener.stdout().split('\n').filter(Boolean)).toEqual([
      "/midigpt/generated/note  1 4 60 90 0.5 0.25",
      "/midigpt/status  'ready'",
      '/midigpt/session/ready',
    ]);
    expect(await listener.stop()).toBe(0);
  }, 60_000);

  it('serve on a non-loopback address warns, answers init, and stops on SIGTERM', async () => {
    const port = await freePort();
    const server = start(bin('midigpt'), ['serve', '--osc', String(port), '--host', '0.0.0.0', '--threads', '1']);
    running.push(server);
    await server.waitFor(/listening on udp:\/\/0\.0\.0\.0:/, 120_000);
    expect(server.stderr()).toMatch(/warning: listening on 0\.0\.0\.0/);
    const client = await OscClient.open(port);
    client.send('/midigpt/session/init');
    await client.waitForCount('/midigpt/session/ready', 1);
    expect(client.received[0]!.address).toBe('/midigpt/capabilities');
    await client.close();
    expect(await server.stop()).toBe(0);
  }, 180_000);

  it('serve --osc --http runs both on one model: OSC answers init, HTTP answers /health and /info', async () => {
    const port = await freePort();
    const server = start(bin('midigpt'), ['serve', '--osc', String(port), '--http', '0', '--threads', '1']);
    running.push(server);
    await server.waitFor(/HTTP API on (http:\/\/\S+) /, 120_000);
    const url = /HTTP API on (http:\/\/\S+) /.exec(server.stderr())![1]!;
    expect(server.stderr()).toMatch(/OSC server listening on udp:\/\/127\.0\.0\.1:/);
    const health = (await (await fetch(`${url}/health`)).json()) as { status: string; busy: boolean };
    expect(health).toMatchObject({ status: 'ok', busy: false });
    const info = (await (await fetch(`${url}/info`)).json()) as Record<string, unknown>;
    expect(Object.keys(info).length).toBeGreaterThan(0);
    const client = await OscClient.open(port);
    client.send('/midigpt/session/init');
    await client.waitForCount('/midigpt/session/ready', 1);
    await client.close();
    expect(await server.stop()).toBe(0);
  }, 180_000);

  it('bad flags are usage errors (exit 2), an unknown model fails before binding (exit 1)', async () => {
    expect((await runAsync(bin('midigpt'), ['serve', '--osc', '70000'])).status).toBe(2);
    const cors = await runAsync(bin('midigpt'), ['serve', '--cors', 'http://a.test']);
    expect(cors.status).toBe(2);
    expect(cors.stderr).toContain('--cors, --http-queue and --http-timeout go with --http');
    expect((await runAsync(bin('midigpt-server'), ['--log_level', 'LOUD'])).status).toBe(2);
    const missing = await runAsync(bin('midigpt-server'), ['--ckpt', 'no-such-model.onnx', '--port', '0']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no-such-model.onnx');
    const dims = await runAsync(bin('midigpt'), ['serve', '--osc', '0', '--model-dim', '16']);
    expect(dims.status).toBe(1);
    expect(dims.stderr).toMatch(/model_dim 16/);
  }, 180_000);
});
