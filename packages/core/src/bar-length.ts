// A bar's length in ticks: the core's one definition (cpp/core/bar_length.h),
// shared by the grammar, the attribute analyzers and these TypeScript
// checks. Exact when the bar is a whole number of ticks, rounded up
// otherwise, so a note with onset t (whole ticks) starts inside its bar
// exactly when 0 <= t < length.
import { native } from './native.js';

/** The length of an `n/d` bar at `resolution` ticks per quarter (0 when unusable). */
export function signatureBarTicks(ts: readonly [number, number], resolution: number): number {
  return native.signatureBarTicks(ts[0], ts[1], resolution);
}

/** The length of a bar of `beatLength` quarter notes at `resolution` ticks per quarter (0 when not positive). */
export function beatBarTicks(beatLength: number, resolution: number): number {
  return native.beatBarTicks(beatLength, resolution);
}
