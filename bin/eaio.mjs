#!/usr/bin/env node
// The `eaio` command. It runs the compiled CLI in dist/cli/ (built by `npm ci`/`npm install`
// through `prepare`, or here on first run and whenever a source file changed since the last
// build; see bin/compile.mjs). Where no build can be made (a read-only checkout), or with
// EAIO_TSX=1, it runs the TypeScript through tsx instead, which is slower to start.
import { compiledEntry } from './compile.mjs';

const entry = process.env.EAIO_TSX === '1' ? undefined : await compiledEntry();
if (entry) {
  process.setSourceMapsEnabled(true); // stack traces name the TypeScript files
  await import(entry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../apps/producer/src/cli.ts');
}
