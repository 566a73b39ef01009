// sai-dpo: the lab's command line. Each command lives in src/cli/commands/<name>.ts and exports
// `summary` (one line for --help), `usage` (its own help) and `run(args): Promise<number>` (the exit code).
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
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
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
    process.stderr.write(`sai-dpo ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function helpText(): Promise<string> {
  const lines = ['usage: sai-dpo <command> [options]   (sai-dpo <command> --help for its options)', '', 'commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const summary = await load().then((c) => c.summary, () => '(not available)');
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  return lines.join('\n') + '\n';
}
