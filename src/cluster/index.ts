// Knowledge clustering: pure logic (no GPU, no DOM), the same in Node and in the browser. See README.md.
export { adjustedRandIndex } from './ari.ts';
export { assignNearest, type Assignment } from './assign.ts';
export { chooseK, sampleRows, type ChooseKOptions, type ChooseKResult } from './choose-k.ts';
export {
  clusterEmbeddings,
  clusterPool,
  embedProblems,
  type ClusteredPool,
  type ClusterOptions,
  type ClusterPhase,
  type ClusterProgress,
  type ClusterProgressCallback,
  type ClusterResult,
  type EmbedOptions,
} from './cluster-pool.ts';
export { dotKernel, dotProducts, rowSquaredNorms, squaredDistances, type DotKernel, type KernelChoice } from './distances.ts';
export { WasmDots } from './wasm-dots.ts';
export { countDistinctRows } from './distinct.ts';
export { inertia } from './inertia.ts';
export { defaultSeedTrials, kmeans, lloyd, meanColumnVariance, type KMeansOptions, type KMeansResult } from './kmeans.ts';
export { knowledgeText, TAG_SEPARATOR } from './knowledge-text.ts';
export { checkMatrix, gatherRows, packRows } from './matrix.ts';
export { pca2, pca2Full, type Pca2Result, type PcaOptions } from './pca.ts';
export { kmeansPlusPlus, type SeedingOptions } from './seeding.ts';
export { pairwiseDistances, silhouetteScore } from './silhouette.ts';
export { gaussianMixture, type Mixture } from './synthetic.ts';
