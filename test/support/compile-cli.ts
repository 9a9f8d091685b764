import { compiledEntry } from '../../bin/compile.mjs';

/**
 * Vitest global setup: compiles the CLI (bin/compile.mjs) when dist/ is missing or older
 * than the sources, once before any test file runs. Tests spawn `bin/eaio.mjs`, which then
 * starts the compiled CLI instead of each spawn building (or transpiling through tsx) on
 * its own; where no build can be made it still falls back to tsx.
 */
export default async function compileCli(): Promise<void> {
  await compiledEntry();
}
