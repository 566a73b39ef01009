// The text-embedding interface the taggers use. The lab's sentence embedder (transformers.js in the embed worker)
// and the lexical HashedBagOfWords both implement it.

export interface Embedder {
  /** length of every vector embed() returns */
  dim: number;
  /** one vector per text, in order; vectors need not be normalized (the taggers use cosine similarity) */
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** Cosine similarity; 0 when either vector is all zeros. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`cosine: vectors have different lengths (${a.length} and ${b.length})`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** Embeds `texts` in batches of `batchSize`, checking that the embedder returns one vector of `dim` per text. */
export async function embedInBatches(embedder: Embedder, texts: string[], batchSize: number): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = texts.slice(start, start + batchSize);
    const vectors = await embedder.embed(batch);
    if (vectors.length !== batch.length) throw new Error(`embedder returned ${vectors.length} vectors for ${batch.length} texts`);
    for (const v of vectors) {
      if (v.length !== embedder.dim) throw new Error(`embedder returned a vector of length ${v.length}, expected dim ${embedder.dim}`);
      out.push(v);
    }
  }
  return out;
}
