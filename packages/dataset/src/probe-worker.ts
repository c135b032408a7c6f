// A child process that judges pieces for the probe pool. It runs apart from
// the build so that a piece which hangs or crashes the parser costs only
// this process, never the build.
import { judgePiece, type PieceFilters } from './filters.js';

interface Job {
  id: number;
  bytes: Uint8Array;
  filters: PieceFilters;
}

process.on('message', (job: Job) => {
  process.send?.({ id: job.id, verdict: judgePiece(job.bytes, job.filters) });
});
