// Runtime parameters (realtime.md §1.8): the reference's names and defaults,
// validated against what the model accepts when they are set (§6 item 5), and
// start-up values that survive `/session/init` and `/param/reset` (§6 item 4).
import type { ModelInfo } from '../worker/protocol.js';
import { invalidParam } from './errors.js';
import { toBool, toFloat, toInt, toText, type ArgValue } from './values.js';

export const WARMUP_POLICIES = ['a_empty', 'a_masked', 'b', 'b_collapse'] as const;
export type WarmupPolicy = (typeof WARMUP_POLICIES)[number];
export const MASK_MODES = ['token', 'attention', 'attention_approx', 'attention_skip', 'remove'] as const;
export type MaskMode = (typeof MASK_MODES)[number];

export interface Params {
  lookahead_bars: number;
  buffer_bars: number;
  num_anticipated_bars: number;
  temperature: number;
  model_dim: number;
  top_p: number;
  top_k: number;
  mask_p: number;
  mask_k: number;
  temperature_escalation: number;
  novelty_check: boolean;
  silence_check: boolean;
  sampling_seed: number;
  adapt_buffer: boolean;
  gen_timeout: number;
  max_attempts: number;
  warmup_policy: WarmupPolicy;
  mask_mode: MaskMode;
  polyphony_hard_limit: number;
  density_hard_limit: number;
}

export type ParamName = keyof Params;

type Parser = (value: ArgValue | undefined, name: string) => Params[ParamName];
const int = (min: number, max: number): Parser => (v, n) => toInt(v, n, min, max);
const float = (min: number, max: number): Parser => (v, n) => toFloat(v, n, min, max);
const bool: Parser = (v, n) => toBool(v, n);
const oneOf =
  (values: readonly string[]): Parser =>
  (v, n) => {
    const text = toText(v, n);
    if (!values.includes(text)) throw invalidParam(`${n} must be one of ${values.join(', ')}, got "${text}"`);
    return text as Params[ParamName];
  };

const PARSERS: Record<ParamName, Parser> = {
  lookahead_bars: int(1, 8),
  buffer_bars: int(2, 64),
  num_anticipated_bars: int(1, 8),
  temperature: float(0.1, 5),
  model_dim: int(1, 16),
  top_p: float(0, 1),
  top_k: int(0, 10000),
  mask_p: float(0, 1),
  mask_k: int(0, 10000),
  temperature_escalation: float(1, 3),
  novelty_check: bool,
  silence_check: bool,
  sampling_seed: int(-1, 2147483647),
  adapt_buffer: bool,
  gen_timeout: float(0, 3600),
  max_attempts: int(1, 10),
  warmup_policy: oneOf(WARMUP_POLICIES),
  mask_mode: oneOf(MASK_MODES),
  polyphony_hard_limit: int(0, 128),
  density_hard_limit: int(0, 1000),
};

export const PARAM_NAMES = Object.keys(PARSERS) as ParamName[];

export function isParamName(name: string): name is ParamName {
  return Object.hasOwn(PARSERS, name);
}

/** The reference's defaults, with `model_dim` and `mask_mode` fitted to the model (§6 item 3). */
export function defaultParams(model: ModelInfo): Params {
  const dims = model.modelDims;
  return {
    lookahead_bars: 1,
    buffer_bars: 4,
    num_anticipated_bars: 1,
    temperature: 1.0,
    model_dim: dims.length === 0 || dims.includes(8) ? 8 : Math.max(...dims.filter((d) => d <= 8), model.defaultModelDim),
    top_p: 1.0,
    top_k: 0,
    mask_p: 0.0,
    mask_k: 0,
    temperature_escalation: 1.0,
    novelty_check: true,
    silence_check: true,
    sampling_seed: -1,
    adapt_buffer: true,
    gen_timeout: 0,
    max_attempts: 3,
    warmup_policy: 'a_empty',
    mask_mode: model.defaultMaskMode as MaskMode,
    polyphony_hard_limit: 0,
    density_hard_limit: 0,
  };
}

/** One value, coerced and range-checked against the model. */
export function parseParam(model: ModelInfo, name: string, raw: ArgValue | undefined): Partial<Params> {
  if (!isParamName(name)) throw invalidParam(`unknown parameter "${name}" (known: ${PARAM_NAMES.join(', ')})`);
  let value = PARSERS[name](raw, name);
  if (name === 'model_dim' && model.modelDims.length > 0 && !model.modelDims.includes(value as number))
    throw invalidParam(`model_dim ${value} is not a window this model has (${model.modelDims.join(', ')})`);
  if (name === 'top_p' && value === 0) throw invalidParam('top_p must be above 0');
  if (name === 'mask_p' && value === 1) throw invalidParam('mask_p must be below 1');
  // The reference's substitution: `token` needs a MaskBar token; such models get attention_skip.
  if (name === 'mask_mode' && value === 'token' && !model.supportsMaskBar) value = 'attention_skip';
  return { [name]: value };
}

/** Combinations inference would refuse (§6 item 5), checked on the table a change would produce. */
export function checkCombination(params: Params): void {
  if (params.mask_p > 0 && params.top_p < 1 && params.mask_p >= params.top_p)
    throw invalidParam(`mask_p (${params.mask_p}) must be below top_p (${params.top_p}) when both are on`);
  if (params.mask_k > 0 && params.top_k > 0 && params.mask_k >= params.top_k)
    throw invalidParam(`mask_k (${params.mask_k}) must be below top_k (${params.top_k}) when both are on`);
  if (params.num_anticipated_bars > params.model_dim)
    throw invalidParam(`num_anticipated_bars (${params.num_anticipated_bars}) must not exceed model_dim (${params.model_dim})`);
}

/**
 * The persistent table, the one-shot overrides for the next generation, and
 * the start-up values (command-line flags) that `init`, `reset` and
 * `reset_all` return to.
 */
export class ParamTable {
  readonly #model: ModelInfo;
  readonly #base: Params;
  #persistent: Params;
  #once: Partial<Params> = {};

  constructor(model: ModelInfo, startup: Partial<Record<ParamName, ArgValue>> = {}) {
    this.#model = model;
    let base = defaultParams(model);
    for (const [name, raw] of Object.entries(startup)) if (raw !== undefined) base = { ...base, ...parseParam(model, name, raw) };
    checkCombination(base);
    this.#base = base;
    this.#persistent = { ...base };
  }

  /** What the next generation uses: persistent values with one-shot overrides on top. */
  effective(): Params {
    return { ...this.#persistent, ...this.#once };
  }

  get startup(): Readonly<Params> {
    return this.#base;
  }

  set(name: string, raw: ArgValue | undefined): void {
    const change = parseParam(this.#model, name, raw);
    checkCombination({ ...this.#persistent, ...change, ...this.#once });
    this.#persistent = { ...this.#persistent, ...change };
  }

  setOnce(name: string, raw: ArgValue | undefined): void {
    const change = parseParam(this.#model, name, raw);
    checkCombination({ ...this.#persistent, ...this.#once, ...change });
    this.#once = { ...this.#once, ...change };
  }

  reset(name: string): void {
    if (!isParamName(name)) throw invalidParam(`unknown parameter "${name}"`);
    this.#persistent = { ...this.#persistent, [name]: this.#base[name] };
    const { [name]: _dropped, ...rest } = this.#once;
    this.#once = rest;
  }

  resetAll(): void {
    this.#persistent = { ...this.#base };
    this.#once = {};
  }

  clearOnce(): void {
    this.#once = {};
  }
}
