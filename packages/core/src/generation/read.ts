// Reading an untyped (JSON) request into typed pieces. Type problems are
// collected, never thrown; a field with the wrong type reads as `undefined`
// so the checks that need it can be skipped (generation.md §1.4 is then run
// on what could be read).
import type { InferenceConfig } from './request.js';

export type JsonObject = Record<string, unknown>;

/** A plain `{...}` object: JSON objects, not arrays, Maps or class instances. */
export function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A short, quotable rendering of any value, for messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;  // cycles and the like
  }
  if (text === undefined) return typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `1, 2, 3` with at most `max` items shown. */
export function listOf(values: readonly (number | string)[], max = 10): string {
  const shown = values.slice(0, max).join(', ');
  return values.length > max ? `${shown}, ... (${values.length} in all)` : shown;
}

/** The problem naming keys of `object` outside `known`, if any. */
export function unknownKeys(object: JsonObject, known: readonly string[], path: string): string | undefined {
  const extra = Object.keys(object).filter((key) => !known.includes(key));
  if (extra.length === 0) return undefined;
  return `${path} has unknown key${extra.length > 1 ? 's' : ''} ${listOf(extra.map((k) => JSON.stringify(k)))} (known: ${known.join(', ')})`;
}

export const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

// --- InferenceConfig -------------------------------------------------------

type FieldKind = 'number' | 'integer' | 'boolean' | 'string' | 'integer or null';

const CONFIG_FIELDS: { readonly [K in keyof InferenceConfig]: FieldKind } = {
  temperature: 'number',
  seed: 'integer',
  max_attempts: 'integer',
  novelty_check: 'boolean',
  silence_check: 'boolean',
  temperature_escalation: 'number',
  bars_per_step: 'integer',
  tracks_per_step: 'integer',
  model_dim: 'integer or null',
  shuffle: 'boolean',
  mask_mode: 'string',
  polyphony_hard_limit: 'integer',
  density_hard_limit: 'integer',
  strict_controls: 'boolean',
  top_p: 'number',
  top_k: 'integer',
  mask_p: 'number',
  mask_k: 'integer',
};

function hasKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'number':
      return isNumber(value);
    case 'integer':
      return isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'integer or null':
      return value === null || isInteger(value);
  }
}

/** The config fields a user gave with the right type; `mask_mode` is any string here (its values are checked later). */
export type ConfigValues = Partial<Omit<InferenceConfig, 'model_dim' | 'mask_mode'>> & { model_dim?: number | null; mask_mode?: string };

export interface ConfigRead {
  given: ConfigValues;
  /** Fields given with the wrong type. */
  invalid: Set<keyof InferenceConfig>;
}

/** Reads `request.config`: unknown keys and wrong types become problems. */
export function readConfig(raw: unknown, problems: string[]): ConfigRead {
  const read: ConfigRead = { given: {}, invalid: new Set() };
  if (raw === undefined) return read;
  if (!isPlainObject(raw)) {
    problems.push(`config must be an object (got ${show(raw)})`);
    return read;
  }
  const names = Object.keys(CONFIG_FIELDS) as Array<keyof InferenceConfig>;
  const extra = unknownKeys(raw, names, 'config');
  if (extra) problems.push(extra);
  const given: Record<string, unknown> = read.given;
  for (const name of names) {
    const value = raw[name];
    if (value === undefined) continue;
    if (hasKind(value, CONFIG_FIELDS[name])) given[name] = value;
    else {
      read.invalid.add(name);
      problems.push(`config.${name} must be ${article(CONFIG_FIELDS[name])} (got ${show(value)})`);
    }
  }
  return read;
}

function article(kind: FieldKind): string {
  return kind === 'integer' || kind === 'integer or null' ? `an ${kind}` : `a ${kind}`;
}

// --- TrackPrompt -----------------------------------------------------------

export const PROMPT_KEYS = ['id', 'bars', 'autoregressive', 'ignore', 'mask_bars', 'attributes', 'controls', 'bar_attributes', 'bar_controls'] as const;

/**
 * One prompt as far as it could be read. A field that is `undefined` was
 * given with the wrong type (absent optional fields hold their defaults).
 * Entry lists keep only well-typed entries, in the user's order.
 */
export interface PromptRead {
  /** Position in `request.tracks`. */
  index: number;
  id: number | undefined;
  bars: number[] | undefined;
  autoregressive: boolean | undefined;
  ignore: boolean | undefined;
  mask_bars: number[] | undefined;
  attributes: Array<[string, number]>;
  controls: Array<[string, unknown]>;
  bar_attributes: Array<[number, Array<[string, number]>]>;
  bar_controls: Array<[number, Array<[string, unknown]>]>;
  /** Type problems of this prompt, reported at the start of its checks. */
  typeProblems: string[];
}

/** Reads `request.tracks[index]`. */
export function readPrompt(raw: unknown, index: number): PromptRead {
  const path = `tracks[${index}]`;
  const read: PromptRead = {
    index, id: undefined, bars: [], autoregressive: false, ignore: false, mask_bars: [],
    attributes: [], controls: [], bar_attributes: [], bar_controls: [], typeProblems: [],
  };
  const problems = read.typeProblems;
  if (!isPlainObject(raw)) {
    problems.push(`${path} must be an object (got ${show(raw)})`);
    return { ...read, bars: undefined, autoregressive: undefined, ignore: undefined, mask_bars: undefined };
  }
  const extra = unknownKeys(raw, PROMPT_KEYS, path);
  if (extra) problems.push(extra);

  if (raw.id === undefined) problems.push(`${path}.id is required (the score track index)`);
  else if (isInteger(raw.id)) read.id = raw.id;
  else problems.push(`${path}.id must be an integer (got ${show(raw.id)})`);

  read.bars = readBarList(raw.bars, `${path}.bars`, problems);
  read.autoregressive = readBoolean(raw.autoregressive, `${path}.autoregressive`, problems);
  read.ignore = readBoolean(raw.ignore, `${path}.ignore`, problems);
  read.mask_bars = readBarList(raw.mask_bars, `${path}.mask_bars`, problems);
  read.attributes = readLevels(raw.attributes, `${path}.attributes`, problems);
  read.controls = readEntries(raw.controls, `${path}.controls`, problems);
  read.bar_attributes = readBarKeyed(raw.bar_attributes, `${path}.bar_attributes`, problems, readLevels);
  read.bar_controls = readBarKeyed(raw.bar_controls, `${path}.bar_controls`, problems, readEntries);
  return read;
}

function readBoolean(value: unknown, path: string, problems: string[]): boolean | undefined {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  problems.push(`${path} must be a boolean (got ${show(value)})`);
  return undefined;
}

/** A list of bar indices; `undefined` when it or any element has the wrong type. */
function readBarList(value: unknown, path: string, problems: string[]): number[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`${path} must be an array of bar indices (got ${show(value)})`);
    return undefined;
  }
  let ok = true;
  for (let i = 0; i < value.length; i++) {
    const bar: unknown = value[i];
    if (isInteger(bar)) continue;
    problems.push(`${path}[${i}] must be an integer (got ${show(bar)})`);
    ok = false;
  }
  return ok ? (value as number[]).slice() : undefined;
}

/** The entries of an object, in order; a problem when it is not an object. */
function readEntries(value: unknown, path: string, problems: string[]): Array<[string, unknown]> {
  if (value === undefined) return [];
  if (isPlainObject(value)) return Object.entries(value);
  problems.push(`${path} must be an object (got ${show(value)})`);
  return [];
}

/** Attribute levels `{name: integer}`; entries with other values become problems. */
function readLevels(value: unknown, path: string, problems: string[]): Array<[string, number]> {
  const levels: Array<[string, number]> = [];
  for (const [name, level] of readEntries(value, path, problems)) {
    if (isInteger(level)) levels.push([name, level]);
    else problems.push(`${path}.${name} must be an integer level (got ${show(level)})`);
  }
  return levels;
}

/** `{"3": inner}` objects: keys become bar numbers ("3" and 3 alike; negative ones are left to the range check). */
function readBarKeyed<T>(
  value: unknown,
  path: string,
  problems: string[],
  readInner: (inner: unknown, path: string, problems: string[]) => T,
): Array<[number, T]> {
  const out: Array<[number, T]> = [];
  const seen = new Map<number, string>();
  for (const [key, inner] of readEntries(value, path, problems)) {
    const bar = /^\s*-?\d+\s*$/.test(key) ? Number(key) : NaN;
    if (!Number.isSafeInteger(bar)) {
      problems.push(`${path} key ${JSON.stringify(key)} must be a bar index (an integer)`);
      continue;
    }
    const earlier = seen.get(bar);
    if (earlier !== undefined) {
      problems.push(`${path} gives bar ${bar} twice (keys ${JSON.stringify(earlier)} and ${JSON.stringify(key)})`);
      continue;
    }
    seen.set(bar, key);
    out.push([bar, readInner(inner, `${path}[${JSON.stringify(key)}]`, problems)]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}
