// The multitrack piano roll: one lane per track (name and instrument on the
// left), bar numbers on top (1-based, as in a DAW), notes as bars of colour,
// the selection and the generated bars shaded, and the play cursor.
import { cell } from './document.js';
import { programName } from './gm.js';
import { isSelected, type Selection } from './selection.js';
import { isDrum, durationOf, onsetOf, pitchOf, velocityOf, type Score, type Timeline } from './score.js';

export const RULER_PX = 28;
export const LANE_PX = 112;
/** Width of a 4/4 bar. */
const BAR_PX = 48;
/** Browsers refuse larger canvases. */
const MAX_CANVAS_PX = 30_000;
/** Lane colours (hue); amber (38) is kept for generated notes. */
const HUES = [205, 140, 280, 330, 175, 95, 250, 0];

export interface RollView {
  score: Score;
  timeline: Timeline;
  selection: Selection | null;
  generated: ReadonlySet<string>;
}

/** Where a point is: a bar of a track's lane, or of the ruler (`track` null). */
export interface RollHit {
  track: number | null;
  bar: number;
}

export class PianoRoll {
  readonly names: HTMLElement;
  readonly scroller: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly cursor: HTMLElement;
  private view: RollView | null = null;
  private pxPerTick = 0;

  /** `host` keeps what it shows (a hint) until the first piece is drawn. */
  constructor(private readonly host: HTMLElement) {
    this.names = el('div', 'roll-names');
    this.scroller = el('div', 'roll-scroll');
    this.canvas = document.createElement('canvas');
    this.cursor = el('div', 'roll-cursor');
    this.cursor.hidden = true;
    this.scroller.append(this.canvas, this.cursor);
  }

  render(view: RollView): void {
    this.view = view;
    if (!this.scroller.isConnected) this.host.replaceChildren(this.names, this.scroller);
    const { score, timeline } = view;
    this.pxPerTick = Math.min(BAR_PX / (4 * score.resolution), MAX_CANVAS_PX / Math.max(1, timeline.endTick));
    const width = Math.ceil(timeline.endTick * this.pxPerTick) + 1;
    const height = RULER_PX + LANE_PX * score.tracks.length;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.min(MAX_CANVAS_PX, Math.round(width * ratio));
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const g = this.canvas.getContext('2d');
    if (!g) return;
    g.setTransform(this.canvas.width / width, 0, 0, this.canvas.height / height, 0, 0);
    g.fillStyle = '#15171c';
    g.fillRect(0, 0, width, height);
    score.tracks.forEach((_, t) => this.drawLane(g, view, t, width));
    this.drawRuler(g, view, width);
    this.renderNames(score);
  }

  /** The play cursor at a tick, or hidden. */
  setCursor(tick: number | null): void {
    this.cursor.hidden = tick === null;
    if (tick === null) return;
    const x = tick * this.pxPerTick;
    this.cursor.style.transform = `translateX(${x}px)`;
    const left = this.scroller.scrollLeft;
    if (x < left || x > left + this.scroller.clientWidth - 40) this.scroller.scrollLeft = Math.max(0, x - 40);
  }

  hit(clientX: number, clientY: number, clamp = false): RollHit | null {
    if (!this.view) return null;
    const box = this.canvas.getBoundingClientRect();
    const x = clientX - box.left;
    const y = clientY - box.top;
    const lanes = this.view.score.tracks.length;
    if (!clamp && (x < 0 || y < 0 || x >= box.width || y >= box.height)) return null;
    const bars = this.view.timeline.bars;
    const bar = Math.max(0, Math.min(bars - 1, this.view.timeline.barAt(Math.max(0, x) / this.pxPerTick)));
    if (y < RULER_PX) return { track: null, bar };
    return { track: Math.max(0, Math.min(lanes - 1, Math.floor((y - RULER_PX) / LANE_PX))), bar };
  }

  /** The middle of a bar of a lane (or of the ruler) in client coordinates, scrolled into view. */
  point(track: number | null, bar: number): { x: number; y: number } {
    if (!this.view) throw new Error('no piece loaded');
    const { timeline } = this.view;
    const middle = ((timeline.barStart(bar) + timeline.barStart(bar + 1)) / 2) * this.pxPerTick;
    if (middle < this.scroller.scrollLeft + 20 || middle > this.scroller.scrollLeft + this.scroller.clientWidth - 20)
      this.scroller.scrollLeft = Math.max(0, middle - this.scroller.clientWidth / 3);
    const box = this.canvas.getBoundingClientRect();
    const y = track === null ? RULER_PX / 2 : RULER_PX + track * LANE_PX + LANE_PX / 2;
    return { x: box.left + middle, y: box.top + y };
  }

  private barX(bar: number): number {
    return this.view!.timeline.barStart(bar) * this.pxPerTick;
  }

  private drawRuler(g: CanvasRenderingContext2D, { timeline, selection }: RollView, width: number): void {
    g.fillStyle = '#20232b';
    g.fillRect(0, 0, width, RULER_PX);
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    for (let b = 0; b < timeline.bars; b++) {
      const x = this.barX(b);
      const selected = selection !== null && isSelected(selection, selection.tracks[0] ?? -1, b);
      if (selected) {
        g.fillStyle = '#3d6fd9';
        g.fillRect(x, 0, this.barX(b + 1) - x, RULER_PX);
      }
      g.fillStyle = selected ? '#ffffff' : '#9aa3b5';
      g.fillText(String(b + 1), x + 4, RULER_PX / 2);
      g.fillStyle = '#3a3f4b';
      g.fillRect(x, RULER_PX - 8, 1, 8);
    }
  }

  private drawLane(g: CanvasRenderingContext2D, view: RollView, t: number, width: number): void {
    const { score, timeline, selection, generated } = view;
    const track = score.tracks[t]!;
    const top = RULER_PX + t * LANE_PX;
    const hue = HUES[t % HUES.length]!;
    g.fillStyle = t % 2 === 0 ? '#181b21' : '#1b1e25';
    g.fillRect(0, top, width, LANE_PX);
    for (let b = 0; b < timeline.bars; b++) {
      const x = this.barX(b);
      const w = this.barX(b + 1) - x;
      if (generated.has(cell(t, b))) {
        g.fillStyle = 'rgba(255, 184, 64, 0.16)';
        g.fillRect(x, top, w, LANE_PX);
      }
      if (isSelected(selection, t, b)) {
        g.fillStyle = 'rgba(70, 130, 255, 0.22)';
        g.fillRect(x, top, w, LANE_PX);
      }
      g.fillStyle = '#2a2e38';
      g.fillRect(x, top, 1, LANE_PX);
    }
    g.fillStyle = '#2f3440';
    g.fillRect(0, top + LANE_PX - 1, width, 1);
    // Pitch range of the lane: the track's own, at least two octaves.
    const pitches = track.bars.flatMap((bar) => bar.notes.map(pitchOf));
    const middle = pitches.length ? (Math.min(...pitches) + Math.max(...pitches)) / 2 : 60;
    const span = pitches.length ? Math.max(24, Math.max(...pitches) - Math.min(...pitches) + 2) : 24;
    const lo = middle - span / 2;
    const rowPx = (LANE_PX - 8) / span;
    track.bars.forEach((bar, b) => {
      const start = timeline.barStart(b);
      const fresh = generated.has(cell(t, b));
      for (const n of bar.notes) {
        const x = (start + onsetOf(n)) * this.pxPerTick;
        const w = Math.max(2, (isDrum(track) ? score.resolution / 8 : durationOf(n)) * this.pxPerTick - 0.5);
        const y = top + 4 + (span - (pitchOf(n) - lo) - 1) * rowPx;
        const light = 45 + (velocityOf(n) / 127) * 20;
        g.fillStyle = fresh ? `hsl(38, 95%, ${light}%)` : `hsl(${hue}, 65%, ${light}%)`;
        g.fillRect(x, y, w, Math.max(2, rowPx));
      }
    });
  }

  private renderNames(score: Score): void {
    const header = el('div', 'roll-name roll-name-ruler');
    header.style.height = `${RULER_PX}px`;
    header.textContent = 'bar';
    const lanes = score.tracks.map((track, t) => {
      const lane = el('div', 'roll-name');
      lane.style.height = `${LANE_PX}px`;
      lane.style.borderLeftColor = `hsl(${HUES[t % HUES.length]}, 65%, 55%)`;
      const notes = track.bars.reduce((n, bar) => n + bar.notes.length, 0);
      lane.append(
        text('strong', `${t + 1}. ${track.name || `Track ${t + 1}`}`),
        text('span', isDrum(track) ? 'Drums' : programName(track.instrument)),
        text('small', `${notes} notes`),
      );
      lane.dataset['track'] = String(t);
      return lane;
    });
    this.names.replaceChildren(header, ...lanes);
  }
}

function el(tag: string, className: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

function text(tag: string, content: string): HTMLElement {
  const node = document.createElement(tag);
  node.textContent = content;
  return node;
}
