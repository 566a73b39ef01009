// Splitting work into GPU-sized pieces: consecutive groups of sequences whose padded block
// (count × longest) stays under a row budget, so no activation tensor outgrows a buffer binding.

/** Consecutive groups of indices into `lengths`; each holds at least one item and at most `maxItems`. */
export function groupByRows(lengths: number[], budgetRows: number, maxItems = Infinity): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let longest = 0;
  lengths.forEach((len, i) => {
    const nextLongest = Math.max(longest, len);
    if (current.length > 0 && ((current.length + 1) * nextLongest > budgetRows || current.length >= maxItems)) {
      groups.push(current);
      current = [];
      longest = len;
    } else longest = nextLongest;
    current.push(i);
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

/** [from, to) ranges of at most `size` over 0..n. */
export function ranges(n: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let from = 0; from < n; from += size) out.push([from, Math.min(n, from + size)]);
  return out;
}
