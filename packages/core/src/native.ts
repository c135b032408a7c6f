// Loads the addon: a prebuilt binary from prebuilds/ when one matches this
// platform, otherwise the local CMake build in build/Release.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MidiEvents, ScoreInput, ScoreJSON } from './types.js';

export interface NativeAddon {
  readMidi(bytes: Uint8Array, resolution: number): ScoreJSON;
  parseMidiEvents(bytes: Uint8Array): MidiEvents;
  writeMidi(score: ScoreInput): Uint8Array;
  resample(score: ScoreInput, resolution: number, useDelta: boolean): ScoreJSON;
  normalizeScore(score: unknown): ScoreJSON;
  defaultResolution: number;
}

const require = createRequire(import.meta.url);
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function load(): NativeAddon {
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
  try {
    return nodeGypBuild(packageRoot) as NativeAddon;
  } catch (cause) {
    throw new Error(
      `@midigpt/core: no native addon for ${process.platform}-${process.arch} (Node ${process.version}). ` +
        'Build it from source with `pnpm --filter @midigpt/core build` (needs CMake and a C++20 compiler).',
      { cause },
    );
  }
}

export const native: NativeAddon = load();
