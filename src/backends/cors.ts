// What a failed fetch from the page means. A browser reports a server that is down and a server that refuses the
// page's origin (CORS) the same way, as a bare TypeError ("Failed to fetch", "NetworkError ...", "Load failed"),
// with no status and no headers to look at; so the message names both causes and how to fix the second one on
// the servers users run.

/** A message for the user when a request from the page to `endpoint` failed; `pageOrigin` e.g. "http://localhost:4173". */
export function explainFetchFailure(error: unknown, endpoint: string, pageOrigin: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!isNetworkLevelFailure(error)) return `The request to ${endpoint} failed: ${message}`;
  const lines = [`The browser could not read an answer from ${endpoint} (${message}). Either the server is not reachable from this machine, or it refused this page's origin ${pageOrigin} (CORS).`];
  if (isMixedContent(endpoint, pageOrigin)) {
    lines.push(`This page is served over https and the endpoint is http: browsers block that (mixed content). Serve the endpoint over https, or open the lab over http (e.g. npm start on localhost).`);
  }
  lines.push(
    `To tell which: open ${modelsUrl(endpoint)} in a new tab. If it loads, the server is up and must allow the origin ${pageOrigin}:`,
    `  vLLM:    vllm serve MODEL --allowed-origins '["${pageOrigin}"]'   (its default, ["*"], already allows every origin)`,
    `  SGLang, llama.cpp's llama-server: their HTTP servers send CORS headers for any origin by default; if yours does not, put a proxy in front`,
    `  TGI:     text-generation-launcher --cors-allow-origin ${pageOrigin}`,
    `  Ollama:  OLLAMA_ORIGINS=${pageOrigin} ollama serve`,
    `  a reverse proxy (nginx, caddy): add "Access-Control-Allow-Origin: ${pageOrigin}" and "Access-Control-Allow-Headers: authorization, content-type", and answer OPTIONS requests with 204`,
    `An API key makes the browser send a preflight OPTIONS request first; the server must answer it as well. The command line (sai-dpo run --backend openai) is not subject to CORS.`,
  );
  return lines.join('\n');
}

/** fetch's own rejections for network-level failures (including CORS refusals) are TypeErrors in every browser and in Node. */
function isNetworkLevelFailure(error: unknown): boolean {
  if (!(error instanceof TypeError)) return /failed to fetch|networkerror|load failed|fetch failed/i.test(error instanceof Error ? error.message : String(error));
  return true;
}

function isMixedContent(endpoint: string, pageOrigin: string): boolean {
  return pageOrigin.startsWith('https:') && endpoint.startsWith('http:');
}

function modelsUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '').replace(/\/(completions|embeddings)$/, '');
  return /\/v\d+$/.test(base) ? `${base}/models` : `${base}/v1/models`;
}
