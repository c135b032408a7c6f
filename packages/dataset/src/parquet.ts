// The reference's parquet shards (training.md §1.1): one row per piece, the
// MIDI bytes in `music`, `num_tracks` and `total_notes` for the metadata
// filter, optional per-track `NOMML` and the `music_style_scraped` genres.
import { readFileSync } from 'node:fs';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { DatasetInputError } from './inputs.js';

export interface ParquetRow {
  music: Uint8Array;
  numTracks: number | null;
  totalNotes: number | null;
  nomml: number[] | null;
  genres: string[];
}

const REQUIRED = ['music', 'num_tracks', 'total_notes'];
const OPTIONAL = ['NOMML', 'music_style_scraped'];

function toNumber(value: unknown): number | null {
  return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : null;
}

/** "alternative-indie%2cpop" → ["alternative-indie", "pop"] (§2.5). */
function genresOf(raw: unknown): string[] {
  if (typeof raw !== 'string' || !raw) return [];
  let text = raw;
  try {
    text = decodeURIComponent(raw);
  } catch {
    // not URL-encoded after all: split it as it is
  }
  return text.split(',').map((g) => g.trim()).filter(Boolean);
}

/** Every row of a shard; a missing required column is an error, as in the reference. */
export async function readParquetShard(file: string): Promise<ParquetRow[]> {
  const bytes = readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let names: string[];
  try {
    names = parquetSchema(parquetMetadata(buffer)).children.map((c) => c.element.name);
  } catch (error) {
    throw new DatasetInputError(`${file}: not a readable parquet file (${(error as Error).message})`);
  }
  const missing = REQUIRED.filter((c) => !names.includes(c));
  if (missing.length) throw new DatasetInputError(`${file}: the shard has no ${missing.join(', ')} column; MIDI-GPT shards need ${REQUIRED.join(', ')}`);
  const columns = [...REQUIRED, ...OPTIONAL.filter((c) => names.includes(c))];
  // utf8: false keeps `music` as bytes; columns annotated as strings still come back as strings.
  const rows = (await parquetReadObjects({ file: buffer, columns, utf8: false })) as Array<Record<string, unknown>>;
  return rows.map((row, i) => {
    const music = row.music;
    if (!(music instanceof Uint8Array)) throw new DatasetInputError(`${file}: row ${i} has no MIDI bytes in its music column`);
    const nomml = Array.isArray(row.NOMML) ? row.NOMML.map((v) => toNumber(v) ?? -1) : null;
    return { music, numTracks: toNumber(row.num_tracks), totalNotes: toNumber(row.total_notes), nomml, genres: genresOf(row.music_style_scraped) };
  });
}
