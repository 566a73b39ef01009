// gzip → text in the browser and Node alike: Node's zlib in Node (reached through a non-literal import so the
// browser bundle never includes it), DecompressionStream in pages and workers.

const GZIP_MAGIC = [0x1f, 0x8b];

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * The UTF-8 text of gzip bytes. Bytes without the gzip header are decoded as they are: a server that sends a
 * .gz file with `Content-Encoding: gzip` has already made `fetch` decompress it.
 */
export async function gunzipText(bytes: Uint8Array): Promise<string> {
  if (!isGzip(bytes)) return new TextDecoder().decode(bytes);
  const plain = isNode() ? await gunzipWithZlib(bytes) : await gunzipWithStream(bytes);
  return new TextDecoder().decode(plain);
}

export async function gunzipWithStream(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function gunzipWithZlib(bytes: Uint8Array): Promise<Uint8Array> {
  const zlibModule = 'node:zlib';
  const { gunzipSync } = (await import(/* @vite-ignore */ zlibModule)) as typeof import('node:zlib');
  return gunzipSync(bytes);
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}
