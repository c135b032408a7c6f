// `midigpt inspect INPUT`: what is in a piece — tracks, bars, time
// signatures, tempo, notes — and the attribute values an encoder computes for
// it (what the model would be told about each track and bar), with labels.
import type { Command } from 'commander';
import type { AttributeInfo, Score, ScoreJSON, Tokenizer } from '@midigpt/core';
import { UsageError } from '../errors.js';
import { formatTable } from '../format.js';
import { writeOutput } from '../output.js';
import { pianoRollSvg, renderPreview } from '../preview.js';
import { barRange } from './generation.js';
import { loadScore } from './score.js';
import { loadTokenizer } from './tokenize.js';

interface TrackReport {
  index: number;
  name: string;
  instrument: number;
  track_type: string;
  bars: number;
  notes: number;
  attributes: Record<string, { value: number; label?: string }>;
  bar_attributes: Array<Record<string, { value: number; label?: string }>>;
}

function labelled(info: AttributeInfo | undefined, value: number): { value: number; label?: string } {
  const label = info?.labels[value];
  return label === undefined ? { value } : { value, label };
}

function timeSignatures(score: ScoreJSON): Array<{ bar: number; ts: string }> {
  const out: Array<{ bar: number; ts: string }> = [];
  (score.tracks[0]?.bars ?? []).forEach((b, i) => {
    const ts = `${b.ts[0]}/${b.ts[1]}`;
    if (out.at(-1)?.ts !== ts) out.push({ bar: i, ts });
  });
  return out;
}

export function inspectScore(file: string, score: Score, tokenizer: Tokenizer) {
  const json = score.toJSON();
  const prepared = tokenizer.prepare(score).toJSON();
  const byName = new Map(tokenizer.attributes().map((a) => [a.name, a]));
  const byToken = new Map(tokenizer.attributes().filter((a) => a.level === 'bar').map((a) => [a.tokenType, a]));
  const tracks: TrackReport[] = json.tracks.map((t, index) => {
    const attributes: TrackReport['attributes'] = {};
    const barAttributes: TrackReport['bar_attributes'] = t.bars.map(() => ({}));
    for (const [key, value] of Object.entries(prepared.tracks[index]!.attributes)) {
      const bar = /^bar_(\w+)_(\d+)$/.exec(key);
      if (bar) {
        const info = byToken.get(bar[1]!);
        if (info) barAttributes[Number(bar[2])]![info.name] = labelled(info, value);
      } else if (byName.has(key)) {
        attributes[key] = labelled(byName.get(key), value);
      }
    }
    return {
      index,
      name: t.name,
      instrument: t.instrument,
      track_type: t.track_type,
      bars: t.bars.length,
      notes: t.bars.reduce((n, b) => n + b.notes.length, 0),
      attributes,
      bar_attributes: barAttributes,
    };
  });
  return {
    file,
    encoder: tokenizer.source,
    resolution: json.resolution,
    tempo: json.tempo,
    bpm: Number((60_000_000 / json.tempo).toFixed(2)),
    tempo_changes: json.tempos.length,
    time_signatures: timeSignatures(json),
    bars: Math.max(0, ...tracks.map((t) => t.bars)),
    tracks,
  };
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description("show a piece's tracks, bars and the attribute values an encoder computes for it")
    .argument('<input>', 'a .mid file, or a score .json; - reads standard input')
    .option('-e, --encoder <name|path>', 'whose attribute controls to compute', 'yellow')
    .option('--json', 'print everything as JSON, bar-level attributes included')
    .option('--preview <file>', 'also draw a piano roll of the piece (.svg or .png)')
    .option('--preview-bars <bars>', 'draw only these bars, e.g. 8-19 (default: the whole piece)')
    .option('-f, --force', 'replace an existing preview file')
    .addHelpText('after', '\nExamples:\n  midigpt inspect song.mid\n  midigpt inspect song.mid -e prism --json\n  midigpt inspect song.mid --preview song.png --preview-bars 8-19')
    .action(async (input: string, options: { encoder: string; json?: boolean; preview?: string; previewBars?: string; force?: boolean }) => {
      const score = await loadScore(input);
      const report = inspectScore(input, score, loadTokenizer(options.encoder));
      if (options.preview) {
        if (!/\.(svg|png)$/i.test(options.preview)) throw new UsageError(`${options.preview}: the preview must end in .svg or .png`);
        const range = options.previewBars === undefined ? undefined : barRange(options.previewBars, report.bars);
        const picture = await renderPreview(options.preview, pianoRollSvg(score.toJSON(), [], range));
        writeOutput(options.preview, picture, { force: options.force ?? false, inputs: [input] });
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      const signatures = report.time_signatures.map((t) => (t.bar ? `${t.ts} from bar ${t.bar}` : t.ts)).join(', ') || '-';
      const head =
        `${report.file}: ${report.tracks.length} tracks, ${report.bars} bars, ${report.bpm} BPM` +
        `${report.tempo_changes ? ` (${report.tempo_changes} tempo events)` : ''}, time signatures ${signatures}\n` +
        `attribute controls of the ${report.encoder} encoder (whole piece):\n\n`;
      const rows = [['#', 'name', 'program', 'kind', 'notes', 'attributes']];
      for (const t of report.tracks) {
        const attrs = Object.entries(t.attributes).map(([k, v]) => `${k}=${v.value}${v.label ? ` (${v.label})` : ''}`).join(', ');
        rows.push([String(t.index), t.name || '-', String(t.instrument), t.track_type, String(t.notes), attrs || '-']);
      }
      process.stdout.write(`${head}${formatTable(rows)}\n${options.preview ? `\npreview: ${options.preview}\n` : ''}`);
    });
}
