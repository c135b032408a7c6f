// The agent's bars as they arrive (`generated` events), the attribute
// controls the agent can take, and the growing score the live roll draws:
// the human loop bars played so far and the agent's bars. Pure (tested in
// test/live.test.ts).
import { cell } from '../document.js';
import { fitsTrack, type AttributeInfo } from '../request.js';
import type { Note, Score, Track } from '../score.js';
import type { Loop } from './loop.js';
import { loopIndex, type Capabilities, type LiveNote } from './protocol.js';

export class AgentBars {
  readonly #bars = new Map<number, LiveNote[]>();
  #notes = 0;

  /** Stores a generated bar (a bar sent again replaces the first); true when it is new. */
  add(bar: number, notes: LiveNote[]): boolean {
    const old = this.#bars.get(bar);
    this.#notes += notes.length - (old?.length ?? 0);
    this.#bars.set(bar, notes);
    return old === undefined;
  }

  get(bar: number): LiveNote[] | undefined {
    return this.#bars.get(bar);
  }

  /** Bars received. */
  get count(): number {
    return this.#bars.size;
  }

  /** Notes in the bars received. */
  get notes(): number {
    return this.#notes;
  }

  /** One past the highest bar received (0 when none). */
  get end(): number {
    return this.#bars.size === 0 ? 0 : Math.max(...this.#bars.keys()) + 1;
  }

  bars(): IterableIterator<[number, LiveNote[]]> {
    return this.#bars.entries();
  }
}

export interface AttributeChoice {
  name: string;
  /** Levels 0 … levels-1. */
  levels: number;
  labels: string[];
}

/**
 * The attribute overrides the agent can take: track-level attributes of its
 * kind (drum or melodic), never `tension` (a bar-level control the reference's
 * studio sent as a track attribute, failing every generation), with the level
 * counts of the session's capabilities when known.
 */
export function agentAttributes(info: readonly AttributeInfo[], drum: boolean, capabilities: Capabilities | null = null): AttributeChoice[] {
  const levels = capabilities?.attribute_levels;
  return info
    .filter((a) => a.level === 'track' && a.name !== 'tension' && fitsTrack({ trackType: a.track_type }, drum))
    .filter((a) => !levels || (levels[a.name] ?? 0) > 0)
    .map((a) => ({ name: a.name, levels: levels?.[a.name] ?? a.size, labels: a.labels }));
}

/** Ticks of a note at `fraction` of a bar of `ticks`. */
const at = (fraction: number, ticks: number): number => Math.round(fraction * ticks);

function toNotes(notes: readonly LiveNote[], ticks: number): Note[] {
  return notes.map((n) => [n.pitch, n.velocity, Math.min(ticks - 1, at(n.onset, ticks)), Math.max(1, at(n.duration, ticks))]);
}

export interface LiveView {
  score: Score;
  /** The agent's bars received, as `track:bar` cells (drawn as generated). */
  generated: Set<string>;
}

/**
 * The live roll's score: the agent's lane first (always in view) with its bars
 * as they came (also those ahead of the play head), then a lane per human
 * track with the loop's bars for the bars scheduled so far.
 */
export function liveScore(loop: Loop, scheduled: number, agent: AgentBars, spec: { program: number; drum: boolean; name: string }): LiveView {
  const length = Math.max(1, scheduled, agent.end);
  const barInfo = Array.from({ length }, (_, b) => loop.bars[loopIndex(loop, b)]!);
  const ticksOf = (b: number): number => Math.round(barInfo[b]!.quarters * loop.resolution);
  const humans: Track[] = loop.tracks.map((track) => ({
    name: track.name,
    instrument: track.program,
    track_type: track.drum ? 'drum' : 'melodic',
    bars: barInfo.map((bar, b) => ({ ts: bar.ts, beat_length: bar.quarters, notes: b < scheduled ? toNotes(track.bars[loopIndex(loop, b)] ?? [], ticksOf(b)) : [] })),
  }));
  const agentTrack: Track = {
    name: spec.name,
    instrument: spec.program,
    track_type: spec.drum ? 'drum' : 'melodic',
    bars: barInfo.map((bar, b) => ({ ts: bar.ts, beat_length: bar.quarters, notes: toNotes(agent.get(b) ?? [], ticksOf(b)) })),
  };
  const generated = new Set<string>();
  for (const [bar] of agent.bars()) generated.add(cell(0, bar));
  return { score: { resolution: loop.resolution, tracks: [agentTrack, ...humans] }, generated };
}
