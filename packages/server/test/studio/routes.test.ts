// The studio plugin through `inject` (no model runs): the page and its assets
// at `/` only with `studio: true`, `POST /studio/score`, and nothing of it in
// the API without the option or in the OpenAPI file.
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Score } from '@midigpt/core';
import { createHttpApp } from '../../src/http/app.js';
import { studioRoot } from '../../src/http/studio.js';
import { ManualModel } from '../http/fake.js';
import { midiBytes, midiPath } from '../http/support.js';

let withStudio: FastifyInstance;
let without: FastifyInstance;

beforeAll(async () => {
  const client = new ManualModel();
  withStudio = await createHttpApp(client, { studio: true, log: () => {} });
  without = await createHttpApp(client, { log: () => {} });
});

afterAll(async () => {
  await withStudio?.close();
  await without?.close();
});

describe('the studio plugin', () => {
  it('serves the built page at / and every asset it names', async () => {
    const page = await withStudio.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toBe(readFileSync(path.join(studioRoot(), 'index.html'), 'utf8'));
    const assets = [...page.body.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) expect((await withStudio.inject({ method: 'GET', url: `/${asset}` })).statusCode, asset).toBe(200);
    // Nothing is loaded from elsewhere (the page works offline).
    expect(page.body).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  it('reads a MIDI file into score JSON', async () => {
    const r = await withStudio.inject({ method: 'POST', url: '/studio/score', headers: { 'content-type': 'audio/midi' }, payload: midiBytes() });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual(Score.fromMidi(midiPath).toJSON());
  });

  it('answers a file that is not MIDI with the API error body', async () => {
    const r = await withStudio.inject({ method: 'POST', url: '/studio/score', headers: { 'content-type': 'audio/midi' }, payload: Buffer.from('MThd but not really a MIDI file') });
    expect(r.statusCode).toBe(400);
    const body = r.json() as { error: { code: string; message: string } };
    expect(body.error.code).toBe('INVALID_MIDI');
    expect(body.error.message).not.toMatch(/\/work|\/home|\/tmp/);
  });

  it('refuses JSON at /studio/score (415)', async () => {
    const r = await withStudio.inject({ method: 'POST', url: '/studio/score', payload: { score: 1 } });
    expect(r.statusCode).toBe(415);
  });

  it('is not in the OpenAPI file', async () => {
    const spec = (await withStudio.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths).sort()).toEqual(Object.keys(((await without.inject({ method: 'GET', url: '/openapi.json' })).json() as typeof spec).paths).sort());
  });

  it('is absent without the studio option', async () => {
    expect((await without.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
    expect((await without.inject({ method: 'POST', url: '/studio/score', headers: { 'content-type': 'audio/midi' }, payload: midiBytes() })).statusCode).toBe(404);
  });
});
