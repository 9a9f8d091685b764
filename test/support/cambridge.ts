import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The real meter sample shared with the project (never copied into it). */
export const CAMBRIDGE_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/data/cambridge_estates');
export const cambridgeAvailable = (): boolean => existsSync(join(CAMBRIDGE_DIR, 'electricity.csv'));

/**
 * Writes the electricity and metadata rows of some Cambridge buildings to `dir`
 * (one pass over the 15 MB file per call), for tests that need disjoint sets.
 */
export const writeCambridgeSubset = async (dir: string, name: string, buildings: string[]): Promise<{ meter: string; metadata: string; weather: string }> => {
  const keep = new Set(buildings);
  const meter = join(dir, `${name}-electricity.csv`);
  const out = createWriteStream(meter);
  let header = true;
  for await (const line of createInterface({ input: createReadStream(join(CAMBRIDGE_DIR, 'electricity.csv')) })) {
    if (header) {
      out.write(`${line}\n`);
      header = false;
      continue;
    }
    const comma = line.indexOf(',');
    if (keep.has(line.slice(0, comma))) out.write(`${line}\n`);
  }
  await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
  const metadataLines = (await readFile(join(CAMBRIDGE_DIR, 'metadata.csv'), 'utf8')).trim().split('\n');
  const metadata = join(dir, `${name}-metadata.csv`);
  await writeFile(metadata, [metadataLines[0], ...metadataLines.slice(1).filter((line) => keep.has(line.split(',')[0]))].join('\n') + '\n');
  return { meter, metadata, weather: join(CAMBRIDGE_DIR, 'weather.csv') };
};

/** Building ids of the sample, in file order. */
export const cambridgeBuildings = async (): Promise<string[]> =>
  (await readFile(join(CAMBRIDGE_DIR, 'metadata.csv'), 'utf8')).trim().split('\n').slice(1).map((line) => line.split(',')[0]);
