#!/usr/bin/env node
// Runs a TypeScript entry point of this project in Node: TypeScript through tsx, `?raw` imports through raw-loader.
// Usage: node bin/run-ts.mjs FILE.ts [args...]
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

register('./raw-loader.mjs', import.meta.url);
const { register: registerTsx } = await import('tsx/esm/api');
registerTsx();

export async function runTs(file) {
  return import(pathToFileURL(resolve(file)).href);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) { console.error('usage: node bin/run-ts.mjs FILE.ts [args...]'); process.exit(2); }
  process.argv = [process.argv[0], file, ...rest];
  await runTs(file);
}
