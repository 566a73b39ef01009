// Scores of the verifier against labelled cases: agreement, precision and recall of "equal", and the rate of
// false "equal" verdicts among the cases labelled not equal.

export interface ScoreCounts {
  /** labelled equal, judged equal */
  truePositive: number;
  /** labelled not equal, judged equal */
  falsePositive: number;
  /** labelled equal, judged not equal */
  falseNegative: number;
  /** labelled not equal, judged not equal */
  trueNegative: number;
}

export interface Score extends ScoreCounts {
  cases: number;
  agreement: number;
  precision: number;
  recall: number;
  /** falsePositive / (cases labelled not equal) */
  falsePositiveRate: number;
}

export function emptyCounts(): ScoreCounts {
  return { truePositive: 0, falsePositive: 0, falseNegative: 0, trueNegative: 0 };
}

export function countVerdict(counts: ScoreCounts, expected: boolean, judged: boolean): void {
  if (expected && judged) counts.truePositive++;
  else if (!expected && judged) counts.falsePositive++;
  else if (expected) counts.falseNegative++;
  else counts.trueNegative++;
}

/** The ratios of the counts (NaN where a ratio has no cases). */
export function score(counts: ScoreCounts): Score {
  const { truePositive: tp, falsePositive: fp, falseNegative: fn, trueNegative: tn } = counts;
  const cases = tp + fp + fn + tn;
  const ratio = (a: number, b: number) => (b === 0 ? NaN : a / b);
  return { ...counts, cases, agreement: ratio(tp + tn, cases), precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), falsePositiveRate: ratio(fp, fp + tn) };
}
