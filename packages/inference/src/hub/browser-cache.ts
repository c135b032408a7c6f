// Model files in a browser: fetched from a URL once (with progress), then kept
// in IndexedDB with what the server said of the file (ETag, Last-Modified,
// length), so later page loads start without the download unless the file
// changed (a HEAD request says), and work offline.

const DB_NAME = 'midigpt-models';
const STORE = 'files';

export interface FetchProgress {
  loaded: number;
  /** From Content-Length; 0 when the server does not say. */
  total: number;
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
  });
}

function transact<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return openDb().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const request = work(db.transaction(STORE, mode).objectStore(STORE));
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
      }).finally(() => db.close()),
  );
}

/** What identifies one version of a file on its server. */
export type FileVersion = string;

interface KeptFile {
  bytes: ArrayBuffer;
  version: FileVersion;
}

/** The version a response describes: its ETag, else Last-Modified and length. */
export function versionOf(response: Response): FileVersion {
  const h = response.headers;
  return h.get('etag') ?? `${h.get('last-modified') ?? ''}|${h.get('content-length') ?? ''}`;
}

/** The kept bytes of `key`, if any (a missing or blocked IndexedDB counts as no cache). */
export async function cachedFile(key: string): Promise<{ bytes: Uint8Array; version: FileVersion } | undefined> {
  if (typeof indexedDB === 'undefined') return undefined;
  try {
    const value = (await transact<unknown>('readonly', (store) => store.get(key))) as KeptFile | undefined;
    return value?.bytes instanceof ArrayBuffer ? { bytes: new Uint8Array(value.bytes), version: value.version } : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps `bytes` under `key`; failing to (quota, private mode) only costs the next download. */
export async function keepFile(key: string, bytes: Uint8Array, version: FileVersion): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  const kept: KeptFile = { bytes: bytes.slice().buffer, version };
  await transact('readwrite', (store) => store.put(kept, key)).catch(() => undefined);
}

/** The kept copy of `url` while the server still has that version (or cannot be asked: offline); else a download, kept. */
export async function fetchKept(url: string, onProgress?: (progress: FetchProgress) => void, signal?: AbortSignal): Promise<Uint8Array> {
  const kept = await cachedFile(url);
  if (kept) {
    const head = await fetch(url, { method: 'HEAD', ...(signal ? { signal } : {}) }).catch(() => null);
    if (!head?.ok || versionOf(head) === kept.version) return kept.bytes;
  }
  const { bytes, version } = await fetchWithProgress(url, onProgress, signal);
  await keepFile(url, bytes, version);
  return bytes;
}

/** Forgets every cached model file. */
export async function clearModelCache(): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  await transact('readwrite', (store) => store.clear());
}

/** Downloads `url` with progress. */
export async function fetchWithProgress(
  url: string,
  onProgress?: (progress: FetchProgress) => void,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; version: FileVersion }> {
  const response = await fetch(url, signal ? { signal } : {});
  if (!response.ok || !response.body) throw new Error(`could not fetch ${url} (HTTP ${response.status})`);
  const total = Number(response.headers.get('content-length') ?? 0);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.({ loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { bytes, version: versionOf(response) };
}
