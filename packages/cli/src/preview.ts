// A piano-roll picture of a score: one lane per track, notes as bars of
// colour, generated bars highlighted, bar numbers on top. SVG is written as
// text; PNG is rendered from it with resvg.
import path from 'node:path';
import type { ScoreJSON } from '@midigpt/core';

const LANE = 72; // pixels per track
const LABEL = 140; // left margin for track names
const TOP = 22; // room for bar numbers
const COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * The piano roll of bars `range` = [first, last] (default: all) of `score`, with the
 * `generated` (track, bar) cells highlighted. Bar numbers stay those of the score.
 */
export function pianoRollSvg(whole: ScoreJSON, highlighted: Array<[number, number]>, range?: [number, number]): string {
  const [first, last] = range ?? [0, (whole.tracks[0]?.bars.length ?? 1) - 1];
  const score = { ...whole, tracks: whole.tracks.map((t) => ({ ...t, bars: t.bars.slice(first, last + 1) })) };
  const generated = highlighted.filter(([, b]) => b >= first && b <= last).map(([t, b]): [number, number] => [t, b - first]);
  const bars = score.tracks[0]?.bars ?? [];
  const barWidth = Math.max(12, Math.min(80, 3200 / Math.max(1, bars.length)));
  const starts: number[] = [];
  let x = 0;
  for (const b of bars) {
    starts.push(x);
    x += (b.beat_length / 4) * barWidth;
  }
  const width = LABEL + x + 10;
  const height = TOP + score.tracks.length * LANE + 10;
  const tickWidth = barWidth / (4 * score.resolution);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height}" viewBox="0 0 ${width.toFixed(0)} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  const every = Math.ceil(28 / barWidth);
  starts.forEach((s, i) => {
    parts.push(`<line x1="${LABEL + s}" y1="${TOP - 4}" x2="${LABEL + s}" y2="${height - 10}" stroke="#e0e0e0"/>`);
    if (i % every === 0) parts.push(`<text x="${LABEL + s + 2}" y="${TOP - 8}" fill="#666">${i + first}</text>`);
  });
  for (const [t, b] of generated) {
    if (starts[b] === undefined) continue;
    const w = ((score.tracks[t]?.bars[b]?.beat_length ?? 4) / 4) * barWidth;
    parts.push(`<rect x="${LABEL + starts[b]!}" y="${TOP + t * LANE}" width="${w}" height="${LANE}" fill="#fff3b0"/>`);
  }
  score.tracks.forEach((track, t) => {
    const top = TOP + t * LANE;
    const pitches = track.bars.flatMap((b) => b.notes.map((n) => n[0]));
    const low = Math.min(...pitches, 127);
    const high = Math.max(...pitches, 0);
    const span = Math.max(12, high - low + 1);
    const label = `${t}: ${track.name || (track.track_type === 'drum' ? 'drums' : `program ${track.instrument}`)}`;
    parts.push(`<line x1="0" y1="${top + LANE}" x2="${width}" y2="${top + LANE}" stroke="#cccccc"/>`);
    parts.push(`<text x="4" y="${top + LANE / 2 + 4}" fill="#333">${escape(label.slice(0, 22))}</text>`);
    const colour = COLOURS[t % COLOURS.length]!;
    track.bars.forEach((bar, b) => {
      for (const [pitch, , onset, duration] of bar.notes) {
        const nx = LABEL + (starts[b] ?? 0) + onset * tickWidth;
        const ny = top + LANE - 4 - ((pitch - low + 1) / span) * (LANE - 8);
        const nw = Math.max(1.5, duration * tickWidth);
        parts.push(`<rect x="${nx.toFixed(1)}" y="${ny.toFixed(1)}" width="${nw.toFixed(1)}" height="${Math.max(2, (LANE - 8) / span).toFixed(1)}" fill="${colour}"/>`);
      }
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** The picture in the format the file name asks for (.svg or .png). */
export async function renderPreview(file: string, svg: string): Promise<Uint8Array> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.svg') return new TextEncoder().encode(svg);
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(svg, { background: '#ffffff' }).render().asPng();
}
