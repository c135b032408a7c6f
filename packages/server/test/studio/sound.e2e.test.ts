// The studio's sound in a real browser (Debian's chromium driven by
// playwright-core): with the server's SoundFont (Debian's fluid-soundfont-gm,
// 148 MB, when installed) Play loads it once into spessasynth_lib's
// AudioWorklet synthesizer and plays with it; with `soundfont: null` it plays
// with the built-in synth. Both make sound (an analyser tapped onto every
// connection to the speakers hears it), move the cursor, and are quiet soon
// after Stop. No request leaves the server.
//
// The model is a fake one (no generation here). MIDIGPT_CHROMIUM=PATH: another chromium.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/http/app.js';
import { DEFAULT_SOUNDFONTS, findSoundFont } from '../../src/http/studio.js';
import { ManualModel } from '../http/fake.js';
import { launchChromium, offlineContext, WAIT } from './browser.js';
/** Debian's General MIDI SoundFont (fluid-soundfont-gm), when installed. */
const soundfont = findSoundFont();
if (!soundfont) console.warn(`sound.e2e: no SoundFont at ${DEFAULT_SOUNDFONTS.join(' or ')} (apt-get install fluid-soundfont-gm): the SoundFont case is skipped`);

const model = new ManualModel();
let browser: Browser;
/** Requests the pages made anywhere but to their server (refused): none, the studio works offline. */
const external: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
}, WAIT);

afterAll(async () => {
  await browser?.close();
});

declare global {
  interface Window {
    /** The loudest sample now (over the analyser's last 2048 frames) of everything connected to the speakers. */
    __level?: () => number;
  }
}

/** A page on `server`'s studio whose audio the test can hear, with the paths it requested. */
async function openStudio(server: HttpServer, query = ''): Promise<{ page: Page; requested: string[] }> {
  const requested: string[] = [];
  const context = await offlineContext(browser, server.url, external, { onRequest: (pathname) => requested.push(pathname) });
  await context.addInitScript(() => {
    const taps = new Map<BaseAudioContext, AnalyserNode>();
    const connect = AudioNode.prototype.connect as (this: AudioNode, destination: AudioNode | AudioParam, ...rest: number[]) => AudioNode | void;
    AudioNode.prototype.connect = function (this: AudioNode, destination: AudioNode | AudioParam, ...rest: number[]) {
      const result = connect.call(this, destination, ...rest);
      if (destination instanceof AudioDestinationNode) {
        let tap = taps.get(this.context);
        if (!tap) {
          tap = this.context.createAnalyser();
          tap.fftSize = 2048;
          taps.set(this.context, tap);
        }
        connect.call(this, tap, ...rest);
      }
      return result;
    } as typeof AudioNode.prototype.connect;
    window.__level = () => {
      let level = 0;
      const samples = new Float32Array(2048);
      for (const tap of taps.values()) {
        tap.getFloatTimeDomainData(samples);
        for (const s of samples) level = Math.max(level, Math.abs(s));
      }
      return level;
    };
  });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('console', (message) => message.text().startsWith('midigpt studio:') && console.log(`sound.e2e: the page says: ${message.text()}`));
  await page.goto(`${server.url}/${query}`);
  await page.waitForSelector('#studio[data-state="empty"]', { state: 'attached' });
  await page.click('#example');
  await page.waitForSelector('#studio[data-state="idle"][data-file="pop909-032.mid"]', { state: 'attached' });
  return { page, requested };
}

const studio = (page: Page, attribute: string): Promise<string | null> => page.getAttribute('#studio', `data-${attribute}`);
const cursor = (page: Page): Promise<number> => page.evaluate(() => Number(document.getElementById('studio')!.dataset['cursor'] || -1));

/** Plays: the AudioContext runs, sound comes out, the cursor moves. Returns the seconds from the click to playing. */
async function playAndHear(page: Page, sound: 'soundfont' | 'builtin'): Promise<number> {
  const clicked = Date.now();
  await page.click('#play');
  await page.waitForSelector(`#studio[data-playing="true"][data-sound="${sound}"]`, { state: 'attached' });
  await page.waitForFunction(() => Number(document.getElementById('studio')!.dataset['cursor'] || -1) >= 0, undefined, { timeout: WAIT });
  const seconds = (Date.now() - clicked) / 1000;
  expect(await studio(page, 'audio')).toBe('running');
  const first = await cursor(page);
  await page.waitForFunction((start) => Number(document.getElementById('studio')!.dataset['cursor'] || -1) > start, first, { timeout: WAIT });
  await page.waitForFunction(() => window.__level!() > 0.01, undefined, { timeout: WAIT, polling: 50 });
  return seconds;
}

/** Stops: not playing, and silent (the reverb's tail aside) while the piece would have gone on. */
async function stopAndHearSilence(page: Page): Promise<void> {
  await page.click('#play');
  await page.waitForSelector('#studio[data-playing="false"]', { state: 'attached' });
  await page.waitForFunction(() => window.__level!() < 1e-4, undefined, { timeout: WAIT, polling: 50 });
  // Notes that were scheduled ahead stay silent.
  await page.waitForTimeout(1000);
  expect(await page.evaluate(() => window.__level!())).toBeLessThan(1e-4);
}

describe('the studio plays with the SoundFont the server serves', () => {
  let server: HttpServer;

  beforeAll(async () => {
    if (soundfont) server = await createHttpServer({ client: model, port: 0, studio: true, soundfont, log: () => {} });
  }, WAIT);

  afterAll(async () => {
    await server?.close();
  });

  it.skipIf(!soundfont)(`loads it once on the first Play and plays with it (skipped without ${DEFAULT_SOUNDFONTS[0]})`, async () => {
    // The wait before the built-in synth plays instead is the page's default (20 s) but on a busy machine.
    const { page, requested } = await openStudio(server, `?soundfont-wait=${WAIT / 1000}`);
    expect(await studio(page, 'sound')).toBe('none');
    const seconds = await playAndHear(page, 'soundfont');
    console.log(`sound.e2e: Play to playing with the ${path.basename(soundfont!)} SoundFont (fetch, worklet, parsing): ${seconds.toFixed(1)} s`);
    expect(await page.textContent('#status')).toContain(path.basename(soundfont!));
    await stopAndHearSilence(page);
    // Again: the SoundFont is not fetched a second time.
    await playAndHear(page, 'soundfont');
    await stopAndHearSilence(page);
    expect(requested.filter((p) => p === '/studio/soundfont')).toHaveLength(1);
    expect(requested.filter((p) => p === '/studio/config')).toHaveLength(1);
    await page.context().close();
  });

  it.skipIf(!soundfont)('plays with the built-in synth while the SoundFont takes too long, then with the SoundFont', async () => {
    const { page, requested } = await openStudio(server, '?soundfont-wait=0.001');
    const loaded = page.waitForEvent('console', { predicate: (m) => /midigpt studio: the SoundFont .* loaded/.test(m.text()), timeout: WAIT });
    await playAndHear(page, 'builtin');
    expect(await page.textContent('#status')).toMatch(/took longer than/);
    await stopAndHearSilence(page);
    await loaded;
    await playAndHear(page, 'soundfont');
    await stopAndHearSilence(page);
    expect(requested.filter((p) => p === '/studio/soundfont')).toHaveLength(1);
    await page.context().close();
  });
}, WAIT * 3);

describe('the studio without a SoundFont', () => {
  let server: HttpServer;

  beforeAll(async () => {
    server = await createHttpServer({ client: model, port: 0, studio: true, soundfont: null, log: () => {} });
  }, WAIT);

  afterAll(async () => {
    await server?.close();
  });

  it('plays with the built-in synth and never asks for the file', async () => {
    const { page, requested } = await openStudio(server);
    await playAndHear(page, 'builtin');
    expect(await page.textContent('#status')).toMatch(/built-in synth/);
    await stopAndHearSilence(page);
    expect(requested).toContain('/studio/config');
    expect(requested).not.toContain('/studio/soundfont');
    await page.context().close();
  });
}, WAIT * 2);

describe('offline', () => {
  it('made no request anywhere else', () => {
    expect(external).toEqual([]);
  });
});
