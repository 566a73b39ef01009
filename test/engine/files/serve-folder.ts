// A local HTTP server (127.0.0.1, random port) serving folders the way a static host or the
// Hugging Face hub does, and logging every request so tests can count downloads.
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface ServedFolder {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** "METHOD path" of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `routes`: URL prefix → local folder. With `hubStyle`, a GET under /{owner}/{name}/resolve/{rev}/
 * answers with a 302 to /cdn/... first, as huggingface.co does for large files.
 */
export interface ServeOptions {
  hubStyle?: boolean;
  /** Paths that answer 500 (a broken server). */
  failing?: string[];
}

export async function serveFolders(routes: Record<string, string>, options: ServeOptions = {}): Promise<ServedFolder> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (options.failing?.includes(req.url ?? '')) {
      res.writeHead(500, 'Internal Server Error');
      res.end();
      return;
    }
    handle(req, res, routes, options.hubStyle ?? false).catch((err) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, routes: Record<string, string>, hubStyle: boolean): Promise<void> {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  if (hubStyle && req.method === 'GET' && path.includes('/resolve/') && !path.startsWith('/cdn/')) {
    res.writeHead(302, { location: `/cdn${req.url}`, 'access-control-allow-origin': '*' });
    res.end();
    return;
  }
  const routed = path.startsWith('/cdn/') ? path.slice(4) : path;
  const prefix = Object.keys(routes).find((p) => routed.startsWith(p));
  const relative = prefix === undefined ? null : normalize(routed.slice(prefix.length));
  if (prefix === undefined || relative === null || relative.startsWith('..')) return notFound(res);
  const file = join(routes[prefix], relative);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return notFound(res);
  // CORS: pages on another origin (the browser cache test) fetch from here, as from the hub.
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': info.size, 'access-control-allow-origin': '*' });
  if (req.method === 'HEAD') return void res.end();
  res.end(await readFile(file));
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
  res.end('not found');
}
