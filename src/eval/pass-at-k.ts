// pass@k: the chance that at least one of k samples is correct, estimated without bias from n samples of which
// c are correct (Chen et al. 2021, "Evaluating Large Language Models Trained on Code", eq. 1):
//   pass@k = 1 − C(n − c, k) / C(n, k), computed as a product to stay exact for large n.
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw new Error(`passAtK: need integers 0 <= c <= n and 1 <= k <= n, got n=${n} c=${c} k=${k}`);
  }
  if (n - c < k) return 1;
  let allWrong = 1; // C(n − c, k) / C(n, k) = Π_{i = n − c + 1}^{n} (1 − k / i)
  for (let i = n - c + 1; i <= n; i++) allWrong *= 1 - k / i;
  return 1 - allWrong;
}
