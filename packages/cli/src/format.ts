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

function table(rows: string[][]): string {
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
  return `${head}\n${table(rows)}\n`;
}
