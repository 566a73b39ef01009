// The clustering bench's Chromium path on a small workload: the bundled workload loads in an about:blank page
// and times the same code as Node, with the same result for the same seed.
import { describe, expect, it } from 'vitest';
import { timeInChromium } from '../../bench/cluster.ts';
import { timeClustering } from '../../src/cluster/workload.ts';

describe('bench/cluster.ts in Chromium', () => {
  it('runs the workload in the page and agrees with Node', async () => {
    const workload = { n: 3000, dim: 32, k: 8, seed: 2, noise: 0.3, pca: true, chooseKMax: 10 };
    const page = await timeInChromium(workload);
    const node = timeClustering(workload);
    expect(page.browser).toMatch(/^Chromium \d+/);
    expect(page.kmeansMs).toBeGreaterThan(0);
    expect(page.pcaMs).toBeGreaterThan(0);
    expect({ iterations: page.iterations, ari: page.ari, chosenK: page.chosenK }).toEqual({ iterations: node.iterations, ari: node.ari, chosenK: node.chosenK });
    expect(node.ari).toBe(1);
    expect(node.chosenK).toBe(8);
  }, 180_000);
});
