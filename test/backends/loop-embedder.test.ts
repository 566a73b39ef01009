// The loop's knowledge embeddings from an OpenAI-compatible /v1/embeddings server (embedding.embedder "openai"):
// the config names the server, the key comes from the environment variable the config names, and the vectors are
// the server's, batched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/loop/config.ts';
import { nodeEnvironment } from '../../src/loop/node-environment.ts';
import { FolderStore } from '../../src/store/folder-store.ts';
import { hashedVector, OpenAIStandIn } from '../helpers/openai-stand-in.ts';

describe('embedding.embedder "openai"', () => {
  let server: OpenAIStandIn;
  beforeAll(async () => {
    server = await new OpenAIStandIn({ problems: [], models: ['embed-small'], embeddingDim: 24 }).start();
  });
  afterAll(() => server.stop());

  it('embeds the knowledge texts on the server the config names', async () => {
    const config = parseConfig({ embedding: { embedder: 'openai', endpoint: server.endpoint, model: 'embed-small' } });
    const env = nodeEnvironment({ store: new FolderStore('/tmp/unused-loop-store') });
    const embedder = await env.embedder(config);
    expect(embedder.dim).toBe(24);
    const texts = ['arith.add-sub', 'fractions.basic', 'ratio.basic'];
    const vectors = await embedder.embed(texts);
    texts.forEach((t, i) => expect([...vectors[i]]).toEqual([...hashedVector(t, 24)].map(Math.fround)));
    expect(server.requests.some((r) => r.path === '/v1/embeddings')).toBe(true);
  });

  it('needs the endpoint and the model, and a key variable that is set', async () => {
    expect(() => parseConfig({ embedding: { embedder: 'openai', model: 'm' } })).toThrow(ConfigError);
    expect(() => parseConfig({ embedding: { embedder: 'openai', endpoint: server.endpoint } })).toThrow(/embedding.endpoint and embedding.model are required/);
    const config = parseConfig({ embedding: { embedder: 'openai', endpoint: server.endpoint, model: 'm', apiKeyEnv: 'SAI_DPO_TEST_UNSET_KEY' } });
    await expect(nodeEnvironment({ store: new FolderStore('/tmp/unused-loop-store') }).embedder(config)).rejects.toThrow(/SAI_DPO_TEST_UNSET_KEY is not set/);
  });
});
