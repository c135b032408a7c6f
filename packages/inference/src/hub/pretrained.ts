// Released MIDI-GPT checkpoints by name (generation.md §7.3): resolved to a
// file in the reference's model repository, downloaded once over HTTPS into
// the model cache with progress, resume and a sha256 check.
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CheckpointError } from '../checkpoint/safetensors.js';
import { ensureDir, modelHome, sha256File } from './cache.js';

/** Short names and the checkpoint prefix each one stands for. */
export const PRETRAINED: Readonly<Record<string, string>> = {
  yellow: 'yellow_medium',
  yellow_small: 'yellow_small',
  yellow_medium: 'yellow_medium',
  expressive: 'expressive_medium',
  expressive_medium: 'expressive_medium',
  prism_medium: 'prism_medium',
};

const DEFAULT_HUB = 'https://huggingface.co';
const REPOSITORY = 'Metacreation/MIDI-GPT';

export interface DownloadProgress {
  file: string;
  received: number;
  total: number;
}

export interface PretrainedOptions {
  /** A file name in the repository instead of the newest matching one. */
  filename?: string;
  onProgress?: (progress: DownloadProgress) => void;
  /** Base URL of the hub (default: the reference's; MIDIGPT_HUB_URL overrides it too). */
  hubUrl?: string;
}

interface RepoFile {
  rfilename: string;
  lfs?: { sha256?: string; size?: number };
}

function hub(options: PretrainedOptions): string {
  return (options.hubUrl ?? process.env.MIDIGPT_HUB_URL ?? DEFAULT_HUB).replace(/\/$/, '');
}

async function listFiles(base: string): Promise<RepoFile[]> {
  let response: Response;
  try {
    response = await fetch(`${base}/api/models/${REPOSITORY}?blobs=true`);
  } catch (cause) {
    throw new CheckpointError(`cannot reach the model repository at ${base} (${(cause as Error).message})`);
  }
  if (!response.ok) throw new CheckpointError(`cannot list the model repository (${response.status} ${response.statusText})`);
  const body = (await response.json()) as { siblings?: RepoFile[] };
  return body.siblings ?? [];
}

// <prefix>-final.safetensors if present, else the largest -step<N>.safetensors.
function chooseFile(files: RepoFile[], prefix: string): RepoFile {
  const candidates = files.filter((f) => f.rfilename.startsWith(`${prefix}-`) && f.rfilename.endsWith('.safetensors'));
  if (candidates.length === 0) throw new CheckpointError(`the repository has no checkpoint for ${prefix}`);
  const final = candidates.find((f) => f.rfilename === `${prefix}-final.safetensors`);
  if (final) return final;
  const step = (f: RepoFile) => Number(/-step(\d+)\.safetensors$/.exec(f.rfilename)?.[1] ?? -1);
  return candidates.reduce((best, f) => (step(f) > step(best) ? f : best));
}

// Downloads into `<target>.part`, resuming from its length, checks, then renames.
async function download(url: string, target: string, expected: RepoFile, onProgress?: (p: DownloadProgress) => void): Promise<void> {
  const part = `${target}.part`;
  let received = existsSync(part) ? statSync(part).size : 0;
  let response = await fetch(url, received ? { headers: { Range: `bytes=${received}-` } } : {});
  if (response.status === 416) {
    // The partial file does not match what the server has: start over.
    received = 0;
    response = await fetch(url);
  }
  if (!response.ok) throw new CheckpointError(`download of ${expected.rfilename} failed (${response.status} ${response.statusText})`);
  if (response.status !== 206) received = 0; // the server sent the whole file
  const total = received + Number(response.headers.get('content-length') ?? 0);
  const fd = openSync(part, received ? 'a' : 'w');
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      writeSync(fd, chunk);
      received += chunk.byteLength;
      onProgress?.({ file: expected.rfilename, received, total });
    }
  } finally {
    closeSync(fd);
  }
  const digest = expected.lfs?.sha256;
  if (digest && (await sha256File(part)) !== digest) {
    rmSync(part, { force: true });
    throw new CheckpointError(`the download of ${expected.rfilename} is corrupt (sha256 mismatch); try again`);
  }
  renameSync(part, target);
}

/** The local path of a released checkpoint, downloading it on first use. */
export async function pretrainedPath(name: string, options: PretrainedOptions = {}): Promise<string> {
  const prefix = PRETRAINED[name];
  if (!prefix && !options.filename)
    throw new CheckpointError(`unknown model "${name}"; known names: ${Object.keys(PRETRAINED).join(', ')}`);
  const folder = ensureDir(path.join(modelHome(), 'models'));
  if (options.filename && existsSync(path.join(folder, path.basename(options.filename)))) return path.join(folder, path.basename(options.filename));
  const base = hub(options);
  const files = await listFiles(base);
  const file = options.filename ? files.find((f) => f.rfilename === options.filename) : chooseFile(files, prefix!);
  if (!file) throw new CheckpointError(`the repository has no file ${options.filename}`);
  const target = path.join(folder, path.basename(file.rfilename));
  if (existsSync(target)) return target;
  await download(`${base}/${REPOSITORY}/resolve/main/${file.rfilename}`, target, file, options.onProgress);
  return target;
}
