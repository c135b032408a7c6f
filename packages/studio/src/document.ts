// The piece being edited: its MIDI file (what is sent and exported, so export is
// lossless), its score (what is drawn and played) and the bars generated so far;
// and the undo/redo history of kept takes.
import type { Score } from './score.js';

/** A MIDI file's bytes (on an ArrayBuffer, as fetch and Blob take them). */
export type Bytes = Uint8Array<ArrayBuffer>;

export interface Piece {
  /** The file name shown and used for the export. */
  name: string;
  midi: Bytes;
  score: Score;
  /** Generated cells, `"track:bar"`. */
  generated: ReadonlySet<string>;
}

export const cell = (track: number, bar: number): string => `${track}:${bar}`;

/** Kept pieces: `current`, the ones before it (undo) and the ones undone (redo). */
export class History {
  private past: Piece[] = [];
  private future: Piece[] = [];

  constructor(public current: Piece) {}

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  commit(piece: Piece): void {
    this.past.push(this.current);
    this.current = piece;
    this.future = [];
  }

  undo(): void {
    const previous = this.past.pop();
    if (!previous) return;
    this.future.push(this.current);
    this.current = previous;
  }

  redo(): void {
    const next = this.future.pop();
    if (!next) return;
    this.past.push(this.current);
    this.current = next;
  }
}
