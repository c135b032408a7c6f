// The studio's state and what the buttons do: the piece and its history, the
// selection, a generation in flight, the takes under review, playback. Every
// change ends in `refresh()`, which redraws and mirrors the state into `data-*`
// attributes of the root element (what tests read).
import { ApiError, type NewTrack, type Progress } from './api.js';
import type { Backend } from './backend.js';
import { cell, History, type Piece } from './document.js';
import { download, exportName, type MidiFile } from './files.js';
import { programName } from './gm.js';
import { PianoRoll } from './pianoroll.js';
import { Player } from './player.js';
import { generationRequest, type TrackTarget } from './request.js';
import { attachSelection } from './roll-input.js';
import { barCount, isDrum, noteCount, Timeline } from './score.js';
import { describeSelection, selectionBars, selectionMessage, type Selection } from './selection.js';
import type { Controls, NewTrackChoice } from './controls.js';

/** `done`: takes are waiting to be kept or discarded. */
export type Phase = 'empty' | 'loading' | 'idle' | 'generating' | 'done';

interface Review {
  base: Piece;
  takes: Piece[];
  chosen: number;
}

export class Studio {
  phase: Phase = 'empty';
  selection: Selection | null = null;
  private history: History | null = null;
  private review: Review | null = null;
  private timeline: Timeline | null = null;
  private abort: AbortController | null = null;
  /** The cursor loop that runs (an older one stops at its next frame). */
  private cursorLoop = 0;
  private readonly player = new Player();
  readonly roll: PianoRoll;

  constructor(
    private readonly root: HTMLElement,
    private readonly controls: Controls,
    private readonly backend: Backend,
  ) {
    this.roll = new PianoRoll(controls.roll);
    attachSelection(this.roll, {
      current: () => this.selection,
      canSelect: () => this.piece !== null && this.phase !== 'generating',
      select: (selection) => {
        this.selection = selection;
        if (this.phase === 'idle' || this.phase === 'done') this.status(selectionMessage(selection));
        this.refresh();
      },
    });
    this.player.onEnd = () => this.refresh();
    this.player.onSound = (message) => {
      this.status(message);
      this.refresh();
    };
    this.refresh();
  }

  /** The piece on screen: the take under review, else the kept one. */
  get piece(): Piece | null {
    return this.review ? this.review.takes[this.review.chosen]! : (this.history?.current ?? null);
  }

  async open(file: MidiFile): Promise<void> {
    if (this.phase === 'generating') return;
    this.stop();
    const previous = this.phase;
    this.setPhase('loading', `Reading ${file.name}…`);
    try {
      const score = await this.backend.readScore(file.bytes);
      this.history = new History({ name: file.name, midi: file.bytes, score, generated: new Set() });
      this.review = null;
      this.selection = null;
      this.setPhase('idle', `${file.name}: ${score.tracks.length} tracks, ${noteCount(score)} notes. Drag over bars of a track, then Infill.`);
    } catch (error) {
      this.fail(error, this.history ? (previous === 'done' ? 'done' : 'idle') : 'empty');
    }
  }

  /** What a generation starts from: the kept piece, or the one the takes under review were made from. */
  private get base(): Piece | null {
    return this.review?.base ?? this.history?.current ?? null;
  }

  /** Generates the selected bars (again, from the same piece, when takes are under review). */
  async infill(): Promise<void> {
    const base = this.base;
    if (!base || !this.selection || this.phase === 'generating') return;
    const targets = this.selection.tracks.map((id) => ({ id, drum: base.score.tracks[id] ? isDrum(base.score.tracks[id]) : false }));
    await this.generate(base, targets, selectionBars(this.selection), []);
  }

  /** Writes a new track (a GM program, or drums) over the selected bars, or over the whole piece without a selection. */
  async addTrack(choice: NewTrackChoice): Promise<void> {
    const base = this.base;
    if (!base || this.phase === 'generating') return;
    const bars = this.selection ? selectionBars(this.selection) : Array.from({ length: barCount(base.score) }, (_, b) => b);
    const track: NewTrack = { instrument: choice.program, track_type: choice.drum ? 'drum' : 'melodic', name: choice.drum ? 'Drums' : programName(choice.program) };
    await this.generate(base, [{ id: base.score.tracks.length, drum: choice.drum }], bars, [track]);
  }

  /** Generates `bars` of the target tracks (new ones appended first) into takes to review. */
  private async generate(base: Piece, targets: TrackTarget[], bars: number[], addTracks: NewTrack[]): Promise<void> {
    this.stop();
    const settings = this.controls.settings();
    const request = generationRequest(targets, bars, this.controls.choices(), settings);
    this.abort = new AbortController();
    this.setPhase('generating', 'Waiting for the model…');
    this.root.dataset['progress'] = '0';
    try {
      const results = await this.backend.generate(base.midi, request, {
        variations: settings.variations,
        addTracks,
        signal: this.abort.signal,
        onQueued: (ahead) => ahead > 0 && this.status(`Waiting for the model (${ahead} ahead)…`),
        onProgress: (p) => this.progress(p),
      });
      const fresh = new Set(base.generated);
      for (const { id } of targets) for (const bar of bars) fresh.add(cell(id, bar));
      const takes = results.map((r) => ({ name: base.name, midi: r.midi, score: r.score, generated: fresh }));
      this.review = { base, takes, chosen: 0 };
      this.setPhase('done', `${takes.length === 1 ? 'The take is' : `${takes.length} takes are`} ready: listen, then Keep or Discard.`);
    } catch (error) {
      if (this.abort?.signal.aborted) this.setPhase(this.review ? 'done' : 'idle', 'Cancelled.');
      else this.fail(error, this.review ? 'done' : 'idle');
    } finally {
      this.abort = null;
      delete this.root.dataset['progress'];
      this.refresh();
    }
  }

  cancel(): void {
    this.abort?.abort();
  }

  choose(take: number): void {
    if (!this.review || !this.review.takes[take]) return;
    this.review.chosen = take;
    this.restartIfPlaying();
  }

  keep(): void {
    if (!this.review || !this.history) return;
    this.history.commit(this.piece!);
    this.review = null;
    this.setPhase('idle', 'Kept. Undo takes it back.');
  }

  discard(): void {
    if (!this.review) return;
    this.review = null;
    this.stop();
    this.setPhase('idle', 'Discarded.');
  }

  undo(): void {
    if (this.phase === 'done') return this.discard();
    if (this.phase !== 'idle' || !this.history?.canUndo) return;
    this.stop();
    this.history.undo();
    this.setPhase('idle', 'Undone.');
  }

  redo(): void {
    if (this.phase !== 'idle' || !this.history?.canRedo) return;
    this.stop();
    this.history.redo();
    this.setPhase('idle', 'Redone.');
  }

  async togglePlay(): Promise<void> {
    if (this.player.playing) return this.stop();
    const piece = this.piece;
    if (!piece || !this.timeline) return;
    const from = this.selection ? this.timeline.barStart(Math.min(this.selection.from, this.selection.to)) : 0;
    await this.player.play(piece.score, this.timeline, from);
    this.refresh();
    this.followCursor();
  }

  stop(): void {
    this.player.stop();
    this.roll.setCursor(null);
    this.refresh();
  }

  exportMidi(): void {
    const piece = this.piece;
    if (piece) download(exportName(piece.name), piece.midi);
  }

  private restartIfPlaying(): void {
    const playing = this.player.playing;
    this.stop();
    if (playing) void this.togglePlay();
  }

  private followCursor(): void {
    const loop = ++this.cursorLoop;
    const frame = (): void => {
      if (loop !== this.cursorLoop) return;
      const tick = this.player.positionTick();
      this.roll.setCursor(tick);
      this.root.dataset['cursor'] = tick === null ? '' : String(Math.round(tick));
      this.root.dataset['audio'] = this.player.audioState;
      if (tick !== null) requestAnimationFrame(frame);
      else this.refresh();
    };
    requestAnimationFrame(frame);
  }

  private progress(p: Progress): void {
    this.root.dataset['progress'] = String(p.tokens);
    this.controls.progress.hidden = false;
    this.controls.progress.max = Math.max(1, p.steps);
    this.controls.progress.value = Math.min(p.step + 1, p.steps);
    this.status(`Generating: step ${p.step + 1} of ${p.steps}, ${p.tokens} tokens (${p.tokensPerSecond.toFixed(0)} tokens/s)…`);
  }

  private setPhase(phase: Phase, message: string): void {
    this.phase = phase;
    delete this.root.dataset['error'];
    this.status(message);
    this.refresh();
  }

  private fail(error: unknown, phase: Phase): void {
    const message = error instanceof ApiError ? [error.message, ...error.problems].join(' — ') : error instanceof Error ? error.message : String(error);
    this.setPhase(phase, `Error: ${message}`);
    this.root.dataset['error'] = message;
  }

  private status(message: string): void {
    this.controls.status.textContent = message;
  }

  /** Redraws the roll and mirrors the state into the controls and `data-*`. */
  refresh(): void {
    const piece = this.piece;
    const d = this.root.dataset;
    d['state'] = this.phase;
    d['playing'] = String(this.player.playing);
    d['audio'] = this.player.audioState;
    d['sound'] = this.player.sound;
    d['notes'] = piece ? String(noteCount(piece.score)) : '0';
    d['tracks'] = piece ? String(piece.score.tracks.length) : '0';
    d['generated'] = piece ? String(piece.generated.size) : '0';
    d['selection'] = describeSelection(this.selection);
    d['takes'] = String(this.review?.takes.length ?? 0);
    d['file'] = piece?.name ?? '';
    if (!this.player.playing) d['cursor'] = '';
    if (piece && this.timeline?.score !== piece.score) this.timeline = new Timeline(piece.score);
    if (!piece) this.timeline = null;
    if (piece && this.timeline) this.roll.render({ score: piece.score, timeline: this.timeline, selection: this.selection, generated: piece.generated });
    this.controls.update({
      phase: this.phase,
      hasPiece: piece !== null,
      hasSelection: this.selection !== null,
      playing: this.player.playing,
      takes: this.review?.takes.length ?? 0,
      chosen: this.review?.chosen ?? 0,
      canUndo: this.phase === 'done' || (this.phase === 'idle' && (this.history?.canUndo ?? false)),
      canRedo: this.phase === 'idle' && (this.history?.canRedo ?? false),
    });
  }
}
