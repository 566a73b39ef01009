// Endpoint URLs: users paste the server's base ("http://host:8000"), its API root ("http://host:8000/v1") or the
// full route; all three resolve to the same route.

/** The URL of `route` ("completions", "embeddings") under an OpenAI-compatible server given as `endpoint`. */
export function routeUrl(endpoint: string, route: 'completions' | 'embeddings'): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`endpoint "${endpoint}" is not a URL (expected e.g. http://127.0.0.1:8000/v1)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`endpoint "${endpoint}" must start with http:// or https://`);
  const base = endpoint.replace(/\/+$/, '');
  if (base.endsWith(`/${route}`)) return base;
  if (/\/v\d+$/.test(base)) return `${base}/${route}`;
  return `${base}/v1/${route}`;
}
