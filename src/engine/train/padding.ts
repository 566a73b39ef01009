// Padded lengths of training passes: a batch's rows are right-padded to its longest row rounded up to a multiple of
// LENGTH_BUCKET, so batches of different lengths share shapes (the runtime's buffers, bind groups and uniforms
// are found again instead of made anew). Padding never changes the loss or the gradients: attention is causal, so
// the padding positions (after every real token of their row) are seen by no real position; they carry no target
// (dL/dlogp = 0 there), so every gradient they send back is zero.

/** Tokens a padded length is rounded up to a multiple of (1: no rounding, the batch's longest row). */
export const LENGTH_BUCKET = 16;

/** The padded length of a pass whose longest row has `longest` tokens. */
export function paddedLength(longest: number, bucket = LENGTH_BUCKET): number {
  if (!Number.isInteger(bucket) || bucket < 1) throw new Error(`length bucket must be a positive integer, got ${bucket}`);
  return Math.ceil(longest / bucket) * bucket;
}
