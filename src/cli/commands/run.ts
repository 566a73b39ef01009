// sai-dpo run: one SAI-DPO experiment, headless and offline, resumable.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { applySettings, configDifferences, parseConfig, parseConfigText, type ConfigInput, type ExperimentConfig } from '../../loop/config.ts';
import { nodeEnvironment } from '../../loop/node-environment.ts';
import { writeRunArtifacts } from '../../loop/artifacts.ts';
import { LoopRunner, type LoopEnvironment } from '../../loop/runner.ts';
import { FolderStore } from '../../store/folder-store.ts';
import { optionsHelp, parseCommandLine, UsageError } from '../args.ts';
import { progressPrinter } from '../../loop/run-log.ts';
import { policyFromOptions, REMOTE_RUN_OPTIONS } from '../../backends/index.ts';

export const summary = 'run a SAI-DPO experiment (probe, sample, pairs, DPO, eval per iteration); resumable';

const OPTIONS = {
  config: { kind: 'string', placeholder: 'EXP.json', help: 'the experiment (plain JSON; missing fields take their defaults)' },
  out: { kind: 'string', required: true, placeholder: 'DIR', help: 'where the run lives: metrics.jsonl, pairs, adapters, the stage outputs' },
  resume: { kind: 'flag', help: 'go on with the run in DIR from its first stage with no saved output' },
  set: { kind: 'list', placeholder: 'KEY=VALUE', help: 'override one config field, e.g. --set sampler.name=random --set iterations=1' },
  // an OpenAI-compatible server and an external trainer instead of the engine (src/backends, docs/multi-gpu.md)
  ...REMOTE_RUN_OPTIONS,
} as const;

export const usage = `usage: sai-dpo run [--config EXP.json] --out DIR [--resume] [--set KEY=VALUE]...

With no --config the default experiment runs: the bundled tiny-math model on the curriculum's imbalanced pool with
the SAI-DPO sampler (see configs/ and src/loop/README.md for every field).
Writes DIR/metrics.jsonl (one line per stage and iteration; eval lines carry "accuracy"), DIR/train.jsonl (DPO
metrics per step), DIR/pairs/iter-N.jsonl (TRL format), DIR/adapters/iter-N/ (PEFT), DIR/config.json and the
stage outputs in DIR/store/run/. Progress with ETA goes to stderr.
With --backend openai --trainer external an OpenAI-compatible server answers and each iteration hands its pairs to
TRL or OpenRLHF, then waits for the new checkpoint (docs/multi-gpu.md).

options:
${optionsHelp(OPTIONS)}`;

export const RUN_ID = 'run';

/** The config the command line asks for: --config (or the defaults), then each --set. */
export async function commandLineConfig(configPath: string | undefined, settings: string[]): Promise<ExperimentConfig> {
  let input: ConfigInput = {};
  if (configPath) {
    const text = await readFile(resolve(configPath), 'utf8').catch((error: Error) => {
      throw new UsageError(`--config: cannot read ${configPath}: ${error.message}`);
    });
    input = parseConfigText(text, configPath);
  }
  return applySettings(parseConfig(input), settings);
}

export interface RunOptions {
  out: string;
  config: ExperimentConfig | null;
  resume: boolean;
  environment?: (store: FolderStore) => LoopEnvironment;
  quiet?: boolean;
}

/** Runs (or resumes) the experiment in `out`; returns the runner's final stage state. */
export async function runExperiment(options: RunOptions): Promise<{ finished: boolean }> {
  const out = resolve(options.out);
  const store = new FolderStore(join(out, 'store'));
  const saved = await store.get(RUN_ID, 'config');
  if (saved !== undefined && !options.resume) {
    throw new UsageError(`${out} already holds a run: pass --resume to go on with it, or choose another --out`);
  }
  if (saved !== undefined && options.config) {
    const differences = configDifferences(parseConfig(saved), options.config);
    if (differences.length > 0) throw new Error(`cannot resume ${out}: its run was made with a different config; these keys differ: ${differences.join(', ')}`);
  }
  const config = options.config ?? (saved !== undefined ? parseConfig(saved) : parseConfig({}));
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const env = options.environment ? options.environment(store) : nodeEnvironment({ store });
  const printer = progressPrinter(out, config, options.quiet ?? false);
  const runner = await LoopRunner.open(env, RUN_ID, config, printer.listen);
  try {
    const next = await runner.run();
    return { finished: next === null };
  } finally {
    await printer.flush();
    await runner.dispose();
    await writeRunArtifacts(store, RUN_ID, out);
  }
}

export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, OPTIONS);
  // remote backends: undefined keeps the engine's policy
  const remote = policyFromOptions(values, { outDir: resolve(values.out), resume: values.resume, log: (line) => process.stderr.write(`${line}\n`) });
  const config = values.config || values.set.length ? await commandLineConfig(values.config, values.set) : null;
  const environment = remote && ((store: FolderStore) => nodeEnvironment({ store, policy: remote }));
  const { finished } = await runExperiment({ out: values.out, config, resume: values.resume, environment });
  process.stderr.write(finished ? `done: ${resolve(values.out)}/metrics.jsonl\n` : 'paused\n');
  return 0;
}
