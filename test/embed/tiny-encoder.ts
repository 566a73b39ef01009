// Writes a tiny sentence-encoder folder in the Hugging Face layout transformers.js reads:
//   <dir>/config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encoderOnnx, randomEncoderWeights, type EncoderWeights } from './onnx-encoder.ts';
import { bertWords, tokenizerConfigJson, tokenizerJson, wordpieceVocab } from './wordpiece.ts';

export interface TinyEncoderOptions {
  /** texts whose words become whole-word tokens (the rest are spelled out in characters) */
  corpus: string[];
  hidden?: number;
  ffn?: number;
  maxPositions?: number;
  seed: number;
}

export async function writeTinyEncoder(dir: string, options: TinyEncoderOptions): Promise<{ weights: EncoderWeights; vocab: Map<string, number> }> {
  const hidden = options.hidden ?? 32;
  const maxPositions = options.maxPositions ?? 128;
  const vocab = wordpieceVocab(options.corpus.flatMap(bertWords).filter((w) => w.length > 1));
  const weights = randomEncoderWeights(vocab.size, hidden, options.ffn ?? 2 * hidden, maxPositions, options.seed);
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const json = (name: string, value: object) => writeFile(join(dir, name), JSON.stringify(value, null, 1));
  await json('config.json', {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: hidden,
    num_attention_heads: 1,
    num_hidden_layers: 1,
    intermediate_size: weights.ffn,
    vocab_size: vocab.size,
    max_position_embeddings: maxPositions,
    type_vocab_size: 2,
    pad_token_id: 0,
  });
  await json('tokenizer.json', tokenizerJson(vocab));
  await json('tokenizer_config.json', tokenizerConfigJson(maxPositions));
  await writeFile(join(dir, 'onnx', 'model.onnx'), encoderOnnx(weights));
  return { weights, vocab };
}
