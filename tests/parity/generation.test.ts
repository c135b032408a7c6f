// Generation-core parity with the reference: step plans (step_planner.json.gz),
// first-step prompts per mask mode (session_prompts.json), and grammar masks
// along real continuations (grammar_teacher_forcing.json).
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { planSteps, Score, SessionState, Tokenizer, type GenerationStep, type ScoreJSON } from '@midigpt/core';
import { parityFile, printParityReport } from '../support/parity.js';

const report: Array<[string, number, number]> = [];
const tokenizers = new Map<string, Tokenizer>();
const tokenizer = (name: string) => tokenizers.get(name) ?? tokenizers.set(name, Tokenizer.load(name)).get(name)!;

interface PlannerCase {
  file: string;
  config: string;
  model_dim: number;
  bars_per_step: number;
  tracks_per_step: number;
  request: string;
  mask: { selected: boolean[][]; autoregressive: boolean[]; ignore: boolean[] };
  steps: GenerationStep[];
}

describe('StepPlanner', () => {
  const cases = parityFile<{ cases: PlannerCase[] }>('step_planner.json.gz').cases;
  let matched = 0;
  it.each(cases.map((c, i) => [`${c.file} ${c.request} md=${c.model_dim} bps=${c.bars_per_step} tps=${c.tracks_per_step} #${i}`, c] as const))(
    '%s',
    (_label, c) => {
      const steps = planSteps(c.mask, { modelDim: c.model_dim, barsPerStep: c.bars_per_step, tracksPerStep: c.tracks_per_step });
      expect(steps).toEqual(c.steps);
      matched++;
    },
  );
  afterAll(() => report.push(['step plans', matched, cases.length]));
});

interface PromptCase {
  config: string;
  file: string;
  request: string;
  mask_mode: string;
  tracks: Array<{ id: number; bars: number[] }>;
  step: GenerationStep;
  session_state_kwargs: { use_span_masks: boolean; remove_future_bars: boolean; use_velocity: number; use_microtiming: number; genre: number };
  context_tokens: number[];
  hidden_spans: Array<[number, number]>;
  prompt_score_res12_with_attributes: ScoreJSON;
}

function session(c: PromptCase): SessionState {
  const k = c.session_state_kwargs;
  const score = Score.fromJSON(c.prompt_score_res12_with_attributes);
  return new SessionState(
    tokenizer(c.config),
    score,
    c.step,
    { useSpanMasks: k.use_span_masks, removeFutureBars: k.remove_future_bars, useVelocity: k.use_velocity, useMicrotiming: k.use_microtiming, genre: k.genre },
    { maxTracks: score.tracks.length },
  );
}

const promptCases = parityFile<{ cases: PromptCase[] }>('session_prompts.json').cases;

describe('SessionState prompts', () => {
  let matched = 0;
  it.each(promptCases.map((c, i) => [`${c.config} ${c.mask_mode} ${c.file} ${c.request} #${i}`, c] as const))('%s', (_label, c) => {
    const state = session(c);
    expect(Array.from(state.prompt())).toEqual(c.context_tokens);
    expect(state.hiddenSpans()).toEqual(c.hidden_spans);
    matched++;
  });
  afterAll(() => report.push(['first-step prompts and hidden spans', matched, promptCases.length]));
});

interface AllowedRecord {
  token: number;
  allowed: boolean;
  n_allowed: number;
  allowed_hash: string;
  allowed_ranges: Array<[number, number]>;
}

interface GrammarCase {
  config: string;
  file: string;
  request: string;
  mask_mode: string;
  context_len: number;
  context_hash: string;
  target_tokens: number[];
  positions: AllowedRecord[];
  complete_after: boolean;
  mask_after_end: { n: number; hash: string; ranges: Array<[number, number]> };
  result: ScoreJSON;
}

const sha16 = (ids: ArrayLike<number>) => createHash('sha1').update(Array.from(ids).join(',')).digest('hex').slice(0, 16);

function ranges(allowed: Uint8Array, size: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let id = 0; id < size; id++) {
    if (!allowed[id]) continue;
    const last = out.at(-1);
    if (last && last[1] === id) last[1] = id + 1;
    else out.push([id, id + 1]);
  }
  return out;
}

// The reference's result at 1920 with our decoder's documented fixes applied (docs/compatibility.md).
function withDecoderFixes(s: ScoreJSON, velocityLevels: number): unknown {
  return s.tracks.map((t) => ({
    instrument: t.instrument,
    track_type: t.track_type,
    attributes: t.attributes,
    bars: t.bars.map((b) => ({
      ts: b.ts,
      beat_length: (4 * b.ts[0]) / b.ts[1],
      notes: b.notes.map((n) => [n[0], velocityLevels === 128 ? -1 : n[1], n[2], n[3], n[4]]),
    })),
  }));
}

describe('Grammar masks along real continuations', () => {
  const cases = parityFile<{ cases: GrammarCase[] }>('grammar_teacher_forcing.json').cases;
  let masks = 0;
  let totalMasks = 0;
  let results = 0;
  it.each(cases.map((c, i) => [`${c.config} ${c.mask_mode} ${c.file} ${c.request} #${i}`, c] as const))('%s', (_label, c) => {
    const prompt = promptCases.find((p) => p.config === c.config && p.file === c.file && p.request === c.request && p.mask_mode === c.mask_mode)!;
    const state = session(prompt);
    expect(state.prompt().length).toBe(c.context_len);
    expect(sha16(state.prompt())).toBe(c.context_hash);
    const allowed = new Uint8Array(state.vocabSize);
    totalMasks += c.positions.length + 1;
    for (const [i, position] of c.positions.entries()) {
      state.mask(allowed);
      expect({ i, ranges: ranges(allowed, state.vocabSize) }).toEqual({ i, ranges: position.allowed_ranges });
      expect(allowed.reduce((n, a) => n + a, 0)).toBe(position.n_allowed);
      expect(Boolean(allowed[position.token])).toBe(position.allowed);
      state.advance(position.token);
      masks++;
    }
    expect(state.complete()).toBe(c.complete_after);
    const status = state.mask(allowed);
    expect(ranges(allowed, state.vocabSize)).toEqual(c.mask_after_end.ranges);
    expect(status).toBe(c.mask_after_end.n === 0 ? 'no-legal-token' : 'ok');
    masks++;
    const t = tokenizer(c.config);
    const ours = state.result().resample(1920, { useDelta: t.config().emitDeltaTokens }).toJSON();
    const levels = t.config().velocityLevels;
    expect(withDecoderFixes(ours, levels)).toEqual(withDecoderFixes(c.result, levels));
    results++;
  });
  afterAll(() => {
    report.push(['grammar masks (teacher forcing)', masks, totalMasks]);
    report.push(['step results (decoded window)', results, cases.length]);
  });
});

afterAll(() => printParityReport('Generation-core parity with the reference', report));
