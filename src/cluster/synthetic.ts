// Seeded synthetic embeddings for tests and benchmarks: `k` well-separated directions on the unit sphere, each row a
// centre plus Gaussian noise, L2-normalized like a sentence embedder's output.
import { Rng } from '../util/random.ts';

export interface Mixture {
  /** [n, dim] row-major */
  data: Float32Array;
  /** the centre each row was drawn around: [n] */
  labels: Int32Array;
}

/** n rows of dim values around k random unit centres; `noise` is the per-coordinate σ relative to 1/√dim. */
export function gaussianMixture(n: number, dim: number, k: number, seed: number, noise = 1): Mixture {
  const rng = new Rng(seed);
  const centres = new Float64Array(k * dim);
  for (let j = 0; j < k; j++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const v = rng.normal();
      centres[j * dim + d] = v;
      norm += v * v;
    }
    for (let d = 0; d < dim; d++) centres[j * dim + d] /= Math.sqrt(norm);
  }
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  const sigma = noise / Math.sqrt(dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const j = rng.int(0, k - 1);
    labels[i] = j;
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      row[d] = centres[j * dim + d] + sigma * rng.normal();
      norm += row[d] * row[d];
    }
    for (let d = 0; d < dim; d++) data[i * dim + d] = row[d] / Math.sqrt(norm);
  }
  return { data, labels };
}
