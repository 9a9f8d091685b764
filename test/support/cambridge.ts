import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generatePortfolio } from '@eaio/energy';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The real meter sample shared with the project (never copied into it). */
export const CAMBRIDGE_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/data/cambridge_estates');
/** `EAIO_TEST_SAMPLE=stand-in` runs on the generated stand-in even where the real sample is there (to check that path). */
const realSample = (): boolean => process.env.EAIO_TEST_SAMPLE !== 'stand-in' && existsSync(join(CAMBRIDGE_DIR, 'electricity.csv'));

/**
 * Where a checkout has no `../shared/data` beside it (a clone elsewhere), the tests that want
 * real buildings get a generated stand-in in the same file layout (60 buildings, electricity,
 * seeded) instead of being skipped; it is written once into the system temp folder.
 */
const STAND_IN_DIR = join(tmpdir(), 'eaio-sample-stand-in-v1');
let standIn: Promise<string> | undefined;
const sampleDir = async (): Promise<string> => {
  if (realSample()) return CAMBRIDGE_DIR;
  standIn ??= (async () => {
    if (existsSync(join(STAND_IN_DIR, 'metadata.csv'))) return STAND_IN_DIR;
    const building = `${STAND_IN_DIR}.${process.pid}.${Date.now()}`;
    await mkdir(building, { recursive: true });
    await generatePortfolio({ outDir: building, seed: 60, buildings: 60, outageShare: 0.4, anomalyShare: 0.6 });
    await rename(building, STAND_IN_DIR).catch(async () => rm(building, { recursive: true, force: true }));
    return STAND_IN_DIR;
  })();
  return standIn;
};
/** Always true: the real sample, or the generated stand-in. */
export const cambridgeAvailable = (): boolean => true;

/**
 * Writes the electricity and metadata rows of some Cambridge buildings to `dir`
 * (one pass over the 15 MB file per call), for tests that need disjoint sets.
 */
export const writeCambridgeSubset = async (dir: string, name: string, buildings: string[]): Promise<{ meter: string; metadata: string; weather: string }> => {
  const keep = new Set(buildings);
  const meter = join(dir, `${name}-electricity.csv`);
  const out = createWriteStream(meter);
  let header = true;
  const source = await sampleDir();
  for await (const line of createInterface({ input: createReadStream(join(source, 'electricity.csv')) })) {
    if (header) {
      out.write(`${line}\n`);
      header = false;
      continue;
    }
    const comma = line.indexOf(',');
    if (keep.has(line.slice(0, comma))) out.write(`${line}\n`);
  }
  await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
  const metadataLines = (await readFile(join(source, 'metadata.csv'), 'utf8')).trim().split('\n');
  const metadata = join(dir, `${name}-metadata.csv`);
  await writeFile(metadata, [metadataLines[0], ...metadataLines.slice(1).filter((line) => keep.has(line.split(',')[0]))].join('\n') + '\n');
  return { meter, metadata, weather: join(source, 'weather.csv') };
};

/** Building ids of the sample, in file order. */
export const cambridgeBuildings = async (): Promise<string[]> =>
  (await readFile(join(await sampleDir(), 'metadata.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0]);
