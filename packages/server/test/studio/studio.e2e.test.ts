// The studio in a real browser (Debian's chromium driven by playwright-core):
// the page served by `createHttpServer({ studio: true })` with the tiny model,
// the example loaded, 4 bars of a track selected by dragging, Infill, the take
// kept, played (the AudioContext runs, the cursor moves) and exported; the
// downloaded file differs from the example in the selected bars only.
//
// MIDIGPT_STUDIO_MODEL=default uses the embedded default model instead, and
// MIDIGPT_STUDIO_SCREENSHOT=FILE saves a screenshot after the infill (how
// docs/images/studio.png is made).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Score, type ScoreJSON } from '@midigpt/core';
import { createHttpServer, type HttpServer } from '../../src/http/app.js';
import type { WorkerModelClient } from '../../src/worker/client.js';
import { ManualModel } from '../http/fake.js';
import { tinyWorker } from '../http/support.js';
import { dragOver, launchChromium, offlinePage, WAIT } from './browser.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const example = path.join(repoRoot, 'examples', 'pop909-032.mid');
/** The selection: bars 5-8 (0-based 4-7) of track 1 (0). */
const TRACK = 0;
const BARS = [4, 5, 6, 7];

let worker: WorkerModelClient | undefined;
let server: HttpServer;
let browser: Browser;
let page: Page;
/** Requests the pages made anywhere but to the servers (refused): none, the studio works offline. */
const external: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  const useDefault = process.env['MIDIGPT_STUDIO_MODEL'] === 'default';
  if (!useDefault) worker = await tinyWorker();
  // The built-in synth: sound.e2e.test.ts covers the SoundFont (a 148 MB load per page).
  server = await createHttpServer({ ...(worker ? { client: worker } : {}), port: 0, studio: true, soundfont: null, log: () => {} });
  page = await newPage(server);
}, WAIT);

const newPage = (on: HttpServer): Promise<Page> => offlinePage(browser, on.url, external, { acceptDownloads: true });

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await worker?.close();
});

const studio = (attribute: string, on = page): Promise<string | null> => on.getAttribute('#studio', `data-${attribute}`);
const waitFor = (selector: string, on = page): Promise<unknown> => on.waitForSelector(selector, { state: 'attached', timeout: WAIT });

/** Every bar of every track is the example's, except the selected ones, of which at least one changed. */
function expectOnlySelectedChanged(before: ScoreJSON, after: ScoreJSON): void {
  expect(after.tracks.length).toBe(before.tracks.length);
  let changed = 0;
  before.tracks.forEach((track, t) => {
    expect(after.tracks[t]!.bars.length).toBe(track.bars.length);
    track.bars.forEach((bar, b) => {
      const now = after.tracks[t]!.bars[b]!.notes;
      if (t === TRACK && BARS.includes(b)) changed += JSON.stringify(now) === JSON.stringify(bar.notes) ? 0 : 1;
      else expect(now, `track ${t} bar ${b}`).toEqual(bar.notes);
    });
  });
  expect(changed).toBeGreaterThan(0);
}

describe('the studio in chromium', () => {
  it('serves the page and its assets from the bundle', async () => {
    const response = await page.goto(`${server.url}/`);
    expect(response?.status()).toBe(200);
    await waitFor('#studio[data-state="empty"]');
    expect(await page.title()).toBe('midigpt studio');
  });

  it('loads the example, infills 4 dragged bars of a track, keeps the take, plays, exports', async () => {
    const original = Score.fromMidi(example).toJSON();
    const originalNotes = original.tracks.reduce((n, t) => n + t.bars.reduce((m, b) => m + b.notes.length, 0), 0);

    await page.click('#example');
    await waitFor('#studio[data-state="idle"][data-file="pop909-032.mid"]');
    expect(Number(await studio('notes'))).toBe(originalNotes);

    await dragOver(page, TRACK, BARS);
    expect(await studio('selection')).toBe(`${TRACK}:${BARS[0]}-${BARS[BARS.length - 1]}`);

    await page.fill('#seed', '3');
    await page.click('#infill');
    await waitFor('#studio[data-state="done"]');
    expect(await studio('error')).toBeNull();
    expect(await studio('generated')).toBe(String(BARS.length));
    expect(await studio('takes')).toBe('1');

    const screenshot = process.env['MIDIGPT_STUDIO_SCREENSHOT'];
    if (screenshot) writeFileSync(screenshot, await page.screenshot());

    await page.click('#keep');
    await waitFor('#studio[data-state="idle"]');
    expect(await studio('generated')).toBe(String(BARS.length));

    // Play: the AudioContext runs and the cursor moves; then stop.
    await page.click('#play');
    await waitFor('#studio[data-playing="true"][data-audio="running"]');
    await page.waitForFunction(() => Number(document.getElementById('studio')!.dataset['cursor'] || -1) >= 0, undefined, { timeout: WAIT });
    const first = Number(await studio('cursor'));
    await page.waitForFunction((start) => Number(document.getElementById('studio')!.dataset['cursor'] || -1) > start, first, { timeout: WAIT });
    await page.click('#play');
    await waitFor('#studio[data-playing="false"]');

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), page.click('#export')]);
    expect(download.suggestedFilename()).toBe('pop909-032-midigpt.mid');
    const exported = readFileSync((await download.path())!);
    expectOnlySelectedChanged(original, Score.fromMidi(new Uint8Array(exported)).toJSON());

    // Undo goes back to the example.
    await page.click('#undo');
    await waitFor('#studio[data-generated="0"]');
    expect(Number(await studio('notes'))).toBe(originalNotes);
  });

  it('offers several variations as takes A, B; Discard returns to the piece', async () => {
    await page.fill('#variations', '2');
    await page.click('#infill');
    await waitFor('#studio[data-state="done"][data-takes="2"]');
    await page.click('#takes button.take:nth-child(2)');
    await waitFor('#takes button.take.chosen:nth-child(2)');
    await page.click('#discard');
    await waitFor('#studio[data-state="idle"][data-generated="0"][data-takes="0"]');
  });

  it('reads an uploaded file through the file input', async () => {
    await page.setInputFiles('#file', { name: 'upload.mid', mimeType: 'audio/midi', buffer: readFileSync(example) });
    await waitFor('#studio[data-state="idle"][data-file="upload.mid"]');
  });

  it('answers a file that is not MIDI with an error the page shows', async () => {
    await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a MIDI file') });
    await waitFor('#studio[data-error]');
    expect(await studio('error')).toMatch(/MIDI/);
    expect(await studio('file')).toBe('upload.mid'); // the piece open before is kept
  });

  it('sets attribute controls with the model\'s labels; strict "1 voice" gives one note per onset in the infilled bars', async () => {
    await page.click('#example');
    await waitFor('#studio[data-state="idle"][data-file="pop909-032.mid"]');
    const select = 'select[data-attribute="max_polyphony"]';
    await waitFor(select);
    expect(await page.locator(`${select} option`).allTextContents()).toEqual(['any', '1 voice', '2 voices', '3 voices', '4 voices', '5 voices', '6 voices', '7 voices', '8 voices', '9 voices', '10+ voices']);
    await page.selectOption(select, { label: '1 voice' });
    await page.check('#strict');
    await dragOver(page, TRACK, BARS);
    await page.fill('#variations', '1');
    await page.fill('#seed', '5');
    const sent = page.waitForRequest((r) => r.url().includes('/v1/generate'));
    await page.click('#infill');
    const request = JSON.parse(new URL((await sent).url()).searchParams.get('request')!);
    expect(request.tracks).toEqual([{ id: TRACK, bars: BARS, attributes: { max_polyphony: 0 } }]);
    expect(request.config).toMatchObject({ seed: 5, strict_controls: true });
    await waitFor('#studio[data-state="done"]');
    expect(await studio('error')).toBeNull();

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), page.click('#export')]);
    const take = Score.fromMidi(new Uint8Array(readFileSync((await download.path())!))).toJSON();
    for (const b of BARS) {
      const onsets = take.tracks[TRACK]!.bars[b]!.notes.map((n) => n[2]);
      expect(new Set(onsets).size, `bar ${b}: ${onsets.join(' ')}`).toBe(onsets.length);
    }
    await page.click('#discard');
    await page.selectOption(select, '');
    await page.uncheck('#strict');
  });

  it('Add track writes a new track (GM program picker) over the selected bars; the other tracks stay as they were', async () => {
    const original = Score.fromMidi(example).toJSON();
    if ((await studio('file')) !== 'pop909-032.mid') await page.click('#example');
    await waitFor('#studio[data-state="idle"][data-file="pop909-032.mid"]');
    expect(await studio('tracks')).toBe(String(original.tracks.length));
    await dragOver(page, TRACK, BARS);
    await page.click('#add-track');
    await waitFor('#add-track-dialog[open]');
    await page.selectOption('#program', '33');
    await page.fill('#seed', '2');
    const sent = page.waitForRequest((r) => r.url().includes('/v1/generate'));
    await page.click('#add-track-go');
    const url = new URL((await sent).url());
    expect(JSON.parse(url.searchParams.get('add_tracks')!)).toEqual([{ instrument: 33, track_type: 'melodic', name: 'Electric Bass (finger)' }]);
    expect(JSON.parse(url.searchParams.get('request')!).tracks).toEqual([{ id: original.tracks.length, bars: BARS }]);
    await waitFor('#studio[data-state="done"], #studio[data-error]');
    expect(await studio('error')).toBeNull();
    expect(await studio('tracks')).toBe(String(original.tracks.length + 1));
    expect(await studio('generated')).toBe(String(BARS.length));
    await page.click('#keep');
    await waitFor('#studio[data-state="idle"]');

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), page.click('#export')]);
    const exported = Score.fromMidi(new Uint8Array(readFileSync((await download.path())!))).toJSON();
    original.tracks.forEach((track, t) => expect(exported.tracks[t]!.bars.map((b) => b.notes), `track ${t}`).toEqual(track.bars.map((b) => b.notes)));
    // The new track (with seed 2 the tiny model writes notes in it), its notes in the selected bars only.
    expect(exported.tracks).toHaveLength(original.tracks.length + 1);
    const added = exported.tracks[original.tracks.length]!;
    expect(added.instrument).toBe(33);
    added.bars.forEach((bar, b) => {
      if (!BARS.includes(b)) expect(bar.notes, `new track, bar ${b}`).toEqual([]);
    });
    expect(added.bars.reduce((n, bar) => n + bar.notes.length, 0)).toBeGreaterThan(0);
    await page.click('#undo');
    await waitFor(`#studio[data-tracks="${original.tracks.length}"]`);
  });

  it('made no request anywhere else', () => {
    expect(external).toEqual([]);
  });
}, WAIT * 3);

describe('the studio with a model the test holds', () => {
  let model: ManualModel;
  let held: HttpServer;
  let other: Page;

  beforeAll(async () => {
    model = new ManualModel();
    held = await createHttpServer({ client: model, port: 0, studio: true, soundfont: null, log: () => {} });
    other = await newPage(held);
    await other.goto(`${held.url}/`);
    await other.click('#example');
    await waitFor('#studio[data-state="idle"]', other);
    await dragOver(other, 1, [0, 1]);
  }, WAIT);

  afterAll(async () => {
    await other?.context().close();
    await held?.close();
  });

  it('Cancel ends the request and the server cancels the job', async () => {
    await other.click('#infill');
    await waitFor('#studio[data-state="generating"]', other);
    await model.waitForJobs(1);
    await other.click('#cancel');
    await waitFor('#studio[data-state="idle"]', other);
    await expect.poll(() => model.cancelled.length, { timeout: WAIT }).toBe(1);
    expect(await studio('generated', other)).toBe('0');
  });

  it('shows a failed generation and keeps the piece', async () => {
    await other.click('#infill');
    await model.waitForJobs(1);
    model.fail('the model failed', { code: 'GENERATION_FAILED' });
    await waitFor('#studio[data-state="idle"][data-error]', other);
    expect(await studio('file', other)).toBe('pop909-032.mid');
    expect(external).toEqual([]);
  });
}, WAIT * 2);
