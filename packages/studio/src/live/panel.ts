// Live mode's panel: shown instead of the piece's roll while open. The loop
// (the selection's bars of the piece, or its first four), the agent's
// instrument, Drums, tempo, window and retry settings, the agent's attribute
// controls (from the server: `/info` and the session's capabilities; all off
// at first), Start/Stop, a status line and a live roll with the human bars
// played so far, the agent's bars as they arrive and the play position. The
// state is mirrored into `data-live*` attributes of #studio for tests.
import './live.css';
import type { Piece } from '../document.js';
import { programName } from '../gm.js';
import { PianoRoll } from '../pianoroll.js';
import type { Selection } from '../selection.js';
import { Timeline } from '../score.js';
import { audioContext } from '../sound.js';
import type { AttributeInfo } from '../request.js';
import { agentAttributes, liveScore } from './agent.js';
import { MAX_BPM, MIN_BPM } from './clock.js';
import { buildLoop, describeLoop, type Loop } from './loop.js';
import { liveUrl, tokenFromHash, type LiveParams } from './protocol.js';
import { LiveRun } from './run.js';

export interface LiveHost {
  piece(): Piece | null;
  selection(): Selection | null;
  /** Stops the studio's own playback (live mode plays on its own). */
  stopPlayback(): void;
}

/** What the panel needs of `/info`. */
interface ServerInfo {
  model_dims?: number[];
  time_signatures?: Array<[number, number]>;
  attribute_info?: AttributeInfo[];
}

/** The agent's program until the user picks one: Electric Bass (finger). */
const DEFAULT_PROGRAM = 33;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) if (value !== undefined) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

const numberOr = (input: HTMLInputElement | null, fallback: number | null = null): number | null =>
  input && input.value.trim() !== '' && Number.isFinite(input.valueAsNumber) ? input.valueAsNumber : fallback;

export class LiveMode {
  readonly panel: HTMLElement;
  private readonly program = el('select', { id: 'live-program', title: "the agent's instrument (General MIDI)" });
  private readonly drums = el('input', { id: 'live-drums', type: 'checkbox', title: 'the agent is a drum track (MIDI channel 10, track_type 11)' });
  private readonly bpm = el('input', { id: 'live-bpm', type: 'number', min: String(MIN_BPM), max: String(MAX_BPM), step: '1', title: 'tempo; a change applies from the next bar' });
  private readonly modelDim = el('select', { id: 'live-model-dim', title: 'bars the model sees at once (windows this model has)' });
  private readonly silence = el('input', { id: 'live-silence', type: 'checkbox', title: 'retry when the agent would rest a whole bar' });
  private readonly novelty = el('input', { id: 'live-novelty', type: 'checkbox', title: 'retry when a generated bar repeats its input' });
  private readonly attributes = el('span', { id: 'live-attributes', class: 'live-attributes' });
  private readonly start = el('button', { id: 'live-start', class: 'primary', title: 'connect and play the loop; the agent plays along' }, 'Start');
  private readonly stop = el('button', { id: 'live-stop', title: "stop (the last bar's end is sent first)" }, 'Stop');
  private readonly close = el('button', { id: 'live-close', title: 'back to the piece' }, 'Close');
  private readonly loopText = el('span', { id: 'live-loop', class: 'live-loop' });
  private readonly status = el('div', { id: 'live-status', class: 'live-status' });
  private readonly rollHost = el('div', { id: 'live-roll', class: 'roll' }, el('p', { class: 'hint' }, 'Start plays the loop; the agent’s bars appear here as they arrive.'));
  private readonly roll = new PianoRoll(this.rollHost);
  private info: ServerInfo | null = null;
  private loop: Loop | null = null;
  private run: LiveRun | null = null;
  private context: AudioContext | null = null;
  /** Attribute levels the user picked (absent: off). */
  private readonly levels = new Map<string, number>();
  /** A problem outside a run (no piece, a time signature the model cannot write). */
  private failure: string | null = null;
  /** The capabilities the attribute controls were made for. */
  private attributesFor: object | null = null;
  private drawnFor = '';
  private timeline: Timeline | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly mainRoll: HTMLElement,
    private readonly host: LiveHost,
  ) {
    for (let p = 0; p < 128; p++) this.program.append(el('option', { value: String(p) }, `${p + 1}. ${programName(p)}`));
    this.program.value = String(DEFAULT_PROGRAM);
    this.silence.checked = true;
    this.novelty.checked = true;
    const label = (text: string, input: HTMLElement, title?: string): HTMLLabelElement => el('label', title ? { title } : {}, text, input);
    const after = (input: HTMLElement, text: string): HTMLLabelElement => el('label', {}, input, text);
    this.panel = el(
      'section',
      { id: 'live-panel', class: 'live-panel' },
      el(
        'div',
        { class: 'live-bar' },
        el('strong', {}, 'Live'),
        this.loopText,
        label('agent', this.program),
        after(this.drums, ' drums'),
        label('BPM', this.bpm),
        label('window', this.modelDim),
        after(this.silence, ' retry rests'),
        after(this.novelty, ' retry repeats'),
        this.attributes,
        this.start,
        this.stop,
        this.close,
      ),
      this.status,
      this.rollHost,
    );
    this.panel.hidden = true;
    root.insertBefore(this.panel, mainRoll);
    this.start.addEventListener('click', () => void this.begin());
    this.stop.addEventListener('click', () => void this.end());
    this.close.addEventListener('click', () => void this.hide());
    this.drums.addEventListener('change', () => this.renderAttributes());
    this.bpm.addEventListener('change', () => {
      const bpm = numberOr(this.bpm);
      if (bpm !== null && this.run) this.run.setBpm(bpm);
    });
    // While open, Space starts and stops the live loop (not the piece's playback behind the panel).
    window.addEventListener(
      'keydown',
      (e) => {
        if (!this.isOpen || e.key !== ' ' || e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLButtonElement) return;
        e.preventDefault();
        e.stopPropagation();
        const state = this.run?.state;
        if (state === 'running' || state === 'connecting') void this.end();
        else void this.begin();
      },
      { capture: true },
    );
    this.update();
  }

  get isOpen(): boolean {
    return !this.panel.hidden;
  }

  toggle(): void {
    if (this.isOpen) void this.hide();
    else this.show();
  }

  show(): void {
    const piece = this.host.piece();
    if (!piece) {
      const message = 'Open a piece first: live mode loops bars of it.';
      this.root.dataset['error'] = message;
      const status = document.getElementById('status');
      if (status) status.textContent = message;
      return;
    }
    this.host.stopPlayback();
    // A finished run's numbers go with it; the panel opens ready for a new one.
    if (this.run && (this.run.state === 'stopped' || this.run.state === 'idle')) this.run = null;
    this.failure = null;
    this.prepareLoop();
    if (this.loop) this.bpm.value = String(this.loop.bpm);
    this.panel.hidden = false;
    this.mainRoll.hidden = true;
    this.mainRoll.style.display = 'none';
    void this.loadInfo();
    this.update();
  }

  async hide(): Promise<void> {
    await this.end();
    this.panel.hidden = true;
    this.mainRoll.hidden = false;
    this.mainRoll.style.display = '';
    this.update();
  }

  /** Start: the loop of the piece as it is now, a new connection, the session, the clock. */
  private async begin(): Promise<void> {
    if (this.run && (this.run.state === 'connecting' || this.run.state === 'running' || this.run.state === 'stopping')) return;
    delete this.root.dataset['error'];
    this.failure = null;
    this.prepareLoop();
    const loop = this.loop;
    if (!loop) return;
    const problem = this.unsupportedSignature(loop);
    if (problem) return this.fail(problem);
    // The AudioContext is made on the click (browsers' autoplay rules) and kept for later runs.
    this.context ??= audioContext(); // the page's one context, shared with playback (one SoundFont load)
    const drum = this.drums.checked;
    const allowed = new Set(agentAttributes(this.info?.attribute_info ?? [], drum).map((a) => a.name));
    const attributes = Object.fromEntries([...this.levels].filter(([name]) => allowed.has(name)));
    const run = new LiveRun({
      url: liveUrl(location.href),
      loop,
      agent: { program: Number(this.program.value), drum },
      params: this.params(),
      attributes,
      bpm: numberOr(this.bpm, loop.bpm)!,
      token: tokenFromHash(location.hash),
    });
    this.run = run;
    this.drawnFor = '';
    run.onChange = () => this.update();
    await run.start(this.context);
    this.update();
  }

  private async end(): Promise<void> {
    await this.run?.stop();
    this.update();
  }

  private params(): LiveParams {
    const field = (id: string): HTMLInputElement | null => document.getElementById(id) as HTMLInputElement | null;
    const temperature = numberOr(field('temperature'));
    const topP = numberOr(field('top-p'));
    const seed = numberOr(field('seed'));
    const modelDim = this.modelDim.value === '' ? null : Number(this.modelDim.value);
    return {
      modelDim,
      temperature: temperature === null ? null : Math.min(5, Math.max(0.1, temperature)),
      topP: topP === null || topP <= 0 ? null : Math.min(1, topP),
      seed: seed === null ? null : Math.max(0, Math.trunc(seed)),
      silenceCheck: this.silence.checked,
      noveltyCheck: this.novelty.checked,
    };
  }

  private prepareLoop(): void {
    const piece = this.host.piece();
    if (!piece) return;
    try {
      this.loop = buildLoop(piece.score, this.host.selection());
    } catch (error) {
      this.loop = null;
      this.fail(error instanceof Error ? error.message : String(error));
    }
  }

  private unsupportedSignature(loop: Loop): string | null {
    const allowed = this.info?.time_signatures;
    if (!allowed?.length) return null;
    const bad = loop.bars.find((b) => !allowed.some(([n, d]) => n === b.ts[0] && d === b.ts[1]));
    return bad ? `The model cannot write ${bad.ts[0]}/${bad.ts[1]} bars: pick other bars to loop.` : null;
  }

  private async loadInfo(): Promise<void> {
    if (this.info) return;
    try {
      const response = await fetch('info');
      if (!response.ok) throw new Error(`GET info answered ${response.status}`);
      this.info = (await response.json()) as ServerInfo;
    } catch {
      this.info = {};
    }
    const dims = this.info.model_dims ?? [];
    this.modelDim.replaceChildren(...dims.map((d) => el('option', { value: String(d) }, `${d} bars`)));
    if (dims.length === 0) this.modelDim.append(el('option', { value: '' }, 'server default'));
    else this.modelDim.value = String(dims.includes(8) ? 8 : Math.max(...dims));
    this.renderAttributes();
    this.update();
  }

  /** One select per attribute the agent can take, "off" first (the default). */
  private renderAttributes(): void {
    const choices = agentAttributes(this.info?.attribute_info ?? [], this.drums.checked, this.run?.capabilities ?? null);
    const selects = choices.map((choice) => {
      const select = el('select', { id: `live-attr-${choice.name}`, 'data-attribute': choice.name, title: `${choice.name.replace(/_/g, ' ')} of the agent` });
      select.append(el('option', { value: '-1' }, 'off'));
      for (let level = 0; level < choice.levels; level++) select.append(el('option', { value: String(level) }, choice.labels[level] ?? String(level)));
      const current = this.levels.get(choice.name);
      select.value = current !== undefined && current < choice.levels ? String(current) : '-1';
      select.addEventListener('change', () => {
        const level = Number(select.value);
        if (level < 0) this.levels.delete(choice.name);
        else this.levels.set(choice.name, level);
        this.run?.setAttribute(choice.name, level);
      });
      return el('label', {}, choice.name.replace(/_/g, ' '), select);
    });
    this.attributes.replaceChildren(...selects);
  }

  private fail(message: string): void {
    this.failure = message;
    this.update();
  }

  /** Mirrors the state into the controls, the status line, the roll and `data-live*`. */
  private update(): void {
    const d = this.root.dataset;
    const run = this.run;
    const state = !this.isOpen ? 'off' : (run?.state ?? 'idle');
    const active = state === 'connecting' || state === 'running' || state === 'stopping';
    d['live'] = state;
    d['liveSocket'] = run?.socketOpen ? 'open' : 'closed';
    d['liveBar'] = run?.position ? String(run.position.bar) : '';
    d['liveSent'] = String(run?.sent ?? 0);
    d['liveGenerated'] = String(run?.agentBars.count ?? 0);
    d['liveAgentNotes'] = String(run?.agentBars.notes ?? 0);
    d['liveSkipped'] = String(run?.skipped ?? 0);
    d['liveInferenceMs'] = run?.lastInferenceMs != null ? String(Math.round(run.lastInferenceMs)) : '';
    d['liveLoop'] = this.loop ? `${this.loop.from}-${this.loop.to}` : '';
    this.start.disabled = active || !this.loop;
    this.stop.disabled = !(state === 'running' || state === 'connecting');
    this.program.disabled = this.drums.disabled = this.modelDim.disabled = this.silence.disabled = this.novelty.disabled = active;
    this.loopText.textContent = this.loop ? `loop: ${describeLoop(this.loop)}` : '';
    // The session's capabilities give the attribute levels: the controls are made again for them once.
    if (run?.capabilities && run.capabilities !== this.attributesFor) {
      this.attributesFor = run.capabilities;
      this.renderAttributes();
    }
    if (!this.isOpen) return;
    const error = this.failure ?? run?.error ?? null;
    if (error) d['error'] = error;
    this.status.classList.toggle('error', error !== null);
    this.status.textContent = this.failure ?? (run ? this.statusText(run) : 'Pick the agent’s instrument, then Start.');
    this.draw(run);
  }

  private statusText(run: LiveRun): string {
    const words: Record<string, string> = { idle: 'ready', connecting: 'connecting…', running: 'running', stopping: 'stopping…', stopped: 'stopped' };
    const parts = [`${words[run.state] ?? run.state} (${run.socketOpen ? 'connected' : 'not connected'})`];
    if (run.position) parts.push(`bar ${run.position.bar + 1}`);
    parts.push(`${run.sent} bars sent`, `${run.agentBars.count} generated (${run.agentBars.notes} notes)`);
    if (run.lastInferenceMs !== null) parts.push(`last ${Math.round(run.lastInferenceMs)} ms`);
    parts.push(`${run.skipped} skipped`);
    if (run.generating) parts.push('generating…');
    if (run.error) parts.push(`— ${run.error}`);
    return `Live: ${parts.join(' · ')}`;
  }

  /** Redraws the live roll when bars were added; moves the cursor always. */
  private draw(run: LiveRun | null): void {
    if (!run || run.state === 'idle' || run.state === 'connecting') return;
    const key = `${run.scheduled}:${run.agentBars.count}:${run.agentBars.notes}`;
    if (key !== this.drawnFor) {
      this.drawnFor = key;
      const name = `Agent: ${run.agent.drum ? 'Drums' : programName(run.agent.program)}`;
      const view = liveScore(run.loop, run.scheduled, run.agentBars, { ...run.agent, name });
      this.timeline = new Timeline(view.score);
      this.roll.render({ score: view.score, timeline: this.timeline, selection: null, generated: view.generated });
      this.root.dataset['liveDrawn'] = String(view.score.tracks[0]!.bars.reduce((n, bar) => n + bar.notes.length, 0));
    }
    const position = run.position;
    if (position && this.timeline) {
      const start = this.timeline.barStart(position.bar);
      this.roll.setCursor(start + position.fraction * (this.timeline.barStart(position.bar + 1) - start));
    } else this.roll.setCursor(null);
  }
}
