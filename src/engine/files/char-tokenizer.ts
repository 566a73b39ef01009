// A character-level Hugging Face tokenizer.json: a WordLevel model over one-character pieces, so every
// character (newline and printable ASCII) is one token. Small models (the bundled one, test models) use it.

/** newline, then the 95 printable ASCII characters (space to tilde) */
export const CHARACTERS: readonly string[] = ['\n', ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))];

/**
 * tokenizer.json with `specials` first (ids 0, 1, ...), then CHARACTERS, then placeholder tokens
 * `<extra_ID>` up to `vocab` when given.
 */
export function characterTokenizerJson(specials: readonly string[], unkToken: string, vocab = 0): Record<string, unknown> {
  const tokens = [...specials, ...CHARACTERS];
  for (let id = tokens.length; id < vocab; id++) tokens.push(`<extra_${id}>`);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, id) => ({
      id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: null,
    // [\s\S] rather than "." so that a newline is a token too
    pre_tokenizer: { type: 'Split', pattern: { Regex: '[\\s\\S]' }, behavior: 'Isolated', invert: false },
    post_processor: null,
    decoder: { type: 'Fuse' },
    model: { type: 'WordLevel', vocab: Object.fromEntries(tokens.map((t, id) => [t, id])), unk_token: unkToken },
  };
}
