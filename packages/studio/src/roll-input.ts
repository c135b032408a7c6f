// Selecting bars on the piano roll, DAW-style: press on a bar of a lane and drag
// across bars; Shift extends the selection, Ctrl/Cmd adds or removes a lane;
// the ruler selects bars of the tracks already selected (or the first track);
// Escape clears it.
import type { PianoRoll } from './pianoroll.js';
import type { Selection } from './selection.js';

export interface SelectionTarget {
  current(): Selection | null;
  /** Whether the piece may be selected now (a piece is loaded, nothing generating). */
  canSelect(): boolean;
  select(selection: Selection | null): void;
}

export function attachSelection(roll: PianoRoll, target: SelectionTarget): void {
  let dragging = false;
  const canvas = roll.canvas;
  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || !target.canSelect()) return;
    const hit = roll.hit(e.clientX, e.clientY);
    if (!hit) return;
    const current = target.current();
    let tracks: number[];
    if (hit.track === null) tracks = current?.tracks ?? [0];
    else if ((e.ctrlKey || e.metaKey) && current)
      tracks = current.tracks.includes(hit.track) ? current.tracks.filter((t) => t !== hit.track) : [...current.tracks, hit.track];
    else tracks = [hit.track];
    if (tracks.length === 0) {
      target.select(null);
      return;
    }
    const from = e.shiftKey && current ? current.from : hit.bar;
    target.select({ tracks, from, to: hit.bar });
    dragging = true;
    canvas.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', (e) => {
    const current = target.current();
    if (!dragging || !current) return;
    const hit = roll.hit(e.clientX, e.clientY, true);
    if (hit && hit.bar !== current.to) target.select({ ...current, to: hit.bar });
  });
  const end = (e: PointerEvent): void => {
    if (!dragging) return;
    dragging = false;
    if (canvas.hasPointerCapture(e.pointerId)) canvas.releasePointerCapture(e.pointerId);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && target.canSelect()) target.select(null);
  });
}
