// The tool bar and status line: finds the page's elements, reads the sampling
// settings, and enables what the state allows.
import type { Phase } from './studio.js';

export interface ControlsView {
  phase: Phase;
  hasPiece: boolean;
  hasSelection: boolean;
  playing: boolean;
  takes: number;
  chosen: number;
  canUndo: boolean;
  canRedo: boolean;
}

export interface Settings {
  temperature: number | null;
  seed: number | null;
  variations: number;
}

function find<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

const TAKE_NAMES = 'ABCDEFGHIJKLMNOP';

export class Controls {
  readonly roll = find<HTMLElement>('roll');
  readonly status = find<HTMLElement>('status');
  readonly progress = find<HTMLProgressElement>('progress');
  readonly fileInput = find<HTMLInputElement>('file');
  readonly open = find<HTMLButtonElement>('open');
  readonly example = find<HTMLButtonElement>('example');
  readonly play = find<HTMLButtonElement>('play');
  readonly infill = find<HTMLButtonElement>('infill');
  readonly cancel = find<HTMLButtonElement>('cancel');
  readonly takes = find<HTMLElement>('takes');
  readonly keep = find<HTMLButtonElement>('keep');
  readonly discard = find<HTMLButtonElement>('discard');
  readonly undo = find<HTMLButtonElement>('undo');
  readonly redo = find<HTMLButtonElement>('redo');
  readonly export = find<HTMLButtonElement>('export');
  private readonly temperature = find<HTMLInputElement>('temperature');
  private readonly seed = find<HTMLInputElement>('seed');
  private readonly variations = find<HTMLInputElement>('variations');
  /** Called with a take's index when its button is pressed. */
  onChoose: (take: number) => void = () => {};

  settings(): Settings {
    const number = (input: HTMLInputElement): number | null => (input.value.trim() === '' || !Number.isFinite(input.valueAsNumber) ? null : input.valueAsNumber);
    const variations = number(this.variations);
    const seed = number(this.seed);
    return {
      temperature: number(this.temperature),
      seed: seed === null ? null : Math.trunc(seed),
      variations: Math.max(1, Math.min(4, Math.trunc(variations ?? 1))),
    };
  }

  update(v: ControlsView): void {
    const busy = v.phase === 'generating' || v.phase === 'loading';
    this.open.disabled = busy;
    this.example.disabled = busy;
    this.play.disabled = !v.hasPiece || busy;
    this.play.textContent = v.playing ? 'Stop' : 'Play';
    this.infill.disabled = !v.hasSelection || busy;
    this.cancel.hidden = v.phase !== 'generating';
    this.progress.hidden = v.phase !== 'generating';
    this.keep.disabled = this.discard.disabled = v.phase !== 'done';
    this.undo.disabled = !v.canUndo;
    this.redo.disabled = !v.canRedo;
    this.export.disabled = !v.hasPiece || busy;
    this.renderTakes(v);
  }

  private renderTakes(v: ControlsView): void {
    const buttons = [...this.takes.querySelectorAll<HTMLButtonElement>('button.take')];
    if (buttons.length !== (v.takes > 1 ? v.takes : 0)) {
      const fresh = v.takes > 1 ? Array.from({ length: v.takes }, (_, i) => this.takeButton(i)) : [];
      this.takes.replaceChildren(...fresh);
    }
    this.takes.querySelectorAll<HTMLButtonElement>('button.take').forEach((b, i) => b.classList.toggle('chosen', i === v.chosen));
  }

  private takeButton(index: number): HTMLButtonElement {
    const button = document.createElement('button');
    button.className = 'take';
    button.textContent = TAKE_NAMES[index] ?? String(index + 1);
    button.title = `take ${button.textContent}`;
    button.addEventListener('click', () => this.onChoose(index));
    return button;
  }
}
