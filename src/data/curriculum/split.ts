// The fixed train/test split: a hash of a problem's canonical key (generator, level, mathematical parameters,
// never its wording) decides where it belongs, so the same problem can never be in both splits, whatever
// seed or phrasing produced it.
import { hashString } from './rng.ts';

export type Split = 'train' | 'test';

/** Share of all problems held out for testing, in per-mille. */
export const TEST_PER_MILLE = 100;

const SALT = 'sai-dpo-curriculum-split-v1|';

export function splitOfKey(key: string): Split {
  return hashString(SALT + key) % 1000 < TEST_PER_MILLE ? 'test' : 'train';
}
