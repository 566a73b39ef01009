// A tiny static file server for the built app, on 127.0.0.1 and a free port, that counts downloads
// (GET requests) per path, so a test can tell whether the page downloaded a file again. Sends `Cache-Control: no-store`
// so that only the page's own caching (the Cache API) can avoid a second download.
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

export interface StaticServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** GET requests seen per URL path (without the query string), any status */
  downloads: Map<string, number>;
  /** every request as "METHOD /path", in order */
  requests: string[];
  close(): Promise<void>;
}

export async function serveStatic(rootDir: string): Promise<StaticServer> {
  const root = resolve(rootDir);
  const downloads = new Map<string, number>();
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://local').pathname);
    requests.push(`${request.method} ${path}`);
    if (request.method === 'GET') downloads.set(path, (downloads.get(path) ?? 0) + 1);
    void respond(root, path, request.method === 'HEAD', response);
  });
  await listen(server);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('static server: no TCP address');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    downloads,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

async function respond(root: string, path: string, headOnly: boolean, response: import('node:http').ServerResponse): Promise<void> {
  const file = resolveInside(root, path.endsWith('/') ? `${path}index.html` : path);
  const info = file ? await stat(file).catch(() => null) : null;
  if (!file || !info?.isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' }).end(`not found: ${path}`);
    return;
  }
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': 'no-store',
  });
  response.end(headOnly ? undefined : await readFile(file));
}

/** The file for a URL path, or null when the path would leave the root. */
function resolveInside(root: string, path: string): string | null {
  const file = resolve(join(root, normalize(path)));
  return file === root || file.startsWith(root + sep) ? file : null;
}

function listen(server: Server): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
}
