// What the page may use from the remote backends: nothing here touches Node. In the page the API key is whatever the
// user typed, held in memory only; answers are cached in memory (or in any AnswerCache the page provides).
export { OpenAICompletionsBackend, type OpenAIBackendOptions } from './openai.ts';
export { OpenAIEmbedder, type OpenAIEmbedderOptions } from './openai-embedder.ts';
export { MemoryAnswerCache, answerKeyText, type AnswerCache, type AnswerKey } from './answer-cache.ts';
export { explainFetchFailure } from './cors.ts';
export { servedModels } from './served-models.ts';
export { RemoteError } from './http.ts';
export { pairsJsonl, problemsJsonl, dpoConfig, openRlhfScript, TRL_SCRIPT, HANDOFF_FILES } from './trl-export.ts';
