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
import { CheckpointError } from '../checkpoint/safetensors.js';
import { convertToOnnx } from '../onnx/gpt2.js';
import { Gpt2Runtime, type RuntimeOptions } from '../runtime/gpt2.js';
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
      throw new CheckpointError(
        `the model has ${runtime.config.vocab_size} tokens but its encoder config has ${tokenizer.vocabSize}: they do not belong together`,
      );
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
      if (state.complete() || generated.length >= budget) break;
      position[0] = nextPosition++;
      logits = await this.runtime.forward([token], cache, { positions: position });
      row = logits;
    }
    return generated;
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
