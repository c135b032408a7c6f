import { UsageError } from './errors.js';

/** Parses --resolution: an integer number of ticks per quarter note. */
export function parseResolution(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > 32767)
    throw new UsageError(`--resolution must be a whole number of ticks per quarter note from 1 to 32767, got "${value}"`);
  return n;
}

/** A commander parser for a numeric flag, named in its error. */
export const number = (name: string) => (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${name} must be a number, got "${value}"`);
  return n;
};

/** A commander parser for a number that must not be negative. */
export const nonNegative = (name: string) => (value: string): number => {
  const n = number(name)(value);
  if (n < 0) throw new UsageError(`${name} must be 0 or more, got "${value}"`);
  return n;
};

/** A commander parser for a whole-number flag, named in its error. */
export const integer = (name: string) => (value: string): number => {
  const n = number(name)(value);
  if (!Number.isInteger(n)) throw new UsageError(`${name} must be a whole number, got "${value}"`);
  return n;
};
