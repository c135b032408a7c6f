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
import { convertToOnnx } from '../onnx/gpt2.js';
import { Gpt2Runtime, type KvCache, type RuntimeOptions } from '../runtime/gpt2.js';
import { TokenSampler } from '../sampling/filters.js';
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
  private constructor(
    readonly runtime: Gpt2Runtime,
    readonly tokenizer: Tokenizer,
  ) {
    if (tokenizer.vocabSize !== runtime.config.vocab_size)
      throw new Error(`the model has ${runtime.config.vocab_size} tokens but its encoder has ${tokenizer.vocabSize}`);
  }

  /** A converted `.onnx` model (bytes or path); its encoder config travels inside it. */
  static async fromOnnx(model: Uint8Array | string, options: RuntimeOptions = {}): Promise<InferenceEngine> {
    const runtime = await Gpt2Runtime.create(typeof model === 'string' ? readFileSync(model) : model, options);
    return new InferenceEngine(runtime, Tokenizer.fromConfig(runtime.encoderConfig));
  }

  /** A `.safetensors` or `.pt` checkpoint, converted in memory. */
  static async fromCheckpoint(path: string, options: RuntimeOptions = {}): Promise<InferenceEngine> {
    return InferenceEngine.fromOnnx(convertToOnnx(readCheckpoint(path)), options);
  }

  async release(): Promise<void> {
    await this.runtime.release();
  }

  /** Runs a request (the reference's JSON shape) on a score; returns the new score and what each step did. */
  async generate(score: Score, requestJson: unknown, options: GenerateOptions = {}): Promise<GenerationResult> {
    const { request, warnings } = validateRequest(requestJson, score, this.tokenizer);
    const records: StepRecord[] = [];
    let current = score;
    const steps = planRequest(request, score);
    for (const [index, step] of steps.entries()) {
      const { candidate, record } = await this.#runStep(current, request, step, index, options);
      current = candidate;
      records.push(record);
    }
    return { score: current, steps: records, warnings };
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

    // Prefill. attention_skip leaves hidden tokens out and keeps true positions.
    const kept = skip ? Array.from(prompt.keys()).filter((i) => !hidden[i]) : null;
    const visible = keyMask ? Array.from(hidden, (h) => 1 - h) : undefined;
    let result = kept
      ? await this.runtime.forward(kept.map((i) => prompt[i]!), undefined, kept)
      : await this.runtime.forward(prompt, undefined, undefined, visible);
    let cache: KvCache = result.present;
    if (mode === 'attention_approx' && spans.length > 0) nullSpans(cache, spans, this.runtime.fused);
    let nextPosition = kept ? kept[kept.length - 1]! + 1 : prompt.length; // B8 fixed: no skipped position
    let keyVisibility = visible ? [...visible] : null;
    let row = result.logits.subarray(result.logits.length - vocab);

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
      if (state.complete() || generated.length >= budget) break;
      keyVisibility?.push(1);
      result = await this.runtime.forward([token], cache, [nextPosition++], mode === 'attention' ? keyVisibility ?? undefined : undefined);
      cache = result.present;
      row = result.logits;
    }
    return generated;
  }
}

// attention_approx: after the masked prefill, hidden positions get K = -1e4 and V = 0 in every layer.
function nullSpans(cache: KvCache, spans: Array<[number, number]>, fused: boolean): void {
  for (const layer of cache) {
    // Fused caches hold K then V in one [2,1,H,S,hd] tensor.
    const blocks = fused ? [layer[0]!.data as Float32Array] : layer.map((t) => t.data as Float32Array);
    const [heads, length, dim] = (fused ? layer[0]!.dims.slice(2) : layer[0]!.dims.slice(1)) as [number, number, number];
    const halves = fused ? [blocks[0]!.subarray(0, heads * length * dim), blocks[0]!.subarray(heads * length * dim)] : blocks;
    const [k, v] = halves as [Float32Array, Float32Array];
    for (let h = 0; h < heads; h++)
      for (const [from, to] of spans) {
        const start = (h * length + from) * dim;
        const end = (h * length + Math.min(to, length)) * dim;
        k.fill(-1e4, start, end);
        v.fill(0, start, end);
      }
  }
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
