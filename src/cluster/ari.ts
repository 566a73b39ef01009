// Adjusted Rand index (Hubert & Arabie 1985, "Comparing partitions"): agreement of two labelings of the same items,
// 1 for identical partitions (up to renaming), about 0 for independent ones, negative below chance. Computed from
// the pair confusion counts as scikit-learn does:
//   ARI = 2 (tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn))
// where tp counts pairs together in both labelings, tn pairs apart in both, fp / fn pairs together in only one.

export function adjustedRandIndex(a: ArrayLike<number | string>, b: ArrayLike<number | string>): number {
  if (a.length !== b.length) throw new Error(`adjustedRandIndex: the labelings have different lengths (${a.length} and ${b.length})`);
  const n = a.length;
  const ia = denseLabels(a);
  const ib = denseLabels(b);
  const contingency = new Map<number, number>();
  const rowSums = new Float64Array(ia.count);
  const colSums = new Float64Array(ib.count);
  for (let i = 0; i < n; i++) {
    const key = ia.labels[i] * ib.count + ib.labels[i];
    contingency.set(key, (contingency.get(key) ?? 0) + 1);
    rowSums[ia.labels[i]]++;
    colSums[ib.labels[i]]++;
  }
  // pairs of items counted as ordered pairs, as in scikit-learn's pair_confusion_matrix
  let sumSquares = 0;
  for (const c of contingency.values()) sumSquares += c * c;
  const sumRows = sumOfSquares(rowSums);
  const sumCols = sumOfSquares(colSums);
  const tp = sumSquares - n;
  const fp = sumCols - sumSquares; // together in b only
  const fn = sumRows - sumSquares; // together in a only
  const tn = n * n - fp - fn - sumSquares;
  if (fn === 0 && fp === 0) return 1; // identical partitions, including the all-in-one and all-apart cases
  return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

function denseLabels(values: ArrayLike<number | string>): { labels: Int32Array; count: number } {
  const ids = new Map<number | string, number>();
  const labels = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let id = ids.get(values[i]);
    if (id === undefined) ids.set(values[i], (id = ids.size));
    labels[i] = id;
  }
  return { labels, count: ids.size };
}

function sumOfSquares(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v * v;
  return s;
}
