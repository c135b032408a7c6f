// The piano-roll preview: long pieces wrap into rows, drum hits are visible, lanes carry octave labels.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Score, type NoteTuple } from '@midigpt/core';
import { pianoRollSvg } from '../src/preview.js';
import { parityMidiPath, repoRoot } from '../../../tests/support/parity.js';

const song = Score.fromMidi(path.join(repoRoot, 'examples', 'pop909-032.mid')).toJSON(); // 61 bars, 3 melodic tracks
const drums = Score.fromMidi(parityMidiPath('edge_drums_and_melodic.mid')).toJSON(); // track 0 melodic, track 1 drums

const size = (svg: string) => svg.match(/^<svg [^>]*width="([\d.]+)" height="([\d.]+)"/)!.slice(1).map(Number);
/** Bar numbers with where they are written (one baseline y per row). */
const barNumbers = (svg: string) =>
  [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" fill="#666">(\d+)</g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), bar: Number(m[3]) }));
const octaveLabels = (svg: string) => [...svg.matchAll(/>(C-?\d+)<\/text>/g)].map((m) => m[1]);
const highlights = (svg: string) => [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)"[^>]*fill="#fff3b0"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
/** Width and height of each drawn mark: rects (notes) and polygons (drum hits), white background and highlights left out. */
function marks(svg: string): Array<{ w: number; h: number }> {
  const rects = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="([\d.]+)" fill="#(?!fff3b0)/g)].map((m) => ({ w: Number(m[1]), h: Number(m[2]) }));
  const polygons = [...svg.matchAll(/<polygon points="([^"]+)"/g)].map((m) => {
    const xy = m[1]!.split(' ').map((p) => p.split(',').map(Number) as [number, number]);
    const xs = xy.map(([x]) => x);
    const ys = xy.map(([, y]) => y);
    return { w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) };
  });
  return [...rects, ...polygons];
}

describe('pianoRollSvg preview', () => {
  it('wraps a 61-bar song into rows no wider than 1600 px, each bar numbered once', () => {
    const svg = pianoRollSvg(song, []);
    const [width, height] = size(svg);
    expect(width).toBeLessThanOrEqual(1600);
    expect(width).toBeGreaterThan(1000); // the rows use the room they have
    const numbers = barNumbers(svg);
    expect(numbers.map((n) => n.bar).sort((a, b) => a - b)).toEqual(Array.from({ length: 61 }, (_, i) => i));
    const rows = new Set(numbers.map((n) => n.y));
    expect(rows.size).toBeGreaterThan(1);
    expect(height).toBeGreaterThan(rows.size * 3 * 72); // every row repeats all three lanes
    // The rows follow each other in the score's order.
    const firstOfRow = [...rows].map((y) => numbers.find((n) => n.y === y)!.bar);
    expect(firstOfRow[0]).toBe(0);
    expect(firstOfRow).toEqual([...firstOfRow].sort((a, b) => a - b));
  });

  it('draws a highlighted cell of a late bar in a later row, under its bar number', () => {
    const svg = pianoRollSvg(song, [[1, 2], [1, 55]]);
    const [early, late] = highlights(svg);
    const numbers = barNumbers(svg);
    const bar55 = numbers.find((n) => n.bar === 55)!;
    const row55 = bar55.y;
    const nextRow = Math.min(Infinity, ...numbers.map((n) => n.y).filter((y) => y > row55));
    expect(early!.y).toBeLessThan(numbers.find((n) => n.bar === 2)!.y + 3 * 72);
    expect(late!.y).toBeGreaterThan(row55); // below bar 55's number ...
    expect(late!.y).toBeLessThan(nextRow); // ... and above the next row's
    expect(late!.y).toBeGreaterThan(early!.y + 3 * 72);
    expect(late!.x).toBeCloseTo(bar55.x - 2, 0); // in bar 55's column (the number sits 2 px right of the bar line)
  });

  it('numbers the bars of a range as in the score', () => {
    const svg = pianoRollSvg(song, [[0, 10]], [8, 19]);
    expect(barNumbers(svg).map((n) => n.bar)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const late = pianoRollSvg(song, [], [40, 60]);
    expect(barNumbers(late).map((n) => n.bar).sort((a, b) => a - b)).toEqual(Array.from({ length: 21 }, (_, i) => 40 + i));
    expect(size(late)[0]).toBeLessThanOrEqual(1600);
    expect(new Set(barNumbers(svg).map((n) => n.y)).size).toBe(1); // 12 bars fit in one row
  });

  it('draws drum hits, however short, as marks at least 5 px wide and tall', () => {
    // Drum notes in MIDI files are usually a few ticks long; these are a quarter note, so shorten them.
    const track = drums.tracks[1]!;
    expect(track.track_type).toBe('drum');
    const short = { ...track, bars: track.bars.map((b) => ({ ...b, notes: b.notes.map(([p, v, o, , d]): NoteTuple => [p, v, o, 10, d]) })) };
    for (const tracks of [[track], [short]]) {
      const hits = marks(pianoRollSvg({ ...drums, tracks }, []));
      expect(hits).toHaveLength(32);
      for (const { w, h } of hits) {
        expect(w).toBeGreaterThanOrEqual(5);
        expect(h).toBeGreaterThanOrEqual(5);
      }
    }
  });

  it('labels the octaves of melodic lanes (MIDI 60 = C4), not of drum lanes', () => {
    const piano = song.tracks[2]!.bars.flatMap((b) => b.notes.map((n) => n[0]));
    const cs = [];
    for (let c = 0; c <= 127; c += 12) if (c >= Math.min(...piano) && c <= Math.max(...piano)) cs.push(`C${c / 12 - 1}`);
    expect(cs).toContain('C4');
    const pianoOnly = pianoRollSvg({ ...song, tracks: [song.tracks[2]!] }, []);
    expect(new Set(octaveLabels(pianoOnly))).toEqual(new Set(cs));
    expect(octaveLabels(pianoRollSvg(drums, []))).toEqual(['C4']); // the melodic track plays from C4 up; the drums get none
  });
});
