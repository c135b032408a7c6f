// `GET /info`: the reference's checkpoint, capabilities, attribute level counts and resolution, plus what
// a client needs to build a valid request (window sizes, time signatures, attribute labels, limits).
import type { FastifyPluginAsync } from 'fastify';
import type { ModelInfo } from '../../worker/protocol.js';
import type { HttpContext } from '../context.js';
import { infoSchema, MAX_VARIATIONS } from '../schemas.js';

const REFERENCE_ATTRIBUTES = ['tension', 'note_density', 'min_polyphony', 'max_polyphony', 'min_note_duration', 'max_note_duration'];

/** The reference's 11 capability flags (realtime.md §1.5 `/midigpt/capabilities`). */
export function capabilities(info: ModelInfo): Record<string, boolean> {
  const names = new Set(info.attributes.map((a) => a.name));
  return {
    ...Object.fromEntries(REFERENCE_ATTRIBUTES.map((n) => [n, names.has(n)])),
    supports_token_mask: info.supportsMaskBar,
    supports_attention_mask: true,
    supports_attention_approx: true,
    supports_attention_skip: true,
    supports_remove: true,
  };
}

export const infoRoutes: FastifyPluginAsync<HttpContext> = async (app, { client, settings }) => {
  const info = client.info;
  const body = {
    checkpoint: settings.checkpoint,
    capabilities: capabilities(info),
    attributes: Object.fromEntries(info.attributes.map((a) => [a.name, a.size])),
    resolution: info.resolution,
    model_dims: info.modelDims,
    default_model_dim: info.defaultModelDim,
    default_mask_mode: info.defaultMaskMode,
    time_signatures: info.timeSignatures,
    attribute_info: info.attributes.map((a) => ({ name: a.name, level: a.level, track_type: a.trackType, size: a.size, labels: a.labels })),
    limits: { body_bytes: settings.bodyLimit, queue: settings.maxQueue, timeout_ms: settings.timeoutMs, variations: MAX_VARIATIONS },
  };
  app.get('/info', { schema: { summary: 'what the model can do', tags: ['reference'], response: { 200: infoSchema } } }, async () => body);
};
