// Released models by name, against a local HTTP server standing in for the
// model repository (never the internet): choice of file, progress, resume,
// integrity, caching.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointError, InferenceEngine, pretrainedPath, type DownloadProgress } from '../src/index.js';
import { parityDir } from '../../../tests/support/parity.js';

const model = readFileSync(path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors'));
const digest = createHash('sha256').update(model).digest('hex');
const files = [
  { rfilename: 'yellow_small-step100.safetensors', lfs: { sha256: digest } },
  { rfilename: 'yellow_small-step2000.safetensors', lfs: { sha256: digest } },
  { rfilename: 'yellow_medium-final.safetensors', lfs: { sha256: digest } },
  { rfilename: 'yellow_medium-step9000.safetensors', lfs: { sha256: digest } },
  { rfilename: 'prism_medium-final.safetensors', lfs: { sha256: '0'.repeat(64) } }, // corrupt on purpose
];
const requests: Array<{ url: string; range?: string }> = [];
let server: Server;
let hubUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', ...(req.headers.range ? { range: req.headers.range } : {}) });
    if (req.url?.startsWith('/api/models/Metacreation/MIDI-GPT')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ siblings: files }));
      return;
    }
    if (!req.url?.startsWith('/Metacreation/MIDI-GPT/resolve/main/')) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const from = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
    res.statusCode = from ? 206 : 200;
    res.setHeader('content-length', String(model.length - from));
    res.end(model.subarray(from));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

// The tests below point MIDIGPT_HOME at folders of their own; what it was is put back after each.
let savedHome: string | undefined;
beforeEach(() => {
  savedHome = process.env.MIDIGPT_HOME;
});
afterEach(() => {
  if (savedHome === undefined) delete process.env.MIDIGPT_HOME;
  else process.env.MIDIGPT_HOME = savedHome;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('released models', () => {
  it('downloads the newest checkpoint of a name with progress, then serves it from the cache', async () => {
    process.env.MIDIGPT_HOME = mkdtempSync(path.join(tmpdir(), 'midigpt-home-'));
    const progress: DownloadProgress[] = [];
    const file = await pretrainedPath('yellow_small', { hubUrl, onProgress: (p) => progress.push(p) });
    expect(path.basename(file)).toBe('yellow_small-step2000.safetensors');
    expect(readFileSync(file).equals(model)).toBe(true);
    expect(progress.at(-1)).toEqual({ file: 'yellow_small-step2000.safetensors', received: model.length, total: model.length });
    const before = requests.length;
    expect(await pretrainedPath('yellow_small', { hubUrl })).toBe(file);
    expect(requests.length - before).toBe(1); // the listing only, no download
  });

  it('prefers <name>-final and resumes a partial download', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'midigpt-home-'));
    process.env.MIDIGPT_HOME = home;
    const target = path.join(home, 'models', 'yellow_medium-final.safetensors');
    await pretrainedPath('yellow_small', { hubUrl }); // creates the folder
    writeFileSync(`${target}.part`, model.subarray(0, 1000));
    const file = await pretrainedPath('yellow', { hubUrl });
    expect(file).toBe(target);
    expect(requests.at(-1)).toMatchObject({ url: '/Metacreation/MIDI-GPT/resolve/main/yellow_medium-final.safetensors', range: 'bytes=1000-' });
    expect(readFileSync(file).equals(model)).toBe(true);
    expect(existsSync(`${target}.part`)).toBe(false);
  });

  it('rejects a corrupt download and leaves nothing behind', async () => {
    process.env.MIDIGPT_HOME = mkdtempSync(path.join(tmpdir(), 'midigpt-home-'));
    await expect(pretrainedPath('prism_medium', { hubUrl })).rejects.toThrow('sha256 mismatch');
    expect(existsSync(path.join(process.env.MIDIGPT_HOME, 'models', 'prism_medium-final.safetensors'))).toBe(false);
  });

  it('names the known models for an unknown name, and reports an unreachable hub', async () => {
    await expect(pretrainedPath('ghost', { hubUrl })).rejects.toThrow('known names: yellow, yellow_small');
    await expect(pretrainedPath('yellow', { hubUrl: 'http://127.0.0.1:9' })).rejects.toThrow(CheckpointError);
  });

  it('fromPretrained gives a working engine, converted once into the cache', async () => {
    process.env.MIDIGPT_HOME = mkdtempSync(path.join(tmpdir(), 'midigpt-home-'));
    const engine = await InferenceEngine.fromPretrained('yellow_small', { hubUrl });
    expect(engine.tokenizer.vocabSize).toBe(647);
    await engine.release();
    expect(existsSync(path.join(process.env.MIDIGPT_HOME, 'onnx', `${digest}-float32.onnx`))).toBe(true);
  });
});
