// One row of the bench table: our figure and, where there is one, the baseline measured in the same run.
export interface BenchRow {
  group: string; // e.g. "matmul f32", "generation", "verifier"
  name: string; // e.g. "M=64 K=512 N=1536"
  value: number;
  unit: string; // e.g. "GFLOP/s", "tokens/s", "checks/s"
  baseline?: { name: string; value: number };
  note?: string;
}

export interface BenchContext {
  /** adapter description, e.g. "llvmpipe (Mesa 25)" */
  adapter: string;
  /** quick mode: fewer repetitions (for smoke-testing the bench itself) */
  quick: boolean;
  /** the --only group substring (lower case), for modules that run several environments and can skip some */
  only?: string | null;
}

/** A bench module exports `bench(ctx): Promise<BenchRow[]>`. */
export type BenchModule = { bench(ctx: BenchContext): Promise<BenchRow[]> };
