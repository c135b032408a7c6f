// Generation with a converted model (generation.md §2.6, §5, §6): plan the
// request, then for every step build the prompt, run the model token by
// token under the grammar mask, and write the generated bars back.
import { readFileSync } from 'node:fs';
import {
  openStep,
  planRequest,
  prepareStep,
  Score,
  Tokenizer,
  validateRequest,
  writeBack,
  type GenerationRequest,
  type GenerationStep,
  type SessionState,
} from '@midigpt/core';
import { readCheckpoint } from '../checkpoint/read.js';
import { cachedConversion } from '../hub/cache.js';
import { pretrainedPath, type PretrainedOptions } from '../hub/pretrained.js';
import { CheckpointError } from '../checkpoint/safetensors.js';
import { convertToOnnx } from '../onnx/gpt2.js';
import { Gpt2Runtime, type RuntimeOptions } from '../runtime/gpt2.js';
import { TokenSampler } from '../sampling/filters.js';
import type { TokenLogger } from './token-logger.js';
import { Random } from '../sampling/random.js';

export interface StepRecord {
  step: GenerationStep;
  prompt: Int32Array;
  hiddenSpans: Array<[number, number]>;
  generated: number[];
  attempts: number;
}

export interface GenerateOptions {
  /** Stops the run between tokens; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after each token (step index, tokens of this step so far). */
  onToken?: (step: number, tokens: number) => void;
  /** Records every sampled token and a summary per step as JSON lines. */
  logger?: TokenLogger;
}

export interface TokenScores {
  /** log p of each token under the model, grammar-masked (-Infinity for an illegal token). */
  log_probs: number[];
  total_logp: number;
  n_tokens: number;
  /** By token type: mean, sum and count of the log probabilities. */
  per_type: Record<string, { mean: number; sum: number; n: number }>;
}

export interface GenerationResult {
  score: Score;
  steps: StepRecord[];
  warnings: string[];
}

/** The prompt is longer than the model's context. */
export class ContextOverflowError extends Error {
  override name = 'ContextOverflowError';
  readonly code = 'CONTEXT_OVERFLOW';
}

export class InferenceEngine {
  readonly #names: string[];

  private constructor(
    readonly runtime: Gpt2Runtime,
    readonly tokenizer: Tokenizer,
  ) {
    this.#names = tokenizer.tokenNames();
    if (tokenizer.vocabSize !== runtime.config.vocab_size)
      throw new CheckpointError(
        `the model has ${runtime.config.vocab_size} tokens but its encoder config has ${tokenizer.vocabSize}: they do not belong together`,
      );
  }

  /** A converted `.onnx` model (bytes or path); its encoder config travels inside it. */
  static async fromOnnx(model: Uint8Array | string, options: RuntimeOptions = {}): Promise<InferenceEngine> {
    const runtime = await Gpt2Runtime.create(typeof model === 'string' ? readFileSync(model) : model, options);
    return new InferenceEngine(runtime, Tokenizer.fromConfig(runtime.encoderConfig));
  }

  /**
   * A `.safetensors` or `.pt` checkpoint. Converted on the first load and kept in the model
   * cache under the checkpoint's sha256, so later loads skip the conversion.
   */
  static async fromCheckpoint(path: string, options: RuntimeOptions & { quantize?: 'int8' } = {}): Promise<InferenceEngine> {
    const variant = options.quantize ?? 'float32';
    const model = cachedConversion(path, variant, () => convertToOnnx(readCheckpoint(path), options.quantize ? { quantize: options.quantize } : {}));
    return InferenceEngine.fromOnnx(model, options);
  }

  /** A released model by name (`yellow`, `yellow_small`, `prism_medium`, `expressive`, ...), downloaded on first use. */
  static async fromPretrained(name: string, options: RuntimeOptions & PretrainedOptions & { quantize?: 'int8' } = {}): Promise<InferenceEngine> {
    return InferenceEngine.fromCheckpoint(await pretrainedPath(name, options), options);
  }

  async release(): Promise<void> {
    await this.runtime.release();
  }

  /**
   * Runs a request (the reference's JSON shape) on a score; returns the new score and what each
   * step did. When a prompt does not fit the model, smaller windows from the encoder's
   * `num_bars_map` are tried, largest first (generation.md §2.6).
   */
  async generate(score: Score, requestJson: unknown, options: GenerateOptions = {}): Promise<GenerationResult> {
    const { request, warnings } = validateRequest(requestJson, score, this.tokenizer);
    const dims = this.#windowSizes(request.config.model_dim);
    for (const modelDim of dims) {
      const config = { ...request.config, model_dim: modelDim, bars_per_step: Math.min(request.config.bars_per_step, modelDim) };
      const attempt: GenerationRequest = { ...request, config };
      try {
        const records: StepRecord[] = [];
        let current = score;
        for (const [index, step] of planRequest(attempt, score).entries()) {
          const { candidate, record } = await this.#runStep(current, attempt, step, index, options);
          current = candidate;
          records.push(record);
        }
        if (modelDim !== request.config.model_dim) warnings.push(`the prompts did not fit with model_dim ${request.config.model_dim}; used ${modelDim}`);
        return { score: current, steps: records, warnings };
      } catch (error) {
        if (!(error instanceof ContextOverflowError) || modelDim === dims[dims.length - 1]) throw error;
      }
    }
    throw new ContextOverflowError('no window size fits the model');
  }

  // Window sizes to try, largest first: the encoder's sizes up to the request's.
  #windowSizes(modelDim: number): number[] {
    const sizes = (this.tokenizer.numBarsMap() ?? []).filter((d) => d <= modelDim).sort((a, b) => b - a);
    return sizes.length ? [...new Set(sizes)] : [modelDim];
  }

  /**
   * Teacher-forced log-likelihood of `tokens` as the continuation of step `stepIndex`'s prompt
   * (the reference's `score_from_tokens`, with our prompt pipeline).
   */
  async scoreTokens(score: Score, requestJson: unknown, tokens: number[], stepIndex = 0): Promise<TokenScores> {
    const empty: TokenScores = { log_probs: [], total_logp: 0, n_tokens: 0, per_type: {} };
    const { request } = validateRequest(requestJson, score, this.tokenizer);
    const step = planRequest(request, score)[stepIndex];
    if (!step || tokens.length === 0) return empty;
    const state = openStep(this.tokenizer, prepareStep(this.tokenizer, score, request, step));
    const prompt = Array.from(state.prompt());
    const { vocab_size: vocab, n_positions: maxContext } = this.runtime.config;
    if (prompt.length + tokens.length > maxContext)
      throw new ContextOverflowError(`the prompt and tokens (${prompt.length + tokens.length}) exceed the model's ${maxContext} positions`);
    const logits = await this.runtime.forward([...prompt, ...tokens], this.runtime.createCache(prompt.length + tokens.length));
    const names = this.#names;
    const allowed = new Uint8Array(vocab);
    const result: TokenScores = { log_probs: [], total_logp: 0, n_tokens: 0, per_type: {} };
    for (const [i, token] of tokens.entries()) {
      const row = logits.subarray((prompt.length - 1 + i) * vocab, (prompt.length + i) * vocab);
      const anyLegal = state.mask(allowed) !== 'no-legal-token';
      let max = -Infinity;
      for (let id = 0; id < vocab; id++) if (!anyLegal || allowed[id]) max = Math.max(max, row[id]!);
      let sum = 0;
      for (let id = 0; id < vocab; id++) if (!anyLegal || allowed[id]) sum += Math.exp(row[id]! - max);
      const logp = anyLegal && !allowed[token] ? -Infinity : row[token]! - max - Math.log(sum);
      result.log_probs.push(logp);
      result.total_logp += logp;
      result.n_tokens++;
      const type = names[token]!.slice(0, names[token]!.lastIndexOf(':'));
      const entry = (result.per_type[type] ??= { mean: 0, sum: 0, n: 0 });
      entry.sum += logp;
      entry.n++;
      entry.mean = entry.sum / entry.n;
      try {
        state.advance(token);
      } catch {
        break;
      }
    }
    return result;
  }

  // §5.6 with our checks measured at one resolution: attempts with escalating temperature.
  async #runStep(score: Score, request: GenerationRequest, step: GenerationStep, index: number, options: GenerateOptions) {
    const c = request.config;
    const reasons: string[] = [];
    for (let attempt = 0; attempt < c.max_attempts; attempt++) {
      const temperature = c.temperature * c.temperature_escalation ** attempt;
      const random = new Random(c.seed >= 0 ? c.seed + attempt : (Math.random() * 2 ** 32) >>> 0);
      const state = openStep(this.tokenizer, prepareStep(this.tokenizer, score, request, step));
      const generated = await this.#sample(state, request, temperature, random, index, options);
      const candidate = writeBack(score, state, this.tokenizer);
      const record = { step, prompt: state.prompt(), hiddenSpans: state.hiddenSpans(), generated, attempts: attempt + 1 };
      const silent = c.silence_check && noteCount(candidate, step) === 0;
      const unchanged = c.novelty_check && sameTargets(score, candidate, step);
      if (!silent && !unchanged) return { candidate, record };
      reasons.push(silent ? 'no notes in the generated bars' : 'the generated bars are identical to the input');
    }
    throw new Error(`step ${index + 1}: no acceptable result after ${c.max_attempts} attempt(s): ${reasons.join('; ')}`);
  }

  // §5.1 and §6: prefill the prompt, then one token at a time under the mask.
  async #sample(state: SessionState, request: GenerationRequest, temperature: number, random: Random, index: number, options: GenerateOptions) {
    const { n_positions: maxContext, vocab_size: vocab } = this.runtime.config;
    const mode = request.config.mask_mode;
    const prompt = state.prompt();
    if (prompt.length >= maxContext)
      throw new ContextOverflowError(`step ${index + 1}: the prompt has ${prompt.length} tokens; the model takes at most ${maxContext}`);
    const spans = state.hiddenSpans();
    const hidden = new Uint8Array(prompt.length);
    for (const [from, to] of spans) hidden.fill(1, from, to);
    const skip = mode === 'attention_skip' && spans.length > 0;
    const keyMask = (mode === 'attention' || mode === 'attention_approx') && spans.length > 0;

    // Prefill. attention_skip leaves hidden tokens out and keeps true positions;
    // attention hides span slots from every later query.
    const kept = skip ? Array.from(prompt.keys()).filter((i) => !hidden[i]) : null;
    const cache = this.runtime.createCache(Math.min(maxContext, prompt.length + 256));
    let logits = kept
      ? await this.runtime.prefill(kept.map((i) => prompt[i]!), cache, { positions: kept })
      : await this.runtime.prefill(prompt, cache, keyMask ? { visible: Array.from(hidden, (h) => 1 - h) } : {});
    if (mode === 'attention_approx') {
      for (const [from, to] of spans) cache.nullSlots(from, to);
      cache.visible.fill(1n, 0, cache.length); // approx: later queries see the nulled slots
    }
    const position = new Float64Array(1);
    let nextPosition = kept ? kept[kept.length - 1]! + 1 : prompt.length; // B8 fixed: no skipped position
    let row = logits.subarray(logits.length - vocab);

    const settings = { ...request.config, temperature }; // once per attempt, not per token
    const sampler = new TokenSampler(vocab);
    const allowed = new Uint8Array(vocab);
    const budget = maxContext - prompt.length - 1; // per step (B4 fixed)
    const generated: number[] = [];
    while (!state.complete() && generated.length < budget) {
      options.signal?.throwIfAborted();
      if (state.mask(allowed) === 'no-legal-token') break;
      const token = sampler.pick(row, allowed, settings, random);
      state.advance(token);
      generated.push(token);
      options.onToken?.(index, generated.length);
      if (options.logger) options.logger.token(generated.length - 1, token, this.#names[token]!, countLegal(allowed));
      if (state.complete() || generated.length >= budget) break;
      position[0] = nextPosition++;
      logits = await this.runtime.forward([token], cache, { positions: position });
      row = logits;
    }
    options.logger?.stepSummary(prompt.length, generated, this.#names);
    return generated;
  }
}

function countLegal(allowed: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < allowed.length; i++) n += allowed[i]!;
  return n;
}

function noteCount(score: Score, step: GenerationStep): number {
  const tracks = score.tracks;
  return step.bars_to_generate.reduce((n, [t, b]) => n + (tracks[t]?.bars[b]?.notes.length ?? 0), 0);
}

// The step's target bars hold the same (pitch, onset) multisets in both scores.
function sameTargets(a: Score, b: Score, step: GenerationStep): boolean {
  const key = (s: Score, t: number, bar: number) =>
    (s.tracks[t]?.bars[bar]?.notes ?? [])
      .map((n) => `${n[0]}@${n[2]}`)
      .sort()
      .join(',');
  return step.bars_to_generate.every(([t, bar]) => key(a, t, bar) === key(b, t, bar));
}
