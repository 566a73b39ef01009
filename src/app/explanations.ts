// What each stage does and why, in two or three plain sentences: the text a teacher would say while the panel
// fills. Kept in one place so the page, the printable report and the tests read the same words.

export const EXPLANATIONS = {
  map: `Every problem in the pool is a dot. Problems that exercise the same knowledge points (fractions, percent,
    linear equations, …) are embedded close together and grouped into clusters by K-means; the map is a 2-D projection
    of those embeddings. Circled dots are problems the model got wrong during the probe, diamonds are the problems
    drawn for training in this iteration.`,
  probe: `Before choosing what to train on, the model takes a short test: a small sample of every cluster, answered
    K times each, judged by the answer verifier. A problem's pass rate is the share of its K answers that were right.
    Clusters with low pass rates are where the model is weak; problems it always or never solves teach it little.`,
  sampling: `SAI-DPO spends this iteration's budget where the probe found errors: each cluster's weight grows with
    its error rate, and inside a cluster it prefers problems near the model's frontier (sometimes right, sometimes
    wrong). Random sampling would draw clusters in proportion to their size (the grey bars), so a pool full of
    easy, mastered problems would mostly be spent on them.`,
  pairs: `The model answers each drawn problem K times. When at least one answer is right and one is wrong, the
    verifier's verdicts make a preference pair: a right answer is "chosen", a wrong one "rejected". Problems whose
    answers are all right or all wrong give no pair; the pair yield says how many did.`,
  training: `DPO nudges the model toward the chosen answers and away from the rejected ones, relative to the model
    at the start of the iteration. rewards/margins is how much more the model now prefers chosen over rejected
    (in units of β × log-probability); rewards/accuracies is the share of pairs where it prefers the chosen one.
    A falling loss with rising margins means the model is learning the pairs.`,
  evaluation: `After each iteration the model answers held-out problems it never trains on, greedily, and the verifier
    scores them. Iteration 0 is the model before any training. The heat map shows accuracy per knowledge point and
    iteration, so you can see whether the skills the sampler chose actually improved.`,
  compare: `One run can be lucky. Here runs with different samplers and seeds are put on one chart: the line is the
    mean held-out accuracy across seeds, the band its 95% interval. SAI-DPO helps when its line sits above random
    sampling's and the paired difference's interval stays above zero.`,
} as const;

export type PanelName = keyof typeof EXPLANATIONS;

/** The explanation as one paragraph (the source is wrapped for reading). */
export function explanation(panel: PanelName): string {
  return EXPLANATIONS[panel].replace(/\s+/g, ' ').trim();
}
