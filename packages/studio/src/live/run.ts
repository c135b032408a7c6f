// One live run: the WebSocket to the server's live session, the bar clock on
// the AudioContext, and the sound. Start opens the socket (one per run),
// initialises the session, creates the tracks, sets the parameters and
// starts; then every bar the clock makes due sends the end of the bar before
// and the human notes of this one, and plays them with the agent's bar when it
// has come. Stop sends the last bar's end, stops the session and closes the
// socket. Nothing here waits without a limit.
import { createInstrument, type Instrument } from '../sound.js';
import type { Voice } from '../synth.js';
import { AgentBars } from './agent.js';
import { BarClock, type ScheduledBar } from './clock.js';
import type { Loop } from './loop.js';
import {
  agentId,
  barMessages,
  frames,
  initMessage,
  loopIndex,
  parseEvent,
  setupMessages,
  startMessage,
  stopMessages,
  attributeMessage,
  type AgentSpec,
  type Capabilities,
  type LiveEvent,
  type LiveNote,
  type LiveParams,
  type OutMessage,
} from './protocol.js';

export type LiveState = 'idle' | 'connecting' | 'running' | 'stopping' | 'stopped';

export interface RunOptions {
  url: string;
  loop: Loop;
  agent: AgentSpec;
  params: LiveParams;
  /** Attribute overrides that are on (name → level). */
  attributes: Record<string, number>;
  bpm: number;
  token: string | null;
}

/** How often the scheduler looks at the clock (ms), and how far ahead it schedules a bar (s). */
const TICK_MS = 25;
const AHEAD = 0.2;
/** Between Start and the first bar (s). */
const LEAD_IN = 0.15;
/** Longest wait for an answer of the server (ms). */
const ANSWER_MS = 10_000;
/** Longest wait for `stopped` after Stop before the socket is closed anyway (ms). */
const STOP_MS = 2_000;

const SOCKET_OPEN = 1;

export class LiveRun {
  state: LiveState = 'idle';
  socketOpen = false;
  readonly agentBars = new AgentBars();
  /** Bars whose end was sent. */
  sent = 0;
  skipped = 0;
  lastInferenceMs: number | null = null;
  generating = false;
  /** The last problem (a server error event, a closed connection), for the status line. */
  error: string | null = null;
  capabilities: Capabilities | null = null;
  /** The bar playing and how far into it. */
  position: { bar: number; fraction: number } | null = null;
  /** Called after every change (events, bars, state). */
  onChange: () => void = () => {};

  readonly #options: RunOptions;
  readonly #agentTrack: number;
  #socket: WebSocket | null = null;
  #context: AudioContext | null = null;
  #instrument: Instrument | null = null;
  #clock: BarClock | null = null;
  #timer: number | null = null;
  #bpm: number;
  readonly #waiters = new Set<(event: LiveEvent | null) => void>();

  constructor(options: RunOptions) {
    this.#options = options;
    this.#agentTrack = agentId(options.loop);
    this.#bpm = options.bpm;
  }

  get loop(): Loop {
    return this.#options.loop;
  }

  get agent(): AgentSpec {
    return this.#options.agent;
  }

  /** Bars scheduled (sent and played) so far. */
  get scheduled(): number {
    return this.#clock?.scheduled ?? 0;
  }

  get bpm(): number {
    return this.#clock?.bpm ?? this.#bpm;
  }

  async start(context: AudioContext): Promise<void> {
    if (this.state !== 'idle') return;
    this.#context = context;
    this.#set('connecting');
    try {
      const [instrument] = await Promise.all([createInstrument(context), context.resume(), this.#connect()]);
      this.#instrument = instrument;
      if (!this.#connecting()) return; // stopped meanwhile
      this.#send([initMessage('studio', this.#options.token)]);
      await this.#answer((e) => e.event === 'ready', (e) => e.event === 'error' && (e.code === 9 || e.code === 1), 'session/init');
      this.#send(setupMessages(this.loop, this.agent, this.#options.params, this.#options.attributes));
      this.#send([startMessage()]);
      // A refused start is error 1 (state, no human track) or 6 (no agent); errors about a parameter do not stop it.
      await this.#answer((e) => e.event === 'started', (e) => e.event === 'error' && (e.code === 1 || e.code === 6), 'session/start');
    } catch (error) {
      if (this.#connecting()) this.#fail(error instanceof Error ? error.message : String(error));
      return;
    }
    if (!this.#connecting()) return;
    this.#clock = new BarClock((bar) => this.loop.bars[loopIndex(this.loop, bar)]!.quarters, this.#bpm, context.currentTime + LEAD_IN);
    this.#set('running');
    this.#tick();
    this.#timer = window.setInterval(() => this.#tick(), TICK_MS);
  }

  /** From the next bar on; bar numbers go on. */
  setBpm(bpm: number): void {
    this.#bpm = bpm;
    this.#clock?.setBpm(bpm);
    this.onChange();
  }

  /** An attribute override now (a level below 0 turns it off). */
  setAttribute(name: string, level: number): void {
    if (this.state === 'running') this.#send([attributeMessage(name, level)]);
  }

  async stop(): Promise<void> {
    if (this.state === 'connecting') {
      this.#cleanUp();
      this.#set('stopped');
      return;
    }
    if (this.state !== 'running') return;
    this.#set('stopping');
    this.#stopClock();
    this.#instrument?.stop();
    const last = this.#clock?.last?.bar ?? null;
    this.#send(stopMessages(this.loop, last));
    if (last !== null) this.sent = last + 1;
    try {
      await this.#answer((e) => e.event === 'stopped', () => false, 'session/stop', STOP_MS);
    } catch {
      // closed or no answer: the socket is closed below either way
    }
    this.#cleanUp();
    this.#set('stopped');
  }

  #connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(this.#options.url);
      } catch {
        reject(new Error('the live connection could not be opened'));
        return;
      }
      this.#socket = socket;
      let opened = false;
      socket.addEventListener('open', () => {
        opened = true;
        this.socketOpen = true;
        resolve();
        this.onChange();
      });
      socket.addEventListener('message', (e) => this.#onMessage(e.data));
      socket.addEventListener('close', (e) => {
        this.socketOpen = false;
        if (!opened) reject(new Error('the server refused the live connection (is the server started with --studio or --live, and is this page its own?)'));
        this.#onClose(e.code, e.reason);
      });
    });
  }

  #send(messages: OutMessage[]): void {
    const socket = this.#socket;
    if (!socket || socket.readyState !== SOCKET_OPEN) return;
    for (const frame of frames(messages)) socket.send(JSON.stringify(frame.length === 1 ? frame[0] : frame));
  }

  /** The first event that `done` accepts (resolves) or `refused` accepts (rejects); rejects on close or after `ms`. */
  #answer(done: (e: LiveEvent) => boolean, refused: (e: LiveEvent) => boolean, what: string, ms = ANSWER_MS): Promise<LiveEvent> {
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => finish(null, new Error(`the server did not answer ${what}`)), ms);
      const finish = (event: LiveEvent | null, error: Error | null): void => {
        window.clearTimeout(timer);
        this.#waiters.delete(waiter);
        if (error) reject(error);
        else resolve(event!);
      };
      const waiter = (event: LiveEvent | null): void => {
        if (event === null) return finish(null, new Error(this.error ?? 'the live connection closed'));
        if (done(event)) finish(event, null);
        else if (refused(event)) finish(null, new Error(event.event === 'error' ? event.message : `${what} was refused`));
      };
      this.#waiters.add(waiter);
    });
  }

  #onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    const event = parseEvent(data);
    if (!event) return;
    switch (event.event) {
      case 'capabilities':
        this.capabilities = event.capabilities;
        break;
      case 'status':
        this.generating = event.status === 'generating';
        break;
      case 'generated':
        if (event.track === this.#agentTrack) this.#received(event.bar, event.notes, event.inference_ms);
        break;
      case 'skipped':
        this.skipped++;
        break;
      case 'error':
        this.error = `${event.message} (error ${event.code})`;
        break;
      default:
        break;
    }
    for (const waiter of [...this.#waiters]) waiter(event);
    this.onChange();
  }

  #onClose(code: number, reason: string): void {
    for (const waiter of [...this.#waiters]) waiter(null);
    if (this.state === 'running' || this.state === 'connecting') {
      this.#fail(`the live connection closed${code ? ` (${code}${reason ? `: ${reason}` : ''})` : ''}`);
    } else this.onChange();
  }

  #received(bar: number, notes: LiveNote[], inferenceMs: number): void {
    this.agentBars.add(bar, notes);
    this.lastInferenceMs = inferenceMs;
    // A bar that came after it was scheduled: what is still ahead of it plays now.
    const scheduled = this.#clock?.find(bar);
    if (scheduled && this.#context && this.state === 'running') this.#playAgent(scheduled, notes, this.#context.currentTime);
  }

  #tick(): void {
    const clock = this.#clock;
    const context = this.#context;
    if (!clock || !context || this.state !== 'running') return;
    for (const bar of clock.due(context.currentTime, AHEAD)) {
      this.#send(barMessages(this.loop, bar.bar));
      this.sent = bar.bar;
      this.#playHumans(bar);
      const agent = this.agentBars.get(bar.bar);
      if (agent) this.#playAgent(bar, agent, -Infinity);
    }
    this.position = clock.position(context.currentTime);
    this.onChange();
  }

  #playHumans(bar: ScheduledBar): void {
    const index = loopIndex(this.loop, bar.bar);
    this.loop.tracks.forEach((track, t) => {
      for (const n of track.bars[index] ?? []) this.#play(bar, n, track.program, track.drum, t);
    });
  }

  /** The agent's notes of a scheduled bar that start at or after `from`. */
  #playAgent(bar: ScheduledBar, notes: LiveNote[], from: number): void {
    for (const n of notes) if (bar.start + n.onset * bar.duration >= from) this.#play(bar, n, this.agent.program, this.agent.drum, this.loop.tracks.length);
  }

  #play(bar: ScheduledBar, n: LiveNote, program: number, drum: boolean, track: number): void {
    const voice: Voice = { time: bar.start + n.onset * bar.duration, duration: n.duration * bar.duration, pitch: n.pitch, velocity: n.velocity, program, drum, track };
    this.#instrument?.play(voice);
  }

  #fail(message: string): void {
    this.error = message;
    this.#cleanUp();
    this.#set('stopped');
  }

  #stopClock(): void {
    if (this.#timer !== null) window.clearInterval(this.#timer);
    this.#timer = null;
    this.position = null;
  }

  #cleanUp(): void {
    this.#stopClock();
    this.#instrument?.stop();
    const socket = this.#socket;
    if (socket && socket.readyState <= SOCKET_OPEN) socket.close(1000, 'stopped');
  }

  /** Still starting (not stopped meanwhile); a method, so that checks after an await read the state anew. */
  #connecting(): boolean {
    return this.state === 'connecting';
  }

  #set(state: LiveState): void {
    this.state = state;
    this.onChange();
  }
}
