import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePortfolio, type GeneratedPortfolio } from '../synthetic/generate-portfolio';
import { computePortfolioFacts } from './portfolio-facts';

let dir: string;
let portfolio: GeneratedPortfolio;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eaio-portfolio-'));
  portfolio = await generatePortfolio({ buildings: 6, seed: 7, outDir: dir, outageShare: 1, anomalyShare: 1 });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('generatePortfolio', () => {
  it('is deterministic by seed and writes BDG2-shaped files', async () => {
    const again = await generatePortfolio({ buildings: 6, seed: 7, outDir: join(dir, 'again'), outageShare: 1, anomalyShare: 1 });
    expect(await readFile(again.files.meter, 'utf8')).toBe(await readFile(portfolio.files.meter, 'utf8'));
    const other = await generatePortfolio({ buildings: 6, seed: 8, outDir: join(dir, 'other') });
    expect(await readFile(other.files.meter, 'utf8')).not.toBe(await readFile(portfolio.files.meter, 'utf8'));
    expect((await readFile(portfolio.files.meter, 'utf8')).split('\n')[0]).toBe('building_id,timestamp,kwh');
    expect((await readFile(portfolio.files.metadata, 'utf8')).split('\n')[0]).toContain('building_id,site_id,primaryspaceusage,sqm');
  });

  it('facts recover the injected outages and anomalies', async () => {
    const { facts, issues } = await computePortfolioFacts({
      meters: [{ meter: 'electricity', source: portfolio.files.meter }],
      metadata: portfolio.files.metadata,
      weather: portfolio.files.weather,
    });
    expect(issues).toEqual([]);
    for (const [index, building] of portfolio.buildings.entries()) {
      const meter = facts[index].meters[0];
      expect(facts[index].building.buildingId).toBe(building.buildingId);
      expect(meter.coverage.outages).toEqual(building.outages);
      for (const anomaly of building.anomalies) {
        const found = meter.anomalies.find((entry) => entry.date === anomaly.date && entry.kind.startsWith('day'));
        expect(found, `${building.buildingId} ${anomaly.date}`).toBeDefined();
        expect(found!.deviationPct > 0).toBe(anomaly.factor > 1);
      }
      expect(meter.weather?.days).toBeGreaterThan(300);
    }
  });

  it('an unsorted long file (path or stream) gives the same facts as the sorted one', async () => {
    const [header, ...rows] = (await readFile(portfolio.files.meter, 'utf8')).trim().split('\n');
    const shuffled = rows
      .map((row, index) => ({ row, key: (index * 7919) % rows.length }))
      .sort((a, b) => a.key - b.key)
      .map((entry) => entry.row);
    const unsortedPath = join(dir, 'unsorted.csv');
    await writeFile(unsortedPath, `${header}\n${shuffled.join('\n')}\n`);
    const base = { metadata: portfolio.files.metadata, weather: portfolio.files.weather };
    const sorted = await computePortfolioFacts({ ...base, meters: [{ meter: 'electricity', source: portfolio.files.meter }] });
    const fromPath = await computePortfolioFacts({ ...base, meters: [{ meter: 'electricity', source: unsortedPath }] });
    const fromStream = await computePortfolioFacts({ ...base, meters: [{ meter: 'electricity', source: { stream: createReadStream(unsortedPath), name: 'unsorted' } }] });
    expect(fromPath.issues.map((issue) => issue.kind)).toEqual(['unsorted-input']);
    expect(fromPath.facts).toEqual(sorted.facts);
    expect(fromStream.facts).toEqual(sorted.facts);
  });

  it('the wide format of the same portfolio gives the same facts', async () => {
    const wide = await generatePortfolio({ buildings: 6, seed: 7, outDir: join(dir, 'wide'), outageShare: 1, anomalyShare: 1, format: 'wide' });
    expect((await readFile(wide.files.meter, 'utf8')).split('\n')[0]).toBe(`timestamp,${portfolio.buildings.map((building) => building.buildingId).join(',')}`);
    const base = { metadata: portfolio.files.metadata, weather: portfolio.files.weather };
    const fromWide = await computePortfolioFacts({ ...base, meters: [{ meter: 'electricity', source: wide.files.meter }] });
    const fromLong = await computePortfolioFacts({ ...base, meters: [{ meter: 'electricity', source: portfolio.files.meter }] });
    expect(fromWide.facts).toEqual(fromLong.facts);
  });
});
