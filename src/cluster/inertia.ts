// Inertia: the k-means objective, Σ_i ||x_i − c_{a(i)}||², computed by differences (exact, not the expanded form).
import { squaredDistanceBetween } from './distances.ts';

export function inertia(data: Float32Array, n: number, dim: number, centroids: Float32Array, assignments: Int32Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += squaredDistanceBetween(data, i, centroids, assignments[i], dim);
  return total;
}
