// The clustering bench's Chromium path on a small workload: the bundled workload loads in an about:blank page
// and runs the same code as Node, with the same results for the same seed, and Chrome reports its CPU time.
import { describe, expect, it } from 'vitest';
import { timeInChromium, timeInNode } from '../../bench/cluster.ts';

describe('bench/cluster.ts', () => {
  it('runs the workload in a Chromium page and in Node with the same results', async () => {
    const workload = { n: 3000, dim: 32, k: 8, seed: 2, noise: 0.3, chooseKMax: 10 };
    const page = await timeInChromium(workload);
    const node = timeInNode(workload);
    expect(page.runtime).toMatch(/^Chromium \d+/);
    for (const t of [page, node]) {
      expect(t.kmeans.result.ms).toBeGreaterThan(0);
      expect(t.kmeans.cpuMs).toBeGreaterThan(0);
      expect(t.pca.cpuMs).toBeGreaterThan(0);
    }
    expect(page.kmeans.result.iterations).toBe(node.kmeans.result.iterations);
    expect(page.kmeans.result.ari).toBe(node.kmeans.result.ari);
    expect(page.chooseK.result.chosenK).toBe(node.chooseK.result.chosenK);
    expect(node.kmeans.result.ari).toBe(1);
    expect(node.chooseK.result.chosenK).toBe(8);
  }, 180_000);
});
