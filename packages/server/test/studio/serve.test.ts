// `midigpt serve --studio`: the page and the API on one port, with no --http
// needed, from the real command.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { bin, start, type Running } from '../support/processes.js';
import { midiPath, tinyModel } from '../http/support.js';

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

describe('midigpt serve --studio', () => {
  it('serves the studio and the HTTP API on the same port (and no OSC)', async () => {
    const server = start(bin('midigpt'), ['serve', '--studio', '--http', '0', '--model', tinyModel, '--threads', '1']);
    running.push(server);
    await server.waitFor(/the studio on (http:\/\/\S+)\//, 120_000);
    const url = /the studio on (http:\/\/\S+)\//.exec(server.stderr())![1]!;
    expect(server.stderr()).toContain(`HTTP API on ${url} `);
    expect(server.stderr()).not.toMatch(/OSC server/);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>midigpt studio</title>');
    const score = await fetch(`${url}/studio/score`, { method: 'POST', headers: { 'content-type': 'audio/midi' }, body: readFileSync(midiPath) });
    expect(score.status).toBe(200);
    expect(((await score.json()) as { tracks: unknown[] }).tracks.length).toBe(2);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
  }, 180_000);
});
