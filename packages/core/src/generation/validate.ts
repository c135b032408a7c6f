// validateRequest: generation.md §1.4, every check in its order, against the
// score and the encoder. Unlike the reference, which stops at the first
// failure, every problem is collected (a check whose inputs are already known
// to be bad is skipped) and thrown together. Deliberate fixes (§9): B1 (an
// autoregressive prompt with `bars: []` means the whole track), B3 (piece-level
// controls are kept), B23 (unknown mask modes are rejected; the default mask
// mode follows the encoder).
import { signatureBarTicks } from '../bar-length.js';
import type { EncoderSummary } from '../native.js';
import type { Score } from '../score.js';
import type { AttributeInfo, Tokenizer } from '../tokenizer.js';
import type { ScoreJSON, TrackJSON } from '../types.js';
import { isInteger, isPlainObject, listOf, readConfig, readPrompt, show, unknownKeys, type PromptRead } from './read.js';
import {
  MASK_MODES,
  RequestValidationError,
  defaultInferenceConfig,
  type GenerationRequest,
  type InferenceConfig,
  type MaskMode,
  type PieceControls,
  type TrackControls,
  type TrackPrompt,
} from './request.js';

/** Everything the checks read, and where they report. */
interface Context {
  problems: string[];
  warnings: string[];
  encoder: EncoderSummary;
  /** Window sizes the NumBars token allows; empty when any size is allowed. */
  numBarsMap: number[];
  /** The encoder's attribute controls by name (later duplicates replace earlier ones, like the analyzer). */
  attributes: Map<string, AttributeInfo>;
  /** Dense genre id of a name or alias (case-insensitive), -1 when unknown. */
  genreId: (name: string) => number;
  score: ScoreJSON;
  /** The score's bar count, once the score's shape is known to be sound. */
  nBars: number | undefined;
}

const REQUEST_KEYS = ['tracks', 'config', 'controls'] as const;
const PIECE_CONTROLS = ['velocity', 'microtiming', 'genre'] as const;

/**
 * Checks a user's request (untyped JSON) against the score and the encoder
 * and returns it normalized: defaults filled in, bar keys numeric,
 * `bars: []` of autoregressive prompts expanded to the whole track, the genre
 * canonical. Throws `RequestValidationError` listing every problem found;
 * problems that do not stop generation come back as `warnings`.
 */
export function validateRequest(input: unknown, score: Score, tokenizer: Tokenizer): { request: GenerationRequest; warnings: string[] } {
  if (!isPlainObject(input))
    throw new RequestValidationError([`the request must be an object with "tracks", "config" and "controls" (got ${show(input)})`]);
  const ctx: Context = {
    problems: [],
    warnings: [],
    encoder: tokenizer.config(),
    numBarsMap: tokenizer.numBarsMap() ?? [],
    attributes: new Map(tokenizer.attributes().map((a) => [a.name, a])),
    genreId: (name) => tokenizer.genreId(name),
    score: score.toJSON(),
    nBars: undefined,
  };
  const extra = unknownKeys(input, REQUEST_KEYS, 'request');
  if (extra) ctx.problems.push(extra);

  const config = checkConfig(input.config, ctx);  // #1-#15
  ctx.nBars = checkScoreShape(ctx, config.model_dim);  // #16-#19
  const maskMode = checkMaskMode(input.config, ctx);  // #20
  if (maskMode) config.mask_mode = maskMode;
  const controls = checkPieceControls(input.controls, ctx);  // #21
  checkScoreTimeSignatures(ctx);  // #22
  warnAboutScore(ctx);  // #23-#25
  const prompts = checkPrompts(input.tracks, ctx);  // #26-#30

  if (ctx.problems.length > 0) throw new RequestValidationError(ctx.problems);
  const request: GenerationRequest = {
    tracks: prompts.map((p) => normalizePrompt(p, ctx.nBars ?? 0)),
    config: { ...defaultInferenceConfig(tokenizer), ...config },
    controls,
  };
  return { request, warnings: ctx.warnings };
}

// --- InferenceConfig (#1-#15) ----------------------------------------------

/**
 * The config fields that passed their checks: defaults for the absent ones,
 * nothing for those found bad (so later checks that need them are skipped).
 * `mask_mode` is settled by #20.
 */
type CheckedConfig = Partial<InferenceConfig>;

function checkConfig(raw: unknown, ctx: Context): CheckedConfig {
  const { given, invalid } = readConfig(raw, ctx.problems);
  const { mask_mode: _mode, model_dim: _dim, ...defaults } = defaultInferenceConfig();
  const { mask_mode: _givenMode, model_dim: givenDim, ...rest } = given;  // both settled by their own checks
  const config: CheckedConfig = { ...defaults, ...rest };
  for (const name of invalid) delete config[name];

  const modelDim = invalid.has('model_dim') ? undefined : resolveModelDim(givenDim, ctx);  // #1, #2
  if (modelDim !== undefined) config.model_dim = modelDim;
  checkSteps(config, ctx);  // #3-#6
  checkTemperature(config, ctx);  // #7-#9
  checkFilters(config, ctx);  // #10-#15
  return config;
}

/** #1: none or <= 0 means the smallest window the encoder allows; #2: it must be one the encoder allows. */
function resolveModelDim(given: number | null | undefined, ctx: Context): number | undefined {
  const map = ctx.numBarsMap;
  if (map.length > 0) {
    if (given === undefined || given === null || given <= 0) return Math.min(...map);
    if (map.includes(given)) return given;
    ctx.problems.push(`config.model_dim=${given} not in vocab domain [${map.join(', ')}] (the window sizes of the encoder's NumBars token)`);
    return undefined;
  }
  if (given === undefined || given === null) return defaultInferenceConfig().model_dim;
  if (given > 0) return given;
  ctx.problems.push(`config.model_dim must be > 0 (got ${given})`);
  return undefined;
}

/** Reports `config.<name> <rule>` and drops the field when `bad` holds for its (well-typed) value. */
function reject<K extends keyof CheckedConfig>(config: CheckedConfig, name: K, bad: (v: NonNullable<CheckedConfig[K]>) => boolean, rule: string, ctx: Context): void {
  const value = config[name];
  if (value === undefined || !bad(value as NonNullable<CheckedConfig[K]>)) return;
  ctx.problems.push(`config.${name} ${rule} (got ${show(value)})`);
  delete config[name];
}

function checkSteps(config: CheckedConfig, ctx: Context): void {
  reject(config, 'bars_per_step', (v) => v <= 0, 'must be > 0', ctx);  // #3
  const { bars_per_step: bps, model_dim: dim } = config;
  if (bps !== undefined && dim !== undefined && bps > dim) {  // #4
    ctx.problems.push(`config.bars_per_step=${bps} cannot exceed model_dim=${dim}`);
    delete config.bars_per_step;
  }
  reject(config, 'tracks_per_step', (v) => v <= 0, 'must be > 0', ctx);  // #5
  reject(config, 'max_attempts', (v) => v < 1, 'must be >= 1', ctx);  // #6
}

function checkTemperature(config: CheckedConfig, ctx: Context): void {
  // #7; the reference wants > 0. Temperature 0 is greedy here, as in every other generative tool.
  reject(config, 'temperature', (v) => v < 0, 'must be >= 0 (0 = greedy)', ctx);
  reject(config, 'temperature_escalation', (v) => v < 1, 'must be >= 1.0', ctx);  // #8
  const escalation = config.temperature_escalation;
  if (escalation !== undefined && escalation > 3) {  // #9
    ctx.warnings.push(`config.temperature_escalation=${escalation} is above 3.0; clamped to 3.0`);
    config.temperature_escalation = 3;
  }
}

function checkFilters(config: CheckedConfig, ctx: Context): void {
  reject(config, 'top_p', (v) => !(v > 0 && v <= 1), 'must be in (0, 1]', ctx);  // #10
  reject(config, 'mask_p', (v) => !(v >= 0 && v < 1), 'must be in [0, 1)', ctx);  // #11
  reject(config, 'top_k', (v) => v < 0, 'must be >= 0', ctx);  // #12
  reject(config, 'mask_k', (v) => v < 0, 'must be >= 0', ctx);  // #13
  const { top_p: topP, mask_p: maskP, top_k: topK, mask_k: maskK } = config;
  // Both filters on at once: the masked-off head must leave something of the nucleus.
  if (maskP !== undefined && topP !== undefined && maskP > 0 && topP < 1 && maskP >= topP)  // #14
    ctx.problems.push(`config.mask_p=${maskP} must be < top_p=${topP} when both filters are on`);
  if (maskK !== undefined && topK !== undefined && maskK > 0 && topK > 0 && maskK >= topK)  // #15
    ctx.problems.push(`config.mask_k=${maskK} must be < top_k=${topK} when both filters are on`);
}

// --- The score (#16-#19, #22-#25) ------------------------------------------

/** #16-#19; the common bar count when the score's shape is sound. */
function checkScoreShape(ctx: Context, modelDim: number | undefined): number | undefined {
  const counts = ctx.score.tracks.map((t) => t.bars.length);
  if (counts.length === 0) {
    ctx.problems.push('the score has no tracks');  // #16
    return undefined;
  }
  const empty = indicesWhere(counts, (n) => n === 0);
  if (empty.length > 0) ctx.problems.push(`score track${empty.length > 1 ? 's' : ''} ${listOf(empty)} ha${empty.length > 1 ? 've' : 's'} no bars`);  // #17
  const byCount = groupTracksByBarCount(counts);
  if (byCount.size > 1) {  // #18
    const groups = [...byCount].map(([n, tracks]) => `${n} bars: track${tracks.length > 1 ? 's' : ''} ${listOf(tracks, 5)}`);
    ctx.problems.push(`score tracks have different bar counts (${groups.join('; ')}); every track needs the same number of bars`);
  }
  const nBars = counts[0];
  if (nBars === undefined || empty.length > 0 || byCount.size > 1) return undefined;
  if (modelDim !== undefined && nBars < modelDim)  // #19
    ctx.problems.push(`the score has ${nBars} bars, fewer than model_dim=${modelDim}: pad it with empty bars or use a smaller model_dim`);
  return nBars;
}

function indicesWhere<T>(values: readonly T[], test: (value: T, index: number) => boolean): number[] {
  return values.flatMap((value, i) => (test(value, i) ? [i] : []));
}

/** Non-empty tracks by bar count (empty ones are #17's business). */
function groupTracksByBarCount(counts: readonly number[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  counts.forEach((n, t) => {
    if (n > 0) groups.set(n, [...(groups.get(n) ?? []), t]);
  });
  return groups;
}

/** #22: every bar's time signature must have a TimeSig token (when the encoder lists any). One problem per signature. */
function checkScoreTimeSignatures(ctx: Context): void {
  const allowed = ctx.encoder.timeSignatures;
  if (allowed.length === 0) return;
  const unknown = new Map<string, { track: number; bar: number; bars: Set<number> }>();
  ctx.score.tracks.forEach((track, t) =>
    track.bars.forEach((bar, b) => {
      const [num, den] = bar.ts;
      if (num === 0 || den === 0 || allowed.some(([n, d]) => n === num && d === den)) return;
      const key = `${num}/${den}`;
      const seen = unknown.get(key) ?? { track: t, bar: b, bars: new Set<number>() };
      seen.bars.add(b);
      unknown.set(key, seen);
    }),
  );
  const list = allowed.map(([n, d]) => `${n}/${d}`).join(', ');
  for (const [ts, { track, bar, bars }] of unknown)
    ctx.problems.push(`track ${track} bar ${bar}: time signature ${ts} not in the encoder's time signatures [${list}] (bars with it: ${listOf([...bars].sort((a, b) => a - b))})`);
}

/** #23-#25: things the encoder will clip or drop; they do not stop generation. One warning per track and kind. */
function warnAboutScore(ctx: Context): void {
  const [low, high] = ctx.encoder.pitchRange;
  const ppq = ctx.score.resolution;
  const tracks = ctx.score.tracks;
  tracks.forEach((track, t) => {  // #23
    const outside = notesWhere(track, (n) => n[0] < low || n[0] > high);
    if (outside.count > 0) ctx.warnings.push(`track ${t}: ${outside.count} note(s) with a pitch outside [${low}, ${high}] (first in bar ${outside.firstBar})`);
  });
  tracks.forEach((track, t) => {  // #24
    if (track.instrument < 0 || track.instrument > 127) ctx.warnings.push(`track ${t}: instrument ${track.instrument} outside [0, 127]`);
  });
  tracks.forEach((track, t) => {  // #25, durations
    const silent = notesWhere(track, (n) => n[3] <= 0);
    if (silent.count > 0) ctx.warnings.push(`track ${t}: ${silent.count} note(s) with a duration <= 0 (first in bar ${silent.firstBar})`);
  });
  tracks.forEach((track, t) => {  // #25, onsets: the core's bar length (the reference truncates 4 * ppq * num / den)
    const lengths = track.bars.map((bar) => (bar.ts[1] !== 0 ? signatureBarTicks(bar.ts, ppq) : Infinity));
    const late = notesWhere(track, (n, _ts, b) => n[2] >= lengths[b]!);
    if (late.count > 0) ctx.warnings.push(`track ${t}: ${late.count} note(s) starting at or after the end of their bar (first in bar ${late.firstBar})`);
  });
}

type Note = TrackJSON['bars'][number]['notes'][number];

function notesWhere(track: TrackJSON, test: (note: Note, ts: [number, number], bar: number) => boolean): { count: number; firstBar: number } {
  let count = 0;
  let firstBar = -1;
  track.bars.forEach((bar, b) => {
    for (const note of bar.notes) {
      if (!test(note, bar.ts, b)) continue;
      if (count++ === 0) firstBar = b;
    }
  });
  return { count, firstBar };
}

// --- mask mode (#20) and piece-level controls (#21) -------------------------

/** #20 plus B23: only the five modes exist; the default follows the encoder; `token` needs MaskBar. */
function checkMaskMode(rawConfig: unknown, ctx: Context): MaskMode | undefined {
  const given = isPlainObject(rawConfig) ? rawConfig.mask_mode : undefined;
  if (given === undefined) return ctx.encoder.supportsMaskBar ? 'token' : 'attention';
  if (typeof given !== 'string') return undefined;  // already reported as a type problem
  const mode = MASK_MODES.find((m) => m === given);
  if (mode === undefined) {
    ctx.problems.push(`config.mask_mode ${JSON.stringify(given)} is not one of ${MASK_MODES.join(', ')}`);
    return undefined;
  }
  if (mode === 'token' && !ctx.encoder.supportsMaskBar)
    ctx.problems.push('config.mask_mode "token" needs a MaskBar token, which this encoder\'s vocabulary lacks (use "attention", "attention_approx", "attention_skip" or "remove")');
  return mode;
}

/** #21, in the user's key order; valid controls are kept (B3), the genre made canonical. */
function checkPieceControls(raw: unknown, ctx: Context): PieceControls {
  const controls: PieceControls = {};
  if (raw === undefined) return controls;
  if (!isPlainObject(raw)) {
    ctx.problems.push(`controls must be an object (got ${show(raw)})`);
    return controls;
  }
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'velocity') {
      if (checkVelocity(value, ctx)) controls.velocity = value as boolean;
    } else if (name === 'microtiming') {
      if (checkMicrotiming(value, ctx)) controls.microtiming = value as boolean;
    } else if (name === 'genre') {
      const genre = checkGenre(value, ctx);
      if (genre !== undefined) controls.genre = genre;
    } else ctx.problems.push(`Unknown piece-level control ${JSON.stringify(name)} in controls (known: ${PIECE_CONTROLS.join(', ')})`);
  }
  return controls;
}

function checkVelocity(value: unknown, ctx: Context): boolean {
  const problem =
    typeof value !== 'boolean' ? `controls.velocity must be a boolean (got ${show(value)})`
    : value && ctx.encoder.velocityLevels === 0 ? 'controls.velocity=true but this encoder has no velocity levels'
    : !value && !ctx.encoder.switchableVelocity ? 'controls.velocity=false but this encoder cannot switch velocity off'
    : undefined;
  if (problem) ctx.problems.push(problem);
  return problem === undefined;
}

function checkMicrotiming(value: unknown, ctx: Context): boolean {
  const { emitDeltaTokens, switchableMicrotiming } = ctx.encoder;
  const problem =
    typeof value !== 'boolean' ? `controls.microtiming must be a boolean (got ${show(value)})`
    : value && !emitDeltaTokens && !switchableMicrotiming ? 'controls.microtiming=true but this encoder has no microtiming (no delta tokens)'
    : !value && !switchableMicrotiming ? 'controls.microtiming=false but this encoder cannot switch microtiming off'
    : undefined;
  if (problem) ctx.problems.push(problem);
  return problem === undefined;
}

/** The canonical genre name, or undefined after reporting why there is none. */
function checkGenre(value: unknown, ctx: Context): string | undefined {
  const genres = ctx.encoder.genres;
  if (typeof value !== 'string') ctx.problems.push(`controls.genre must be a string (got ${show(value)})`);
  else if (genres.length === 0) ctx.problems.push(`controls.genre ${JSON.stringify(value)}: this encoder has no genres`);
  else {
    const canonical = genres[ctx.genreId(value)];
    if (canonical !== undefined) return canonical;
    ctx.problems.push(`controls.genre ${JSON.stringify(value)} is not a known genre (genres: ${genres.join(', ')})`);
  }
  return undefined;
}

// --- Track prompts (#26-#30) -----------------------------------------------

/** What earlier prompts claimed, for the cross-prompt checks of #28. */
interface Claims {
  /** Track id → index of the first prompt for it. */
  promptOf: Map<number, number>;
  /** Bar → time-signature index given in bar_controls, and by which prompt. */
  barTimeSignature: Map<number, { index: number; label: string }>;
}

function checkPrompts(raw: unknown, ctx: Context): PromptRead[] {
  if (raw === undefined || !Array.isArray(raw) || raw.length === 0) {  // #26
    ctx.problems.push(
      raw === undefined ? 'tracks is required: give one prompt per score track'
      : Array.isArray(raw) ? 'tracks is empty: give one prompt per score track'
      : `tracks must be an array of track prompts (got ${show(raw)})`,
    );
    return [];
  }
  const prompts = raw.map((p: unknown, i) => readPrompt(p, i));
  checkEveryTrackPrompted(prompts, ctx);  // #27
  const claims: Claims = { promptOf: new Map(), barTimeSignature: new Map() };
  for (const prompt of prompts) checkPrompt(prompt, ctx, claims);  // #28
  checkWork(prompts, ctx);  // #29, #30
  return prompts;
}

/** #27; skipped while some prompt's id is unreadable (it could be the missing one). */
function checkEveryTrackPrompted(prompts: readonly PromptRead[], ctx: Context): void {
  if (prompts.some((p) => p.id === undefined)) return;
  const prompted = new Set(prompts.map((p) => p.id));
  const missing = indicesWhere(ctx.score.tracks, (_, t) => !prompted.has(t));
  if (missing.length > 0)
    ctx.problems.push(`score track${missing.length > 1 ? 's' : ''} ${listOf(missing)} ha${missing.length > 1 ? 've' : 's'} no prompt: give one prompt per score track (use ignore=true to skip a track)`);
}

/** #28 a-n for one prompt, after the type problems found while reading it. */
function checkPrompt(p: PromptRead, ctx: Context, claims: Claims): void {
  ctx.problems.push(...p.typeProblems);
  const label = p.id === undefined ? `tracks[${p.index}]` : `tracks[${p.index}] (track ${p.id})`;
  const report = (problem: string): void => void ctx.problems.push(`${label}: ${problem}`);
  const track = checkTrackId(p, claims, ctx, report);  // a, b
  if (p.autoregressive && p.ignore) report('autoregressive and ignore are mutually exclusive');  // c
  if (p.ignore && p.bars && p.bars.length > 0) report(`an ignored track cannot have bars to generate (bars: ${listOf(p.bars)})`);  // d
  if (p.bars) checkBarsInRange(p.bars, 'bars', ctx, report);  // e
  checkMaskBars(p, ctx, report);  // f
  checkAutoregressiveSuffix(p, ctx, report);  // g
  checkFutureBars(p, track, ctx, report);  // h, i
  const where: AttributeSite = { track, report };
  for (const [name, level] of p.attributes) checkAttribute(name, level, 'track', 'attributes', where, ctx);  // k
  checkBarAttributes(p, where, ctx);  // l
  checkBarControls(p, label, track, claims, ctx, report);  // m
  for (const [name, value] of p.controls)
    if (name === 'pitch_range') checkPitchRange(value, report);  // ours
    else checkTimeSignatureControl(name, value, 'controls', ctx, report);  // n
}

/** 28a, 28b: the score track this prompt is for, when there is one. */
function checkTrackId(p: PromptRead, claims: Claims, ctx: Context, report: (problem: string) => void): TrackJSON | undefined {
  if (p.id === undefined) return undefined;
  const first = claims.promptOf.get(p.id);
  if (first !== undefined) report(`duplicate prompt for track ${p.id} (first in tracks[${first}])`);
  else claims.promptOf.set(p.id, p.index);
  const track = ctx.score.tracks[p.id];  // undefined for negative ids too
  if (track === undefined) report(`track id ${p.id} out of range [0, ${ctx.score.tracks.length})`);
  return track;
}

/** 28e (and the range part of 28f): true when every bar is in [0, n_bars) or the bar count is unknown. */
function checkBarsInRange(bars: readonly number[], field: string, ctx: Context, report: (problem: string) => void): boolean {
  const n = ctx.nBars;
  if (n === undefined) return true;
  const outside = bars.filter((b) => b < 0 || b >= n);
  if (outside.length > 0) report(`${field} ${listOf(outside)} out of range [0, ${n})`);
  return outside.length === 0;
}

/** 28f */
function checkMaskBars(p: PromptRead, ctx: Context, report: (problem: string) => void): void {
  const masked = p.mask_bars;
  if (!masked || masked.length === 0) return;
  if (p.ignore) report(`mask_bars on an ignored track (bars ${listOf(masked)}); an ignored track is never generated`);
  checkBarsInRange(masked, 'mask_bars', ctx, report);
  const overlap = p.bars ? masked.filter((b) => p.bars?.includes(b)) : [];
  if (overlap.length > 0) report(`bars and mask_bars are mutually exclusive (both hold ${listOf(overlap)})`);
}

/** 28g: an autoregressive prompt continues the track, so its bars are the last k bars, each once. */
function checkAutoregressiveSuffix(p: PromptRead, ctx: Context, report: (problem: string) => void): void {
  const n = ctx.nBars;
  if (!p.autoregressive || !p.bars || p.bars.length === 0 || n === undefined) return;
  const k = p.bars.length;
  const unique = new Set(p.bars);
  if (unique.size === k && p.bars.every((b) => b >= n - k && b < n)) return;
  report(`autoregressive bars must be the last bars of the track, each once (${n - k}..${n - 1} for ${k} bars); got [${listOf(p.bars)}]`);
}

/** 28h, 28i: bars marked `future` in the score cannot be generation targets. */
function checkFutureBars(p: PromptRead, track: TrackJSON | undefined, ctx: Context, report: (problem: string) => void): void {
  if (!track || !p.bars || p.ignore === undefined || p.autoregressive === undefined || ctx.nBars === undefined) return;
  const isFuture = (b: number): boolean => track.bars[b]?.future === true;
  if (!p.autoregressive && !p.ignore && p.bars.length > 0) {  // h
    const future = p.bars.filter(isFuture);
    if (future.length > 0) report(`infill bars ${listOf(future)} are marked future in the score`);
  }
  if (p.autoregressive) {  // i
    const future = targetBars(p, ctx.nBars).filter(isFuture);
    if (future.length > 0) report(`autoregressive bars ${listOf(future)} are marked future in the score`);
  }
}

/** The bars a prompt generates: its `bars`, or the whole track for an autoregressive prompt without any (B1). */
function targetBars(p: PromptRead, nBars: number): number[] {
  const bars = p.bars ?? [];
  return p.autoregressive && bars.length === 0 ? Array.from({ length: nBars }, (_, b) => b) : bars;
}

// --- attributes and controls of a prompt (28k-28n) --------------------------

interface AttributeSite {
  /** The score track, when the prompt names a valid one (track-type checks need it). */
  track: TrackJSON | undefined;
  report: (problem: string) => void;
}

/** 28k (level 'track') and the per-attribute part of 28l (level 'bar'). */
function checkAttribute(name: string, value: number, level: 'track' | 'bar', container: string, site: AttributeSite, ctx: Context): void {
  const info = ctx.attributes.get(name);
  if (!info) {
    const known = [...ctx.attributes.keys()];
    site.report(`unknown attribute ${JSON.stringify(name)} in ${container} (${known.length > 0 ? `this encoder knows ${known.join(', ')}` : 'this encoder has no attribute controls'})`);
    return;
  }
  if (info.level !== level)
    site.report(level === 'track'
      ? `attribute ${JSON.stringify(name)} is bar-level; give it per bar in bar_attributes`
      : `attribute ${JSON.stringify(name)} is track-level; give it in attributes, not bar_attributes`);
  if (value < 0 || value >= info.size) site.report(`${container}.${name}=${value} out of range [0, ${info.size})`);
  const trackType = site.track?.track_type;
  if (trackType !== undefined && info.trackType !== 'both' && info.trackType !== trackType)
    site.report(`attribute ${JSON.stringify(name)} applies to ${info.trackType} tracks only, but this track is ${trackType}`);
}

/** 28l: per-bar attribute levels, only for bars this prompt generates. */
function checkBarAttributes(p: PromptRead, site: AttributeSite, ctx: Context): void {
  for (const [bar, levels] of p.bar_attributes) {
    checkTargetBar(p, bar, 'bar_attributes', ctx, site.report);
    for (const [name, value] of levels) checkAttribute(name, value, 'bar', `bar_attributes[${bar}]`, site, ctx);
  }
}

/** The bar of a bar_attributes / bar_controls key must exist and be generated by this prompt. */
function checkTargetBar(p: PromptRead, bar: number, field: string, ctx: Context, report: (problem: string) => void): boolean {
  const n = ctx.nBars;
  if (n === undefined) return true;
  if (bar < 0 || bar >= n) {
    report(`${field} bar ${bar} out of range [0, ${n})`);
    return false;
  }
  if (!p.bars || p.autoregressive === undefined || targetBars(p, n).includes(bar)) return true;
  report(`${field} bar ${bar} is not in bars (only bars being generated take ${field})`);
  return false;
}

/** 28m: a per-bar time signature may only restate the score's, and tracks must agree on it. */
function checkBarControls(
  p: PromptRead,
  label: string,
  track: TrackJSON | undefined,
  claims: Claims,
  ctx: Context,
  report: (problem: string) => void,
): void {
  for (const [bar, controls] of p.bar_controls) {
    const barOk = checkTargetBar(p, bar, 'bar_controls', ctx, report);
    for (const [name, value] of controls) {
      const index = checkTimeSignatureControl(name, value, `bar_controls[${bar}]`, ctx, report);
      if (index === undefined) continue;
      const ts = timeSignatureName(index, ctx);
      const earlier = claims.barTimeSignature.get(bar);
      if (earlier === undefined) claims.barTimeSignature.set(bar, { index, label });
      else if (earlier.index !== index)
        report(`bar_controls[${bar}].time_signature=${index} (${ts}) conflicts with ${earlier.label}, which gives ${earlier.index} (${timeSignatureName(earlier.index, ctx)})`);
      const existing = barOk && track ? track.bars[bar]?.ts : undefined;
      if (existing && `${existing[0]}/${existing[1]}` !== ts)
        report(`bar_controls[${bar}].time_signature=${index} (${ts}) differs from the score's ${existing[0]}/${existing[1]} at bar ${bar}; a per-bar time signature can only restate the existing one`);
    }
  }
}

/** 28n (and the common part of 28m): the only control is `time_signature`, an index into the encoder's list. */
/** Ours: `controls.pitch_range` is `[lowest, highest]`, MIDI pitches with lowest <= highest. */
function checkPitchRange(value: unknown, report: (problem: string) => void): void {
  const ok = Array.isArray(value) && value.length === 2 && value.every((p) => isInteger(p) && p >= 0 && p <= 127);
  if (!ok) report(`controls.pitch_range must be [lowest, highest], two MIDI pitches 0-127 (got ${show(value)})`);
  else if (value[0] > value[1]) report(`controls.pitch_range [${value[0]}, ${value[1]}] is empty: the lowest pitch is above the highest`);
}

function checkTimeSignatureControl(name: string, value: unknown, field: string, ctx: Context, report: (problem: string) => void): number | undefined {
  const count = ctx.encoder.timeSignatures.length;
  if (name === 'pitch_range' && field !== 'controls') report(`pitch_range is a track control: give it in controls, not ${field}`);
  else if (name !== 'time_signature') report(`unknown control ${JSON.stringify(name)} in ${field} (known: time_signature; pitch_range in controls)`);
  else if (!isInteger(value)) report(`${field}.time_signature must be an integer index into the encoder's time signatures (got ${show(value)})`);
  else if (count === 0) report(`${field}.time_signature given, but this encoder has no time signatures configured`);
  else if (value < 0 || value >= count) report(`${field}.time_signature=${value} out of range [0, ${count})`);
  else return value;
  return undefined;
}

function timeSignatureName(index: number, ctx: Context): string {
  const ts = ctx.encoder.timeSignatures[index];
  return ts ? `${ts[0]}/${ts[1]}` : '?';
}

// --- work accounting (#28j, #29, #30) ---------------------------------------

/** 28j: what a prompt asks for; undefined when its fields could not be read. */
function workOf(p: PromptRead): 'none' | 'continue' | 'infill' | undefined {
  if (p.ignore === undefined || p.autoregressive === undefined || p.bars === undefined) return undefined;
  if (p.ignore) return 'none';
  if (p.autoregressive) return 'continue';
  return p.bars.length > 0 ? 'infill' : 'none';
}

function checkWork(prompts: readonly PromptRead[], ctx: Context): void {
  const work = prompts.map(workOf);
  if (work.every((w) => w === 'none'))  // #29
    ctx.problems.push('no prompt has work to do: every track is ignored or has no bars to generate (give bars, or set autoregressive=true)');
  const infill = prompts.filter((_, i) => work[i] === 'infill').map((p) => `tracks[${p.index}]`);
  if (infill.length > 0 && !ctx.encoder.supportsInfill)  // #30
    ctx.problems.push(`this encoder does not support infill, but ${listOf(infill)} ask${infill.length > 1 ? '' : 's'} to infill bars (use autoregressive prompts)`);
}

// --- the normalized request ---------------------------------------------------

/** Called only on a request without problems, so every field read. */
function normalizePrompt(p: PromptRead, nBars: number): TrackPrompt {
  return {
    id: p.id ?? -1,
    bars: targetBars(p, nBars),
    autoregressive: p.autoregressive ?? false,
    ignore: p.ignore ?? false,
    mask_bars: p.mask_bars ?? [],
    attributes: Object.fromEntries(p.attributes),
    controls: trackControls(p.controls),
    bar_attributes: Object.fromEntries(p.bar_attributes.map(([bar, levels]) => [bar, Object.fromEntries(levels)])),
    bar_controls: Object.fromEntries(p.bar_controls.map(([bar, controls]) => [bar, trackControls(controls)])),
  };
}

function trackControls(entries: ReadonlyArray<[string, unknown]>): TrackControls {
  const controls: TrackControls = {};
  for (const [name, value] of entries) {
    if (name === 'time_signature' && isInteger(value)) controls.time_signature = value;
    if (name === 'pitch_range' && Array.isArray(value)) controls.pitch_range = [value[0] as number, value[1] as number];
  }
  return controls;
}

/**
 * The request with a context prompt (`{ id, bars: [] }`) for every score track it does not
 * list: our rule everywhere but `validateRequest`, which keeps the reference's (one prompt per
 * track). Input that is not a request with a `tracks` array comes back as it is, for
 * `validateRequest` to report.
 */
export function withContextTracks(input: unknown, score: Score): unknown {
  if (!isPlainObject(input) || !Array.isArray(input.tracks)) return input;
  const listed = new Set(input.tracks.map((t: unknown) => (isPlainObject(t) ? t.id : undefined)));
  const missing = score.tracks.map((_, id) => id).filter((id) => !listed.has(id));
  return missing.length ? { ...input, tracks: [...input.tracks, ...missing.map((id) => ({ id, bars: [] }))] } : input;
}
