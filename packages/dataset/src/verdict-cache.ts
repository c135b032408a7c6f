// Verdicts by content hash, so a rebuild only parses new pieces and an
// interrupted build resumes where it stopped: one JSON line per piece,
// appended as soon as it is judged. The file is per filter setting.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import envPaths from 'env-paths';
import type { PieceFilters, Verdict } from './filters.js';

// Bump when the reader or the filters change what they decide.
const VERDICT_VERSION = 1;

/** MIDIGPT_CACHE, else `cache/` under MIDIGPT_HOME, else the user's cache folder. */
export function datasetCacheDir(): string {
  if (process.env.MIDIGPT_CACHE) return process.env.MIDIGPT_CACHE;
  if (process.env.MIDIGPT_HOME) return path.join(process.env.MIDIGPT_HOME, 'cache');
  return path.join(envPaths('midigpt', { suffix: '' }).cache, 'cache');
}

export class VerdictCache {
  readonly file: string;
  readonly #verdicts = new Map<string, Verdict>();

  constructor(filters: PieceFilters, dir = datasetCacheDir()) {
    const key = createHash('sha256')
      .update(JSON.stringify({ version: VERDICT_VERSION, minBars: filters.minBars, minTracks: filters.minTracks, ts: filters.timeSignatures }))
      .digest('hex')
      .slice(0, 16);
    this.file = path.join(dir, `verdicts-${key}.jsonl`);
    if (existsSync(this.file)) this.#load();
  }

  get(sha256: string): Verdict | undefined {
    return this.#verdicts.get(sha256);
  }

  /** Records a verdict; timeouts are not kept, as they may pass on a rerun or a faster machine. */
  set(sha256: string, verdict: Verdict): void {
    if (!verdict.ok && verdict.reason === 'timeout') return;
    this.#verdicts.set(sha256, verdict);
    mkdirSync(path.dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify({ sha256, verdict })}\n`);
  }

  #load(): void {
    // A line cut short by an interrupted build is skipped, not fatal.
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const entry = JSON.parse(line) as { sha256: string; verdict: Verdict };
        if (typeof entry.sha256 === 'string' && entry.verdict) this.#verdicts.set(entry.sha256, entry.verdict);
      } catch {
        continue;
      }
    }
  }
}
