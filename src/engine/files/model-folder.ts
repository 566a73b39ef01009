// Opening a model folder: its config, generation defaults and tokenizer (weights stream separately
// through readCheckpoint, so opening a folder downloads only the small JSON files).
import { parseConfig, parseGenerationConfig, type GenerationConfig, type ModelConfig } from './config.ts';
import { ModelFileError } from './errors.ts';
import { readOptionalText, type ModelSource } from './source.ts';
import { loadTokenizer, type Tokenizer } from './tokenizer.ts';

export interface ModelFolder {
  config: ModelConfig;
  tokenizer: Tokenizer;
  /** generation_config.json, or { raw: {} } when the folder has none. */
  generation: GenerationConfig;
  /** Ids that end a generation: generation_config's eos, else the config's and tokenizer's. */
  stopTokenIds: number[];
  source: ModelSource;
}

export async function openModelFolder(source: ModelSource): Promise<ModelFolder> {
  if (!(await source.has('config.json'))) throw new ModelFileError(`${source.name}/config.json`, 'not found (not a model folder?)');
  const config = parseConfig(await source.readText('config.json'));
  const generationText = await readOptionalText(source, 'generation_config.json');
  const generation = generationText === null ? { raw: {} } : parseGenerationConfig(generationText);
  const tokenizer = await loadTokenizer(source, config);
  // transformers' generate() stops on generation_config's eos_token_id when set (it may list several).
  const stopTokenIds = generation.eosTokenIds?.length ? generation.eosTokenIds : tokenizer.eosTokenIds;
  return { config, tokenizer, generation, stopTokenIds, source };
}
