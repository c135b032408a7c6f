// Human-readable output. Plain text; no colours are needed for tables.
import type { ScoreSummary } from '@midigpt/core';

const GM_FAMILIES = [
  'Piano', 'Chromatic percussion', 'Organ', 'Guitar', 'Bass', 'Strings', 'Ensemble', 'Brass',
  'Reed', 'Pipe', 'Synth lead', 'Synth pad', 'Synth effects', 'Ethnic', 'Percussive', 'Sound effects',
];

function instrumentLabel(program: number, trackType: string): string {
  if (trackType === 'drum') return 'Drums';
  return `${GM_FAMILIES[Math.floor(program / 8)] ?? 'Unknown'} (program ${program})`;
}

export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

export function formatSummary(file: string, s: ScoreSummary): string {
  const bpm = (60_000_000 / s.tempo).toFixed(1);
  const head = `${file}: ${s.tracks.length} tracks, ${s.bars} bars, ${s.notes} notes, ${bpm} BPM, ${s.resolution} ticks per quarter\n`;
  if (s.tracks.length === 0) return head;
  const rows = [['#', 'name', 'instrument', 'bars', 'notes']];
  for (const t of s.tracks)
    rows.push([String(t.index), t.name || '-', instrumentLabel(t.instrument, t.track_type), String(t.bars), String(t.notes)]);
  return `${head}\n${formatTable(rows)}\n`;
}

// Token names with a line break before each track, bar and fill-in block.
const LINE_STARTS = new Set(['Track', 'Bar', 'FillInStart']);

export function formatTokens(tokens: ArrayLike<number>, names: string[]): string {
  const lines: string[][] = [[]];
  for (const id of Array.from(tokens)) {
    const name = names[id] ?? `?${id}`;
    if (LINE_STARTS.has(name.slice(0, name.indexOf(':'))) && lines.at(-1)!.length > 0) lines.push([]);
    lines.at(-1)!.push(name);
  }
  return `${lines.map((l) => l.join(' ')).join('\n')}\n(${tokens.length} tokens)\n`;
}
