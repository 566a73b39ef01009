import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIEmbedder } from '../../src/backends/openai-embedder.ts';
import { embedInBatches } from '../../src/data/tagging/embedder.ts';
import { hashedVector, OpenAIStandIn } from '../helpers/openai-stand-in.ts';

// a generous timeout: a request that the client abandons on a loaded machine would be answered twice and miscounted
const FAST_RETRY = { retries: 3, initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 10_000 };

describe('OpenAI embeddings embedder against the stand-in server', () => {
  let server: OpenAIStandIn;
  afterEach(async () => server?.stop());

  it('learns dim from the server, batches, keeps input order although the server answers out of order', async () => {
    server = await new OpenAIStandIn({ problems: [], embeddingDim: 24, models: ['embed-small'] }).start();
    const embedder = await OpenAIEmbedder.connect({ endpoint: server.endpoint, model: 'embed-small', batchSize: 7, concurrency: 2, retry: FAST_RETRY });
    expect(embedder.dim).toBe(24);
    const texts = Array.from({ length: 30 }, (_, i) => `fractions addition problem number ${i} with ${i % 3} carries`);
    const vectors = await embedInBatches(embedder, texts, 1000);
    expect(vectors).toHaveLength(30);
    vectors.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(hashedVector(texts[i], 24))));
    const embeddingRequests = server.requests.filter((r) => r.path === '/v1/embeddings');
    // one probe for dim, then ceil(30 / 7) = 5 batches
    expect(embeddingRequests).toHaveLength(6);
    expect(embeddingRequests.slice(1).map((r) => (r.body!.input as string[]).length)).toEqual([7, 7, 7, 7, 2]);
  });

  it('retries failures and malformed answers, and rejects vectors of the wrong length', async () => {
    server = await new OpenAIStandIn({ problems: [], embeddingDim: 8 }).start();
    const embedder = await OpenAIEmbedder.connect({ endpoint: server.endpoint, model: 'stand-in', dim: 8, batchSize: 4, concurrency: 1, retry: { ...FAST_RETRY, timeoutMs: 300 } });
    server.failNext(1, 'http500');
    server.failNext(1, 'malformed');
    server.failNext(1, 'hang');
    const vectors = await embedder.embed(['a b', 'c d', 'e f', 'g h', 'i j']);
    expect(vectors.map((v) => v.length)).toEqual([8, 8, 8, 8, 8]);
    const wrongDim = await OpenAIEmbedder.connect({ endpoint: server.endpoint, model: 'stand-in', dim: 16, retry: { ...FAST_RETRY, retries: 1 } });
    await expect(wrongDim.embed(['x'])).rejects.toThrow(/data\[0\]\.embedding has 8 numbers, expected 16/);
  });
});
