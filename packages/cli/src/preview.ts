// A piano-roll picture of a score: one lane per track, melodic notes as bars of
// colour, drum hits as diamonds, generated bars highlighted, bar numbers on top
// and octaves (C2, C3, …) at the side. Long pieces wrap into rows of bars, so
// the picture stays readable when scaled to a screen. SVG is written as text;
// PNG is rendered from it with resvg.
import path from 'node:path';
import type { ScoreJSON, TrackJSON } from '@midigpt/core';

const MAX_WIDTH = 1600; // the whole picture, label margin included
const LABEL = 140; // left margin for track names and octave labels
const RIGHT = 10; // right margin
const BAR = 80; // pixels per 4-beat bar
const LANE = 72; // pixels per track
const PAD = 4; // space above and below the notes in a lane
const TOP = 22; // room for bar numbers above each row
const GAP = 16; // space between rows
const DRUM = 3.5; // half the width and height of a drum hit's diamond
const COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const px = (n: number) => n.toFixed(1);

/** One row (system) of the picture: the bars it holds and where each starts. */
interface Row {
  bars: number[]; // indices into the drawn bars
  x: number[]; // each bar's left edge, relative to the row's start
  width: number;
}

/** Where a pitch lies in its lane (y of its top edge and height, from the lane's top), and the octave guides. */
interface Scale {
  y: (pitch: number) => number;
  height: number;
  octaves: Array<[name: string, y: number]>;
}

/**
 * The piano roll of bars `range` = [first, last] (default: all) of `score`, with the
 * `generated` (track, bar) cells highlighted. Bar numbers stay those of the score.
 */
export function pianoRollSvg(whole: ScoreJSON, highlighted: Array<[number, number]>, range?: [number, number]): string {
  const [first, last] = range ?? [0, (whole.tracks[0]?.bars.length ?? 1) - 1];
  const tracks = whole.tracks.map((t) => ({ ...t, bars: t.bars.slice(first, last + 1) }));
  const rows = wrap((tracks[0]?.bars ?? []).map((b) => (b.beat_length / 4) * BAR), MAX_WIDTH - LABEL - RIGHT);
  const rowHeight = TOP + tracks.length * LANE + GAP;
  const width = Math.round(LABEL + Math.max(0, ...rows.map((r) => r.width)) + RIGHT);
  const height = Math.max(1, rows.length) * rowHeight - GAP + 10;
  const generated = highlighted.filter(([, b]) => b >= first && b <= last).map(([t, b]): [number, number] => [t, b - first]);
  const scales = tracks.map((t) => (t.track_type === 'drum' ? drumScale(t) : pitchScale(t)));
  const tick = BAR / (4 * whole.resolution);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  rows.forEach((row, r) => {
    const top = r * rowHeight + TOP; // the first lane's top edge
    parts.push(...frame(tracks, row, top, first, generated));
    tracks.forEach((track, t) => parts.push(...lane(track, t, scales[t]!, row, top + t * LANE, tick)));
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** A row's highlighted cells, bar lines and bar numbers (those of the score: `first` is the first drawn bar). */
function frame(tracks: TrackJSON[], row: Row, top: number, first: number, generated: Array<[number, number]>): string[] {
  const bottom = top + tracks.length * LANE;
  const end = px(LABEL + row.width);
  const parts: string[] = [];
  // Highlights first, so that bar lines and notes are drawn over them.
  for (const [t, b] of generated) {
    const i = row.bars.indexOf(b);
    const bar = tracks[t]?.bars[b];
    if (i < 0 || !bar) continue;
    parts.push(`<rect x="${px(LABEL + row.x[i]!)}" y="${top + t * LANE}" width="${px((bar.beat_length / 4) * BAR)}" height="${LANE}" fill="#fff3b0"/>`);
  }
  row.bars.forEach((b, i) => {
    const x = LABEL + row.x[i]!;
    parts.push(`<line x1="${px(x)}" y1="${top - 4}" x2="${px(x)}" y2="${bottom}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${px(x + 2)}" y="${top - 8}" fill="#666">${b + first}</text>`);
  });
  parts.push(`<line x1="${end}" y1="${top - 4}" x2="${end}" y2="${bottom}" stroke="#e0e0e0"/>`);
  parts.push(`<line x1="0" y1="${top}" x2="${end}" y2="${top}" stroke="#cccccc"/>`);
  return parts;
}

/**
 * Bars of these widths split into rows no wider than `max`. The rows are filled
 * evenly (61 bars make rows of 16, 16, 16 and 13, not 18, 18, 18 and 7) so the
 * last one is not a stub.
 */
function wrap(widths: number[], max: number): Row[] {
  const total = widths.reduce((a, b) => a + b, 0);
  const target = total / Math.max(1, Math.ceil(total / max)) - 1e-6;
  const rows: Row[] = [];
  let row: Row | undefined;
  widths.forEach((w, b) => {
    if (!row || row.width >= target || row.width + w > max) rows.push((row = { bars: [], x: [], width: 0 }));
    row.bars.push(b);
    row.x.push(row.width);
    row.width += w;
  });
  return rows;
}

/** Pitch runs up the lane, at least an octave tall; each C inside gets a guide through its middle. */
function pitchScale(track: TrackJSON): Scale {
  const pitches = track.bars.flatMap((b) => b.notes.map((n) => n[0]));
  const low = Math.min(...pitches, 127);
  const span = Math.max(12, Math.max(...pitches, 0) - low + 1);
  const row = (LANE - 2 * PAD) / span;
  const bottomOf = (pitch: number) => LANE - PAD - (pitch - low) * row;
  const octaves: Array<[string, number]> = [];
  // An empty lane has no pitch range to label.
  if (pitches.length > 0) for (let c = Math.ceil(low / 12) * 12; c < low + span; c += 12) octaves.push([`C${c / 12 - 1}`, bottomOf(c) - row / 2]);
  return { y: (pitch) => bottomOf(pitch + 1), height: Math.max(2, row), octaves };
}

/**
 * Drum pitches name instruments, not heights, so each one used gets its own
 * evenly spaced row (as in a drum editor) instead of a semitone's sliver.
 */
function drumScale(track: TrackJSON): Scale {
  const used = [...new Set(track.bars.flatMap((b) => b.notes.map((n) => n[0])))].sort((a, b) => a - b);
  const row = (LANE - 2 * PAD) / Math.max(1, used.length);
  return { y: (pitch) => LANE - PAD - (used.indexOf(pitch) + 1) * row, height: row, octaves: [] };
}

/** One track's lane in one row: its name, octave guides and notes. */
function lane(track: TrackJSON, t: number, scale: Scale, row: Row, top: number, tick: number): string[] {
  const right = px(LABEL + row.width);
  const name = `${t}: ${track.name || (track.track_type === 'drum' ? 'drums' : `program ${track.instrument}`)}`;
  const parts = [
    `<line x1="0" y1="${top + LANE}" x2="${right}" y2="${top + LANE}" stroke="#cccccc"/>`,
    // Short enough to leave room for the octave labels at the margin's right.
    `<text x="4" y="${top + LANE / 2 + 4}" fill="#333">${escape(name.slice(0, 18))}</text>`,
  ];
  let lastLabel = Infinity;
  for (const [octave, y] of scale.octaves) {
    parts.push(`<line x1="${LABEL}" y1="${px(top + y)}" x2="${right}" y2="${px(top + y)}" stroke="#ebebeb"/>`);
    // In a lane many octaves tall, skip labels that would touch the one below.
    if (lastLabel - y < 9) continue;
    // Kept inside the lane, so a label at its edge does not cross into the next.
    const baseline = top + Math.min(LANE - 2, Math.max(10, y + 3));
    parts.push(`<text x="${LABEL - 3}" y="${px(baseline)}" fill="#999" font-size="9" text-anchor="end">${octave}</text>`);
    lastLabel = y;
  }
  const colour = COLOURS[t % COLOURS.length]!;
  row.bars.forEach((b, i) => {
    for (const [pitch, , onset, duration] of track.bars[b]?.notes ?? []) {
      const x = LABEL + row.x[i]! + onset * tick;
      const y = top + scale.y(pitch);
      if (track.track_type === 'drum') {
        // A hit's length says little, and most are too short to see: mark its onset.
        parts.push(diamond(x, y + scale.height / 2, colour));
      } else {
        // A note held past the row's end is cut there rather than drawn into the margin.
        const width = Math.max(1.5, Math.min(duration * tick, LABEL + row.width - x));
        parts.push(`<rect x="${px(x)}" y="${px(y)}" width="${px(width)}" height="${px(scale.height)}" fill="${colour}"/>`);
      }
    }
  });
  return parts;
}

/** A drum hit: a diamond centred on its onset and its instrument's row. */
function diamond(x: number, y: number, colour: string): string {
  const points = `${px(x)},${px(y - DRUM)} ${px(x + DRUM)},${px(y)} ${px(x)},${px(y + DRUM)} ${px(x - DRUM)},${px(y)}`;
  return `<polygon points="${points}" fill="${colour}"/>`;
}

/** The picture in the format the file name asks for (.svg or .png). */
export async function renderPreview(file: string, svg: string): Promise<Uint8Array> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.svg') return new TextEncoder().encode(svg);
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(svg, { background: '#ffffff' }).render().asPng();
}
