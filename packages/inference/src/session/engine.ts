// Generation with a converted model (generation.md §2.6, §5, §6): plan the
// request, then for every step build the prompt, run the model token by
// token under the grammar mask, and write the generated bars back.
import {
  beatBarTicks,
  openStep,
  planRequest,
  prepareStep,
  Score,
  Tokenizer,
  validateRequest,
  withContextTracks,
  cutPadding,
  padShortPiece,
  writeBack,
  finishGeneratedBars,
  type GenerationRequest,
  type GenerationStep,
  type NoteTuple,
  type PreparedStep,
  type SessionState,
} from '@midigpt/core';
import type { PretrainedOptions } from '../hub/pretrained.js';
import { CheckpointError } from '../checkpoint/safetensors.js';
import { Gpt2Runtime, type ModelRuntime, type RuntimeOptions } from '../runtime/gpt2.js';
import type { KvCache } from '../runtime/kv-cache.js';
import { TokenSampler } from '../sampling/filters.js';
import { modelFiles } from './model-files.js';
import { commonPrefix, nextPosition, promptFeed, sameFeed, type Feed, type PromptReuse } from './prompt-feed.js';
import type { TokenLogger } from './token-logger.js';
import { Random } from '../sampling/random.js';

export interface StepRecord {
  step: GenerationStep;
  prompt: Int32Array;
  hiddenSpans: Array<[number, number]>;
  generated: number[];
  /** log p of each generated token under the model (grammar-masked, temperature 1), as `scoreFromTokens` gives it. */
  logProbs: number[];
  attempts: number;
  /** The temperature of the accepted attempt (`temperature · temperature_escalation^(attempts − 1)`). */
  temperature: number;
  /** Prompt tokens of the accepted attempt whose keys and values came from an earlier prompt of the request (not run again). */
  reusedTokens: number;
}

export interface GenerateOptions {
  /** Stops the run between tokens; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after each token (step index, tokens of this step so far). */
  onToken?: (step: number, tokens: number) => void;
  /** Progress after each token: step (0-based) of steps, tokens so far in the run, tokens per second. */
  onProgress?: (progress: { step: number; steps: number; tokens: number; tokensPerSecond: number }) => void;
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
  /** log-likelihood of the generated tokens under the model (grammar-masked, temperature 1). */
  logLikelihood: number;
}

/** A prompt goes on from a kept cache when their common prefix is at least this share of it (prompt-feed.ts). */
const REUSE_SHARE = 0.5;

/** Fewer free positions than this after a prompt: the step may be cut short, and the user is warned. */
const CONTEXT_WARNING_TOKENS = 128;

/** The prompt is longer than the model's context. */
export class ContextOverflowError extends Error {
  override name = 'ContextOverflowError';
  readonly code = 'CONTEXT_OVERFLOW';
}

export class InferenceEngine {
  readonly #names: string[];
  /**
   * Prompts of one request share work: a retried attempt, the next step of a window that did not
   * move and variations of one prompt run only what an earlier prompt did not (prompt-feed.ts).
   * False runs every prompt from its first token (for benchmarks).
   */
  reusePrompts = true;

  private constructor(
    readonly runtime: ModelRuntime,
    readonly tokenizer: Tokenizer,
  ) {
    this.#names = tokenizer.tokenNames();
    if (tokenizer.vocabSize !== runtime.config.vocab_size)
      throw new CheckpointError(
        `the model has ${runtime.config.vocab_size} tokens but its encoder config has ${tokenizer.vocabSize}: they do not belong together`,
      );
  }

  /**
   * An engine on any model runtime with the tokenizer of its encoder (vocabulary sizes must
   * agree): another backend, or a scripted double in tests.
   */
  static fromRuntime(runtime: ModelRuntime, tokenizer: Tokenizer): InferenceEngine {
    return new InferenceEngine(runtime, tokenizer);
  }

  /** A converted `.onnx` model (bytes or path); its encoder config travels inside it. */
  static async fromOnnx(model: Uint8Array | string, options: RuntimeOptions = {}): Promise<InferenceEngine> {
    const runtime = await Gpt2Runtime.create(typeof model === 'string' ? modelFiles.openModel(model) : model, options);
    return new InferenceEngine(runtime, Tokenizer.fromConfig(runtime.encoderConfig));
  }

  /**
   * A `.safetensors` or `.pt` checkpoint. Converted on the first load and kept in the model
   * cache under the checkpoint's sha256, so later loads skip the conversion.
   */
  static async fromCheckpoint(path: string, options: RuntimeOptions & { quantize?: 'int8' | 'int4' } = {}): Promise<InferenceEngine> {
    return InferenceEngine.fromOnnx(await modelFiles.convertCheckpoint(path, options.quantize), options);
  }

  /** A released model by name (`yellow`, `yellow_small`, `prism_medium`, `expressive`, ...), downloaded on first use. */
  static async fromPretrained(name: string, options: RuntimeOptions & PretrainedOptions & { quantize?: 'int8' | 'int4' } = {}): Promise<InferenceEngine> {
    return InferenceEngine.fromCheckpoint(await modelFiles.pretrainedPath(name, options), options);
  }

  async release(): Promise<void> {
    await this.runtime.release();
  }

  /**
   * The reference's shape: `engine.session(score, request).run()`. Validation happens here, at
   * once, with the reference's rule that every score track has a prompt.
   */
  session(score: Score, requestJson: unknown): SamplingSession {
    validateRequest(requestJson, score, this.tokenizer);
    return new SamplingSession(this, score, requestJson);
  }

  /**
   * Runs a request (the reference's JSON shape) on a score; returns the new score and what each
   * step did. Score tracks the request does not list are context. When a prompt does not fit
   * the model, smaller windows from the encoder's `num_bars_map` are tried, largest first
   * (generation.md §2.6).
   */
  async generate(score: Score, requestJson: unknown, options: GenerateOptions = {}): Promise<GenerationResult> {
    return (await this.generateVariations(score, requestJson, 1, options))[0]!;
  }

  /**
   * `count` alternative results of one request, sampled side by side (one batched forward per
   * token), best first by the model's log-likelihood of what it generated. Variation k draws
   * from a generator seeded with `seed + 1000·k + attempt`.
   */
  async generateVariations(input: Score, inputRequest: unknown, count: number, options: GenerateOptions = {}): Promise<GenerationResult[]> {
    if (!Number.isInteger(count) || count < 1 || count > 64) throw new RangeError('the number of variations must be an integer from 1 to 64');
    const requestJson = withContextTracks(inputRequest, input);
    // A piece shorter than the window runs padded with empty bars, cut off the results.
    const padded = padShortPiece(input, requestJson, this.tokenizer);
    const results = await this.#generate(padded?.score ?? input, padded?.request ?? requestJson, count, options);
    if (!padded) return results;
    return results.map((r) => ({ ...r, score: cutPadding(r.score, padded.bars, r.steps.flatMap((s) => s.step.bars_to_generate)) }));
  }

  async #generate(score: Score, requestJson: unknown, count: number, options: GenerateOptions): Promise<GenerationResult[]> {
    const { request, warnings } = validateRequest(requestJson, score, this.tokenizer);
    const dims = this.#windowSizes(request.config.model_dim);
    for (const modelDim of dims) {
      const config = { ...request.config, model_dim: modelDim, bars_per_step: Math.min(request.config.bars_per_step, modelDim) };
      const attempt: GenerationRequest = { ...request, config };
      try {
        const lanes = Array.from({ length: count }, () => ({ score, steps: [] as StepRecord[], logLikelihood: 0, warnings: [] as string[] }));
        const reuse: PromptReuse = { cache: null, feed: null };
        const plan = planRequest(attempt, score);
        const started = performance.now();
        let tokens = 0;
        const progress: GenerateOptions = {
          ...options,
          onToken: (stepIndex, stepTokens) => {
            tokens++;
            options.onToken?.(stepIndex, stepTokens);
            options.onProgress?.({ step: stepIndex, steps: plan.length, tokens, tokensPerSecond: (tokens * 1000) / Math.max(1, performance.now() - started) });
          },
        };
        for (const [index, step] of plan.entries()) {
          const results = await this.#runStep(lanes.map((l) => l.score), attempt, step, index, progress, reuse);
          results.forEach((r, k) => {
            lanes[k]!.score = r.candidate;
            lanes[k]!.steps.push(r.record);
            lanes[k]!.logLikelihood += r.logLikelihood;
            lanes[k]!.warnings.push(...r.warnings);
          });
        }
        const notes = modelDim !== request.config.model_dim ? [`the prompts did not fit with model_dim ${request.config.model_dim}; used ${modelDim}`] : [];
        return lanes
          .map((l) => ({ score: finishGeneratedBars(l.score, plan.flatMap((s) => s.bars_to_generate)), steps: l.steps, warnings: [...warnings, ...notes, ...l.warnings], logLikelihood: l.logLikelihood }))
          .sort((a, b) => b.logLikelihood - a.logLikelihood);
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
  async scoreFromTokens(score: Score, requestJson: unknown, tokens: number[], stepIndex = 0): Promise<TokenScores> {
    const result: TokenScores = { log_probs: [], total_logp: 0, n_tokens: 0, per_type: {} };
    const { request } = validateRequest(withContextTracks(requestJson, score), score, this.tokenizer);
    const step = planRequest(request, score)[stepIndex];
    if (!step || tokens.length === 0) return result;
    // The generation path itself: the same prompt, prefill (hidden spans, mask mode, positions) and
    // one cached decode step per token, so the numbers are the ones generation would see.
    const state = openStep(this.tokenizer, prepareStep(this.tokenizer, score, request, step));
    const { vocab_size: vocab, n_positions: maxContext } = this.runtime.config;
    const prompt = state.prompt();
    if (prompt.length + tokens.length > maxContext)
      throw new ContextOverflowError(`the prompt and tokens (${prompt.length + tokens.length}) exceed the model's ${maxContext} positions`);
    const cache = this.runtime.createCache(prompt.length + tokens.length, 1);
    let { row, nextPosition } = await this.#prefill(state, cache, 0, request.config.mask_mode);
    const allowed = new Uint8Array(vocab);
    const positions = new Float64Array(1);
    const names = this.#names;
    let possible = true; // false after an illegal token: what follows has probability 0
    for (const [i, token] of tokens.entries()) {
      if (!Number.isInteger(token) || token < 0 || token >= vocab) throw new RangeError(`tokens[${i}] = ${token} is not a token id of this model (0-${vocab - 1})`);
      const legal: boolean = possible && state.mask(allowed) !== 'no-legal-token' && allowed[token] === 1;
      const logp = legal ? logProbability(row, allowed, token) : -Infinity;
      result.log_probs.push(logp);
      result.total_logp += logp;
      result.n_tokens++;
      const type = names[token]!.slice(0, names[token]!.lastIndexOf(':'));
      const entry = (result.per_type[type] ??= { mean: 0, sum: 0, n: 0 });
      entry.sum += logp;
      entry.n++;
      entry.mean = entry.sum / entry.n;
      possible = legal;
      if (!possible) continue;
      state.advance(token); // a legal token always advances: an error here is a bug, not swallowed
      if (i + 1 === tokens.length) break;
      positions[0] = nextPosition++;
      row = await this.runtime.forward([token], cache, { positions });
    }
    return result;
  }

  // §5.6 with our checks measured at one resolution: attempts with escalating temperature.
  // All variations share the first attempt's batch; a variation whose result fails a check
  // is retried on its own.
  async #runStep(scores: Score[], request: GenerationRequest, step: GenerationStep, index: number, options: GenerateOptions, reuse: PromptReuse) {
    const c = request.config;
    const results: Array<{ candidate: Score; record: StepRecord; logLikelihood: number; warnings: string[] } | undefined> = scores.map(() => undefined);
    const reasons: string[][] = scores.map(() => []);
    // Greedy decoding (temperature 0, or top_k 1 at any temperature) repeats itself: one attempt says all.
    const greedy = c.top_k === 1 || c.temperature === 0;
    const attempts = greedy ? 1 : c.max_attempts;
    // A step is prepared once per distinct input score: variations share the first step's input,
    // and a retried attempt starts from the same score as the one before.
    const prepared = new Map<Score, PreparedStep>();
    const prepare = (input: Score): PreparedStep => {
      let p = prepared.get(input);
      if (!p) prepared.set(input, (p = prepareStep(this.tokenizer, input, request, step)));
      return p;
    };
    for (let attempt = 0; attempt < attempts; attempt++) {
      const pending = scores.map((_, k) => k).filter((k) => !results[k]);
      if (pending.length === 0) break;
      const temperature = c.temperature * c.temperature_escalation ** attempt;
      const states = pending.map((k) => openStep(this.tokenizer, prepare(scores[k]!)));
      const randoms = pending.map((k) => new Random(c.seed >= 0 ? c.seed + 1000 * k + attempt : (Math.random() * 2 ** 32) >>> 0));
      const sampled = await this.#sample(states, request, temperature, randoms, index, options, reuse);
      pending.forEach((k, i) => {
        const state = states[i]!;
        const candidate = writeBack(scores[k]!, state, this.tokenizer);
        const record = {
          step,
          prompt: state.prompt(),
          hiddenSpans: state.hiddenSpans(),
          generated: sampled[i]!.generated,
          logProbs: sampled[i]!.logProbs,
          attempts: attempt + 1,
          temperature,
          reusedTokens: sampled[i]!.reusedTokens,
        };
        // Both checks always run; a check that is off only warns (§5.6).
        const silent = noteCount(candidate, step) === 0;
        const unchanged = sameTargets(scores[k]!, candidate, step);
        const rejected = (silent && c.silence_check) || (unchanged && c.novelty_check);
        if (!rejected) {
          const warnings = [...(silent ? ['no notes in the generated bars (silence_check is off)'] : []), ...(unchanged ? ['the generated bars are identical to the input (novelty_check is off)'] : [])];
          results[k] = { candidate, record, logLikelihood: sampled[i]!.logLikelihood, warnings: [...sampled[i]!.warnings, ...warnings].map((w) => `step ${index + 1}: ${w}`) };
        } else reasons[k]!.push(silent && c.silence_check ? 'no notes in the generated bars' : 'the generated bars are identical to the input');
      });
    }
    const failed = results.findIndex((r) => !r);
    if (failed >= 0)
      throw new Error(
        `step ${index + 1}: no acceptable result after ${attempts} attempt(s): ${reasons[failed]!.join('; ')}` +
          (greedy && c.max_attempts > 1 ? ' (greedy decoding gives the same result on every attempt: sample with a temperature above 0 and top_k other than 1, or turn the check off)' : ''),
      );
    return results as Array<{ candidate: Score; record: StepRecord; logLikelihood: number; warnings: string[] }>;
  }

  // §5.1 and §6: prefill each lane's prompt, then one token per lane at a time under its mask.
  async #sample(states: SessionState[], request: GenerationRequest, temperature: number, randoms: Random[], index: number, options: GenerateOptions, reuse: PromptReuse) {
    const { n_positions: maxContext, vocab_size: vocab } = this.runtime.config;
    const mode = request.config.mask_mode;
    const prompts = states.map((s) => s.prompt());
    const longest = Math.max(...prompts.map((p) => p.length));
    if (longest >= maxContext)
      throw new ContextOverflowError(`step ${index + 1}: the prompt has ${longest} tokens; the model takes at most ${maxContext}`);
    const B = states.length;
    const feeds = states.map((s) => promptFeed(s, mode));
    // One lane may go on from the cache an earlier prompt of the request left (its common prefix kept),
    // when that prefix is most of the prompt (a retried attempt): a short one saves little, and the kept
    // cache, grown by the earlier run, costs more per decoded token than a fresh one sized for this run.
    // It is taken out of `reuse` until this run ends well, so a failed run leaves nothing half-written.
    const common = B === 1 && this.reusePrompts && reuse.cache && reuse.feed ? Math.min(commonPrefix(reuse.feed, feeds[0]!), feeds[0]!.tokens.length - 1) : 0;
    const kept = common >= REUSE_SHARE * feeds[0]!.tokens.length ? reuse.cache : null;
    const cache = kept ?? this.runtime.createCache(Math.min(maxContext, longest + 256), B);
    const start = kept ? common : 0;
    reuse.cache = null;
    reuse.feed = null;
    const rows: Float32Array[] = [];
    const next = new Float64Array(B); // next position id per lane
    const reusedTokens = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const twin = this.reusePrompts ? feeds.findIndex((f, a) => a < b && sameFeed(f, feeds[b]!)) : -1;
      if (twin >= 0) {
        cache.copyLane(twin, b); // variations of one prompt: prefilled once
        rows.push(rows[twin]!);
        reusedTokens[b] = feeds[b]!.tokens.length;
      } else {
        rows.push(await this.#prefillFeed(feeds[b]!, cache, b, b === 0 ? start : 0));
        reusedTokens[b] = b === 0 ? start : 0;
      }
      next[b] = nextPosition(feeds[b]!);
    }
    // What lane 0 holds from here on, for the next prompt (attention_approx nulls slots: not reusable).
    const fed: Feed | null = B === 1 && this.reusePrompts && feeds[0]!.nullSpans.length === 0 ? { ...feeds[0]!, tokens: [...feeds[0]!.tokens], positions: [...feeds[0]!.positions], visible: [...feeds[0]!.visible] } : null;
    const settings = { ...request.config, temperature }; // once per attempt, not per token
    const sampler = new TokenSampler(vocab);
    const allowed = new Uint8Array(vocab);
    const generated: number[][] = states.map(() => []);
    const logProbs: number[][] = states.map(() => []);
    const logLikelihood = new Float64Array(B);
    const active = states.map((s) => !s.complete());
    const budgets = prompts.map((p) => maxContext - p.length - 1); // per step (B4 fixed)
    const warnings = budgets.map((budget, b) =>
      budget < CONTEXT_WARNING_TOKENS
        ? [`the prompt takes ${prompts[b]!.length} of the model's ${maxContext} positions: only ${budget} tokens are left to generate (use a smaller model_dim, fewer tracks, or ignore some)`]
        : [],
    );
    const tokens = new Float64Array(B);
    const positions = new Float64Array(B);
    for (;;) {
      options.signal?.throwIfAborted();
      for (let b = 0; b < B; b++) {
        if (!active[b]) continue;
        const state = states[b]!;
        if (generated[b]!.length >= budgets[b]! || state.mask(allowed) === 'no-legal-token') {
          active[b] = false;
          continue;
        }
        const token = sampler.pick(rows[b]!, allowed, settings, randoms[b]!);
        const logp = logProbability(rows[b]!, allowed, token);
        logLikelihood[b]! += logp;
        logProbs[b]!.push(logp);
        state.advance(token);
        generated[b]!.push(token);
        if (b === 0) options.onToken?.(index, generated[0]!.length);
        options.logger?.token(generated[b]!.length - 1, token, this.#names[token]!, countLegal(allowed));
        tokens[b] = token;
        if (state.complete() || generated[b]!.length >= budgets[b]!) active[b] = false;
      }
      if (!active.some(Boolean)) break;
      for (let b = 0; b < B; b++) positions[b] = active[b] ? next[b]!++ : 0;
      if (B === 1) {
        rows[0] = await this.runtime.forward([tokens[0]!], cache, { positions });
        if (fed) {
          fed.tokens.push(tokens[0]!);
          fed.positions.push(positions[0]!);
          fed.visible.push(1);
        }
      } else {
        // Finished lanes ride along with a dummy token; their cache lanes are no longer read.
        const logits = await this.runtime.decodeBatch(tokens, cache, positions);
        for (let b = 0; b < B; b++) rows[b] = logits.subarray(b * vocab, (b + 1) * vocab);
      }
    }
    states.forEach((_, b) => options.logger?.stepSummary(prompts[b]!.length, generated[b]!, this.#names));
    if (fed) {
      reuse.cache = cache;
      reuse.feed = fed;
    }
    return states.map((_, b) => ({ generated: generated[b]!, logProbs: logProbs[b]!, logLikelihood: logLikelihood[b]!, warnings: warnings[b]!, reusedTokens: reusedTokens[b]! }));
  }

  // One lane's prompt into the cache. attention_skip leaves hidden tokens out and keeps true
  // positions; attention hides span slots from every later query; attention_approx nulls them.
  async #prefill(state: SessionState, cache: KvCache, lane: number, mode: string): Promise<{ row: Float32Array; nextPosition: number }> {
    const feed = promptFeed(state, mode);
    return { row: await this.#prefillFeed(feed, cache, lane, 0), nextPosition: nextPosition(feed) };
  }

  // A feed into one lane from slot `start` on (the slots before it are already there); returns the last token's logits.
  async #prefillFeed(feed: Feed, cache: KvCache, lane: number, start: number): Promise<Float32Array> {
    const vocab = this.runtime.config.vocab_size;
    cache.truncate(lane, start);
    const visible = feed.visible.slice(start);
    const logits = await this.runtime.prefill(feed.tokens.slice(start), cache, {
      lane,
      positions: feed.positions.slice(start),
      ...(visible.includes(0) ? { visible } : {}),
    });
    if (feed.nullSpans.length > 0) {
      for (const [from, to] of feed.nullSpans) cache.nullSlots(lane, from, to);
      cache.visible.fill(1n, lane * cache.capacity, lane * cache.capacity + cache.lengths[lane]!); // later queries see the nulled slots
    }
    return logits.subarray(logits.length - vocab);
  }
}

// log p(token) under the grammar-masked softmax at temperature 1.
function logProbability(row: Float32Array, allowed: Uint8Array, token: number): number {
  let max = -Infinity;
  for (let id = 0; id < row.length; id++) if (allowed[id] && row[id]! > max) max = row[id]!;
  let sum = 0;
  for (let id = 0; id < row.length; id++) if (allowed[id]) sum += Math.exp(row[id]! - max);
  return row[token]! - max - Math.log(sum);
}

function countLegal(allowed: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < allowed.length; i++) n += allowed[i]!;
  return n;
}

// Notes the user will get in the step's target bars: onsets the model put past a bar's end are
// dropped from the finished score (B16), so they do not count.
function noteCount(score: Score, step: GenerationStep): number {
  return step.bars_to_generate.reduce((n, [t, b]) => n + notesInBar(score, t, b).length, 0);
}

// The step's target bars hold the same (pitch, onset) multisets in both scores, counting the
// notes the user gets (as noteCount does).
function sameTargets(a: Score, b: Score, step: GenerationStep): boolean {
  const key = (s: Score, t: number, bar: number) =>
    notesInBar(s, t, bar)
      .map((n) => `${n[0]}@${n[2]}`)
      .sort()
      .join(',');
  return step.bars_to_generate.every(([t, bar]) => key(a, t, bar) === key(b, t, bar));
}

// A bar's notes whose onset lies inside it: the finished score drops the others (B16).
function notesInBar(score: Score, track: number, bar: number): NoteTuple[] {
  const b = score.tracks[track]?.bars[bar];
  if (!b) return [];
  const length = beatBarTicks(b.beat_length, score.resolution);
  return b.notes.filter((n) => n[2] >= 0 && n[2] < length);
}

/** A request bound to a score, run when asked (the reference's SamplingSession). */
export class SamplingSession {
  constructor(
    readonly engine: InferenceEngine,
    readonly score: Score,
    readonly request: unknown,
  ) {}

  run(options: GenerateOptions = {}): Promise<GenerationResult> {
    return this.engine.generate(this.score, this.request, options);
  }

  scoreFromTokens(tokens: number[], stepIndex = 0): Promise<TokenScores> {
    return this.engine.scoreFromTokens(this.score, this.request, tokens, stepIndex);
  }
}
