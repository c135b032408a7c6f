// `midigpt serve --live`: live sessions over WebSocket on the HTTP port, with
// no studio and no OSC, from the real command; `--token` applies to them.
import { afterEach, describe, expect, it } from 'vitest';
import { bin, start, type Running } from '../support/processes.js';
import { tinyModel } from '../http/support.js';
import { LiveClient } from './client.js';

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

describe('midigpt serve --live', () => {
  it('serves /v1/live on the HTTP port (no studio page, no OSC); the token is required', async () => {
    const server = start(bin('midigpt'), ['serve', '--live', '--http', '0', '--token', 's3cret', '--model', tinyModel, '--threads', '1']);
    running.push(server);
    const line = /live sessions over WebSocket on (ws:\/\/\S+\/v1\/live)/;
    await server.waitFor(line, 120_000);
    const url = line.exec(server.stderr())![1]!;
    expect(server.stderr()).not.toMatch(/OSC server|the studio on/);
    expect((await fetch(`${url.replace(/^ws/, 'http').replace(/\/v1\/live$/, '')}/`)).status).toBe(404);
    const client = await LiveClient.open(url);
    expect(await client.request('/midigpt/session/init', 'cli')).toMatchObject({ event: 'error', code: 9 });
    client.send('/midigpt/session/init', 'cli', 's3cret');
    await client.waitForCount('ready', 1);
    await client.close();
    expect(await server.stop()).toBe(0);
  }, 180_000);
});
