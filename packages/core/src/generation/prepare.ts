// From a validated request to what one step's SessionState needs
// (generation.md §2.5, §3.1, §4.7), with our fixes of §9:
//  - B2: ignored tracks are left out of the prompt (not shown as context);
//  - B3: piece-level controls reach the encoder;
//  - B5: an autoregressive step over several tracks becomes one step per track;
//  - B9: bar-attribute keys are counted from the step's window, as the encoder reads them;
//  - B10: per-bar attribute constraints address the agent where the prompt has it (last).
import { native } from '../native.js';
import { Score } from '../score.js';
import { Tokenizer } from '../tokenizer.js';
import type { ScoreJSON } from '../types.js';
import { planSteps, type GenerationStep, type SelectionMask } from './planner.js';
import { barEntries, type GenerationRequest, type TrackPrompt } from './request.js';
import { SessionState, type SessionStateOptions, type StepConstraintOptions, type StrictControlOptions } from './session.js';

/** Everything a step's SessionState is built from. */
export interface PreparedStep {
  /** The step with its context patched: a window bar is context unless it is a target or masked. */
  step: GenerationStep;
  /** The score on the model grid, attribute values in place, bar keys counted from the window. */
  score: Score;
  options: SessionStateOptions;
  constraints: StepConstraintOptions;
}

/** Full AR: the prompt continues its track from bar 0 (its attributes become constraints, not prompt tokens). */
function isFullAutoregressive(p: TrackPrompt): boolean {
  return p.autoregressive && p.bars.length > 0 && Math.min(...p.bars) === 0;
}

export function selectionMask(request: GenerationRequest, score: Score): SelectionMask {
  const nTracks = score.tracks.length;
  const nBars = Math.max(0, ...score.tracks.map((t) => t.bars.length));
  const mask: SelectionMask = {
    selected: Array.from({ length: nTracks }, () => new Array<boolean>(nBars).fill(false)),
    autoregressive: new Array<boolean>(nTracks).fill(false),
    ignore: new Array<boolean>(nTracks).fill(false),
  };
  for (const p of request.tracks) {
    if (p.id >= nTracks) continue;
    for (const b of p.bars) if (b < nBars) mask.selected[p.id]![b] = true;
    mask.autoregressive[p.id] = p.autoregressive;
    mask.ignore[p.id] = p.ignore;
  }
  return mask;
}

/** The steps of a request, in order (the reference's plan, with multi-track AR steps split per track). */
export function planRequest(request: GenerationRequest, score: Score): GenerationStep[] {
  const { model_dim, bars_per_step, tracks_per_step } = request.config;
  const steps = planSteps(selectionMask(request, score), { modelDim: model_dim, barsPerStep: bars_per_step, tracksPerStep: tracks_per_step });
  return native.splitAutoregressiveSteps(steps);
}

// §3.1 steps 3-5: analyzer values, then the user's track and bar values.
function withAttributes(score: Score, request: GenerationRequest, tokenizer: Tokenizer, fullAr: Set<number>): Score {
  const skip = score.tracks.map((_, t) => fullAr.has(t));
  const annotated = tokenizer.annotate(score, skip);
  const overrides = request.tracks.filter((p) => !fullAr.has(p.id) && (Object.keys(p.attributes).length || Object.keys(p.bar_attributes).length));
  if (overrides.length === 0) return annotated;
  const byName = new Map(tokenizer.attributes().map((a) => [a.name, a]));
  const json: ScoreJSON = annotated.toJSON();
  for (const p of overrides) {
    const attributes = json.tracks[p.id]!.attributes;
    Object.assign(attributes, p.attributes);
    for (const [bar, values] of barEntries(p.bar_attributes))
      for (const [name, value] of Object.entries(values)) {
        const info = byName.get(name);
        if (info) attributes[`bar_${info.tokenType}_${bar}`] = value;
      }
  }
  return Score.fromJSON(json);
}

// Attribute names that become value constraints for full-AR tracks (§4.7), by token type.
// `note_duration_dist` is left out: its token type is the note-duration one and would pin every duration (B10).
const CONSTRAINED_ATTRIBUTES: Readonly<Record<string, string>> = {
  note_density: 'NoteDensity',
  onset_polyphony: 'OnsetPolyphony',
  pitch_range: 'PitchRange',
  key_signature: 'KeySignature',
  silence_proportion: 'SilenceProportion',
  pitch_class_set: 'PitchClassSet',
  min_note_duration: 'MinNoteDuration',
  max_note_duration: 'MaxNoteDuration',
  min_polyphony: 'MinPolyphony',
  max_polyphony: 'MaxPolyphony',
};

function constraintsFor(step: GenerationStep, request: GenerationRequest, tokenizer: Tokenizer, promptTracks: number): StepConstraintOptions {
  const { polyphony_hard_limit, density_hard_limit } = request.config;
  const constraints: Required<StepConstraintOptions> = {
    maxTracks: promptTracks,
    polyphonyLimit: Math.max(0, polyphony_hard_limit),
    densityLimit: Math.max(0, density_hard_limit),
    values: [],
    barValues: [],
    strict: strictControls(request),
  };
  const byName = new Map(tokenizer.attributes().map((a) => [a.name, a]));
  const agentOrdinal = promptTracks - 1;  // the AR agent is encoded last
  for (const p of request.tracks) {
    if (!isFullAutoregressive(p) || !step.track_indices.includes(p.id)) continue;
    for (const [name, value] of Object.entries(p.attributes)) {
      const type = CONSTRAINED_ATTRIBUTES[name];
      if (type) constraints.values.push([type, value]);
    }
    if (p.controls.time_signature !== undefined) constraints.values.push(['TimeSig', p.controls.time_signature]);
    for (const [bar, values] of barEntries(p.bar_attributes)) {
      const local = bar - step.start_bar;
      if (local < 0) continue;
      for (const [name, value] of Object.entries(values)) {
        const info = byName.get(name);
        if (info?.level === 'bar') constraints.barValues.push([info.tokenType, agentOrdinal, local, value]);
      }
    }
    for (const [bar, controls] of barEntries(p.bar_controls)) {
      const local = bar - step.start_bar;
      if (local >= 0 && controls.time_signature !== undefined) constraints.barValues.push(['TimeSig', agentOrdinal, local, controls.time_signature]);
    }
  }
  return constraints;
}

// Strict controls by score track: the levels the prompts ask for when
// `strict_controls` is on, and any pitch range (a control with no token).
function strictControls(request: GenerationRequest): Array<StrictControlOptions | null> {
  const strict = request.config.strict_controls;
  const out: Array<StrictControlOptions | null> = [];
  for (const p of request.tracks) {
    const a = p.attributes;
    const controls: StrictControlOptions = {
      ...(strict && a.min_polyphony !== undefined ? { minPolyphony: a.min_polyphony } : {}),
      ...(strict && a.max_polyphony !== undefined ? { maxPolyphony: a.max_polyphony } : {}),
      ...(strict && a.min_note_duration !== undefined ? { minNoteDuration: a.min_note_duration } : {}),
      ...(strict && a.max_note_duration !== undefined ? { maxNoteDuration: a.max_note_duration } : {}),
      ...(strict && a.note_density !== undefined ? { noteDensity: a.note_density } : {}),
      ...(p.controls.pitch_range ? { pitchRange: p.controls.pitch_range } : {}),
    };
    out[p.id] = Object.keys(controls).length > 0 ? controls : null;
  }
  return Array.from(out, (c) => c ?? null);
}

/** What the SessionState of `step` is built from (score at any resolution; the request validated). */
export function prepareStep(tokenizer: Tokenizer, score: Score, request: GenerationRequest, step: GenerationStep): PreparedStep {
  const prompts = new Map(request.tracks.map((p) => [p.id, p]));
  const fullAr = new Set(request.tracks.filter(isFullAutoregressive).map((p) => p.id));
  const targets = new Set(step.bars_to_generate.map(([t, b]) => `${t}:${b}`));
  const context = step.context.map((row, t) =>
    row.map((_, b) => b >= step.start_bar && b < step.end_bar && !targets.has(`${t}:${b}`) && !(prompts.get(t)?.mask_bars.includes(b) ?? false)),
  );
  const encoder = tokenizer.config();
  let prepared = withAttributes(score, request, tokenizer, fullAr);
  if (prepared.resolution !== encoder.resolution) prepared = prepared.resample(encoder.resolution, { useDelta: encoder.emitDeltaTokens });
  prepared = Score.fromHandle(native.rekeyBarAttributes(Score.handleOf(prepared), step.start_bar));
  const mode = request.config.mask_mode;
  const { velocity, microtiming, genre } = request.controls;
  const omittedTracks = score.tracks.map((_, t) => prompts.get(t)?.ignore ?? false);
  const options: SessionStateOptions = {
    useSpanMasks: mode === 'attention' || mode === 'attention_approx' || mode === 'attention_skip',
    removeFutureBars: mode === 'remove',
    useVelocity: velocity === undefined ? -1 : velocity ? 1 : 0,
    useMicrotiming: microtiming === undefined ? -1 : microtiming ? 1 : 0,
    genre: genre === undefined ? -1 : tokenizer.genreId(genre),
    omittedTracks,
  };
  const promptTracks = omittedTracks.filter((o) => !o).length;
  return { step: { ...step, context }, score: prepared, options, constraints: constraintsFor(step, request, tokenizer, promptTracks) };
}

/** The SessionState of a prepared step. */
export function openStep(tokenizer: Tokenizer, prepared: PreparedStep): SessionState {
  return new SessionState(tokenizer, prepared.score, prepared.step, prepared.options, prepared.constraints);
}

/** The caller's score with the step's generated bars written in (at the caller's resolution; nothing else changes). */
export function writeBack(score: Score, state: SessionState, tokenizer: Tokenizer): Score {
  const encoder = tokenizer.config();
  const bars = state.generatedBars();
  return Score.derived(
    score,
    native.writeGeneratedBars(Score.handleOf(score), bars, encoder.resolution, encoder.emitDeltaTokens),
    bars.map((b) => [b.track, b.bar] as const),
  );
}

/**
 * The finished score: notes the model placed past the end of a generated bar
 * (possible inside fill-in blocks, generation.md B16) are removed. They stay
 * during a session because later prompts carry them, as the reference's do.
 * Generated notes end at the end of the piece at the latest, so a result
 * never gains a bar.
 */
export function finishGeneratedBars(score: Score, bars: Array<[track: number, bar: number]>): Score {
  return Score.derived(score, native.finishGeneratedBars(Score.handleOf(score), bars));
}
