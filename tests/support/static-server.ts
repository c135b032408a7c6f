// A static file server for the in-browser tests: a folder, plus files given
// as bytes (which a test may replace: `files` is read on every request, and
// each answer carries an ETag of its bytes); optionally cross-origin isolated
// (COOP/COEP), which lets onnxruntime-web use threads. Records every request:
// the path for a GET, "METHOD path" otherwise.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.mid': 'audio/midi',
};

export interface StaticServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function serveFolder(root: string, options: { isolated?: boolean; files?: Record<string, Uint8Array> } = {}): Promise<StaticServer> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    requests.push(request.method === 'GET' ? pathname : `${request.method} ${pathname}`);
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (options.isolated) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    const type = TYPES[path.extname(pathname === '/' ? '/index.html' : pathname)] ?? 'application/octet-stream';
    const given = options.files?.[pathname];
    if (given) {
      const etag = `"${createHash('sha1').update(given).digest('hex')}"`;
      response.writeHead(200, { ...headers, 'content-type': type, 'content-length': String(given.length), etag });
      response.end(given);
      return;
    }
    const file = path.join(root, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, headers);
      response.end();
      return;
    }
    const stat = statSync(file);
    response.writeHead(200, { ...headers, 'content-type': type, 'content-length': String(stat.size), 'last-modified': stat.mtime.toUTCString() });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
