// A lexical embedder with no model: words (lower-cased, crudely stemmed, stop words dropped) and word pairs hashed
// into `dim` signed buckets (the hashing trick, Weinberger et al. 2009), L2-normalized. Deterministic; good enough
// to tag problems that share vocabulary with a knowledge point's description, and a stand-in until the sentence
// embedder is loaded.
import type { Embedder } from './embedder.ts';

const STOP_WORDS = new Set(
  'a an and are as at be by can do does each for from has have her his how if in into is it its many much of on or she so such than that the their them then there these they this to was we what when which who will with you your'.split(' '),
);

export class HashedBagOfWords implements Embedder {
  constructor(readonly dim = 512) {
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`HashedBagOfWords: dim must be a positive integer, got ${dim}`);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): Float32Array {
    const v = new Float32Array(this.dim);
    const words = wordsOf(text);
    words.forEach((w, i) => {
      this.add(v, w, 1);
      if (i > 0) this.add(v, `${words[i - 1]} ${w}`, 0.5);
    });
    let norm = 0;
    for (const x of v) norm += x * x;
    if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= Math.sqrt(norm);
    return v;
  }

  private add(v: Float32Array, token: string, weight: number): void {
    const h = fnv1a(token);
    v[h % this.dim] += h & 0x80000000 ? -weight : weight;
  }
}

/** Lower-cased words; LaTeX commands become words (\frac → frac), digits are dropped, plurals trimmed. */
export function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[a-z]+/g) ?? []).filter((w) => w.length > 1 && !STOP_WORDS.has(w)).map(stem);
}

function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
