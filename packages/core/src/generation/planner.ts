// Planning a generation request into model-sized steps (generation.md §2).
import { native, type NativeStep } from '../native.js';

/** Which bars to generate, per track. */
export interface SelectionMask {
  /** `[track][bar]`: true = generate this bar. Every row has the score's bar count. */
  selected: boolean[][];
  /** `[track]`: the track continues autoregressively (missing entries are false). */
  autoregressive: boolean[];
  /** `[track]`: never a target (missing entries are false). */
  ignore: boolean[];
}

/** One step: a window of bars, its targets and what is shown as context (field names as the reference's). */
export type GenerationStep = NativeStep;

export interface PlanOptions {
  /** Window length in bars. */
  modelDim: number;
  /** Bars generated per step (default 1; 0 = modelDim). */
  barsPerStep?: number;
  /** Tracks per step (default 1). */
  tracksPerStep?: number;
}

/** All autoregressive steps first, then infill steps, exactly as the reference's StepPlanner. */
export function planSteps(mask: SelectionMask, options: PlanOptions): GenerationStep[] {
  return native.planSteps(mask, options.modelDim, options.barsPerStep ?? 1, options.tracksPerStep ?? 1);
}
