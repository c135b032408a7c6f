import { UsageError } from './errors.js';

/** Parses --resolution: an integer number of ticks per quarter note. */
export function parseResolution(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > 32767)
    throw new UsageError(`--resolution must be a whole number of ticks per quarter note from 1 to 32767, got "${value}"`);
  return n;
}
