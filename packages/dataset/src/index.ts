// @midigpt/dataset: training data for MIDI-GPT models, built from MIDI files.
export { buildDataset, readManifest, readPiece, MANIFEST_FILE, PIECES_FILE } from './build.js';
export type { BuildOptions, BuildProgress, DatasetManifest, DatasetPiece, RejectedPiece, Split } from './build.js';
export { defaultFilters, judgePiece } from './filters.js';
export type { PieceFilters, RejectReason, Verdict } from './filters.js';
export { collectMidiFiles, DatasetInputError } from './inputs.js';
export { ProbePool } from './probe-pool.js';
export type { ProbePoolOptions } from './probe-pool.js';
export { datasetCacheDir, VerdictCache } from './verdict-cache.js';
export { frameSample, readFramedSamples, sampleSeed, sampleStream } from './samples.js';
export type { SampleStreamOptions, StreamedSample } from './samples.js';
