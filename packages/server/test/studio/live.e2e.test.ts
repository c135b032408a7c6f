// The studio's live mode in a real browser (Debian's chromium driven by
// playwright-core) against `createHttpServer({ studio: true })` with the tiny
// model: load the example, select 4 bars, open live mode, pick the agent's
// instrument, Start at 240 BPM; the page sends the loop bar by bar over its
// WebSocket and draws the agent's bars as they arrive; a tempo change goes on
// with the bar numbers; Stop closes the socket and the server's session.
// Nothing is timed: waits are generous limits only. MIDIGPT_LIVE_SCREENSHOT=FILE
// saves the page while it runs; MIDIGPT_STUDIO_MODEL=default runs it on the
// embedded default model (how docs/images/studio-live.png is made).
import { writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/http/app.js';
import type { WorkerModelClient } from '../../src/worker/client.js';
import { tinyWorker } from '../http/support.js';
import { dragOver as dragOn, launchChromium, offlinePage, WAIT } from './browser.js';

let worker: WorkerModelClient | undefined;
let server: HttpServer;
let browser: Browser;
let page: Page;
/** Requests the page made anywhere but to the server (refused). */
const external: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  if (process.env['MIDIGPT_STUDIO_MODEL'] !== 'default') worker = await tinyWorker();
  // The built-in synth (no SoundFont to load): this test is about the live session.
  server = await createHttpServer({ ...(worker ? { client: worker } : {}), port: 0, studio: true, soundfont: null, log: () => {} });
  page = await offlinePage(browser, server.url, external, { height: 600 });
}, WAIT);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await worker?.close();
});

const studio = (attribute: string): Promise<string | null> => page.getAttribute('#studio', `data-${attribute}`);
const waitFor = (selector: string): Promise<unknown> => page.waitForSelector(selector, { state: 'attached', timeout: WAIT });
/** Waits until `data-NAME` (a number) is at least `min`. */
const atLeast = (name: string, min: number): Promise<unknown> =>
  page.waitForFunction(([n, m]) => Number(document.getElementById('studio')!.getAttribute(`data-${n}`) || -1) >= Number(m), [name, String(min)], { timeout: WAIT });

const dragOver = (track: number, bars: number[]): Promise<void> => dragOn(page, track, bars);

describe('live mode in chromium', () => {
  it('loops 4 selected bars at 240 BPM, draws the agent bars as they come, stops cleanly', async () => {
    await page.goto(`${server.url}/`);
    await page.click('#example');
    await waitFor('#studio[data-state="idle"][data-file="pop909-032.mid"]');
    await dragOver(0, [4, 5, 6, 7]);
    expect(await studio('selection')).toBe('0:4-7');
    await page.fill('#seed', '3');

    await page.click('#live');
    await waitFor('#studio[data-live="idle"][data-live-loop="4-7"]');
    expect(await page.isVisible('#live-panel')).toBe(true);
    expect(await page.isVisible('#roll')).toBe(false);
    // The window choices come from the server (the tiny model has 4 and 8).
    expect(await page.$$eval('#live-model-dim option', (options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(['4', '8']);
    await page.selectOption('#live-model-dim', '4');
    await page.selectOption('#live-program', '4'); // Electric Piano 1
    // The attribute controls are the melodic agent's, all off.
    await page.waitForSelector('#live-attr-min_polyphony', { state: 'attached' });
    expect(await page.$$eval('#live-attributes select', (selects) => selects.map((s) => [(s as HTMLSelectElement).dataset['attribute'], (s as HTMLSelectElement).value]))).toEqual([
      ['min_polyphony', '-1'],
      ['max_polyphony', '-1'],
      ['min_note_duration', '-1'],
      ['max_note_duration', '-1'],
    ]);
    // The tiny model is untrained: rests and repeats are answers, not reasons to retry.
    await page.uncheck('#live-silence');
    await page.uncheck('#live-novelty');
    await page.fill('#live-bpm', '240');

    await page.click('#live-start');
    await waitFor('#studio[data-live="running"][data-live-socket="open"]');
    expect(server.live!.sessions.size).toBe(1);
    await atLeast('live-generated', 2);
    await page.waitForFunction(() => Number(document.getElementById('studio')!.dataset['liveAgentNotes']) > 0, undefined, { timeout: WAIT });
    await atLeast('live-drawn', 1);
    const screenshot = process.env['MIDIGPT_LIVE_SCREENSHOT'];
    if (screenshot) writeFileSync(screenshot, await page.screenshot());
    expect(Number(await studio('live-sent'))).toBeGreaterThanOrEqual(3);
    expect(await studio('live-inference-ms')).toMatch(/^\d+$/);

    // A tempo change goes on from the next bar: the bar numbers keep counting up.
    const before = Number(await studio('live-sent'));
    await page.fill('#live-bpm', '300');
    await page.dispatchEvent('#live-bpm', 'change');
    await atLeast('live-sent', before + 2);
    const session = server.live!.sessions.get('ws:1')!;
    expect(session.state).toBe('RUNNING');
    expect(session.barsCompleted).toBeGreaterThanOrEqual(before + 1);

    await page.click('#live-stop');
    await waitFor('#studio[data-live="stopped"][data-live-socket="closed"]');
    await expect.poll(() => server.live!.sessions.size, { timeout: WAIT }).toBe(0);
    expect(server.live!.connections).toBe(0);
    // Only generation errors (error 5) may have been shown: the tiny model writes bars so full that
    // a window of them can be longer than its context; nothing else went wrong.
    expect((await studio('error')) ?? '').toMatch(/^$|\(error 5\)$/);

    await page.click('#live-close');
    await waitFor('#studio[data-live="off"]');
    expect(await page.isVisible('#roll')).toBe(true);
    expect(external).toEqual([]);
  });

  it('shows a server that goes away as an error, and never hangs', async () => {
    await page.click('#live');
    await waitFor('#studio[data-live="idle"]');
    await page.uncheck('#live-silence');
    await page.uncheck('#live-novelty');
    await page.click('#live-start');
    await waitFor('#studio[data-live="running"]');
    await expect.poll(() => server.live!.connections, { timeout: WAIT }).toBe(1);
    server.live!.closeAll(); // as at shutdown: the socket closes under the page
    await waitFor('#studio[data-live="stopped"][data-live-socket="closed"][data-error]');
    expect(await studio('error')).toMatch(/closed/);
    expect(server.live!.sessions.size).toBe(0);
  });
}, WAIT * 2);
