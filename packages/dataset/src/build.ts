// `dataset build`: judge every input piece (in child processes, with a time
// limit each, verdicts cached by content hash), then write the kept pieces
// into one file with a manifest that says where each one is, which split it
// belongs to, and why the others were left out.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { BUILTIN_ENCODERS, Tokenizer } from '@midigpt/core';
import { defaultFilters, type PieceFilters, type RejectReason, type Verdict } from './filters.js';
import { collectMidiFiles, DatasetInputError, fileSource, isParquet, type PieceSource } from './inputs.js';
import { readParquetShard } from './parquet.js';
import { ProbePool } from './probe-pool.js';
import { VerdictCache } from './verdict-cache.js';

export const MANIFEST_FILE = 'manifest.json';
export const PIECES_FILE = 'pieces.bin';

export type Split = 'train' | 'validation';

export interface DatasetPiece {
  source: string;
  sha256: string;
  /** Byte range of the MIDI file inside pieces.bin. */
  offset: number;
  length: number;
  bars: number;
  tracks: number;
  notes: number;
  split: Split;
  /** From a parquet shard: per-track NOMML (-1 unknown) and the piece's genres. */
  nomml?: number[];
  genres?: string[];
}

export interface RejectedPiece {
  source: string;
  sha256: string | null;
  reason: RejectReason;
  message: string;
}

export interface DatasetManifest {
  format: 'midigpt-dataset';
  version: 1;
  created: string;
  /** `config` is the encoder's JSON config, for the bundles a trainer writes. */
  encoder: { name: string; vocabSize: number; windows: number[] | null; config: unknown };
  filters: PieceFilters;
  validationFraction: number;
  counts: {
    inputs: number;
    kept: number;
    train: number;
    validation: number;
    /** Verdicts that came from the cache rather than a parse. */
    cached: number;
    rejected: Partial<Record<RejectReason, number>>;
  };
  pieces: DatasetPiece[];
  rejected: RejectedPiece[];
}

export interface BuildProgress {
  done: number;
  total: number;
  kept: number;
  source: string;
}

export interface BuildOptions {
  /** Built-in encoder name or config path (default yellow). */
  encoder?: string;
  /** Parser processes (default 2). */
  workers?: number;
  /** Seconds one piece may take (default 60). */
  timeoutSeconds?: number;
  filters?: Partial<PieceFilters>;
  /** Share of pieces held out for validation, chosen by content hash so it is stable (default 0.05). */
  validationFraction?: number;
  /** Where verdicts are cached (default: see datasetCacheDir). */
  cacheDir?: string;
  onProgress?: (progress: BuildProgress) => void;
}

interface Judged {
  src: PieceSource;
  source: string;
  sha256: string | null;
  verdict: Verdict;
  cached: boolean;
}

/** Builds the dataset folder `output` from `inputs` (MIDI files, folders, list files). */
export async function buildDataset(inputs: string[], output: string, options: BuildOptions = {}): Promise<DatasetManifest> {
  const encoder = options.encoder ?? 'yellow';
  const validationFraction = options.validationFraction ?? 0.05;
  if (!(validationFraction >= 0 && validationFraction < 1)) throw new DatasetInputError(`the validation fraction must be in [0, 1), not ${validationFraction}`);
  if (existsSync(output) && !statSync(output).isDirectory()) throw new DatasetInputError(`${output} exists and is not a folder`);
  const files = collectMidiFiles(inputs);
  if (!files.length) throw new DatasetInputError(`no MIDI files in ${inputs.join(', ')}`);
  const tokenizer = Tokenizer.load(encoder);
  const filters = defaultFilters(tokenizer, options.filters);
  const sources = await pieceSources(files, filters);
  const judged = await judgeAll(sources, filters, options);
  markDuplicates(judged);

  mkdirSync(output, { recursive: true });
  const pieces = writePieces(judged, output, validationFraction);
  const rejected = judged.flatMap((j) => (j.verdict.ok ? [] : [{ source: j.source, sha256: j.sha256, reason: j.verdict.reason, message: j.verdict.message }]));
  const reasons: Partial<Record<RejectReason, number>> = {};
  for (const r of rejected) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
  const manifest: DatasetManifest = {
    format: 'midigpt-dataset',
    version: 1,
    created: new Date().toISOString(),
    // A config file is recorded by absolute path so the dataset can be read from anywhere.
    encoder: {
      name: BUILTIN_ENCODERS[encoder] ? encoder : path.resolve(encoder),
      vocabSize: tokenizer.vocabSize,
      windows: tokenizer.numBarsMap(),
      config: JSON.parse(Tokenizer.configText(encoder)),
    },
    filters,
    validationFraction,
    counts: {
      inputs: sources.length,
      kept: pieces.length,
      train: pieces.filter((p) => p.split === 'train').length,
      validation: pieces.filter((p) => p.split === 'validation').length,
      cached: judged.filter((j) => j.cached).length,
      rejected: reasons,
    },
    pieces,
    rejected,
  };
  writeAtomically(path.join(output, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
}

/** MIDI files as they are; parquet shards row by row, with the metadata filter of §1.3 phase 1. */
async function pieceSources(files: string[], filters: PieceFilters): Promise<PieceSource[]> {
  const sources: PieceSource[] = [];
  for (const file of files) {
    if (!isParquet(file)) {
      sources.push(fileSource(file));
      continue;
    }
    (await readParquetShard(file)).forEach((row, i) => {
      const passes = row.numTracks !== null && row.numTracks >= filters.minTracks && row.totalNotes !== null && row.totalNotes > 0;
      sources.push({
        source: `${file}#${i}`,
        read: () => row.music,
        metadataReject: passes ? null : `num_tracks ${row.numTracks ?? 'null'}, total_notes ${row.totalNotes ?? 'null'}`,
        nomml: row.nomml,
        genres: row.genres,
      });
    });
  }
  return sources;
}

async function judgeAll(files: PieceSource[], filters: PieceFilters, options: BuildOptions): Promise<Judged[]> {
  const cache = new VerdictCache(filters, options.cacheDir);
  const workers = options.workers ?? 2;
  let pool: ProbePool | undefined; // started on the first cache miss: a cached rebuild forks nothing
  const results: Judged[] = new Array(files.length);
  const inFlight: InFlight = new Map();
  let next = 0;
  let done = 0;
  let kept = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++;
      const source = files[index]!;
      results[index] = await judgeSource(source, filters, cache, inFlight, () => (pool ??= new ProbePool({ workers, ...(options.timeoutSeconds !== undefined && { timeoutSeconds: options.timeoutSeconds }) })));
      if (results[index]!.verdict.ok) kept++;
      options.onProgress?.({ done: ++done, total: files.length, kept, source: source.source });
    }
  };
  try {
    // Two pieces per worker in flight keeps every child busy without reading the whole input into memory.
    await Promise.all(Array.from({ length: Math.max(1, workers) * 2 }, lane));
  } finally {
    pool?.close();
  }
  return results;
}

/** Identical files judged at the same time share one parse. */
type InFlight = Map<string, Promise<Verdict>>;

async function judgeSource(src: PieceSource, filters: PieceFilters, cache: VerdictCache, inFlight: InFlight, pool: () => ProbePool): Promise<Judged> {
  const { source } = src;
  if (src.metadataReject) return { src, source, sha256: null, cached: false, verdict: { ok: false, reason: 'metadata', message: src.metadataReject } };
  let bytes: Uint8Array;
  try {
    bytes = src.read();
  } catch (error) {
    return { src, source, sha256: null, cached: false, verdict: { ok: false, reason: 'parse-error', message: `cannot read the piece: ${(error as Error).message}` } };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const hit = cache.get(sha256) ?? inFlight.get(sha256);
  if (hit) return { src, source, sha256, verdict: await hit, cached: true };
  const judging = pool().judge(bytes, filters);
  inFlight.set(sha256, judging);
  const verdict = await judging;
  inFlight.delete(sha256);
  cache.set(sha256, verdict);
  return { src, source, sha256, verdict, cached: false };
}

/** A second copy of a kept piece would sit in both splits or weigh double; only the first is kept. */
function markDuplicates(judged: Judged[]): void {
  const first = new Map<string, string>();
  for (const j of judged) {
    if (!j.verdict.ok || !j.sha256) continue;
    const original = first.get(j.sha256);
    if (original) j.verdict = { ok: false, reason: 'duplicate', message: `same content as ${original}` };
    else first.set(j.sha256, j.source);
  }
}

/** Held out when the hash, read as a fraction of 2^32, falls below the validation fraction. */
function splitOf(sha256: string, validationFraction: number): Split {
  return parseInt(sha256.slice(0, 8), 16) / 2 ** 32 < validationFraction ? 'validation' : 'train';
}

function writePieces(judged: Judged[], output: string, validationFraction: number): DatasetPiece[] {
  const target = path.join(output, PIECES_FILE);
  const temp = `${target}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  const pieces: DatasetPiece[] = [];
  let offset = 0;
  try {
    for (const j of judged) {
      if (!j.verdict.ok || !j.sha256) continue;
      const bytes = j.src.read();
      if (createHash('sha256').update(bytes).digest('hex') !== j.sha256) throw new DatasetInputError(`${j.source} changed while the dataset was being built`);
      writeSync(fd, bytes);
      const { bars, tracks, notes } = j.verdict;
      const extra = { ...(j.src.nomml && { nomml: j.src.nomml }), ...(j.src.genres?.length && { genres: j.src.genres }) };
      pieces.push({ source: j.source, sha256: j.sha256, offset, length: bytes.length, bars, tracks, notes, split: splitOf(j.sha256, validationFraction), ...extra });
      offset += bytes.length;
    }
    closeSync(fd);
    renameSync(temp, target);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(temp, { force: true });
    throw error;
  }
  return pieces;
}

function writeAtomically(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/** Reads a dataset folder's manifest. */
export function readManifest(dir: string): DatasetManifest {
  const file = path.join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw new DatasetInputError(`${dir} is not a dataset folder (no ${MANIFEST_FILE}); build one with \`midigpt dataset build\``);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as DatasetManifest;
  if (manifest.format !== 'midigpt-dataset' || manifest.version !== 1) throw new DatasetInputError(`${file} is not a version-1 midigpt dataset manifest`);
  return manifest;
}

/** The MIDI bytes of one piece of a dataset. */
export function readPiece(dir: string, piece: DatasetPiece): Uint8Array {
  const fd = openSync(path.join(dir, PIECES_FILE), 'r');
  try {
    const bytes = Buffer.alloc(piece.length);
    let read = 0;
    while (read < piece.length) {
      const n = readSync(fd, bytes, read, piece.length - read, piece.offset + read);
      if (n === 0) throw new DatasetInputError(`${dir}/${PIECES_FILE} is shorter than its manifest says`);
      read += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}
