// sai-dpo: the lab's command line. Each command lives in src/cli/commands/<name>.ts and exports
// `summary` (one line for --help), `usage` (its own help) and `run(args): Promise<number>` (the exit code).
import { EXIT_CODES, UsageError } from './args.ts';

export interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

/** Command name -> module loader; loaded lazily so `sai-dpo verify` never starts a GPU. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  import: () => import('./commands/import.ts'),
  verify: () => import('./commands/verify.ts'),
  generate: () => import('./commands/generate.ts'),
  logprobs: () => import('./commands/logprobs.ts'),
  'dpo-grad': () => import('./commands/dpo-grad.ts'),
  'dpo-train': () => import('./commands/dpo-train.ts'),
  sft: () => import('./commands/sft.ts'),
  eval: () => import('./commands/eval.ts'),
  run: () => import('./commands/run.ts'),
  compare: () => import('./commands/compare.ts'),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    process.stdout.write(`sai-dpo ${await version()}\n`);
    return 0;
  }
  if (name === 'help' && rest.length > 0) return main([rest[0], '--help']);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(await helpText());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`sai-dpo: unknown command "${name}"\n\n${await helpText()}`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage.endsWith('\n') ? command.usage : command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    // the exit-code rule (src/cli/args.ts): 2 for a bad command line, 1 for a failed run
    const usage = error instanceof UsageError;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`sai-dpo ${name}: ${message}${usage ? `\n(sai-dpo help ${name} lists the options)` : ''}\n`);
    return usage ? 2 : 1;
  }
}

async function helpText(): Promise<string> {
  const lines = [
    'usage: sai-dpo <command> [options]   (sai-dpo help <command> for its options; sai-dpo --version)', '', 'commands:',
  ];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const summary = await load().then((c) => c.summary, () => '(not available)');
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  lines.push('', EXIT_CODES);
  return lines.join('\n') + '\n';
}

/** The version in package.json. */
async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
