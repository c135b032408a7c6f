// What a generation asks the server for: the tracks and their bars, the
// attribute controls the user set (each only on the tracks of its type: the
// server refuses a drum control on a melodic track), and the sampling settings.

/** An attribute control as `/info` describes it (`attribute_info`). */
export interface AttributeInfo {
  name: string;
  level: 'track' | 'bar';
  track_type: 'melodic' | 'drum' | 'both';
  size: number;
  labels: string[];
}

/** A level the user picked for an attribute. */
export interface AttributeChoice {
  name: string;
  trackType: AttributeInfo['track_type'];
  level: number;
}

export interface Sampling {
  temperature: number | null;
  topP: number | null;
  seed: number | null;
  /** Enforce the controls through the grammar mask (`strict_controls`, docs/controls.md). */
  strict: boolean;
}

export interface TrackTarget {
  id: number;
  drum: boolean;
}

export interface GenerateRequest {
  tracks: Array<{ id: number; bars: number[]; attributes?: Record<string, number> }>;
  config?: { temperature?: number; top_p?: number; seed?: number; strict_controls?: boolean };
}

export const fitsTrack = (choice: Pick<AttributeChoice, 'trackType'>, drum: boolean): boolean =>
  choice.trackType === 'both' || choice.trackType === (drum ? 'drum' : 'melodic');

/** The request that generates `bars` of each target track with the user's controls and settings. */
export function generationRequest(targets: TrackTarget[], bars: number[], choices: AttributeChoice[], sampling: Sampling): GenerateRequest {
  const tracks = [...targets]
    .sort((a, b) => a.id - b.id)
    .map(({ id, drum }) => {
      const attributes = Object.fromEntries(choices.filter((c) => fitsTrack(c, drum)).map((c) => [c.name, c.level]));
      return Object.keys(attributes).length > 0 ? { id, bars, attributes } : { id, bars };
    });
  const config: NonNullable<GenerateRequest['config']> = {};
  if (sampling.temperature !== null) config.temperature = sampling.temperature;
  if (sampling.topP !== null) config.top_p = sampling.topP;
  if (sampling.seed !== null) config.seed = sampling.seed;
  if (sampling.strict) config.strict_controls = true;
  return { tracks, config };
}

/** `"max_polyphony"` → `"max polyphony"`; a drum-only control says so. */
export function attributeTitle(info: Pick<AttributeInfo, 'name' | 'track_type'>): string {
  const words = info.name.replace(/_/g, ' ');
  return info.track_type === 'drum' ? `${words} (drums)` : words;
}
