// What the user picked: bars `from..to` (inclusive, 0-based) of one or more tracks.

export interface Selection {
  tracks: number[];
  from: number;
  to: number;
}

export function selectionBars(selection: Selection): number[] {
  const bars: number[] = [];
  for (let b = Math.min(selection.from, selection.to); b <= Math.max(selection.from, selection.to); b++) bars.push(b);
  return bars;
}

export function isSelected(selection: Selection | null, track: number, bar: number): boolean {
  if (!selection || !selection.tracks.includes(track)) return false;
  return bar >= Math.min(selection.from, selection.to) && bar <= Math.max(selection.from, selection.to);
}

/** `"0:4-7"`, `"0,2:4-7"`: the tracks and 0-based bars, for tests and the status line. */
export function describeSelection(selection: Selection | null): string {
  if (!selection) return '';
  const bars = selectionBars(selection);
  return `${selection.tracks.join(',')}:${bars[0]}-${bars[bars.length - 1]}`;
}

/** The status line's words for a selection (bars and tracks counted from 1, as shown). */
export function selectionMessage(selection: Selection | null): string {
  if (!selection) return 'Nothing selected: drag over bars of a track.';
  const bars = selectionBars(selection);
  const tracks = selection.tracks.map((t) => t + 1).join(', ');
  const range = bars.length === 1 ? `bar ${bars[0]! + 1}` : `bars ${bars[0]! + 1}–${bars[bars.length - 1]! + 1}`;
  return `Track${selection.tracks.length > 1 ? 's' : ''} ${tracks}, ${range} selected: Infill generates ${bars.length === 1 ? 'it' : 'them'} again (Shift extends, Ctrl adds a track).`;
}
