// How well a model follows the attribute controls of its encoder, with and
// without strict controls (docs/controls.md), on a dataset's held-out pieces.
//
//   node packages/default-model/scripts/control-adherence.mjs MODEL.onnx DATASET_DIR [--count 30] [--out FILE.json] [--threads 2]
//
// For each of COUNT seeded contexts (a held-out piece, an 8-bar window, 2
// consecutive bars of one melodic track that has notes in both, picked as
// infill-quality.mjs picks them) it infills the 2 bars:
// - "none": nothing requested; the prompt carries the levels the analyzer
//   computes for the track in the window (real bars included), as always;
// - "soft": one attribute set to a requested level, strict controls off (the
//   model alone follows it);
// - "strict": the same request with `strict_controls: true` (the mask enforces it).
// Every request of a context uses the same seed, so soft and strict differ by
// the mask only. Melodic attributes (yellow: min/max polyphony, min/max note
// duration) are requested on the melodic track; note density, a drum-only
// attribute, on the same track relabelled as a drum track (POP909 has no
// drums: the model has never seen one, so only the strict bound means much).
//
// The achieved level of an infill is what the encoder's own attribute
// analyzer (`Tokenizer.prepare`, the code that makes the prompt tokens)
// computes for a one-track score holding only the 2 infilled bars. "real" is
// the same analyzer on the 2 bars the human wrote, against the level the
// prompt gives for the whole window: the ceiling. Per attribute and condition:
// exact-level rate, within-one-level rate, Spearman rank correlation of
// requested vs achieved levels (infills with no notes have no level and are
// left out of these three; they count as degenerate), share of generated bars
// inside the requested bound (each bar alone, as strict controls bound it),
// in-key rate and degenerate rate (as infill-quality.mjs defines them).
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { mean, pearson, random } from './stats.mjs';

export const WINDOW = 8;
export const INFILL_BARS = 2;
/** Requested levels per attribute: a spread over the levels POP909 uses (polyphony 1..7 voices, 16th..half notes, density Q2..Q8). */
export const LEVELS = {
  min_polyphony: [0, 2, 4, 6],
  max_polyphony: [0, 2, 4, 6],
  min_note_duration: [1, 2, 3, 4],
  max_note_duration: [1, 2, 3, 4],
  note_density: [2, 5, 8],
};
const PARTNER = { min_polyphony: 'max_polyphony', max_polyphony: 'min_polyphony', min_note_duration: 'max_note_duration', max_note_duration: 'min_note_duration' };

// --- pure functions (tested in test/control-adherence.test.ts) ---

export { mean, pearson, random };

/** Ranks 1..n, ties sharing the mean of their ranks. */
export function ranks(xs) {
  const order = xs.map((x, i) => [x, i]).sort((a, b) => a[0] - b[0]);
  const out = new Array(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation (Pearson of tie-averaged ranks); NaN when either side is constant. */
export const spearman = (xs, ys) => pearson(ranks(xs), ranks(ys));

/** Exact-level rate, within-one-level rate and rank correlation of [requested, achieved] pairs. */
export function levelStats(pairs) {
  return {
    n: pairs.length,
    exact: mean(pairs.map(([r, a]) => (r === a ? 1 : 0))),
    within_one: mean(pairs.map(([r, a]) => (Math.abs(r - a) <= 1 ? 1 : 0))),
    spearman: spearman(pairs.map((p) => p[0]), pairs.map((p) => p[1])),
  };
}

/**
 * The most notes sounding at one tick of a bar taken alone, as the analyzer's
 * bar polyphony counts them: notes [pitch, velocity, onset, duration, ...]
 * sound over [onset, min(onset + duration, barTicks - 1)).
 */
export function maxVoices(notes, barTicks) {
  const edges = [];
  for (const n of notes) {
    const first = Math.max(0, n[2]);
    const end = Math.max(0, Math.min(n[2] + n[3], barTicks - 1));
    if (first < end) edges.push([first, 1], [end, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let voices = 0, most = 0;
  for (const [, d] of edges) most = Math.max(most, (voices += d));
  return most;
}

/** A polyphony level from a voice count: 0 and 1 voice are level 0, 10 or more level 9. */
export const voiceLevel = (voices) => Math.min(Math.max(voices, 1), 10) - 1;

/** A note's duration level: 0 = 32nd or shorter ... 5 = whole or longer (the analyzer's formula). */
export const durationLevel = (ticks, resolution) =>
  Math.trunc(Math.max(0, Math.min(5, Math.log2(Math.max(ticks / Math.max(resolution, 1), 1e-6)) + 3)));

/** The 7 most frequent pitch classes of some notes (the key, as infill-quality.mjs takes it). */
export function scaleOf(notes) {
  const h = new Array(12).fill(0);
  for (const n of notes) h[n[0] % 12] += 1;
  return new Set(h.map((v, pc) => [v, pc]).sort((a, b) => b[0] - a[0]).slice(0, 7).map(([, pc]) => pc));
}

/** Degenerate, as infill-quality.mjs: every replaced bar that had notes left empty, or one pitch repeated (4 notes or more). */
export function degenerate(generated, real) {
  const gen = generated.flat();
  const emptyBars = generated.filter((notes, k) => notes.length === 0 && real[k].length > 0).length;
  return emptyBars === real.filter((n) => n.length).length || (gen.length >= 4 && new Set(gen.map((n) => n[0])).size === 1);
}

// The strict requests with a generated bar outside its bound, as lines for the card (the first 5).
function violationLines(violations) {
  if (!violations?.length) return '';
  const lines = violations.slice(0, 5).map((v) =>
    `- ${v.piece}, window from bar ${v.window_start}, track ${v.track}, bars ${v.bars.join('-')}${v.kind === 'drum' ? ' (as drums)' : ''}, seed ${v.seed}: \`${JSON.stringify(v.attributes)}\``);
  return `\nStrict requests with a bar outside its bound (${violations.length}; first ${lines.length}, reproducible from piece, window, track, bars and seed):\n\n${lines.join('\n')}\n\n`;
}

/** Markdown for the model card from a summary this script wrote. */
export function adherenceSection(s) {
  const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : 'n/a');
  const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const rows = [];
  for (const [name, a] of Object.entries(s.attributes)) {
    for (const cond of ['soft', 'strict', 'none', 'real']) {
      const c = a[cond];
      if (!c) continue;
      const label = cond === 'none' ? 'no control' : cond === 'real' ? 'real bars' : cond;
      rows.push(`| ${name} | ${label} | ${c.n} | ${pct(c.exact)} | ${pct(c.within_one)} | ${f(c.spearman)} | ${c.bound_bars !== undefined ? pct(c.bound_bars) : ''} | ${c.in_key !== undefined ? pct(c.in_key) : ''} | ${c.degenerate !== undefined ? pct(c.degenerate) : ''} |`);
    }
  }
  const levels = Object.entries(s.attributes).map(([name, a]) =>
    `| ${name} | ${Object.keys(a.by_level.soft).join(', ')} | ${Object.values(a.by_level.soft).map((x) => f(x, 1)).join(', ')} | ${Object.values(a.by_level.strict).map((x) => f(x, 1)).join(', ')} |`);
  const st = s.strict_bounds;
  const vsReal = Object.entries(s.attributes).map(([name, a]) => `${name} ${f(a.none.spearman_vs_real_bars)}`).join(', ');
  return `## Control adherence
${s.contexts} seeded contexts on ${s.held_out_pieces} held-out pieces (\`scripts/control-adherence.mjs\`, ${s.generations} infills,
${f(s.seconds, 0)} s on ${s.threads} CPU thread${s.threads === 1 ? '' : 's'}, model \`${s.model}\`): in each, ${s.bars_per_infill} bars of one melodic track of an
${s.window_bars}-bar window are infilled with one attribute requested at each of the levels below, strict controls off
(**soft**: the model alone) and on (**strict**: \`strict_controls\`, docs/controls.md), with the same seed; **no control**
asks for nothing (the prompt then carries the level the analyzer computes for the whole window, as usual) and
**real bars** compares that prompt level with the level of the 2 bars the human wrote: the ceiling. The achieved
level is what the encoder's attribute analyzer (the code that makes the prompt tokens) computes for a one-track
score holding **only the 2 infilled bars**, so it is a 2-bar level beside a prompt level that, for "no control" and
"real bars", describes 8 bars. Infills with no notes have no level and are left out of the first three numbers.
Bound: share of generated bars (each taken alone, as strict controls bound them) inside what was requested —
max polyphony: no tick with more than level + 1 sounding notes; min/max note duration: every note's level on the
requested side; note density: the bar's density level ≤ requested; min polyphony (best effort only): the bar's
own min-polyphony level ≥ requested. note_density is a drum attribute and POP909 has no drums: it is requested
on the same melodic track relabelled as a drum track, which the model has never seen.

| attribute | condition | infills | exact level | within one level | rank correlation | bars within bound | in key | degenerate |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Mean achieved level by requested level:

| attribute | requested | soft | strict |
|---|---|---|---|
${levels.join('\n')}

Strict bounds over all requests: ${pct(st.max_polyphony)} of bars within the requested max polyphony,
${pct(st.note_duration)} within the requested note-duration side, ${pct(st.note_density)} within the density bound
(goal: 100 %). In-key rate over all melodic requests: ${pct(s.overall.soft.in_key)} soft, ${pct(s.overall.strict.in_key)} strict
(no control: ${pct(s.overall.none.in_key)}); degenerate infills: ${pct(s.overall.soft.degenerate)} soft, ${pct(s.overall.strict.degenerate)} strict
(no control: ${pct(s.overall.none.degenerate)}).
${violationLines(s.strict_violations)}With no control, the rank correlation of the infilled bars' level with the level of the 2 real bars they replace
(instead of the window's prompt level): ${vsReal}.

Made by \`node packages/default-model/scripts/control-adherence.mjs MODEL.onnx DATASET_DIR --count ${s.contexts} --threads ${s.threads} --out adherence.json\`
(\`reproduce.sh\` runs it on its own model and dataset).
`;
}

// --- the measurement ---

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { count: { type: 'string', default: '30' }, out: { type: 'string' }, threads: { type: 'string', default: '2' } },
  });
  if (positionals.length !== 2) {
    console.error('usage: control-adherence.mjs MODEL.onnx DATASET_DIR [--count N] [--out FILE.json] [--threads N]');
    process.exit(2);
  }
  const { Score } = await import('@midigpt/core');
  const { readManifest, readPiece } = await import('@midigpt/dataset');
  const { InferenceEngine } = await import('@midigpt/inference');
  const [modelPath, dataDir] = positionals;
  const count = Number(values.count);
  const threads = Number(values.threads);

  const heldOut = readManifest(dataDir).pieces.filter((p) => p.split === 'validation');
  if (!heldOut.length) throw new Error(`${dataDir} has no validation pieces`);
  const engine = await InferenceEngine.fromOnnx(modelPath, { threads });
  const tokenizer = engine.tokenizer;
  const known = new Set(tokenizer.attributes().map((a) => a.name));
  for (const name of Object.keys(LEVELS)) if (!known.has(name)) throw new Error(`the model's encoder has no ${name} attribute`);

  // The analyzer's track-level values of one track holding only some bars.
  const levelsOf = (json, trackJson, bars) => {
    const track = { ...trackJson, attributes: {}, bars: bars.map((b) => trackJson.bars[b]) };
    const score = Score.fromJSON({ ...json, tempos: [], key_signatures: [], tracks: [track] });
    return tokenizer.prepare(score).toJSON().tracks[0].attributes;
  };
  const barTicks = (json, bar) => Math.round(bar.beat_length * json.resolution);
  // Whether a generated bar keeps a request, taken alone.
  const withinBound = (json, trackJson, b, name, level) => {
    const bar = trackJson.bars[b];
    const res = json.resolution;
    switch (name) {
      case 'max_polyphony': return voiceLevel(maxVoices(bar.notes, barTicks(json, bar))) <= level;
      case 'min_polyphony': return !bar.notes.length || levelsOf(json, trackJson, [b]).min_polyphony >= level;
      case 'min_note_duration': return bar.notes.every((n) => durationLevel(n[3], res) >= level);
      case 'max_note_duration': return bar.notes.every((n) => durationLevel(n[3], res) <= level);
      case 'note_density': return levelsOf(json, trackJson, [b]).note_density <= level;
      default: throw new Error(name);
    }
  };

  const records = [];
  const started = performance.now();
  let generations = 0;
  let contexts = 0;
  const held = new Set();
  for (let i = 0; contexts < count && i < count * 20; i++) {
    const piece = heldOut[i % heldOut.length];
    const rand = random(1000 + i);
    const full = Score.fromMidi(readPiece(dataDir, piece));
    const start = Math.floor(rand() * Math.max(1, full.summary().bars - WINDOW));
    const window = full.window(start, WINDOW);
    const json = window.toJSON();
    const first = 1 + Math.floor(rand() * (WINDOW - INFILL_BARS - 1));
    const bars = Array.from({ length: INFILL_BARS }, (_, k) => first + k);
    const candidates = json.tracks.map((t, id) => id).filter((id) => json.tracks[id].track_type === 'melodic' && bars.every((b) => json.tracks[id].bars[b].notes.length));
    if (!candidates.length) continue;
    const track = candidates[Math.floor(rand() * candidates.length)];
    const ctx = contexts++;
    held.add(path.basename(piece.source));
    const seed = i;
    const context = json.tracks.flatMap((t, id) => t.bars.flatMap((bar, b) => (id === track && bars.includes(b) ? [] : bar.notes)));
    const scale = scaleOf(context);
    const real = bars.map((b) => json.tracks[track].bars[b].notes);

    // The melodic track as it is, and relabelled as a drum track for note density.
    const drumJson = structuredClone(json);
    drumJson.tracks[track].track_type = 'drum';
    const variants = [
      { kind: 'melodic', json, score: window, names: ['min_polyphony', 'max_polyphony', 'min_note_duration', 'max_note_duration'] },
      { kind: 'drum', json: drumJson, score: Score.fromJSON(drumJson), names: ['note_density'] },
    ];
    for (const v of variants) {
      const prompt = tokenizer.prepare(v.score).toJSON().tracks[track].attributes;
      const realLevels = levelsOf(v.json, v.json.tracks[track], bars);
      const run = async (condition, attributes, name, requested) => {
        const request = { tracks: [{ id: track, bars, attributes }], config: { model_dim: WINDOW, seed, strict_controls: condition === 'strict' } };
        const out = (await engine.generate(v.score, request)).score.toJSON();
        generations++;
        const t = out.tracks[track];
        const generated = bars.map((b) => t.bars[b].notes);
        const gen = generated.flat();
        const achieved = gen.length ? levelsOf(out, t, bars) : null;
        records.push({
          ctx, piece: path.basename(piece.source), start, track, bars, seed, kind: v.kind, condition, name, requested, attributes,
          prompt: name ? prompt[name] : undefined, real_level: name ? realLevels[name] : undefined,
          achieved: achieved && name ? achieved[name] : null, achieved_levels: achieved, prompt_levels: prompt, real_levels: realLevels,
          notes: gen.length,
          bound: name && condition !== 'none' ? bars.map((b) => withinBound(out, t, b, name, requested)) : undefined,
          in_key: gen.length ? gen.filter((n) => scale.has(n[0] % 12)).length / gen.length : NaN,
          degenerate: degenerate(generated, real),
        });
        return achieved;
      };
      const none = await run('none', {}, null, null);
      for (const name of v.names) {
        // "No control" and "real" per attribute: against what the prompt said.
        records.push({ ctx, kind: v.kind, condition: 'real', name, requested: prompt[name], achieved: realLevels[name] });
        records.push({ ctx, kind: v.kind, condition: 'none-level', name, requested: prompt[name], achieved: none ? none[name] : null, real_level: realLevels[name] });
        for (const level of LEVELS[name]) {
          // One attribute requested; its partner (min vs max) moved to the same level where the window's value would contradict it.
          const attributes = { [name]: level };
          const partner = PARTNER[name];
          if (partner && (name.startsWith('min') ? prompt[partner] < level : prompt[partner] > level)) attributes[partner] = level;
          for (const condition of ['soft', 'strict']) await run(condition, attributes, name, level);
        }
      }
    }
    process.stderr.write(`context ${ctx + 1}/${count}: ${generations} infills, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
  await engine.release();

  const finite = (xs) => xs.filter(Number.isFinite);
  const attributesSummary = {};
  for (const name of Object.keys(LEVELS)) {
    const of = (condition) => records.filter((r) => r.name === name && r.condition === condition);
    const pairs = (rs) => rs.filter((r) => r.achieved !== null && r.achieved !== undefined).map((r) => [r.requested, r.achieved]);
    const generatedStats = (rs) => {
      const bounds = rs.flatMap((r) => r.bound ?? []);
      return {
        ...levelStats(pairs(rs)),
        bound_bars: bounds.length ? mean(bounds.map((b) => (b ? 1 : 0))) : undefined,
        in_key: mean(finite(rs.map((r) => r.in_key))),
        degenerate: mean(rs.map((r) => (r.degenerate ? 1 : 0))),
      };
    };
    const noneRs = of('none-level');
    const kind = name === 'note_density' ? 'drum' : 'melodic';
    const noneGen = records.filter((r) => r.condition === 'none' && r.kind === kind);
    const byLevel = (condition) => Object.fromEntries(LEVELS[name].map((l) => [l, mean(of(condition).filter((r) => r.requested === l && r.achieved !== null).map((r) => r.achieved))]));
    attributesSummary[name] = {
      levels: LEVELS[name],
      soft: generatedStats(of('soft')),
      strict: generatedStats(of('strict')),
      none: {
        ...levelStats(pairs(noneRs)),
        // Achieved vs the level of the real bars the infill replaced.
        spearman_vs_real_bars: spearman(...(() => { const rs = noneRs.filter((r) => r.achieved !== null); return [rs.map((r) => r.real_level), rs.map((r) => r.achieved)]; })()),
        in_key: mean(finite(noneGen.map((r) => r.in_key))),
        degenerate: mean(noneGen.map((r) => (r.degenerate ? 1 : 0))),
      },
      real: levelStats(pairs(of('real'))),
      by_level: { soft: byLevel('soft'), strict: byLevel('strict') },
    };
  }
  const share = (names) => mean(records.filter((r) => r.condition === 'strict' && names.includes(r.name)).flatMap((r) => r.bound).map((b) => (b ? 1 : 0)));
  const overall = (condition) => {
    const rs = records.filter((r) => r.condition === condition && r.kind === 'melodic');
    return { in_key: mean(finite(rs.map((r) => r.in_key))), degenerate: mean(rs.map((r) => (r.degenerate ? 1 : 0))) };
  };
  const violations = records.filter((r) => r.condition === 'strict' && r.name !== 'min_polyphony' && r.bound.some((b) => !b))
    .map(({ piece, start, track, bars, seed, name, attributes, kind }) => ({ piece, window_start: start, track, bars, seed, kind, name, attributes }));
  const summary = {
    model: path.basename(modelPath),
    contexts,
    generations,
    held_out_pieces: held.size,
    window_bars: WINDOW,
    bars_per_infill: INFILL_BARS,
    threads,
    seconds: (performance.now() - started) / 1000,
    attributes: attributesSummary,
    strict_bounds: {
      max_polyphony: share(['max_polyphony']),
      note_duration: share(['min_note_duration', 'max_note_duration']),
      note_density: share(['note_density']),
      min_polyphony_best_effort: share(['min_polyphony']),
    },
    strict_violations: violations,
    overall: { soft: overall('soft'), strict: overall('strict'), none: overall('none') },
  };
  const report = JSON.stringify({ summary, records }, null, 1);
  if (values.out) {
    writeFileSync(`${values.out}.tmp`, report);
    renameSync(`${values.out}.tmp`, values.out);
  }
  console.log(JSON.stringify(summary, null, 1));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
