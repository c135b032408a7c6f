// The live bar clock: bar numbers and their start times on the AudioContext
// clock. A timer asks it often which bars are due (start within a short
// look-ahead); each bar's length comes from its quarters and the tempo when it
// is scheduled, so a tempo change applies from the next bar and never
// renumbers bars (the reference's studio restarted at bar 0). Pure: time is
// passed in (tested in test/live.test.ts).

export interface ScheduledBar {
  /** Absolute bar number (0 = the first bar of the session). */
  bar: number;
  /** Seconds on the AudioContext clock. */
  start: number;
  duration: number;
}

/** Seconds of a bar of `quarters` quarter notes at `bpm`. */
export const barSeconds = (quarters: number, bpm: number): number => (quarters * 60) / bpm;

export const MIN_BPM = 20;
export const MAX_BPM = 400;
/** Bars remembered after they were scheduled (for the play position and late agent bars). */
const HISTORY = 16;

export class BarClock {
  #bpm: number;
  #nextBar = 0;
  #nextStart: number;
  readonly #history: ScheduledBar[] = [];

  /** `quarters(bar)`: quarter notes of session bar `bar`; bar 0 starts at `start`. */
  constructor(
    private readonly quarters: (bar: number) => number,
    bpm: number,
    start: number,
  ) {
    this.#bpm = clampBpm(bpm);
    this.#nextStart = start;
  }

  get bpm(): number {
    return this.#bpm;
  }

  /** Applies from the next bar scheduled; bar numbers go on. */
  setBpm(bpm: number): void {
    this.#bpm = clampBpm(bpm);
  }

  /** Bars scheduled so far (the next bar's number). */
  get scheduled(): number {
    return this.#nextBar;
  }

  /** The last bar scheduled, or null before the first. */
  get last(): ScheduledBar | null {
    return this.#history[this.#history.length - 1] ?? null;
  }

  /**
   * Bars that start before `now + ahead`, in order; each is scheduled once.
   * A bar whose start has already passed (the timer was held up: a busy or
   * hidden page) starts now instead, and the bars after it follow from there:
   * late bars are moved, not skipped or crammed together.
   */
  due(now: number, ahead: number): ScheduledBar[] {
    const out: ScheduledBar[] = [];
    while (this.#nextStart < now + ahead) {
      const start = Math.max(this.#nextStart, now);
      const scheduled = { bar: this.#nextBar, start, duration: barSeconds(this.quarters(this.#nextBar), this.#bpm) };
      out.push(scheduled);
      this.#history.push(scheduled);
      if (this.#history.length > HISTORY) this.#history.shift();
      this.#nextBar++;
      this.#nextStart = start + scheduled.duration;
    }
    return out;
  }

  /** The scheduled bar `bar`, while it is remembered. */
  find(bar: number): ScheduledBar | null {
    return this.#history.find((s) => s.bar === bar) ?? null;
  }

  /** The bar playing at `now` and how far into it (0-1), or null before the first bar or after the last scheduled one. */
  position(now: number): { bar: number; fraction: number } | null {
    for (let i = this.#history.length - 1; i >= 0; i--) {
      const s = this.#history[i]!;
      if (s.start <= now) return now < s.start + s.duration ? { bar: s.bar, fraction: (now - s.start) / s.duration } : null;
    }
    return null;
  }
}

function clampBpm(bpm: number): number {
  return Number.isFinite(bpm) ? Math.min(MAX_BPM, Math.max(MIN_BPM, bpm)) : 120;
}
