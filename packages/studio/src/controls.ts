// The tool bar and status line: finds the page's elements, reads the sampling
// settings and attribute controls, and enables what the state allows.
import { programName } from './gm.js';
import { attributeTitle, type AttributeChoice, type AttributeInfo, type Sampling } from './request.js';
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

export interface Settings extends Sampling {
  variations: number;
}

/** What the Add track dialog asks for. */
export interface NewTrackChoice {
  program: number;
  drum: boolean;
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
  readonly addTrack = find<HTMLButtonElement>('add-track');
  readonly addTrackDialog = find<HTMLDialogElement>('add-track-dialog');
  readonly addTrackGo = find<HTMLButtonElement>('add-track-go');
  private readonly program = find<HTMLSelectElement>('program');
  private readonly drums = find<HTMLInputElement>('drums');
  private readonly attributes = find<HTMLElement>('attributes');
  private readonly temperature = find<HTMLInputElement>('temperature');
  private readonly topP = find<HTMLInputElement>('top-p');
  private readonly seed = find<HTMLInputElement>('seed');
  private readonly variations = find<HTMLInputElement>('variations');
  private readonly strict = find<HTMLInputElement>('strict');
  /** The attribute selects, with what `/info` says of each. */
  private attributeInputs: Array<{ info: AttributeInfo; select: HTMLSelectElement }> = [];
  /** Called with a take's index when its button is pressed. */
  onChoose: (take: number) => void = () => {};

  constructor() {
    this.program.replaceChildren(...Array.from({ length: 128 }, (_, p) => new Option(`${p}: ${programName(p)}`, String(p))));
    this.program.value = '33';
    this.drums.addEventListener('change', () => (this.program.disabled = this.drums.checked));
  }

  settings(): Settings {
    const number = (input: HTMLInputElement): number | null => (input.value.trim() === '' || !Number.isFinite(input.valueAsNumber) ? null : input.valueAsNumber);
    const variations = number(this.variations);
    const seed = number(this.seed);
    return {
      temperature: number(this.temperature),
      topP: number(this.topP),
      seed: seed === null ? null : Math.trunc(seed),
      strict: this.strict.checked,
      variations: Math.max(1, Math.min(4, Math.trunc(variations ?? 1))),
    };
  }

  /** One select per track-level attribute control of the model, labelled with the model's own level names. */
  showAttributes(infos: AttributeInfo[]): void {
    this.attributeInputs = infos
      .filter((info) => info.level === 'track' && info.size > 0)
      .map((info) => {
        const select = document.createElement('select');
        select.dataset['attribute'] = info.name;
        select.append(new Option('any', ''), ...Array.from({ length: info.size }, (_, level) => new Option(info.labels[level] ?? String(level), String(level))));
        return { info, select };
      });
    this.attributes.replaceChildren(
      ...this.attributeInputs.map(({ info, select }) => {
        const label = document.createElement('label');
        label.title = `${attributeTitle(info)}: applies to ${info.track_type === 'both' ? 'every' : info.track_type} track${info.track_type === 'both' ? '' : 's'}; "any" lets the model choose`;
        label.append(attributeTitle(info), select);
        return label;
      }),
    );
  }

  /** The attribute levels the user set (unset ones are left to the model). */
  choices(): AttributeChoice[] {
    return this.attributeInputs
      .filter(({ select }) => select.value !== '')
      .map(({ info, select }) => ({ name: info.name, trackType: info.track_type, level: Number(select.value) }));
  }

  /** The Add track dialog's choice. */
  newTrack(): NewTrackChoice {
    return { program: this.drums.checked ? 0 : Number(this.program.value), drum: this.drums.checked };
  }

  update(v: ControlsView): void {
    const busy = v.phase === 'generating' || v.phase === 'loading';
    this.open.disabled = busy;
    this.example.disabled = busy;
    this.play.disabled = !v.hasPiece || busy;
    this.play.textContent = v.playing ? 'Stop' : 'Play';
    this.infill.disabled = !v.hasSelection || busy;
    this.addTrack.disabled = !v.hasPiece || busy;
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
