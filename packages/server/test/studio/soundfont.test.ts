// The studio's SoundFont: `GET /studio/config` (whether there is one, its name
// and size, never its path) and `GET|HEAD /studio/soundfont` (the file, one
// byte range allowed) through `inject`, with a small made-up SF2 file; which
// file the server finds; and `midigpt serve --soundfont FILE|--no-soundfont`.
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.js';
import { DEFAULT_SOUNDFONTS, findSoundFont, soundFontName, soundFontProblem } from '../../src/http/studio.js';
import { runAsync } from '../../../../tests/support/cli.js';
import { ManualModel } from '../http/fake.js';
import { tinyModel } from '../http/support.js';
import { bin, start, type Running } from '../support/processes.js';

const dir = mkdtempSync(path.join(tmpdir(), 'midigpt-soundfont-'));
/** A RIFF `sfbk` header and 100 kB of bytes: enough for the server (it reads no further than the header). */
const bytes = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('sfbk'), Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256))]);
const file = path.join(dir, 'test-GM.sf2');
writeFileSync(file, bytes);
const notSoundFont = path.join(dir, 'notes.sf2');
writeFileSync(notSoundFont, 'RIFF\0\0\0\0WAVEfmt not a SoundFont');
const link = path.join(dir, 'default-GM.sf2');
symlinkSync(file, link);

const client = new ManualModel();
let withFile: FastifyInstance;
let withLink: FastifyInstance;
let withNone: FastifyInstance;
let withDefault: FastifyInstance;

beforeAll(async () => {
  withFile = await createHttpApp(client, { studio: true, soundfont: file, log: () => {} });
  withLink = await createHttpApp(client, { studio: true, soundfont: link, log: () => {} });
  withNone = await createHttpApp(client, { studio: true, soundfont: null, log: () => {} });
  withDefault = await createHttpApp(client, { studio: true, log: () => {} });
});

afterAll(async () => {
  for (const app of [withFile, withLink, withNone, withDefault]) await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /studio/config', () => {
  it("names the SoundFont and gives its size, not its path", async () => {
    const r = await withFile.inject({ method: 'GET', url: '/studio/config' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ soundfont: { name: 'test-GM.sf2', size: bytes.length } });
    expect(r.body).not.toContain(dir);
  });

  it("a link is named by the file it points to (as Debian's default-GM.sf2)", async () => {
    expect((await withLink.inject({ method: 'GET', url: '/studio/config' })).json()).toEqual({ soundfont: { name: 'test-GM.sf2', size: bytes.length } });
  });

  it('says null without one', async () => {
    expect((await withNone.inject({ method: 'GET', url: '/studio/config' })).json()).toEqual({ soundfont: null });
  });

  it("uses Debian's fluid-soundfont-gm when installed and the option is not given", async () => {
    const found = findSoundFont();
    expect((await withDefault.inject({ method: 'GET', url: '/studio/config' })).json()).toEqual({ soundfont: found ? { name: soundFontName(found), size: expect.any(Number) } : null });
  });
});

describe('GET /studio/soundfont', () => {
  it('sends the file byte for byte', async () => {
    const r = await withFile.inject({ method: 'GET', url: '/studio/soundfont' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('audio/x-soundfont');
    expect(r.headers['content-length']).toBe(String(bytes.length));
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(r.rawPayload.equals(bytes)).toBe(true);
  });

  it('answers HEAD with the headers only', async () => {
    const r = await withFile.inject({ method: 'HEAD', url: '/studio/soundfont' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-length']).toBe(String(bytes.length));
    expect(r.headers['content-type']).toBe('audio/x-soundfont');
    expect(r.rawPayload.length).toBe(0);
  });

  it('sends one byte range (206)', async () => {
    const part = await withFile.inject({ method: 'GET', url: '/studio/soundfont', headers: { range: 'bytes=4-11' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 4-11/${bytes.length}`);
    expect(part.headers['content-length']).toBe('8');
    expect(part.rawPayload.equals(bytes.subarray(4, 12))).toBe(true);
    const tail = await withFile.inject({ method: 'GET', url: '/studio/soundfont', headers: { range: 'bytes=-10' } });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.equals(bytes.subarray(bytes.length - 10))).toBe(true);
    const rest = await withFile.inject({ method: 'GET', url: '/studio/soundfont', headers: { range: `bytes=${bytes.length - 3}-` } });
    expect(rest.rawPayload.equals(bytes.subarray(bytes.length - 3))).toBe(true);
  });

  it('answers a range outside the file with 416 and the error body', async () => {
    const r = await withFile.inject({ method: 'GET', url: '/studio/soundfont', headers: { range: `bytes=${bytes.length}-` } });
    expect(r.statusCode).toBe(416);
    expect(r.headers['content-range']).toBe(`bytes */${bytes.length}`);
    expect((r.json() as { error: { code: string } }).error.code).toBe('RANGE_NOT_SATISFIABLE');
  });

  it('sends the whole file for several ranges (allowed by RFC 9110)', async () => {
    const r = await withFile.inject({ method: 'GET', url: '/studio/soundfont', headers: { range: 'bytes=0-1,5-6' } });
    expect(r.statusCode).toBe(200);
    expect(r.rawPayload.length).toBe(bytes.length);
  });

  it("is a 404 with the API's error body when there is none", async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const r = await withNone.inject({ method, url: '/studio/soundfont' });
      expect(r.statusCode, method).toBe(404);
      if (method === 'GET') {
        const body = r.json() as { error: { code: string; message: string; problems: string[] } };
        expect(body.error.code).toBe('NO_SOUNDFONT');
        expect(body.error.message).toMatch(/built-in synth/);
      }
    }
  });

  it('is not served without the studio', async () => {
    const app = await createHttpApp(client, { soundfont: file, log: () => {} });
    expect((await app.inject({ method: 'GET', url: '/studio/soundfont' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/studio/config' })).statusCode).toBe(404);
    await app.close();
  });
});

describe('which SoundFont', () => {
  it('checks the file is a readable SF2/SF3/DLS file', () => {
    expect(soundFontProblem(file)).toBeNull();
    expect(soundFontProblem(path.join(dir, 'missing.sf2'))).toBe('does not exist');
    expect(soundFontProblem(dir)).toBe('is not a file');
    expect(soundFontProblem(notSoundFont)).toMatch(/is not a SoundFont/);
  });

  it('takes the first candidate that is one', () => {
    expect(findSoundFont([path.join(dir, 'missing.sf2'), notSoundFont, link, file])).toBe(link);
    expect(findSoundFont([notSoundFont])).toBeNull();
    expect(DEFAULT_SOUNDFONTS[0]).toBe('/usr/share/sounds/sf2/FluidR3_GM.sf2');
  });

  it('refuses to start the studio on a file that is not one', async () => {
    await expect(createHttpApp(client, { studio: true, soundfont: notSoundFont, log: () => {} })).rejects.toThrow(/is not a SoundFont/);
    await expect(createHttpApp(client, { studio: true, soundfont: path.join(dir, 'missing.sf2'), log: () => {} })).rejects.toThrow(/does not exist/);
  });
});

describe('midigpt serve --soundfont', () => {
  const running: Running[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
  });

  it('a file that is missing or not a SoundFont, or the flag without --studio, is a usage error (exit 2)', async () => {
    const missing = await runAsync(bin('midigpt'), ['serve', '--studio', '--http', '0', '--soundfont', path.join(dir, 'missing.sf2')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`--soundfont ${path.join(dir, 'missing.sf2')} does not exist`);
    const wrong = await runAsync(bin('midigpt'), ['serve', '--studio', '--http', '0', '--soundfont', notSoundFont]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/--soundfont .*notes\.sf2 is not a SoundFont/);
    const alone = await runAsync(bin('midigpt'), ['serve', '--http', '0', '--soundfont', file]);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('--soundfont and --no-soundfont go with --studio');
    expect((await runAsync(bin('midigpt'), ['serve', '--no-soundfont'])).status).toBe(2);
  }, 60_000);

  it('serves the file given and says so at start-up; --no-soundfont serves none', async () => {
    const server = start(bin('midigpt'), ['serve', '--studio', '--http', '0', '--model', tinyModel, '--threads', '1', '--soundfont', file]);
    running.push(server);
    await server.waitFor(/the studio on (http:\/\/\S+)\//, 120_000);
    expect(server.stderr()).toMatch(/the studio on http:\/\/\S+\/ \(sound: the SoundFont test-GM\.sf2\)/);
    const url = /the studio on (http:\/\/\S+)\//.exec(server.stderr())![1]!;
    expect(await (await fetch(`${url}/studio/config`)).json()).toEqual({ soundfont: { name: 'test-GM.sf2', size: bytes.length } });
    expect(Buffer.from(await (await fetch(`${url}/studio/soundfont`)).arrayBuffer()).equals(bytes)).toBe(true);
    expect(await server.stop()).toBe(0);

    const none = start(bin('midigpt'), ['serve', '--studio', '--http', '0', '--model', tinyModel, '--threads', '1', '--no-soundfont']);
    running.push(none);
    await none.waitFor(/the studio on (http:\/\/\S+)\//, 120_000);
    expect(none.stderr()).toMatch(/\(sound: the built-in synth, no SoundFont\)/);
    const noneUrl = /the studio on (http:\/\/\S+)\//.exec(none.stderr())![1]!;
    expect(await (await fetch(`${noneUrl}/studio/config`)).json()).toEqual({ soundfont: null });
    expect((await fetch(`${noneUrl}/studio/soundfont`)).status).toBe(404);
    expect(await none.stop()).toBe(0);
  }, 300_000);
});
