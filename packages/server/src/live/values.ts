// Coercion of incoming argument values, stricter than the reference's Python
// int()/float()/bool() (realtime.md §6 item 12): a value that is not what the
// field needs is refused, never guessed.
import { invalidParam } from './errors.js';

/** An argument as a transport delivers it. */
export type ArgValue = number | string | boolean | null | Uint8Array;

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** A finite number: an OSC int or float, or a decimal string (the reference accepted "3"). */
export function toNumber(value: ArgValue | undefined, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  throw invalidParam(`${what} must be a number, got ${describe(value)}`);
}

/** An integer; a float with a fractional part is refused (the reference truncated 2.9 to 2). */
export function toInt(value: ArgValue | undefined, what: string, min = -2147483648, max = 2147483647): number {
  const number = toNumber(value, what);
  if (!Number.isInteger(number)) throw invalidParam(`${what} must be an integer, got ${number}`);
  if (number < min || number > max) throw invalidParam(`${what} must be from ${min} to ${max}, got ${number}`);
  return number;
}

export function toFloat(value: ArgValue | undefined, what: string, min = -Infinity, max = Infinity): number {
  const number = toNumber(value, what);
  if (number < min || number > max) throw invalidParam(`${what} must be from ${min} to ${max}, got ${number}`);
  return number;
}

const TRUE = new Set(['true', 't', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'f', 'no', 'off', '0']);

/** OSC T/F, a number (0 = false), or true/false/yes/no/on/off/1/0 as text ("false" is false, unlike the reference). */
export function toBool(value: ArgValue | undefined, what: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value !== 0;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (TRUE.has(text)) return true;
    if (FALSE.has(text)) return false;
  }
  throw invalidParam(`${what} must be a boolean (1/0, true/false), got ${describe(value)}`);
}

export function toText(value: ArgValue | undefined, what: string, maxLength = 256): string {
  if (typeof value !== 'string') throw invalidParam(`${what} must be a string, got ${describe(value)}`);
  if (value.length > maxLength) throw invalidParam(`${what} is longer than ${maxLength} characters`);
  return value;
}

export function describe(value: ArgValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nil';
  if (value instanceof Uint8Array) return `a blob of ${value.length} bytes`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}
