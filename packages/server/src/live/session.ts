// One live session (realtime.md §1.3): the state machine, the piece, the
// parameters and attribute overrides, and the jobs it hands to the model.
// Pure logic: it talks to the model through a `ModelClient` and to its client
// through events; time comes from an injectable clock (`gen_timeout`).
import type { ModelClient } from '../worker/client.js';
import { AttributeOverrides } from './attributes.js';
import { systemClock, type Clock } from './clock.js';
import { ErrorCode, invalidParam, LiveError } from './errors.js';
import type { SessionEvent, TrackParamName } from './events.js';
import { SessionJobs } from './jobs.js';
import { ParamTable, type ParamName } from './params.js';
import { DEFAULT_LIMITS, Piece, type BarNote, type PieceLimits } from './piece.js';
import { triggerTarget, type ScheduledJob } from './scheduler.js';
import { toBool, toFloat, toInt, type ArgValue } from './values.js';

export { systemClock, type Clock } from './clock.js';

export type SessionState = 'UNINITIALIZED' | 'INITIALIZING' | 'RUNNING' | 'STOPPED';

export interface SessionOptions {
  model: ModelClient;
  /** Receives everything the session says to its client. */
  emit: (event: SessionEvent) => void;
  /** Start-up parameter values (command-line flags): kept by `init`, `reset` and `reset_all`. */
  startup?: Partial<Record<ParamName, ArgValue>>;
  clock?: Clock;
  limits?: PieceLimits;
  /** Tracks one session may have. */
  maxTracks?: number;
}

const VALID_DENOMINATORS = new Set([1, 2, 4, 8, 16, 32, 64]);

export class LiveSession {
  #state: SessionState = 'UNINITIALIZED';
  #name = 'unnamed';
  #piece: Piece;
  readonly #params: ParamTable;
  readonly #attributes: AttributeOverrides;
  readonly #model: ModelClient;
  #emit: (event: SessionEvent) => void;
  readonly #limits: PieceLimits;
  readonly #maxTracks: number;
  readonly #jobs: SessionJobs;
  /** The first bar no job has covered yet. */
  #nextTarget = 0;

  constructor(options: SessionOptions) {
    this.#model = options.model;
    this.#emit = options.emit;
    this.#limits = options.limits ?? DEFAULT_LIMITS;
    this.#maxTracks = options.maxTracks ?? 16;
    this.#params = new ParamTable(options.model.info, options.startup);
    this.#attributes = new AttributeOverrides(options.model.info.attributes);
    this.#piece = new Piece(options.model.info.resolution, this.#limits);
    this.#jobs = new SessionJobs({
      model: options.model,
      clock: options.clock ?? systemClock,
      piece: () => this.#piece,
      emit: (event) => this.#emit(event),
      onRunEnd: () => this.#params.clearOnce(),
    });
  }

  get state(): SessionState {
    return this.#state;
  }

  get name(): string {
    return this.#name;
  }

  get barsCompleted(): number {
    return this.#piece.barsCompleted;
  }

  get piece(): Piece {
    return this.#piece;
  }

  get params(): ParamTable {
    return this.#params;
  }

  /** Whether a job is running or waiting. */
  get busy(): boolean {
    return this.#jobs.busy;
  }

  /** Where events go from now on (a re-initialised session's new reply target). */
  setEmitter(emit: (event: SessionEvent) => void): void {
    this.#emit = emit;
  }

  init(name = 'unnamed'): void {
    this.#jobs.cancelAll();
    this.#name = name;
    this.#piece = new Piece(this.#model.info.resolution, this.#limits);
    this.#params.resetAll();
    this.#attributes.clear(); // overrides no longer leak into the next session (§6 item 10)
    this.#nextTarget = 0;
    this.#state = 'INITIALIZING';
    this.#emit({ type: 'capabilities', json: this.capabilities() });
    this.#emit({ type: 'ready' });
  }

  start(): void {
    this.#requireState(['INITIALIZING'], 'start');
    const agent = this.#piece.agent();
    if (!agent) throw new LiveError(ErrorCode.noAgent, 'no agent track: create one with /midigpt/track/create id program type 1');
    if (!this.#piece.tracks().some((t) => !t.agent)) throw new LiveError(ErrorCode.invalidState, 'no conditioning track: create at least one besides the agent');
    const params = this.#params.effective();
    if (params.buffer_bars > params.model_dim) throw invalidParam(`buffer_bars (${params.buffer_bars}) must not exceed model_dim (${params.model_dim})`);
    this.#attributes.checkAgent(agent.drum);
    this.#state = 'RUNNING';
    this.#emit({ type: 'started' });
  }

  /** Stops the session and everything it queued or runs: nothing of it is sent after `stopped` (§6 item 10). */
  stop(): void {
    this.#jobs.cancelAll();
    this.#state = 'STOPPED';
    this.#emit({ type: 'stopped' });
  }

  createTrack(id: number, instrument: number, trackType: number, isAgent: boolean): void {
    this.#requireState(['INITIALIZING', 'RUNNING'], 'track/create');
    if (instrument < 0 || instrument > 127) throw invalidParam(`instrument must be a General MIDI program 0-127, got ${instrument}`);
    if (this.#piece.tracks().length >= this.#maxTracks) throw invalidParam(`a session has at most ${this.#maxTracks} tracks`);
    this.#piece.addTrack({ id, instrument, drum: trackType === 11, agent: isAgent, ignore: false, temperature: null, minPitch: 0, maxPitch: 127 });
  }

  removeTrack(id: number): void {
    this.#requireState(['INITIALIZING', 'RUNNING'], 'track/remove');
    this.#piece.removeTrack(id);
  }

  setIgnore(id: number, ignored: boolean): void {
    this.#requireState(['INITIALIZING', 'RUNNING'], 'track/set_ignore');
    const track = this.#piece.track(id);
    if (track.agent) throw new LiveError(ErrorCode.unknownTrack, `track ${id} is the agent; only conditioning tracks can be ignored`);
    track.ignore = ignored;
  }

  setTrackParam(id: number, name: string, value: ArgValue): void {
    this.#requireState(['INITIALIZING', 'RUNNING', 'STOPPED'], 'track/param/set');
    const track = this.#piece.track(id);
    const known: readonly TrackParamName[] = track.agent ? ['temperature', 'min_pitch', 'max_pitch'] : ['ignore', 'temperature'];
    if (!known.includes(name as TrackParamName)) throw invalidParam(`unknown track parameter "${name}" for ${track.agent ? 'the agent' : 'a conditioning track'} (known: ${known.join(', ')})`);
    if (name === 'ignore') track.ignore = toBool(value, name);
    else if (name === 'temperature') {
      const temperature = toFloat(value, name, 0.1, 5);
      if (track.agent) track.temperature = temperature;
    } else {
      const pitch = toInt(value, name, 0, 127);
      const [min, max] = name === 'min_pitch' ? [pitch, track.maxPitch] : [track.minPitch, pitch];
      if (max - min < 0) throw invalidParam(`min_pitch (${min}) must not exceed max_pitch (${max})`);
      if (name === 'min_pitch') track.minPitch = pitch;
      else track.maxPitch = pitch;
    }
  }

  note(trackId: number, pitch: number, velocity: number, onset: number, duration: number, bar: number): void {
    this.#requireState(['RUNNING'], 'note');
    if (pitch < 0 || pitch > 127) throw invalidParam(`pitch must be 0-127, got ${pitch}`);
    if (velocity < 0 || velocity > 127) throw invalidParam(`velocity must be 0-127, got ${velocity}`);
    if (!(onset >= 0 && onset < 1)) throw invalidParam(`onset must be a fraction of the bar in [0, 1), got ${onset}`);
    if (!(duration > 0 && duration <= 16)) throw invalidParam(`duration must be a fraction of the bar in (0, 16], got ${duration}`);
    const note: BarNote = { pitch, velocity, onset, duration };
    this.#piece.addNote(trackId, bar, note);
  }

  barEnd(bar: number, numerator: number, denominator: number): void {
    this.#requireState(['RUNNING'], 'bar/end');
    if (numerator < 1 || numerator > 64) throw invalidParam(`ts_num must be 1-64, got ${numerator}`);
    if (!VALID_DENOMINATORS.has(denominator)) throw invalidParam(`ts_den must be a power of two from 1 to 64, got ${denominator}`);
    const allowed = this.#model.info.timeSignatures;
    if (allowed.length > 0 && !allowed.some(([n, d]) => n === numerator && d === denominator))
      throw invalidParam(`the model cannot write ${numerator}/${denominator} (it has ${allowed.map(([n, d]) => `${n}/${d}`).join(', ')})`);
    this.#piece.closeBar(bar, [numerator, denominator]);
    this.#emit({ type: 'bar_ack', bar });
    this.#schedule();
  }

  setParam(name: string, value: ArgValue): void {
    this.#params.set(name, value);
  }

  setParamOnce(name: string, value: ArgValue): void {
    this.#params.setOnce(name, value);
  }

  resetParam(name: string): void {
    this.#params.reset(name);
  }

  resetAllParams(): void {
    this.#params.resetAll();
  }

  setAttribute(name: ArgValue, value: ArgValue): void {
    const agent = this.#piece.agent();
    this.#attributes.set(name, value, agent ? agent.drum : null);
  }

  resetAttributes(): void {
    this.#attributes.clear();
  }

  /** `/midigpt/capabilities`: the reference's keys, plus attribute levels, windows and grid (ours). */
  capabilities(): string {
    const info = this.#model.info;
    const names = new Set(info.attributes.map((a) => a.name));
    const flags = Object.fromEntries(['tension', 'note_density', 'min_polyphony', 'max_polyphony', 'min_note_duration', 'max_note_duration'].map((n) => [n, names.has(n)]));
    return JSON.stringify({
      ...flags,
      supports_token_mask: info.supportsMaskBar,
      supports_attention_mask: true,
      supports_attention_approx: true,
      supports_attention_skip: true,
      supports_remove: true,
      attribute_levels: Object.fromEntries(info.attributes.map((a) => [a.name, a.size])),
      model_dims: info.modelDims,
      resolution: info.resolution,
    });
  }

  /** Ends the session's work for good (server shutdown, eviction). */
  close(): void {
    this.#jobs.cancelAll();
  }

  #requireState(allowed: SessionState[], what: string): void {
    if (!allowed.includes(this.#state)) throw new LiveError(ErrorCode.invalidState, `${what} is not allowed while the session is ${this.#state}`);
  }

  #schedule(): void {
    const params = this.#params.effective();
    const target = triggerTarget(params, this.#piece.barsCompleted, this.#nextTarget);
    if (target === null) return;
    const job: ScheduledJob = { target, count: params.num_anticipated_bars, params, attributes: this.#attributes.snapshot() };
    this.#nextTarget = target + job.count;
    this.#jobs.add(job);
  }
}
