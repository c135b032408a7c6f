// The piece a live session builds (realtime.md §1.6): tracks, bars of notes on
// the encoder's grid, notes waiting for their bar to close, and the playhead
// (`barsCompleted`). Only the bars a prompt can still use are kept.
import { signatureBarTicks } from '@midigpt/core';
import { invalidParam, ErrorCode, LiveError } from './errors.js';

export interface LiveTrack {
  /** The client's id. */
  id: number;
  /** General MIDI program. */
  instrument: number;
  drum: boolean;
  agent: boolean;
  ignore: boolean;
  /** Agent only: overrides the session temperature when set. */
  temperature: number | null;
  /** Agent only: generated notes outside this range are moved by octaves into it. */
  minPitch: number;
  maxPitch: number;
}

/** A note as clients send it: onset and duration are fractions of the bar. */
export interface BarNote {
  pitch: number;
  velocity: number;
  onset: number;
  duration: number;
}

/** A note on the piece's grid: ticks from the bar start. */
export interface StoredNote {
  pitch: number;
  velocity: number;
  onset: number;
  duration: number;
}

export type TimeSignature = readonly [numerator: number, denominator: number];

export interface PieceLimits {
  /** Bars before the playhead that are kept (the widest window the model can see). */
  historyBars: number;
  /** How far ahead of the playhead a note's or a bar end's bar index may be. */
  maxBarsAhead: number;
  /** Notes one track may hold for one bar. */
  maxNotesPerBar: number;
}

export const DEFAULT_LIMITS: PieceLimits = { historyBars: 24, maxBarsAhead: 64, maxNotesPerBar: 512 };

/** A bar's length in ticks: the core's one definition (the reference floors 4·n·res/d; the same for every bar of whole ticks). */
export function barTicks(ts: TimeSignature, resolution: number): number {
  return signatureBarTicks([ts[0], ts[1]], resolution);
}

export class Piece {
  readonly #tracks = new Map<number, LiveTrack>();
  readonly #bars = new Map<number, Map<number, StoredNote[]>>();
  readonly #pending = new Map<number, Map<number, BarNote[]>>();
  readonly #ts = new Map<number, TimeSignature>();
  /** Agent bars that came from the model. */
  readonly generated = new Set<number>();
  #latestTs: TimeSignature = [4, 4];
  #barsCompleted = 0;

  constructor(
    readonly resolution: number,
    readonly limits: PieceLimits = DEFAULT_LIMITS,
  ) {}

  /** The playhead: one past the highest bar closed so far. */
  get barsCompleted(): number {
    return this.#barsCompleted;
  }

  /** Tracks in creation order (their index is the score track index). */
  tracks(): LiveTrack[] {
    return [...this.#tracks.values()];
  }

  track(id: number): LiveTrack {
    const track = this.#tracks.get(id);
    if (!track) throw new LiveError(ErrorCode.unknownTrack, `no track ${id}`);
    return track;
  }

  agent(): LiveTrack | undefined {
    return this.tracks().find((t) => t.agent);
  }

  addTrack(track: LiveTrack): void {
    if (this.#tracks.has(track.id)) throw new LiveError(ErrorCode.duplicateTrack, `track ${track.id} exists already`);
    if (track.agent && this.agent()) throw new LiveError(ErrorCode.multiAgent, `track ${this.agent()!.id} is the agent already; there is one agent`);
    this.#tracks.set(track.id, track);
    this.#bars.set(track.id, new Map());
  }

  removeTrack(id: number): void {
    if (this.track(id).agent) throw new LiveError(ErrorCode.invalidState, `track ${id} is the agent; it cannot be removed`);
    this.#tracks.delete(id);
    this.#bars.delete(id);
    this.#pending.delete(id);
  }

  /** Holds a note until `/bar/end` closes its bar. */
  addNote(trackId: number, bar: number, note: BarNote): void {
    const track = this.track(trackId);
    if (track.agent) throw new LiveError(ErrorCode.agentNote, `track ${trackId} is the agent; its notes come from the model`);
    this.#checkOpenBar(bar, 'note');
    let byBar = this.#pending.get(trackId);
    if (!byBar) this.#pending.set(trackId, (byBar = new Map()));
    const notes = byBar.get(bar) ?? [];
    if (notes.length >= this.limits.maxNotesPerBar) throw invalidParam(`track ${trackId} has ${notes.length} notes in bar ${bar} already (at most ${this.limits.maxNotesPerBar})`);
    notes.push(note);
    byBar.set(bar, notes);
  }

  /** Closes bar `bar` (§1.6): its pending notes become its content; the playhead moves past it. */
  closeBar(bar: number, ts: TimeSignature): void {
    this.#checkOpenBar(bar, 'bar end');
    this.#ts.set(bar, ts);
    this.#latestTs = ts;
    const ticks = barTicks(ts, this.resolution);
    for (const track of this.#tracks.values()) {
      const notes = this.#pending.get(track.id)?.get(bar);
      if (!notes) continue;
      this.#pending.get(track.id)!.delete(bar);
      this.#bars.get(track.id)!.set(
        bar,
        notes.map((n) => ({ pitch: n.pitch, velocity: n.velocity, onset: Math.floor(n.onset * ticks), duration: Math.max(1, Math.floor(n.duration * ticks)) })),
      );
    }
    // Notes for bars this bar end skipped can never be closed: drop them.
    for (const byBar of this.#pending.values()) for (const pendingBar of byBar.keys()) if (pendingBar < bar) byBar.delete(pendingBar);
    this.#barsCompleted = bar + 1;
    this.#trim();
  }

  /** The time signature of a bar: its own when closed, else the latest one. */
  timeSignature(bar: number): TimeSignature {
    return this.#ts.get(bar) ?? this.#latestTs;
  }

  /** Notes waiting for their bar to close, all tracks together. */
  get pendingNotes(): number {
    let count = 0;
    for (const byBar of this.#pending.values()) for (const notes of byBar.values()) count += notes.length;
    return count;
  }

  notes(trackId: number, bar: number): StoredNote[] {
    return this.#bars.get(trackId)?.get(bar) ?? [];
  }

  /** Writes a generated agent bar. */
  setGenerated(trackId: number, bar: number, notes: StoredNote[]): void {
    this.#bars.get(trackId)?.set(bar, notes);
    this.generated.add(bar);
  }

  /** Whether the agent has a bar with notes before `bar`. */
  agentHasHistory(before: number): boolean {
    const agent = this.agent();
    if (!agent) return false;
    for (const [bar, notes] of this.#bars.get(agent.id) ?? []) if (bar < before && notes.some((n) => n.velocity > 0)) return true;
    return false;
  }

  /** Bars, pending notes and time signatures older than the history a prompt can use are dropped. */
  #trim(): void {
    const keepFrom = this.#barsCompleted - this.limits.historyBars;
    for (const bars of this.#bars.values()) for (const bar of bars.keys()) if (bar < keepFrom) bars.delete(bar);
    for (const bar of this.#ts.keys()) if (bar < keepFrom) this.#ts.delete(bar);
    for (const bar of this.generated) if (bar < keepFrom) this.generated.delete(bar);
  }

  #checkOpenBar(bar: number, what: string): void {
    if (!Number.isInteger(bar) || bar < 0) throw invalidParam(`${what}: bar index must be an integer ≥ 0, got ${bar}`);
    if (bar < this.#barsCompleted) throw invalidParam(`${what}: bar ${bar} is closed already (the next open bar is ${this.#barsCompleted})`);
    if (bar > this.#barsCompleted + this.limits.maxBarsAhead)
      throw invalidParam(`${what}: bar ${bar} is more than ${this.limits.maxBarsAhead} bars ahead of the playhead (${this.#barsCompleted})`);
  }
}
