// What every route plugin gets: the model client, the job queue and the settings.
import type { ModelClient } from '../worker/client.js';
import type { JobRunner } from './jobs.js';

export interface HttpSettings {
  /** Label `/info` reports as `checkpoint`. */
  checkpoint: string;
  bodyLimit: number;
  maxQueue: number;
  timeoutMs: number;
  /** SSE: a progress event every this many tokens (and at every new step). */
  progressEvery: number;
}

export interface HttpContext {
  client: ModelClient;
  jobs: JobRunner;
  settings: HttpSettings;
}
