// Playback: the score's notes scheduled a little ahead on the AudioContext
// clock, and where the play head is (in ticks) for the cursor.
import { durationOf, isDrum, onsetOf, pitchOf, velocityOf, type Score, type Timeline } from './score.js';
import { Synth, type Voice } from './synth.js';

/** Seconds scheduled ahead of the clock, and how often the scheduler runs (ms). */
const LOOKAHEAD = 0.4;
const INTERVAL_MS = 100;
/** Delay between Play and the first note, seconds. */
const LEAD_IN = 0.08;

/** Every note as a voice, times in seconds from the start of the piece, sorted. */
function voices(score: Score, timeline: Timeline): Voice[] {
  const all: Voice[] = [];
  score.tracks.forEach((track) =>
    track.bars.forEach((bar, b) => {
      const start = timeline.barStart(b);
      for (const note of bar.notes) {
        const on = start + onsetOf(note);
        const time = timeline.seconds(on);
        all.push({ time, duration: timeline.seconds(on + durationOf(note)) - time, pitch: pitchOf(note), velocity: velocityOf(note), program: track.instrument ?? 0, drum: isDrum(track) });
      }
    }),
  );
  return all.sort((a, b) => a.time - b.time);
}

export class Player {
  private context: AudioContext | null = null;
  private synth: Synth | null = null;
  private timer: number | null = null;
  private timeline: Timeline | null = null;
  /** Context time of the piece's second 0. */
  private origin = 0;
  private endSeconds = 0;

  /** Called when playback reaches the end. */
  onEnd: () => void = () => {};

  get playing(): boolean {
    return this.timer !== null;
  }

  /** `none` before the first Play. */
  get audioState(): AudioContextState | 'none' {
    return this.context?.state ?? 'none';
  }

  /** Plays from `fromTick`; must be called from a user gesture the first time (browsers' autoplay rules). */
  async play(score: Score, timeline: Timeline, fromTick: number): Promise<void> {
    this.stop();
    this.context ??= new AudioContext();
    await this.context.resume();
    const context = this.context;
    const synth = new Synth(context);
    this.synth = synth;
    this.timeline = timeline;
    const queue = voices(score, timeline);
    const from = timeline.seconds(fromTick);
    this.origin = context.currentTime + LEAD_IN - from;
    this.endSeconds = timeline.seconds(timeline.endTick);
    let next = queue.findIndex((v) => v.time >= from);
    if (next < 0) next = queue.length;
    const schedule = (): void => {
      const horizon = context.currentTime - this.origin + LOOKAHEAD;
      while (next < queue.length && queue[next]!.time < horizon) {
        const v = queue[next++]!;
        synth.play({ ...v, time: Math.max(context.currentTime, v.time + this.origin) });
      }
      if (context.currentTime - this.origin >= this.endSeconds) {
        this.stop();
        this.onEnd();
      }
    };
    schedule();
    this.timer = window.setInterval(schedule, INTERVAL_MS);
  }

  stop(): void {
    if (this.timer !== null) window.clearInterval(this.timer);
    this.timer = null;
    this.synth?.disconnect();
    this.synth = null;
  }

  /** The play head in ticks (null when stopped). */
  positionTick(): number | null {
    if (!this.playing || !this.context || !this.timeline) return null;
    const seconds = Math.max(0, this.context.currentTime - this.origin);
    return Math.min(this.timeline.endTick, this.timeline.tick(seconds));
  }
}
