// Playback: the score's notes scheduled a little ahead on the AudioContext
// clock, on the server's SoundFont or the built-in synth (sound.ts), and where
// the play head is (in ticks) for the cursor.
import { durationOf, isDrum, onsetOf, pitchOf, velocityOf, type Score, type Timeline } from './score.js';
import { audioContext, createInstrument, serverSoundFont, soundFontProblem, type Instrument } from './sound.js';
import type { Voice } from './synth.js';

/** What plays: `none` before the first Play, `loading` while the SoundFont loads. */
export type Sound = 'none' | 'loading' | Instrument['kind'];

/** Seconds scheduled ahead of the clock, and how often the scheduler runs (ms). */
const LOOKAHEAD = 0.4;
const INTERVAL_MS = 100;
/** Delay between Play and the first note, seconds. */
const LEAD_IN = 0.08;

/** Every note as a voice, times in seconds from the start of the piece, sorted. */
function voices(score: Score, timeline: Timeline): Voice[] {
  const all: Voice[] = [];
  score.tracks.forEach((track, t) =>
    track.bars.forEach((bar, b) => {
      const start = timeline.barStart(b);
      for (const note of bar.notes) {
        const on = start + onsetOf(note);
        const time = timeline.seconds(on);
        all.push({ time, duration: timeline.seconds(on + durationOf(note)) - time, pitch: pitchOf(note), velocity: velocityOf(note), program: track.instrument ?? 0, drum: isDrum(track), track: t });
      }
    }),
  );
  return all.sort((a, b) => a.time - b.time);
}

export class Player {
  private context: AudioContext | null = null;
  private instrument: Instrument | null = null;
  /** Waiting for the instrument (the SoundFont's first load). */
  private loading = false;
  /** Counts plays and stops: a play whose instrument comes after a stop (or a newer play) does not start. */
  private generation = 0;
  private timer: number | null = null;
  private timeline: Timeline | null = null;
  /** Context time of the piece's second 0. */
  private origin = 0;
  private endSeconds = 0;

  /** Called when playback reaches the end. */
  onEnd: () => void = () => {};
  /** Called with a status line when the sound changes: loading the SoundFont, then what plays. */
  onSound: (message: string) => void = () => {};

  /** Playing, or waiting for the SoundFont to start playing. */
  get playing(): boolean {
    return this.timer !== null || this.loading;
  }

  get sound(): Sound {
    return this.loading ? 'loading' : (this.instrument?.kind ?? 'none');
  }

  /** `none` before the first Play. */
  get audioState(): AudioContextState | 'none' {
    return this.context?.state ?? 'none';
  }

  /** Plays from `fromTick`; must be called from a user gesture the first time (browsers' autoplay rules). */
  async play(score: Score, timeline: Timeline, fromTick: number): Promise<void> {
    this.stop();
    this.context ??= audioContext();
    const generation = this.generation;
    await this.context.resume();
    const context = this.context;
    if (this.instrument === null) {
      this.loading = true;
      if (await serverSoundFont()) this.onSound('Loading the SoundFont…');
    }
    const instrument = await createInstrument(context);
    if (generation !== this.generation) return; // stopped meanwhile
    this.loading = false;
    const changed = instrument !== this.instrument;
    this.instrument = instrument;
    if (changed) this.onSound(instrument.kind === 'soundfont' ? `Sound: the SoundFont ${instrument.name}.` : `Sound: the built-in synth${soundFontProblem ? ` (${soundFontProblem})` : ''}.`);
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
        instrument.play({ ...v, time: Math.max(context.currentTime, v.time + this.origin) });
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
    this.generation++;
    this.loading = false;
    if (this.timer !== null) window.clearInterval(this.timer);
    this.timer = null;
    this.instrument?.stop();
  }

  /** The play head in ticks (null when stopped). */
  positionTick(): number | null {
    if (this.timer === null || !this.context || !this.timeline) return null;
    const seconds = Math.max(0, this.context.currentTime - this.origin);
    return Math.min(this.timeline.endTick, this.timeline.tick(seconds));
  }
}
