// What the studio's browser tests share: Debian's chromium driven by
// playwright-core, pages that may reach their own server only (the studio
// works offline: every other request is refused and recorded), and the drag
// a user makes over bars of a lane.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { studioRoot } from '../../src/http/studio.js';

export const CHROMIUM = process.env['MIDIGPT_CHROMIUM'] ?? '/usr/bin/chromium';
/** Generous: the machine may be busy; nothing in these tests is timed. */
export const WAIT = 180_000;

/** Chromium, headless, allowed to start audio without a gesture; throws (saying how to fix it) without chromium or a built studio. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium is needed at ${CHROMIUM}: apt-get install chromium (or set MIDIGPT_CHROMIUM)`);
  studioRoot(); // throws with how to build the studio when dist/ is missing
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
}

export interface OfflineOptions {
  height?: number;
  acceptDownloads?: boolean;
  /** Gets the path of every request to the server. */
  onRequest?: (pathname: string) => void;
}

/** A browser context whose pages reach `serverUrl` only; other requests are aborted and pushed to `external`. */
export async function offlineContext(browser: Browser, serverUrl: string, external: string[], options: OfflineOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: options.height ?? 540 }, ...(options.acceptDownloads ? { acceptDownloads: true } : {}) });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (!url.startsWith(`${serverUrl}/`)) {
      external.push(url);
      return route.abort();
    }
    options.onRequest?.(new URL(url).pathname);
    return route.continue();
  });
  return context;
}

/** A page in a new offline context, with the generous default wait. */
export async function offlinePage(browser: Browser, serverUrl: string, external: string[], options: OfflineOptions = {}): Promise<Page> {
  const page = await (await offlineContext(browser, serverUrl, external, options)).newPage();
  page.setDefaultTimeout(WAIT);
  return page;
}

/** Drags over `bars` of `track`'s lane, as a user does (the page's test hook says where they are). */
export async function dragOver(page: Page, track: number, bars: number[]): Promise<void> {
  const from = await page.evaluate(([t, b]) => window.__studio!.point(t!, b!), [track, bars[0]]);
  const to = await page.evaluate(([t, b]) => window.__studio!.point(t!, b!), [track, bars[bars.length - 1]]);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
}

declare global {
  interface Window {
    __studio?: { point(track: number | null, bar: number): { x: number; y: number } };
  }
}
