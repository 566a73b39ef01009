// tiny-math's shape and tokenizer: one place that both the data exporter and the folder writer read.
import { CHARACTERS } from '../../src/engine/files/char-tokenizer.ts';

export const SPECIAL_TOKENS = ['<pad>', '<s>', '</s>', '<unk>'] as const;
/** Characters the curriculum writes beyond printable ASCII. */
export const EXTRA_CHARACTERS = ['×', '÷'] as const;
/** Every token: specials (ids 0..3), newline + printable ASCII, then the extra characters. */
export const TOKENS: readonly string[] = [...SPECIAL_TOKENS, ...CHARACTERS, ...EXTRA_CHARACTERS];

export const SHAPE = {
  hidden: 128,
  intermediate: 384,
  layers: 4,
  heads: 4,
  kvHeads: 2,
  vocab: TOKENS.length,
  maxPositions: 512,
};
