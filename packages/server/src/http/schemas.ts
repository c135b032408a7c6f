// The JSON schemas of every route: fastify validates requests with them and
// `/openapi.json` is generated from them. Shapes and types are checked here;
// what depends on the score and the model (track ids, bar ranges, attribute
// levels, time signatures, ...) is checked by the core's request validator,
// which lists every problem at once (422).
import { MASK_MODES } from '@midigpt/core';

/** Most variations one request may ask for. */
export const MAX_VARIATIONS = 16;

const int = { type: 'integer' } as const;
const intList = (maxItems: number) => ({ type: 'array', maxItems, items: int }) as const;
const objectOf = (values: object, description?: string) => ({ type: 'object', additionalProperties: values, ...(description ? { description } : {}) }) as const;

// ---------------------------------------------------------------- requests

const configProperties = {
  temperature: { type: 'number', description: 'softmax temperature (> 0)' },
  seed: { type: 'integer', description: '>= 0: reproducible; < 0: random' },
  max_attempts: int,
  novelty_check: { type: 'boolean' },
  silence_check: { type: 'boolean' },
  temperature_escalation: { type: 'number' },
  bars_per_step: int,
  tracks_per_step: int,
  model_dim: { type: ['integer', 'null'], description: "window length in bars: one of /info's model_dims" },
  shuffle: { type: 'boolean' },
  mask_mode: { type: 'string', enum: [...MASK_MODES] },
  polyphony_hard_limit: int,
  density_hard_limit: int,
  top_p: { type: 'number' },
  top_k: int,
  mask_p: { type: 'number' },
  mask_k: int,
  strict_controls: { type: 'boolean' },
} as const;

const trackPrompt = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'bars'],
  properties: {
    id: { type: 'integer', minimum: 0, description: 'score track index' },
    bars: { ...intList(4096), description: 'bars to generate; [] = the track is context (or, autoregressive, the whole track)' },
    autoregressive: { type: 'boolean' },
    ignore: { type: 'boolean' },
    mask_bars: intList(4096),
    attributes: objectOf(int, 'track-level attribute targets: name -> level (see /info)'),
    controls: objectOf(int),
    bar_attributes: objectOf(objectOf(int), 'bar number (as a string) -> {name: level}'),
    bar_controls: objectOf(objectOf(int)),
  },
} as const;

// Config keys are typed here; unknown ones are the core validator's to report (422 on /v1, dropped on /generate),
// so a setting the core adds needs no change here.
function generationRequest(description: string) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['tracks'],
    description,
    properties: {
      tracks: { type: 'array', minItems: 1, maxItems: 64, items: trackPrompt },
      config: { type: 'object', properties: configProperties, description: 'sampling settings (docs/cli.md); unknown keys: see the route' },
      controls: {
        type: 'object',
        additionalProperties: false,
        properties: { velocity: { type: 'boolean' }, microtiming: { type: 'boolean' }, genre: { type: 'string', maxLength: 64 } },
      },
    },
  } as const;
}

/** Ours: unknown config keys are errors (422). */
export const requestSchema = generationRequest("what to generate (the reference's GenerationRequest); score tracks not listed are context; unknown config keys are errors");
/** The reference's: unknown config keys are ignored. */
export const compatRequestSchema = generationRequest("the reference's GenerationRequest; score tracks not listed are context; unknown config keys are ignored");

// ---------------------------------------------------------------- scores

/** Our interchange format (`ScoreJSON`, docs/api.md). */
export const scoreSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['resolution', 'tracks'],
  description: 'a score in the interchange format of @midigpt/core (docs/api.md)',
  properties: {
    resolution: { type: 'integer', minimum: 1, maximum: 65535, description: 'ticks per quarter note' },
    tempo: { type: 'integer', minimum: 1, description: 'microseconds per quarter note' },
    tempos: { type: 'array', maxItems: 4096, items: { type: 'array', minItems: 2, maxItems: 2, items: int } },
    key_signatures: { type: 'array', maxItems: 4096, items: { type: 'array', minItems: 3, maxItems: 3, items: int } },
    tracks: {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['bars'],
        properties: {
          name: { type: 'string', maxLength: 256 },
          instrument: { type: 'integer', minimum: 0, maximum: 127 },
          track_type: { type: 'string', enum: ['melodic', 'drum'] },
          attributes: objectOf({ type: 'number' }),
          bars: {
            type: 'array',
            maxItems: 4096,
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                ts: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'integer', minimum: 1 } },
                beat_length: { type: 'number' },
                future: { type: 'boolean' },
                notes: {
                  type: 'array',
                  maxItems: 10000,
                  items: { type: 'array', minItems: 4, maxItems: 5, items: int, description: '[pitch, velocity, onset in bar, duration, delta?]' },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** The reference's score dict: notes as objects with exactly the note fields. */
export const compatScoreSchema = {
  type: 'object',
  description: "the reference's score (midigpt-http): notes are objects, onsets relative to the bar",
  properties: {
    resolution: { type: 'integer', minimum: 1, maximum: 65535, default: 480 },
    tempo: { type: 'integer', minimum: 1, default: 500000 },
    tracks: {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        properties: {
          instrument: { type: 'integer', default: 0 },
          track_type: { type: 'string', enum: ['melodic', 'drum'], default: 'melodic' },
          bars: {
            type: 'array',
            maxItems: 4096,
            items: {
              type: 'object',
              properties: {
                ts_numerator: { type: 'integer', minimum: 1, default: 4 },
                ts_denominator: { type: 'integer', minimum: 1, default: 4 },
                future: { type: 'boolean', default: false },
                notes: {
                  type: 'array',
                  maxItems: 10000,
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['pitch', 'velocity', 'onset_ticks', 'duration_ticks'],
                    properties: { pitch: int, velocity: int, onset_ticks: int, duration_ticks: int, delta: int },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

// ---------------------------------------------------------------- bodies

/** New, empty tracks to append before generating (`Score.addTrack`): how a client adds a track to a piece. */
export const addTracksSchema = {
  type: 'array',
  maxItems: 16,
  description: 'new, empty tracks appended to the score before generating; request track ids count them (the first new track is the score\'s track count)',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['instrument'],
    properties: {
      instrument: { type: 'integer', minimum: 0, maximum: 127, description: 'General MIDI program' },
      track_type: { type: 'string', enum: ['melodic', 'drum'] },
      name: { type: 'string', maxLength: 256 },
    },
  },
} as const;

export const v1JsonBody = {
  type: 'object',
  additionalProperties: false,
  required: ['score', 'request'],
  properties: {
    score: scoreSchema,
    request: requestSchema,
    add_tracks: addTracksSchema,
    variations: { type: 'integer', minimum: 1, maximum: MAX_VARIATIONS, default: 1, description: 'alternative results, best first' },
  },
} as const;

export const v1MultipartBody = {
  type: 'object',
  additionalProperties: false,
  required: ['file', 'request'],
  properties: {
    file: { description: 'the MIDI file (binary)' },
    request: { type: ['string', 'object'], description: 'the generation request as JSON text' },
    add_tracks: { type: 'string', maxLength: 8192, description: 'new tracks to append first, as JSON text (see add_tracks of the JSON body)' },
    variations: { type: 'string', pattern: '^[0-9]{1,2}$' },
  },
} as const;

export const v1MidiBody = { description: 'a Standard MIDI File; the request travels in the `request` query parameter' } as const;

export const v1Query = {
  type: 'object',
  additionalProperties: false,
  properties: {
    request: { type: 'string', maxLength: 65536, description: 'the generation request as JSON (with an audio/midi body)' },
    add_tracks: { type: 'string', maxLength: 8192, description: 'new tracks to append first, as JSON (with an audio/midi body; see add_tracks of the JSON body)' },
    variations: { type: 'string', pattern: '^[0-9]{1,2}$', description: 'alternative results (with an audio/midi body)' },
  },
} as const;

export const compatBody = {
  type: 'object',
  required: ['score', 'request'],
  properties: { score: compatScoreSchema, request: compatRequestSchema },
} as const;

// ---------------------------------------------------------------- responses (documentation)

export const errorSchema = {
  type: 'object',
  description: 'every 4xx and 5xx answer',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'problems'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, problems: { type: 'array', items: { type: 'string' } } },
    },
  },
} as const;

export const healthSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok'] },
    busy: { type: 'boolean', description: 'a generation is running' },
    running: int,
    queued: { type: 'integer', description: 'requests waiting for the model' },
    queue_limit: int,
    completed: int,
    failed: int,
    cancelled: int,
    timed_out: int,
    rejected: int,
  },
} as const;

export const infoSchema = {
  type: 'object',
  properties: {
    checkpoint: { type: 'string' },
    capabilities: objectOf({ type: 'boolean' }),
    attributes: objectOf(int, 'attribute name -> number of levels'),
    resolution: { type: 'integer', description: 'encoder ticks per quarter note' },
    model_dims: { type: 'array', items: int },
    default_model_dim: int,
    default_mask_mode: { type: 'string' },
    time_signatures: { type: 'array', items: { type: 'array', items: int } },
    attribute_info: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, level: { type: 'string' }, track_type: { type: 'string' }, size: int, labels: { type: 'array', items: { type: 'string' } } },
      },
    },
    limits: objectOf({ type: 'number' }),
  },
} as const;

export const compatResponse = {
  type: 'object',
  properties: {
    score: compatScoreSchema,
    timing: { type: 'object', properties: { model_forward_s: { type: 'number' }, encode_s: { type: 'number' }, decode_s: { type: 'number' }, gen_count: int } },
  },
} as const;

export const v1Response = {
  type: 'object',
  properties: {
    variations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          score: scoreSchema,
          midi: { type: 'string', description: 'the result as a MIDI file, base64 (when the input was a MIDI file)' },
          log_likelihood: { type: 'number' },
          warnings: { type: 'array', items: { type: 'string' } },
          steps: int,
        },
      },
    },
    timing: { type: 'object', properties: { queued_ms: { type: 'number' }, inference_ms: { type: 'number' }, total_ms: { type: 'number' } } },
  },
} as const;

export const errorResponses = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorSchema]));
