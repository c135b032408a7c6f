// Sound: the General MIDI SoundFont the server serves (`GET studio/config`
// says whether there is one, `GET studio/soundfont` is the file), played by
// spessasynth_lib's AudioWorklet synthesizer; the built-in synth (synth.ts)
// when there is none, or it cannot be fetched or loaded in time. Everything is
// in the bundle (the worklet's processor file too): nothing comes from
// anywhere but the server the page came from.
//
// Scheduling: each voice becomes a note-on at `voice.time` and a note-off at
// its end, both handed to the synthesizer with spessasynth's timed-event
// option (`{ time }` on the AudioContext clock; its processor keeps them in a
// queue and plays each at the first render quantum at or after its time).
// That queue cannot be cleared, so a "session" (the voices from the first
// `play()` to `stop()`) plays on a bank of 16 MIDI channels; `stop()` mutes the
// bank's channels (a muted channel is silenced and ignores note-ons, so what is
// still queued stays silent) and ends every voice, and the next session plays
// on a bank whose queued events are all past (BANKS banks, made when the
// SoundFont loads).
import type { WorkletSynthesizer } from 'spessasynth_lib';
import processorUrl from 'spessasynth_lib/dist/spessasynth_processor.min.js?url';
import { Synth, type Voice } from './synth.js';

export type { Voice } from './synth.js';

/** What plays the voices: the server's SoundFont, or the built-in synth. */
export interface Instrument {
  readonly kind: 'soundfont' | 'builtin';
  /** The SoundFont's file name, or "the built-in synth". */
  readonly name: string;
  /** Schedules a note (`voice.time` on the AudioContext clock; a time already past plays now). */
  play(voice: Voice): void;
  /** Silences everything, playing or scheduled, now. */
  stop(): void;
}

/** Longest wait for the SoundFont (fetch, worklet, parsing) before the built-in synth plays instead. */
export const LOAD_TIMEOUT_MS = 20_000;

/** The wait the page's URL asks for (`?soundfont-wait=SECONDS`, for slow machines), else LOAD_TIMEOUT_MS. */
export function loadTimeout(): number {
  const seconds = Number(new URLSearchParams(window.location.search).get('soundfont-wait') ?? '');
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : LOAD_TIMEOUT_MS;
}

/** What `GET studio/config` says of the SoundFont (null: the server has none). */
export interface SoundFontInfo {
  name: string;
  /** Bytes. */
  size: number;
}

let config: Promise<SoundFontInfo | null> | null = null;

/** The server's SoundFont, asked once per page (null: none, or the server did not say). */
export function serverSoundFont(): Promise<SoundFontInfo | null> {
  config ??= fetch('studio/config')
    .then((r) => (r.ok ? (r.json() as Promise<{ soundfont?: SoundFontInfo | null }>) : null))
    .then((body) => body?.soundfont ?? null)
    .catch(() => null);
  return config;
}

/** Why the last SoundFont load on this page did not give a SoundFont instrument (null: it did, or none was tried). */
export let soundFontProblem: string | null = null;

let pageContext: AudioContext | null = null;

/**
 * The page's AudioContext (made on the first call, which must come from a click: browsers' autoplay
 * rules). Playback and live mode share it, and so share one loaded SoundFont (148 MB for FluidR3_GM).
 */
export function audioContext(): AudioContext {
  pageContext ??= new AudioContext();
  return pageContext;
}

const loaded = new WeakMap<BaseAudioContext, Promise<Instrument | null>>();
const builtin = new WeakMap<BaseAudioContext, Instrument>();
/** Contexts whose load took too long once: later calls do not wait for it again. */
const late = new WeakSet<BaseAudioContext>();

/**
 * The instrument for `context`: the server's SoundFont (loaded once per context, then kept for the
 * page's life), else the built-in synth. Never fails. A load that takes longer than `timeoutMs`
 * goes on in the background: a later call gets the SoundFont once it is there.
 */
export async function createInstrument(context: AudioContext, timeoutMs = loadTimeout()): Promise<Instrument> {
  let pending = loaded.get(context);
  if (!pending) {
    pending = loadSoundFont(context).catch((error: unknown) => {
      soundFontProblem = error instanceof Error ? error.message : String(error);
      console.warn(`midigpt studio: the SoundFont could not be loaded (${soundFontProblem}); playing with the built-in synth`);
      return null;
    });
    loaded.set(context, pending);
  }
  let timer: number | undefined;
  const timeout = new Promise<'late'>((resolve) => (timer = window.setTimeout(() => resolve('late'), late.has(context) ? 0 : timeoutMs)));
  const instrument = await Promise.race([pending, timeout]);
  window.clearTimeout(timer);
  if (instrument === 'late' && !late.has(context)) {
    late.add(context);
    soundFontProblem = `the SoundFont took longer than ${timeoutMs / 1000} s to load; it goes on loading for the next Play`;
  }
  return instrument && instrument !== 'late' ? instrument : builtinFor(context);
}

function builtinFor(context: AudioContext): Instrument {
  let synth = builtin.get(context);
  if (!synth) builtin.set(context, (synth = new Synth(context)));
  return synth;
}

/** The SoundFont instrument on `context`, or null when the server has no SoundFont. */
async function loadSoundFont(context: AudioContext): Promise<Instrument | null> {
  const info = await serverSoundFont();
  if (!info) {
    soundFontProblem = 'the server has no SoundFont';
    return null;
  }
  const started = performance.now();
  const [{ WorkletSynthesizer }, bytes] = await Promise.all([
    import('spessasynth_lib'),
    fetch('studio/soundfont').then((r) => {
      if (!r.ok) throw new Error(`GET studio/soundfont answered ${r.status}`);
      return r.arrayBuffer();
    }),
    context.audioWorklet.addModule(processorUrl),
  ]);
  const fetched = performance.now();
  const synth = new WorkletSynthesizer(context);
  const failed = new Promise<never>((_, reject) =>
    synth.eventHandler.addEvent('soundBankError', 'midigpt-load', (error) => reject(new Error(`the SoundFont could not be read: ${error.message}`))),
  );
  await Promise.race([synth.isReady, failed]);
  // The buffer is handed over to the worklet (transferred, not copied).
  await Promise.race([synth.soundBankManager.addSoundBank(bytes, 'gm'), failed]);
  synth.eventHandler.removeEvent('soundBankError', 'midigpt-load');
  const output = context.createGain();
  output.gain.value = 0.8;
  output.connect(context.destination);
  synth.connect(output);
  soundFontProblem = null;
  const seconds = (ms: number): string => (ms / 1000).toFixed(1);
  console.info(`midigpt studio: the SoundFont ${info.name} (${(info.size / 1e6).toFixed(0)} MB) loaded in ${seconds(performance.now() - started)} s (fetched in ${seconds(fetched - started)} s)`);
  return new SoundFontInstrument(synth, info.name);
}

/** Channels in a bank, and the drum channel in it (MIDI channel 10). */
const BANK = 16;
const DRUMS = 9;
/** Banks of channels (64 channels): Play and Stop may alternate this often within a note's length before a bank is reused early. */
const BANKS = 4;
/** A note-off this much before the note's end: the next note of the same pitch (which may start at that very time) is not cut. */
const GAP = 0.004;
const MIN_LENGTH = 0.02;

interface Bank {
  /** Its first channel. */
  base: number;
  /** Context time after which no note-on of a stopped session on it is queued. */
  onsDone: number;
  /** The same for note-offs (one left could cut a later note of the same pitch short). */
  offsDone: number;
  /** Whether `stop()` muted its channels. */
  muted: boolean;
}

interface Session {
  bank: Bank;
  /** Channel by track (or program), melodic tracks only. */
  channels: Map<string, number>;
  /** Program of each melodic slot (0-14) in use. */
  programs: number[];
  /** Times of the last note-on and note-off handed over. */
  lastOn: number;
  lastOff: number;
}

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, Math.round(value)));

class SoundFontInstrument implements Instrument {
  readonly kind = 'soundfont';
  private readonly banks: Bank[] = [];
  private session: Session | null = null;

  constructor(
    private readonly synth: WorkletSynthesizer,
    readonly name: string,
  ) {
    for (let b = 0; b < BANKS; b++) this.banks.push({ base: b * BANK, onsDone: 0, offsDone: 0, muted: false });
    for (let c = synth.channelCount; c < BANKS * BANK; c++) synth.addNewChannel();
    // Added channels start with every controller at 0 (volume too) and as drum channels: the reset
    // gives every channel GM's defaults, drums on each bank's channel 10. Nothing is queued yet.
    synth.reset();
  }

  play(v: Voice): void {
    const session = (this.session ??= this.open());
    const channel = this.channel(session, v);
    const now = this.synth.currentTime;
    const on = Math.max(v.time, now);
    const off = on + Math.max(MIN_LENGTH, v.duration - GAP);
    const pitch = clamp(v.pitch, 0, 127);
    this.synth.noteOn(channel, pitch, clamp(v.velocity, 1, 127), { time: on });
    this.synth.noteOff(channel, pitch, { time: off });
    session.lastOn = Math.max(session.lastOn, on);
    session.lastOff = Math.max(session.lastOff, off);
  }

  stop(): void {
    const session = this.session;
    if (!session) return;
    this.session = null;
    for (let c = 0; c < BANK; c++) this.synth.midiChannels[session.bank.base + c]?.setSystemParameter('isMuted', true);
    session.bank.muted = true;
    session.bank.onsDone = session.lastOn + 0.05;
    session.bank.offsDone = session.lastOff + 0.05;
    this.synth.stopAll(true);
  }

  /** A bank with nothing of an earlier session queued, else one with no note-on queued, else the one free soonest. */
  private open(): Session {
    const now = this.synth.currentTime;
    const soonest = (banks: Bank[], key: 'onsDone' | 'offsDone'): Bank | undefined => banks.reduce<Bank | undefined>((a, b) => (a && a[key] <= b[key] ? a : b), undefined);
    const bank =
      this.banks.find((b) => b.offsDone <= now) ??
      soonest(
        this.banks.filter((b) => b.onsDone <= now),
        'offsDone',
      ) ??
      soonest(this.banks, 'onsDone')!;
    if (bank.muted) for (let c = 0; c < BANK; c++) this.synth.midiChannels[bank.base + c]?.setSystemParameter('isMuted', false);
    bank.muted = false;
    return { bank, channels: new Map(), programs: [], lastOn: now, lastOff: now };
  }

  /** The voice's channel in the session: drums on the bank's channel 10, each melodic track (or program) on its own, set to its program. */
  private channel(session: Session, v: Voice): number {
    const program = clamp(v.program, 0, 127);
    const drumChannel = session.bank.base + DRUMS;
    const key = v.drum ? 'drums' : v.track !== undefined ? `track ${v.track}` : `program ${program}`;
    const known = session.channels.get(key);
    if (known !== undefined) return known;
    if (v.drum) {
      // The kit (0: GM's standard kit) is the first drum track's.
      this.synth.programChange(drumChannel, program);
      session.channels.set(key, drumChannel);
      return drumChannel;
    }
    // 15 melodic channels; past them, tracks share one of the same program, else channels are reused in turn.
    let slot = session.programs.length < BANK - 1 ? session.programs.length : session.programs.indexOf(program);
    if (slot < 0) slot = session.channels.size % (BANK - 1);
    const channel = session.bank.base + (slot >= DRUMS ? slot + 1 : slot);
    if (session.programs[slot] !== program) this.synth.programChange(channel, program);
    session.programs[slot] = program;
    session.channels.set(key, channel);
    return channel;
  }
}
