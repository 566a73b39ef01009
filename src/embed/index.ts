// Embedders for knowledge clustering. See README.md.
export { BUILTIN_EMBEDDER_NAME, builtinEmbedder, embedText, textShape, type BuiltinEmbedderOptions, type NamedEmbedder } from './builtin.ts';
export { EmbedService, type EmbedderInfo, type EmbedProgress } from './service.ts';
export { createEmbedder, type EmbedderSpec, type LoadedEmbedder } from './spec.ts';
export {
  devicesFor,
  transformersEmbedder,
  type EmbedDevice,
  type EmbedLoadProgress,
  type TransformersEmbedder,
  type TransformersEmbedderOptions,
} from './transformers.ts';
export { workerEmbedder, type EmbedWorkerApi } from './worker-api.ts';
