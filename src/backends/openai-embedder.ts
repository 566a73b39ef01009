// An embedder backed by an OpenAI-compatible /v1/embeddings endpoint (vLLM --task embed, TEI, llama.cpp
// --embeddings, OpenAI): texts go in batches, several batches in flight, each with the same timeout and retries
// as the completions backend. For pools too large to embed in a tab. Runs in Node and the browser.
import type { Embedder } from '../data/tagging/embedder.ts';
import { forEachBounded } from './concurrency.ts';
import { routeUrl } from './endpoint.ts';
import { DEFAULT_RETRY_POLICY, postJson, type FetchLike, type RetryPolicy } from './http.ts';

export interface OpenAIEmbedderOptions {
  endpoint: string;
  model: string;
  apiKey?: string;
  /** texts per request; default 128 */
  batchSize?: number;
  /** requests in flight; default 4 */
  concurrency?: number;
  /** the vector length; when omitted, connect() asks the server once */
  dim?: number;
  /** ask the server for shorter vectors (OpenAI's `dimensions`; not every server takes it) */
  requestDimensions?: boolean;
  retry?: Partial<RetryPolicy>;
  fetchImpl?: FetchLike;
  onRetry?: (attempt: number, reason: string) => void;
}

interface EmbeddingItem {
  index: number;
  embedding: number[];
}

export class OpenAIEmbedder implements Embedder {
  private readonly url: string;
  private readonly policy: RetryPolicy;
  requestsSent = 0;

  private constructor(
    private readonly options: OpenAIEmbedderOptions,
    readonly dim: number,
  ) {
    this.url = routeUrl(options.endpoint, 'embeddings');
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  /** An embedder whose `dim` is known: the one given, or the length of the server's vector for a probe text. */
  static async connect(options: OpenAIEmbedderOptions): Promise<OpenAIEmbedder> {
    if (!options.model) throw new Error('model: the embedding model name is required');
    if (options.dim !== undefined && (!Number.isInteger(options.dim) || options.dim < 1)) throw new Error(`dim must be a positive integer, got ${options.dim}`);
    if (options.dim !== undefined) return new OpenAIEmbedder(options, options.dim);
    const probe = new OpenAIEmbedder(options, 0);
    const [vector] = await probe.request(['dimension probe'], null);
    return new OpenAIEmbedder(options, vector.length);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const batchSize = this.options.batchSize ?? 128;
    const out = new Array<Float32Array>(texts.length);
    const starts = Array.from({ length: Math.ceil(texts.length / batchSize) }, (_, i) => i * batchSize);
    await forEachBounded(starts, this.options.concurrency ?? 4, async (start) => {
      const batch = texts.slice(start, start + batchSize);
      const vectors = await this.request(batch, this.dim);
      vectors.forEach((v, i) => (out[start + i] = v));
    });
    return out;
  }

  private async request(input: string[], dim: number | null): Promise<Float32Array[]> {
    const body: Record<string, unknown> = { model: this.options.model, input, encoding_format: 'float' };
    if (this.options.requestDimensions && dim) body.dimensions = dim;
    this.requestsSent++;
    const answer = (await postJson(this.url, body, {
      headers: this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {},
      policy: this.policy,
      fetchImpl: this.options.fetchImpl,
      secrets: this.options.apiKey ? [this.options.apiKey] : [],
      onRetry: this.options.onRetry,
      validate: (b) => validateEmbeddings(b, input.length, dim),
    })) as { data: EmbeddingItem[] };
    // servers may answer out of order: `index` says which input each vector belongs to
    const vectors = new Array<Float32Array>(input.length);
    for (const item of answer.data) vectors[item.index] = Float32Array.from(item.embedding);
    return vectors;
  }
}

/** Why an /v1/embeddings answer is unusable for `count` inputs of `dim` (null: any length, all equal), or null. */
export function validateEmbeddings(body: unknown, count: number, dim: number | null): string | null {
  const data = (body as { data?: unknown })?.data;
  if (!Array.isArray(data)) return 'no "data" list';
  if (data.length !== count) return `${data.length} vectors for ${count} texts`;
  const seen = new Set<number>();
  let length = dim;
  for (let i = 0; i < data.length; i++) {
    const item = data[i] as Partial<EmbeddingItem> | null;
    const index = item?.index ?? i;
    if (!Number.isInteger(index) || index < 0 || index >= count || seen.has(index)) return `data[${i}].index is ${String(item?.index)}`;
    seen.add(index);
    if (!Array.isArray(item?.embedding)) return `data[${i}].embedding is not a list of numbers (ask for encoding_format "float")`;
    length ??= item.embedding.length;
    if (item.embedding.length !== length) return `data[${i}].embedding has ${item.embedding.length} numbers, expected ${length}`;
    if (!item.embedding.every((x) => typeof x === 'number' && Number.isFinite(x))) return `data[${i}].embedding holds a value that is not a finite number`;
  }
  return null;
}
